"""``chinhquyen calendar due | between | days``: the working-time calendar on the command line.

    chinhquyen calendar due --from 2026-02-13T09:00 --days 5     → 2026-02-27T09:00:00+07:00
    chinhquyen calendar due --from 2026-02-13T09:00 --hours 8    → 2026-02-23T09:30:00+07:00
    chinhquyen calendar between 2026-02-13T09:00 2026-02-24T10:00
    chinhquyen calendar days --year 2026 [--json]

Naive date-times are read as Asia/Ho_Chi_Minh time; output is ISO 8601 with +07:00. Bad input
→ a bilingual message and exit status 2.
"""

from __future__ import annotations

import datetime
import json
from decimal import Decimal, InvalidOperation

from django.core.management.base import CommandError

from chinhquyen.audit.commands import AuditedCommand
from chinhquyen.worktime.calendar import (
    WorkCalendar,
    WorkTimeError,
    parse_local_datetime,
    to_local,
)

WEEKDAYS_VI = ["Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật"]
WEEKDAYS_EN = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]


def _bad(message: str) -> CommandError:
    return CommandError(message, returncode=2)


def _hours_text(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text


def describe(total: datetime.timedelta, day_length: datetime.timedelta) -> dict:
    """Split a working time into working days, hours and minutes (days of ``day_length``)."""
    micro = total // datetime.timedelta(microseconds=1)
    sign = -1 if micro < 0 else 1
    micro = abs(micro)
    day_us = day_length // datetime.timedelta(microseconds=1)
    days, rest = divmod(micro, day_us)
    hours, rest = divmod(rest, 3_600_000_000)
    minutes, rest = divmod(rest, 60_000_000)
    seconds = Decimal(rest) / Decimal(1_000_000)
    total_hours = (Decimal(sign * micro) / Decimal(3_600_000_000)).quantize(Decimal("0.0001"))
    return {
        "sign": sign,
        "days": days,
        "hours": hours,
        "minutes": minutes,
        "seconds": seconds,
        "total_hours": total_hours,
        "total_seconds": Decimal(sign * micro) / Decimal(1_000_000),
        "day_length_hours": Decimal(day_us) / Decimal(3_600_000_000),
    }


def human(parts: dict) -> str:
    minus = "-" if parts["sign"] < 0 else ""
    seconds = parts["seconds"]
    extra_vi = f" {_hours_text(seconds)} giây" if seconds else ""
    extra_en = f" {_hours_text(seconds)} s" if seconds else ""
    return (
        f"{minus}{parts['days']} ngày {parts['hours']} giờ {parts['minutes']} phút{extra_vi} "
        f"làm việc / {minus}{parts['days']} working days {parts['hours']} h "
        f"{parts['minutes']} min{extra_en} ({_hours_text(parts['total_hours'])} working hours; "
        f"1 working day = {_hours_text(parts['day_length_hours'])} h)"
    )


class Command(AuditedCommand):
    help = "Working-time calendar: deadlines, working time between two instants, days of a year."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True)
        due = sub.add_parser("due", help="Print the deadline after N working days or hours.")
        due.add_argument("--from", dest="start", required=True, help="e.g. 2026-02-13T09:00")
        due.add_argument("--days", default="0", help="working days (whole number)")
        due.add_argument("--hours", default="0", help="working hours (may be decimal, e.g. 2.5)")
        due.add_argument("--json", action="store_true", help="print JSON")
        between = sub.add_parser("between", help="Print the working time between two instants.")
        between.add_argument("a", help="start, e.g. 2026-02-13T09:00")
        between.add_argument("b", help="end, e.g. 2026-02-24T10:00")
        between.add_argument("--json", action="store_true", help="print JSON")
        days = sub.add_parser("days", help="List the holidays, days off and make-up days.")
        days.add_argument("--year", required=True, help="e.g. 2026")
        days.add_argument("--json", action="store_true", help="print JSON")

    def handle(self, *args, **options):
        try:
            getattr(self, f"handle_{options['subcommand']}")(**options)
        except WorkTimeError as error:
            raise _bad(str(error)) from None

    def handle_due(self, *, start: str, days: str, hours: str, json: bool = False, **options):
        moment = parse_local_datetime(start)
        if not days.strip().isdigit():
            raise _bad(
                f"--days phải là số nguyên ≥ 0 / --days must be a whole number ≥ 0: “{days}”."
            )
        try:
            hours_value = Decimal(hours.strip())
        except InvalidOperation:
            hours_value = None
        if hours_value is None or not hours_value.is_finite() or hours_value < 0:
            raise _bad(f"--hours phải là số ≥ 0 / --hours must be a number ≥ 0: “{hours}”.")
        days_value = int(days)
        if days_value == 0 and hours_value == 0:
            raise _bad("Cần --days hoặc --hours / Give --days or --hours (more than zero).")
        cal = WorkCalendar.current()
        deadline = cal.add(moment, days=days_value, hours=hours_value)
        if json:
            self._json(
                {
                    "from": moment.isoformat(),
                    "counted_from": cal.normalise(to_local(moment)).isoformat() + "+07:00",
                    "days": days_value,
                    "hours": _hours_text(hours_value),
                    "due": deadline.isoformat(),
                }
            )
            return
        self.stdout.write(deadline.isoformat())

    def handle_between(self, *, a: str, b: str, json: bool = False, **options):
        start, end = parse_local_datetime(a), parse_local_datetime(b)
        cal = WorkCalendar.current()
        total = cal.between(start, end)
        parts = describe(total, cal.hours_on(start.date()).day_length)
        if json:
            self._json(
                {
                    "from": start.isoformat(),
                    "to": end.isoformat(),
                    "seconds": _hours_text(parts["total_seconds"]),
                    "hours": _hours_text(parts["total_hours"]),
                    "working_days": parts["sign"] * parts["days"],
                    "remainder_hours": parts["hours"],
                    "remainder_minutes": parts["minutes"],
                    "day_length_hours": _hours_text(parts["day_length_hours"]),
                }
            )
            return
        self.stdout.write(human(parts))

    def handle_days(self, *, year: str, json: bool = False, **options):
        if not year.strip().isdigit():
            raise _bad(f"--year phải là một năm, ví dụ 2026 / --year must be a year: “{year}”.")
        cal = WorkCalendar.current()
        infos = [info for info in cal.year_days(int(year)) if info.is_notable]
        if json:
            self._json(
                [
                    {
                        "date": info.date.isoformat(),
                        "working": info.is_working,
                        "source": info.source,
                        "reason": info.reason,
                        "legal_reference": info.legal_reference,
                        "library_reason": info.library_reason,
                    }
                    for info in infos
                ]
            )
            return
        for info in infos:
            weekday = info.date.weekday()
            status = "làm việc / working" if info.is_working else "nghỉ / day off"
            source = "quản trị / administrator" if info.source == "administrator" else "holidays"
            line = (
                f"{info.date.isoformat()}  {WEEKDAYS_VI[weekday]} / {WEEKDAYS_EN[weekday]}  "
                f"{status}  {info.reason}  [{source}]"
            )
            if info.legal_reference:
                line += f"  ({info.legal_reference})"
            if info.source == "administrator" and info.library_reason:
                line += f"  {{holidays: {info.library_reason}}}"
            self.stdout.write(line)

    def _json(self, data) -> None:
        self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
