"""Reporting periods (kỳ báo cáo): day, month, quarter, year or a custom range of dates.

Every period is a range of **local dates, both ends included** (``Period.start`` …
``Period.end``); ``bounds()`` gives the half-open aware datetimes ``[start 00:00, end+1 00:00)``
used on raw tables. ``pieces(start, end)`` cuts a range into whole years, whole months,
whole weeks (inside a month) and single days, the grains the counters are kept at, so any
range reads few counter rows.

    parse("day", "2026-11-24")        parse("month", "2026-11")
    parse("quarter", "2026-Q4")       parse("year", "2026")
    parse("custom", start="2026-01-15", end="2026-02-03")
    from_query(request.GET)           # ?period=month&value=2026-11  or  ?from=…&to=…
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

KINDS = ("day", "month", "quarter", "year", "custom")
GRANULARITIES = ("day", "month", "quarter", "year")
MAX_CUSTOM_DAYS = 3660  # ten years: a wider range is a typo, not a report


class PeriodError(ValueError):
    """A period that cannot be read; ``str()`` is an English message, ``message`` is lazy."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


@dataclass(frozen=True)
class Period:
    kind: str
    start: datetime.date
    end: datetime.date  # inclusive

    @property
    def label(self) -> str:
        """Short label in Vietnamese usage: 24/11/2026, 11/2026, Q4/2026, 2026, a–b."""
        s = self.start
        if self.kind == "day":
            return s.strftime("%d/%m/%Y")
        if self.kind == "month":
            return s.strftime("%m/%Y")
        if self.kind == "quarter":
            return f"Q{(s.month - 1) // 3 + 1}/{s.year}"
        if self.kind == "year":
            return str(s.year)
        return f"{s:%d/%m/%Y}–{self.end:%d/%m/%Y}"

    @property
    def value(self) -> str:
        """The ``value`` that ``parse(kind, value)`` reads back (custom: ``start..end``)."""
        s = self.start
        return {
            "day": s.isoformat(),
            "month": f"{s:%Y-%m}",
            "quarter": f"{s.year}-Q{(s.month - 1) // 3 + 1}",
            "year": str(s.year),
        }.get(self.kind, f"{s.isoformat()}..{self.end.isoformat()}")

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def bounds(self) -> tuple[datetime.datetime, datetime.datetime]:
        return bounds(self.start, self.end)

    def previous(self) -> Period:
        """The period of the same kind just before (custom: same length)."""
        if self.kind == "custom" or self.kind == "day":
            length = datetime.timedelta(days=self.days)
            return Period(self.kind, self.start - length, self.end - length)
        return containing(self.kind, self.start - datetime.timedelta(days=1))


def _tz():
    from chinhquyen.worktime.calendar import TZ

    return TZ


def bounds(start: datetime.date, end: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """``[start 00:00, end + 1 day 00:00)`` in the province's local time (aware)."""
    tz = _tz()
    return (
        datetime.datetime.combine(start, datetime.time(), tzinfo=tz),
        datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time(), tzinfo=tz),
    )


def month_end(day: datetime.date) -> datetime.date:
    nxt = datetime.date(day.year + (day.month == 12), day.month % 12 + 1, 1)
    return nxt - datetime.timedelta(days=1)


def containing(kind: str, day: datetime.date) -> Period:
    """The day / month / quarter / year that contains ``day``."""
    if kind == "day":
        return Period("day", day, day)
    if kind == "month":
        return Period("month", day.replace(day=1), month_end(day))
    if kind == "quarter":
        first = datetime.date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
        last = month_end(datetime.date(day.year, first.month + 2, 1))
        return Period("quarter", first, last)
    if kind == "year":
        return Period("year", datetime.date(day.year, 1, 1), datetime.date(day.year, 12, 31))
    raise PeriodError(_("Unknown period kind."))


def _date(text) -> datetime.date:
    if isinstance(text, datetime.date):
        return text
    try:
        return datetime.date.fromisoformat(str(text).strip())
    except ValueError as exc:
        raise PeriodError(_("Write the date as YYYY-MM-DD.")) from exc


def parse(kind: str, value=None, *, start=None, end=None) -> Period:
    """Read a period. ``value``: ``2026-11-24`` (day), ``2026-11`` (month), ``2026-Q4`` or
    ``2026-4`` (quarter), ``2026`` (year); custom takes ``start``/``end`` (dates or ISO
    strings, inclusive) or ``value="2026-01-01..2026-03-31"``. Raises ``PeriodError``."""
    if kind not in KINDS:
        raise PeriodError(_("Unknown period kind."))
    text = str(value or "").strip()
    if kind == "custom":
        if text and ".." in text and start is None and end is None:
            start, end = text.split("..", 1)
        if start is None or end is None:
            raise PeriodError(_("Give both the first and the last day of the period."))
        first, last = _date(start), _date(end)
        if last < first:
            raise PeriodError(_("The last day is before the first day."))
        if (last - first).days >= MAX_CUSTOM_DAYS:
            raise PeriodError(_("The period is too long (at most ten years)."))
        return Period("custom", first, last)
    if kind == "day":
        return containing("day", _date(text))
    if kind == "month":
        match = re.fullmatch(r"(\d{4})-(\d{1,2})", text)
        if not match or not 1 <= int(match[2]) <= 12:
            raise PeriodError(_("Write the month as YYYY-MM."))
        return containing("month", datetime.date(int(match[1]), int(match[2]), 1))
    if kind == "quarter":
        match = re.fullmatch(r"(\d{4})-Q?([1-4])", text, flags=re.IGNORECASE)
        if not match:
            raise PeriodError(_("Write the quarter as YYYY-Q1 … YYYY-Q4."))
        return containing("quarter", datetime.date(int(match[1]), int(match[2]) * 3 - 2, 1))
    match = re.fullmatch(r"\d{4}", text)
    if not match or int(text) < 1900:
        raise PeriodError(_("Write the year as YYYY."))
    return containing("year", datetime.date(int(text), 1, 1))


def from_query(query, *, today: datetime.date | None = None, default: str = "month") -> Period:
    """A period from request parameters: ``period`` (kind) and ``value``, or ``from``/``to``
    (custom). Nothing given → the current ``default`` period (containing today)."""
    kind = (query.get("period") or "").strip()
    first, last = (query.get("from") or "").strip(), (query.get("to") or "").strip()
    if first or last or kind == "custom":
        return parse("custom", query.get("value"), start=first or None, end=last or None)
    if not kind:
        from django.utils import timezone

        today = today or timezone.localdate()
        return containing(default, today)
    return parse(kind, query.get("value"))


def pieces(start: datetime.date, end: datetime.date) -> list[tuple[str, datetime.date]]:
    """Cut ``[start, end]`` into ``(grain, period start)``: whole years ``y``, whole months
    ``m``, whole weeks ``w`` (Monday–Sunday, inside one month), single days ``d`` — few
    counter periods that cover the range exactly."""
    out: list[tuple[str, datetime.date]] = []
    day = start
    one = datetime.timedelta(days=1)
    while day <= end:
        if day.month == 1 and day.day == 1 and datetime.date(day.year, 12, 31) <= end:
            out.append(("y", day))
            day = datetime.date(day.year + 1, 1, 1)
        elif day.day == 1 and month_end(day) <= end:
            out.append(("m", day))
            day = month_end(day) + one
        elif day.weekday() == 0 and day + 6 * one <= end and (day + 6 * one).month == day.month:
            # a whole week inside one month (a week across a month end would stop the next
            # whole month from being read as one row)
            out.append(("w", day))
            day += 7 * one
        else:
            out.append(("d", day))
            day += one
    return out


def buckets(start: datetime.date, end: datetime.date, granularity: str) -> list[Period]:
    """The consecutive periods of ``granularity`` covering ``[start, end]``, the first and last
    clipped to the range (a series point never counts days outside it)."""
    if granularity not in GRANULARITIES:
        raise PeriodError(_("Unknown granularity."))
    out = []
    day = start
    while day <= end:
        whole = containing(granularity, day)
        piece_end = min(whole.end, end)
        kind = granularity if (whole.start == day and whole.end == piece_end) else "custom"
        out.append(Period(kind, day, piece_end))
        day = piece_end + datetime.timedelta(days=1)
    return out
