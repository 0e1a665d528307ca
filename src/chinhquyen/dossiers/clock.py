"""The working-time calendar, as the dossier services use it.

Every deadline is working time (``chinhquyen.worktime.calendar``): a working day is the
configured office hours (default 07:30–11:30 and 13:30–17:00, i.e. 7.5 hours) on a day that is
neither a weekend, a public holiday nor an announced day off. This module only adapts names and
converts the legal time of a procedure; it holds no calendar of its own.
"""

from datetime import datetime, timedelta
from decimal import Decimal

from chinhquyen.worktime import calendar


def add_days(start: datetime, days: int, *, work_calendar=None) -> datetime:
    return calendar.add_working_time(start, days=int(days), calendar=work_calendar)


def add_hours(start: datetime, hours: int | float | Decimal, *, work_calendar=None) -> datetime:
    return calendar.add_working_time(start, hours=Decimal(hours), calendar=work_calendar)


def add_duration(start: datetime, duration: timedelta) -> datetime:
    return calendar.add_working_time(start, hours=Decimal(duration.total_seconds()) / 3600)


def add_legal_time(start: datetime, amount: Decimal, unit: str, *, work_calendar=None) -> datetime:
    """``amount`` working days (same clock time on the N-th day) or working hours after start.

    A fractional number of days (e.g. 0.5) is converted to hours with the length of a
    working day on the start date. ``work_calendar``: a ``WorkCalendar`` already at hand
    (else the current one is read: one query).
    """
    from chinhquyen.procedures.choices import TimeUnit

    if work_calendar is None:
        work_calendar = calendar.WorkCalendar.current()
    amount = Decimal(amount)
    if unit == TimeUnit.WORKING_HOURS:
        return add_hours(start, amount, work_calendar=work_calendar)
    if amount == amount.to_integral_value():
        return add_days(start, int(amount), work_calendar=work_calendar)
    day = calendar.to_local(start).date()
    length = calendar.working_day_length(day, calendar=work_calendar)
    return add_hours(
        start, amount * Decimal(length.total_seconds()) / 3600, work_calendar=work_calendar
    )


def between(a: datetime, b: datetime, *, work_calendar=None) -> timedelta:
    """Working time from ``a`` to ``b`` (negative when ``b`` is earlier). In a loop, pass
    ``work_calendar=calendar.WorkCalendar.current()`` (else one query per call)."""
    return calendar.working_time_between(a, b, calendar=work_calendar)


def next_working_instant(moment: datetime) -> datetime:
    return calendar.next_working_instant(moment)


def start_of_next_working_day(moment: datetime, *, work_calendar=None) -> datetime:
    return calendar.start_of_next_working_day(moment, calendar=work_calendar)


def local(moment: datetime) -> datetime:
    """``moment`` as naive Asia/Ho_Chi_Minh wall-clock time."""
    return calendar.to_local(moment)
