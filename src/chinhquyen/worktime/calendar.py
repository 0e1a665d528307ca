"""The working-time calendar: working days, office hours and deadlines (domain-vn.md §6, §1.4).

Everything that has a legal deadline counts time with the functions of this module::

    from chinhquyen.worktime.calendar import add_working_time, working_time_between

    due = add_working_time(received_at, days=5)            # ngày hẹn trả
    used = working_time_between(received_at, timezone.now())

All instants are aware datetimes; results are in Asia/Ho_Chi_Minh (+07:00). A naive datetime
is refused (``ValueError``): read user input with :func:`parse_local_datetime`.

What is a working day (in this order, the first rule that applies wins):

1. a :class:`~chinhquyen.worktime.models.CalendarException` set by the administrator for that
   date (``working_day`` or ``day_off``): announced swap days, make-up Saturdays, provincial
   days off; it overrides the library both ways;
2. a make-up Saturday of the ``holidays`` package (``weekend_workdays``, e.g. 22 Aug 2026);
3. a public holiday of the ``holidays`` package for Vietnam, its observed days and its announced
   swaps (``special_public_holidays``, e.g. 31 Aug 2026) → day off. Vietnam Culture Day
   (24 Nov, from 2026 in holidays ≥ 0.109) is included unless the setting
   ``WORKTIME_OBSERVE_CULTURE_DAY`` is false: its legal basis is UNCONFIRMED;
4. Saturday and Sunday are days off, Monday to Friday are working days.

Working hours are the :class:`~chinhquyen.worktime.models.WorkingHours` version in force on
that date (default 07:30–11:30 and 13:30–17:00, i.e. a working day of 7 h 30 min).

Conventions (also in docs/worktime.md):

* **Start.** The clock starts at the first working instant at or after the start: a dossier
  received in the lunch break counts from 13:30, one received at or after 17:00, or on a day
  off, counts from the start of the next working day (07:30). Periods are half-open: 11:30 and
  17:00 are already outside.
* **Days.** ``days=N`` gives the same clock time on the N-th working day after the (normalised)
  start: received Friday 13 Feb 2026 09:00 with 5 working days → due Friday 27 Feb 2026 09:00
  (the Tết break 16–20 Feb is skipped). The working time between the two is exactly N working
  days. If the hours of that later day end earlier (a new hours version), the deadline is the
  end of that day.
* **Hours.** ``hours=H`` walks the working periods; the deadline is the first instant at which
  H working hours have elapsed, so it may be 11:30 or 17:00 (the end of a period), never
  13:30 or 07:30 of the next period for the same amount of work. ``days`` and ``hours``
  together: days first, then hours.
* A deadline is always a working instant: inside a working period of a working day, or exactly
  at its end. 17:00 of one working day and 07:30 of the next measure the same working time.
* **Between.** ``working_time_between(a, b)`` is the working time within working hours from a
  to b; it is negative when b is before a (so ``working_time_between(due, now) > 0`` means
  overdue), zero when both lie in the same non-working stretch.
* **Pauses.** :func:`deadline_with_pauses` moves the deadline by exactly the working time of
  the pauses that fall before it (overlapping pauses count once).

Speed: a :class:`WorkCalendar` computes each year once (working days, their hours and the
cumulated working time), then every function is a couple of binary searches; no query per day.
``WorkCalendar.current()`` costs one small query (the revision token) and reloads when the data
changed; pass ``calendar=`` in loops to avoid even that.
"""

from __future__ import annotations

import datetime
import threading
import uuid
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from typing import Literal
from zoneinfo import ZoneInfo

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
US_PER_SECOND = 1_000_000
US_PER_HOUR = 3600 * US_PER_SECOND
MIN_YEAR, MAX_YEAR = 1990, 2200
CULTURE_DAY_NAME = "Ngày Văn hóa Việt Nam"

Tie = Literal["start", "end"]


class WorkTimeError(ValueError):
    """Bad input to a calendar function (the message is bilingual)."""


# --- Hours ------------------------------------------------------------------------------


def _tod_us(value: datetime.time) -> int:
    return (
        value.hour * 3600 + value.minute * 60 + value.second
    ) * US_PER_SECOND + value.microsecond


@dataclass(frozen=True)
class HoursVersion:
    """Office hours in force from ``valid_from`` (local time, two periods a day)."""

    valid_from: datetime.date
    morning_start: datetime.time = datetime.time(7, 30)
    morning_end: datetime.time = datetime.time(11, 30)
    afternoon_start: datetime.time = datetime.time(13, 30)
    afternoon_end: datetime.time = datetime.time(17, 0)

    def __post_init__(self) -> None:
        bounds = [self.morning_start, self.morning_end, self.afternoon_start, self.afternoon_end]
        if not (bounds[0] < bounds[1] <= bounds[2] < bounds[3]):
            raise WorkTimeError(
                "Giờ làm việc phải theo thứ tự: bắt đầu sáng < kết thúc sáng ≤ bắt đầu chiều < "
                "kết thúc chiều / Working hours must be ordered: morning start < morning end ≤ "
                "afternoon start < afternoon end."
            )

    @property
    def periods(self) -> tuple[tuple[int, int], ...]:
        """The working periods as (start, end) in microseconds since midnight."""
        return (
            (_tod_us(self.morning_start), _tod_us(self.morning_end)),
            (_tod_us(self.afternoon_start), _tod_us(self.afternoon_end)),
        )

    @property
    def day_length(self) -> datetime.timedelta:
        return datetime.timedelta(microseconds=sum(e - s for s, e in self.periods))


DEFAULT_HOURS = HoursVersion(valid_from=datetime.date(1990, 1, 1))


# --- Days -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExceptionDay:
    """The administrator's decision for one date."""

    date: datetime.date
    is_working: bool
    reason: str
    legal_reference: str = ""


@dataclass(frozen=True)
class DayInfo:
    """Why a date is (not) a working day; ``source`` is a ``choices.DaySource`` value."""

    date: datetime.date
    is_working: bool
    source: str
    reason: str = ""
    legal_reference: str = ""
    library_reason: str = ""  # what the holidays package says, when overridden

    @property
    def is_weekend(self) -> bool:
        return self.date.weekday() >= 5

    @property
    def is_notable(self) -> bool:
        """Not an ordinary weekday or weekend day (listed by ``calendar days``)."""
        return self.source in ("library", "administrator") or (self.is_weekend and self.is_working)


@lru_cache(maxsize=1024)
def library_year(year: int, observe_culture_day: bool = True):
    """The ``holidays`` package's VN holidays and make-up Saturdays of ``year``.

    Returns ``(holidays: dict[date, str], make_up_saturdays: frozenset[date])``; Vietnamese
    names; Vietnam Culture Day (and its observed day) left out when not observed.
    """
    import holidays

    calendar = holidays.country_holidays("VN", years=year, language="vi")
    days: dict[datetime.date, str] = {}
    for day, name in sorted(calendar.items()):
        if day.year != year:
            continue
        if not observe_culture_day and CULTURE_DAY_NAME in name:
            continue
        days[day] = name
    make_up = frozenset(d for d in getattr(calendar, "weekend_workdays", ()) if d.year == year)
    return days, make_up


# --- The calendar -------------------------------------------------------------------------


@dataclass
class _Index:
    """Working days of a contiguous range of years with their cumulated working time.

    ``cum[i]`` is the working time (µs) before day ``days[i]`` counted from an origin fixed at
    creation; extending the range backwards gives negative values, so a value computed once
    stays valid.
    """

    first_year: int
    last_year: int
    days: list[int] = field(default_factory=list)  # ordinals of working days, sorted
    cum: list[int] = field(default_factory=list)
    lengths: list[int] = field(default_factory=list)
    periods: list[tuple[tuple[int, int], ...]] = field(default_factory=list)


class WorkCalendar:
    """Working days and hours, loaded once; every deadline function takes one.

    Build one from data (tests, benchmarks) with ``WorkCalendar(exceptions=…, hours=…)``, or
    get the one of the database with :meth:`current` (cached, reloaded when the data change).
    """

    _cache: WorkCalendar | None = None
    _cache_lock = threading.Lock()

    def __init__(
        self,
        *,
        exceptions: Iterable[ExceptionDay] = (),
        hours: Sequence[HoursVersion] = (DEFAULT_HOURS,),
        observe_culture_day: bool = True,
        token: str | None = None,
    ) -> None:
        self.exceptions: Mapping[datetime.date, ExceptionDay] = {e.date: e for e in exceptions}
        versions = sorted(hours or (DEFAULT_HOURS,), key=lambda v: v.valid_from)
        self.hours: tuple[HoursVersion, ...] = tuple(versions)
        self._hours_from = [v.valid_from.toordinal() for v in versions]
        self.observe_culture_day = observe_culture_day
        self.token = token
        self._lock = threading.Lock()
        self._index: _Index | None = None

    def __repr__(self) -> str:
        return (
            f"<WorkCalendar {len(self.exceptions)} exceptions, {len(self.hours)} hours versions, "
            f"culture day {'on' if self.observe_culture_day else 'off'}>"
        )

    # -- loading --

    @classmethod
    def load(cls) -> WorkCalendar:
        """Read the administrator's data from the database (three small queries)."""
        from django.conf import settings

        from chinhquyen.worktime.choices import DayKind
        from chinhquyen.worktime.models import CalendarException, WorkingHours

        token = cls._database_token()
        exceptions = [
            ExceptionDay(
                date=e.date,
                is_working=e.kind == DayKind.WORKING_DAY,
                reason=e.reason,
                legal_reference=e.legal_reference,
            )
            for e in CalendarException.objects.all()
        ]
        hours = [
            HoursVersion(
                valid_from=h.valid_from,
                morning_start=h.morning_start,
                morning_end=h.morning_end,
                afternoon_start=h.afternoon_start,
                afternoon_end=h.afternoon_end,
            )
            for h in WorkingHours.objects.all()
        ]
        return cls(
            exceptions=exceptions,
            hours=hours or [DEFAULT_HOURS],
            observe_culture_day=getattr(settings, "WORKTIME_OBSERVE_CULTURE_DAY", True),
            token=token,
        )

    @staticmethod
    def _database_token() -> str | None:
        from chinhquyen.worktime.models import CalendarRevision

        return CalendarRevision.objects.filter(pk=1).values_list("token", flat=True).first()

    @classmethod
    def current(cls) -> WorkCalendar:
        """The calendar of the database: cached, reloaded when its revision token changed.

        One indexed query per call (the token); a change made by another process, or a change
        rolled back, is seen at the next call.
        """
        return cls.for_token(cls._database_token())

    @classmethod
    def for_token(cls, token: str | None) -> WorkCalendar:
        """The calendar whose revision token is ``token``, read by the caller from the
        database (e.g. together with other data in one statement): the cached one when the
        tokens match, else reloaded. No query when the cache is fresh."""
        from django.conf import settings

        culture = getattr(settings, "WORKTIME_OBSERVE_CULTURE_DAY", True)
        cached = cls._cache
        if cached is not None and cached.token == token and cached.observe_culture_day == culture:
            return cached
        with cls._cache_lock:
            fresh = cls.load()
            WorkCalendar._cache = fresh
        return fresh

    @classmethod
    def invalidate(cls) -> None:
        """Forget the cached calendar (the next :meth:`current` reloads)."""
        WorkCalendar._cache = None

    @staticmethod
    def new_token() -> str:
        return uuid.uuid4().hex

    # -- days --

    def hours_on(self, day: datetime.date) -> HoursVersion:
        """The working-hours version in force on ``day``."""
        i = bisect_right(self._hours_from, day.toordinal()) - 1
        return self.hours[max(i, 0)]

    def day_info(self, day: datetime.date) -> DayInfo:
        library, make_up = library_year(day.year, self.observe_culture_day)
        library_reason = library.get(day, "")
        if day in make_up:
            library_reason = "Ngày làm việc bù / Make-up working day"
        exception = self.exceptions.get(day)
        if exception is not None:
            return DayInfo(
                date=day,
                is_working=exception.is_working,
                source="administrator",
                reason=exception.reason,
                legal_reference=exception.legal_reference,
                library_reason=library_reason,
            )
        if day in make_up:
            return DayInfo(day, True, "library", library_reason)
        if day in library:
            return DayInfo(day, False, "library", library_reason)
        if day.weekday() >= 5:
            return DayInfo(day, False, "weekend")
        return DayInfo(day, True, "workday")

    def is_working_day(self, day: datetime.date) -> bool:
        exception = self.exceptions.get(day)
        if exception is not None:
            return exception.is_working
        library, make_up = library_year(day.year, self.observe_culture_day)
        if day in make_up:
            return True
        if day in library:
            return False
        return day.weekday() < 5

    def year_days(self, year: int) -> list[DayInfo]:
        """Every date of ``year`` with its status."""
        _check_year(year)
        day = datetime.date(year, 1, 1)
        result = []
        while day.year == year:
            result.append(self.day_info(day))
            day += datetime.timedelta(days=1)
        return result

    # -- the index --

    def _build_years(self, first: int, last: int) -> tuple[list, list, list]:
        days, lengths, periods = [], [], []
        day = datetime.date(first, 1, 1)
        end = datetime.date(last, 12, 31)
        one = datetime.timedelta(days=1)
        while day <= end:
            if self.is_working_day(day):
                version = self.hours_on(day)
                p = version.periods
                days.append(day.toordinal())
                periods.append(p)
                lengths.append(sum(e - s for s, e in p))
            day += one
        return days, lengths, periods

    def _ensure(self, first_year: int, last_year: int) -> _Index:
        """The index, extended to cover ``first_year``..``last_year``."""
        index = self._index
        if index is not None and index.first_year <= first_year and last_year <= index.last_year:
            return index
        _check_year(first_year)
        _check_year(last_year)
        with self._lock:
            index = self._index
            if index is None:
                days, lengths, periods = self._build_years(first_year, last_year)
                cum, total = [], 0
                for length in lengths:
                    cum.append(total)
                    total += length
                self._index = _Index(first_year, last_year, days, cum, lengths, periods)
                return self._index
            new = _Index(
                index.first_year,
                index.last_year,
                list(index.days),
                list(index.cum),
                list(index.lengths),
                list(index.periods),
            )
            if last_year > new.last_year:
                days, lengths, periods = self._build_years(new.last_year + 1, last_year)
                total = new.cum[-1] + new.lengths[-1] if new.cum else 0
                for length in lengths:
                    new.cum.append(total)
                    total += length
                new.days += days
                new.lengths += lengths
                new.periods += periods
                new.last_year = last_year
            if first_year < new.first_year:
                days, lengths, periods = self._build_years(first_year, new.first_year - 1)
                total = new.cum[0] if new.cum else 0
                cum = []
                for length in reversed(lengths):
                    total -= length
                    cum.append(total)
                cum.reverse()
                new.days = days + new.days
                new.cum = cum + new.cum
                new.lengths = lengths + new.lengths
                new.periods = periods + new.periods
                new.first_year = first_year
            self._index = new
            return new

    def _index_for(self, year: int) -> _Index:
        return self._ensure(year, year)

    # -- the working clock (local naive datetimes, microseconds) --

    def _position(self, ordinal: int, year: int) -> tuple[_Index, int]:
        """The index and the position of the first working day on or after ``ordinal``."""
        index = self._index_for(year)
        i = bisect_left(index.days, ordinal)
        while i == len(index.days):
            index = self._ensure(index.first_year, index.last_year + 1)
            i = bisect_left(index.days, ordinal)
        return index, i

    def clock(self, local: datetime.datetime) -> int:
        """Working microseconds from the calendar's origin to the local instant ``local``."""
        ordinal = local.toordinal()
        index, i = self._position(ordinal, local.year)
        if index.days[i] != ordinal:
            return index.cum[i]
        tod = _tod_us(local.time())
        elapsed = 0
        for start, end in index.periods[i]:
            if tod <= start:
                break
            elapsed += (tod if tod < end else end) - start
        return index.cum[i] + elapsed

    def normalise(self, local: datetime.datetime) -> datetime.datetime:
        """The first working instant at or after ``local`` (periods are half-open)."""
        ordinal = local.toordinal()
        index, i = self._position(ordinal, local.year)
        if index.days[i] == ordinal:
            tod = _tod_us(local.time())
            for start, end in index.periods[i]:
                if tod < end:
                    return _at(ordinal, max(tod, start))
            i += 1
            while i >= len(index.days):
                index = self._ensure(index.first_year, index.last_year + 1)
        return _at(index.days[i], index.periods[i][0][0])

    def instant(self, value: int, *, tie: Tie = "end") -> datetime.datetime:
        """The local instant where the working clock reads ``value``.

        At a boundary between two periods (11:30 | 13:30, 17:00 | 07:30 next working day)
        ``tie="end"`` gives the end of the earlier period and ``"start"`` the start of the
        later one.
        """
        index = self._index or self._index_for(datetime.datetime.now(TZ).year)
        while index.cum[-1] + index.lengths[-1] <= value:
            index = self._ensure(index.first_year, index.last_year + 1)
        while index.cum[0] >= value:
            index = self._ensure(index.first_year - 1, index.last_year)
        if tie == "start":
            i = bisect_right(index.cum, value) - 1
            rest = value - index.cum[i]
            for start, end in index.periods[i]:
                if rest < end - start:
                    return _at(index.days[i], start + rest)
                rest -= end - start
        else:
            i = bisect_left(index.cum, value) - 1
            rest = value - index.cum[i]
            for start, end in index.periods[i]:
                if rest <= end - start:
                    return _at(index.days[i], start + rest)
                rest -= end - start
        raise AssertionError("unreachable: the value lies within day %s" % index.days[i])  # noqa: UP031

    def _add_days(self, local: datetime.datetime, days: int) -> datetime.datetime:
        """Same clock time (same working offset) ``days`` working days after ``local``.

        ``local`` must be normalised (a working instant, half-open).
        """
        ordinal = local.toordinal()
        index, i = self._position(ordinal, local.year)
        tod = _tod_us(local.time())
        offset = 0
        for start, end in index.periods[i]:
            if tod <= start:
                break
            offset += (tod if tod < end else end) - start
        j = i + days
        while j >= len(index.days):
            index = self._ensure(index.first_year, index.last_year + 1)
        target = index.days[j]
        periods = index.periods[j]
        if periods == index.periods[i]:
            return _at(target, tod)
        if offset >= index.lengths[j]:
            return _at(target, periods[-1][1])
        for start, end in periods:
            if offset < end - start:
                return _at(target, start + offset)
            offset -= end - start
        raise AssertionError("unreachable")

    # -- public API on this calendar (aware datetimes) --

    def add(
        self, start: datetime.datetime, *, days: int = 0, hours: Decimal | float | int = 0
    ) -> datetime.datetime:
        local = self.normalise(to_local(start))
        days = _check_days(days)
        hours_us = hours_to_us(hours)
        if days:
            local = self._add_days(local, days)
        if hours_us:
            local = self.instant(self.clock(local) + hours_us, tie="end")
        return local.replace(tzinfo=TZ)

    def between(
        self,
        a: datetime.datetime,
        b: datetime.datetime,
        *,
        pauses: Iterable[tuple[datetime.datetime, datetime.datetime]] = (),
    ) -> datetime.timedelta:
        la, lb = to_local(a), to_local(b)
        self._ensure(min(la.year, lb.year), max(la.year, lb.year))
        value = self.clock(lb) - self.clock(la)
        if value > 0:
            value -= self._paused(la, lb, pauses)
        return datetime.timedelta(microseconds=value)

    def _merged_pauses(
        self,
        pauses: Iterable[tuple[datetime.datetime, datetime.datetime]],
        after: datetime.datetime,
    ) -> list[tuple[datetime.datetime, datetime.datetime]]:
        intervals = []
        for pair in pauses:
            p_start, p_end = to_local(pair[0]), to_local(pair[1])
            if p_end < p_start:
                raise WorkTimeError(
                    "Khoảng tạm dừng kết thúc trước khi bắt đầu / A pause ends before it starts: "
                    f"{pair[0].isoformat()} – {pair[1].isoformat()}."
                )
            p_start = max(p_start, after)
            if p_end > p_start:
                intervals.append((p_start, p_end))
        intervals.sort()
        merged: list[list[datetime.datetime]] = []
        for p_start, p_end in intervals:
            if merged and p_start <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], p_end)
            else:
                merged.append([p_start, p_end])
        return [(s, e) for s, e in merged]

    def _paused(self, la, lb, pauses) -> int:
        total = 0
        for p_start, p_end in self._merged_pauses(pauses, la):
            if p_start >= lb:
                break
            total += self.clock(min(p_end, lb)) - self.clock(p_start)
        return total

    def with_pauses(
        self,
        start: datetime.datetime,
        *,
        days: int = 0,
        hours: Decimal | float | int = 0,
        pauses: Iterable[tuple[datetime.datetime, datetime.datetime]] = (),
    ) -> datetime.datetime:
        local = self.normalise(to_local(start))
        base = to_local(self.add(start, days=days, hours=hours))
        remaining = self.clock(base) - self.clock(local)
        cursor = self.clock(local)
        shifted = False
        for p_start, p_end in self._merged_pauses(pauses, local):
            w_start, w_end = self.clock(p_start), self.clock(p_end)
            if w_start - cursor >= remaining:
                break
            if w_end > w_start:
                shifted = True
            remaining -= w_start - cursor
            cursor = w_end
        if not shifted:
            return base.replace(tzinfo=TZ)
        tie: Tie = "start" if (days and not hours_to_us(hours)) else "end"
        return self.instant(cursor + remaining, tie=tie).replace(tzinfo=TZ)

    def working_days_between(self, a: datetime.date, b: datetime.date) -> int:
        """Working days d with a < d ≤ b (negative when b is before a)."""
        if b < a:
            return -self.working_days_between(b, a)
        index = self._ensure(a.year, b.year)
        return bisect_right(index.days, b.toordinal()) - bisect_right(index.days, a.toordinal())

    def is_working_instant(self, moment: datetime.datetime) -> bool:
        """On a working day, inside a working period or exactly at its end."""
        local = to_local(moment)
        if not self.is_working_day(local.date()):
            return False
        tod = _tod_us(local.time())
        return any(s <= tod <= e for s, e in self.hours_on(local.date()).periods)


def _at(ordinal: int, tod_us: int) -> datetime.datetime:
    day = datetime.date.fromordinal(ordinal)
    return datetime.datetime.combine(day, datetime.time()) + datetime.timedelta(microseconds=tod_us)


def _check_year(year: int) -> None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise WorkTimeError(
            f"Năm {year} nằm ngoài lịch làm việc ({MIN_YEAR}–{MAX_YEAR}) / "
            f"Year {year} is outside the working-time calendar ({MIN_YEAR}–{MAX_YEAR})."
        )


def _check_days(days: int) -> int:
    if isinstance(days, bool) or not isinstance(days, int):
        raise WorkTimeError(
            f"Số ngày làm việc phải là số nguyên / Working days must be a whole number: {days!r}."
        )
    if days < 0:
        raise WorkTimeError(
            f"Số ngày làm việc không được âm / Working days must not be negative: {days}."
        )
    return days


def hours_to_us(hours: Decimal | float | int) -> int:
    """Hours as whole microseconds (rounded half up); refuses negative or non-numbers."""
    if isinstance(hours, bool) or not isinstance(hours, Decimal | float | int):
        raise WorkTimeError(f"Số giờ không hợp lệ / Invalid number of hours: {hours!r}.")
    value = Decimal(str(hours)) if isinstance(hours, float) else Decimal(hours)
    if not value.is_finite() or value < 0:
        raise WorkTimeError(
            f"Số giờ làm việc phải ≥ 0 / Working hours must be zero or more: {hours}."
        )
    return int((value * US_PER_HOUR).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def to_local(moment: datetime.datetime) -> datetime.datetime:
    """``moment`` (aware) as a naive Asia/Ho_Chi_Minh wall-clock time."""
    if not isinstance(moment, datetime.datetime):
        raise WorkTimeError(f"Cần một thời điểm / An instant (datetime) is needed: {moment!r}.")
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise WorkTimeError(
            f"Thời điểm phải có múi giờ / The instant must be timezone-aware: {moment.isoformat()}."
        )
    return moment.astimezone(TZ).replace(tzinfo=None)


def parse_local_datetime(text: str) -> datetime.datetime:
    """An ISO 8601 date-time (or date); naive input is read as Asia/Ho_Chi_Minh time."""
    try:
        value = datetime.datetime.fromisoformat(text.strip())
    except (ValueError, AttributeError):
        raise WorkTimeError(
            f"Thời điểm không hợp lệ “{text}”, cần dạng 2026-02-13T09:00 / Invalid instant "
            f"“{text}”, expected e.g. 2026-02-13T09:00 (ISO 8601)."
        ) from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=TZ)
    return value.astimezone(TZ)


def _calendar(calendar: WorkCalendar | None) -> WorkCalendar:
    return calendar if calendar is not None else WorkCalendar.current()


# --- Module-level functions (the API the other apps call) ---------------------------------


def add_working_time(
    start: datetime.datetime,
    *,
    days: int = 0,
    hours: Decimal | float | int = 0,
    calendar: WorkCalendar | None = None,
) -> datetime.datetime:
    """The deadline ``days`` working days and ``hours`` working hours after ``start``.

    See the module docstring for the conventions (normalised start, same clock time for days,
    end of period for hours). Raises :class:`WorkTimeError` on negative or naive input.
    """
    return _calendar(calendar).add(start, days=days, hours=hours)


def deadline_with_pauses(
    start: datetime.datetime,
    *,
    days: int = 0,
    hours: Decimal | float | int = 0,
    pauses: Iterable[tuple[datetime.datetime, datetime.datetime]] = (),
    calendar: WorkCalendar | None = None,
) -> datetime.datetime:
    """:func:`add_working_time` with the clock stopped during ``pauses``.

    The deadline moves by exactly the working time of the pauses before it (pauses before the
    start are ignored, overlaps count once, a pause still open can be passed with ``now`` as
    its end). Without any paused working time the result is :func:`add_working_time`'s.
    """
    return _calendar(calendar).with_pauses(start, days=days, hours=hours, pauses=pauses)


def working_time_between(
    a: datetime.datetime,
    b: datetime.datetime,
    *,
    pauses: Iterable[tuple[datetime.datetime, datetime.datetime]] = (),
    calendar: WorkCalendar | None = None,
) -> datetime.timedelta:
    """Working time within working hours from ``a`` to ``b``, minus the paused working time.

    Negative when ``b`` is before ``a`` (pauses are then ignored).
    """
    return _calendar(calendar).between(a, b, pauses=pauses)


def is_working_day(day: datetime.date, *, calendar: WorkCalendar | None = None) -> bool:
    if isinstance(day, datetime.datetime):
        day = to_local(day).date()
    return _calendar(calendar).is_working_day(day)


def is_working_instant(moment: datetime.datetime, *, calendar: WorkCalendar | None = None) -> bool:
    return _calendar(calendar).is_working_instant(moment)


def next_working_instant(
    moment: datetime.datetime, *, calendar: WorkCalendar | None = None
) -> datetime.datetime:
    """The first working instant at or after ``moment`` (11:30 → 13:30, 17:00 → 07:30)."""
    return _calendar(calendar).normalise(to_local(moment)).replace(tzinfo=TZ)


def start_of_next_working_day(
    moment: datetime.datetime, *, calendar: WorkCalendar | None = None
) -> datetime.datetime:
    """The start of the first working day after ``moment``'s date (Decree 61 Art. 18 cut-off)."""
    cal = _calendar(calendar)
    day = to_local(moment).date() + datetime.timedelta(days=1)
    local = cal.normalise(datetime.datetime.combine(day, datetime.time()))
    return local.replace(tzinfo=TZ)


def working_days_between(
    a: datetime.date, b: datetime.date, *, calendar: WorkCalendar | None = None
) -> int:
    """The number of working days d with a < d ≤ b (negative when b is before a)."""
    if isinstance(a, datetime.datetime):
        a = to_local(a).date()
    if isinstance(b, datetime.datetime):
        b = to_local(b).date()
    return _calendar(calendar).working_days_between(a, b)


def working_day_length(
    day: datetime.date, *, calendar: WorkCalendar | None = None
) -> datetime.timedelta:
    """The length of a working day under the hours in force on ``day`` (default 7 h 30)."""
    return _calendar(calendar).hours_on(day).day_length
