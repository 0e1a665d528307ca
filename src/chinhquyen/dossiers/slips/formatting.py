"""Vietnamese administrative formats for dates, times and money on the slips.

Decree 30/2020 Appendix I: dates in Arabic numerals, a day below 10 and the months 1 and 2 take a
leading zero ("ngày 05 tháng 02 năm 2026", but "ngày 15 tháng 3 năm 2026"). Times are printed the
way the forms ask for them: "09 giờ 00 phút, ngày 05 tháng 02 năm 2026". All datetimes are shown
in the site time zone (Asia/Ho_Chi_Minh).
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import pgettext


def _local(value: dt.datetime | dt.date) -> dt.datetime | dt.date:
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


def _day_month_year(value: dt.date) -> dict[str, str]:
    month = f"{value.month:02d}" if value.month <= 2 else str(value.month)
    return {"day": f"{value.day:02d}", "month": month, "year": str(value.year)}


def vn_date(value: dt.date | dt.datetime | None) -> str:
    """'ngày 05 tháng 02 năm 2026' (English: '05/02/2026')."""
    if value is None:
        return ""
    return pgettext("slip date", "%(day)s/%(month)s/%(year)s") % _day_month_year(_local(value))


def vn_datetime(value: dt.datetime | None) -> str:
    """'09 giờ 00 phút, ngày 05 tháng 02 năm 2026' (English: '09:00, 05/02/2026')."""
    if value is None:
        return ""
    local = _local(value)
    parts = {"hour": f"{local.hour:02d}", "minute": f"{local.minute:02d}"}
    parts.update(_day_month_year(local))
    return pgettext("slip time", "%(hour)s:%(minute)s, %(day)s/%(month)s/%(year)s") % parts


def short_datetime(value: dt.datetime | None) -> str:
    """'05/02/2026 09:00' for the narrow columns of the register."""
    if value is None:
        return ""
    local = _local(value)
    return f"{local.day:02d}/{local.month:02d}/{local.year} {local.hour:02d}:{local.minute:02d}"


def short_date(value: dt.date | dt.datetime | None) -> str:
    if value is None:
        return ""
    local = _local(value)
    return f"{local.day:02d}/{local.month:02d}/{local.year}"


def place_date_line(place: str, value: dt.date | dt.datetime) -> str:
    """'Tuyên Quang, ngày 05 tháng 02 năm 2026' (the line under the national motto)."""
    when = vn_date(value)
    return f"{place}, {when}" if place else when


def vnd(amount: int) -> str:
    """'1.250.000 đồng': whole đồng with dots between thousands."""
    grouped = f"{amount:,}".replace(",", ".")
    return pgettext("slip money", "%(amount)s VND") % {"amount": grouped}


def two_digits(value: int) -> str:
    """Counts on the forms are written with two digits: '01 bản chính'."""
    return f"{value:02d}"
