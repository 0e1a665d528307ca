"""Properties of the working clock (hypothesis), on calendars built in memory.

* adding then measuring gives back N (hours; days × the working-day length);
* a deadline is never on a non-working day nor outside working hours;
* pauses shift the deadline by exactly the paused working time;
* deadlines are monotonic in the start and in N.
"""

import datetime

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from chinhquyen.worktime.calendar import (
    TZ,
    ExceptionDay,
    WorkCalendar,
    add_working_time,
    deadline_with_pauses,
    is_working_day,
    is_working_instant,
    next_working_instant,
    working_days_between,
    working_time_between,
)

PLAIN = WorkCalendar()
# an administrator's calendar: a provincial day off and a make-up Saturday in 2026,
# and the library's 31 Aug swap undone
WITH_EXCEPTIONS = WorkCalendar(
    exceptions=[
        ExceptionDay(datetime.date(2026, 3, 11), False, "Provincial day off"),
        ExceptionDay(datetime.date(2026, 3, 14), True, "Make-up Saturday"),
        ExceptionDay(datetime.date(2026, 8, 31), True, "Swap cancelled"),
    ]
)
CALENDARS = st.sampled_from([PLAIN, WITH_EXCEPTIONS])
DAY = datetime.timedelta(hours=7, minutes=30)

instants = st.datetimes(
    min_value=datetime.datetime(2025, 12, 1),
    max_value=datetime.datetime(2027, 1, 31),
).map(lambda d: d.replace(tzinfo=TZ))
# whole minutes as most slips do, and arbitrary microseconds
minute_instants = instants.map(lambda d: d.replace(second=0, microsecond=0))
any_instants = st.one_of(minute_instants, instants)
hours = st.one_of(
    st.integers(min_value=0, max_value=200),
    st.decimals(min_value=0, max_value=200, places=2),
)
days = st.integers(min_value=0, max_value=120)


@given(start=any_instants, n=hours, cal=CALENDARS)
@settings(max_examples=400, deadline=None)
def test_adding_hours_then_measuring_gives_back_the_hours(start, n, cal):
    start = next_working_instant(start, calendar=cal)
    due = add_working_time(start, hours=n, calendar=cal)
    assert working_time_between(start, due, calendar=cal) == datetime.timedelta(hours=float(n))


@given(start=any_instants, n=days, cal=CALENDARS)
@settings(max_examples=400, deadline=None)
def test_adding_days_then_measuring_gives_back_n_working_days(start, n, cal):
    start = next_working_instant(start, calendar=cal)
    due = add_working_time(start, days=n, calendar=cal)
    assert working_time_between(start, due, calendar=cal) == n * DAY
    assert due.time() == start.time()
    assert working_days_between(start.date(), due.date(), calendar=cal) == n


@given(start=any_instants, n_days=days, n_hours=hours, cal=CALENDARS)
@settings(max_examples=400, deadline=None)
def test_a_deadline_is_never_on_a_non_working_day_nor_outside_working_hours(
    start, n_days, n_hours, cal
):
    due = add_working_time(start, days=n_days, hours=n_hours, calendar=cal)
    assert due.utcoffset() == datetime.timedelta(hours=7)
    assert is_working_day(due.date(), calendar=cal)
    assert is_working_instant(due, calendar=cal)
    assert due >= start


@given(
    start=any_instants,
    n_days=st.integers(min_value=0, max_value=30),
    n_hours=st.integers(min_value=0, max_value=60),
    pauses=st.lists(
        st.tuples(
            any_instants,
            st.timedeltas(min_value=datetime.timedelta(0), max_value=datetime.timedelta(days=20)),
        ),
        max_size=4,
    ),
    cal=CALENDARS,
)
@settings(max_examples=400, deadline=None)
def test_pauses_shift_the_deadline_by_exactly_the_paused_working_time(
    start, n_days, n_hours, pauses, cal
):
    assume(n_days or n_hours)
    pauses = [(p, p + length) for p, length in pauses]
    base = add_working_time(start, days=n_days, hours=n_hours, calendar=cal)
    due = deadline_with_pauses(start, days=n_days, hours=n_hours, pauses=pauses, calendar=cal)
    counted_from = next_working_instant(start, calendar=cal)
    # the paused working time lying between the (normalised) start and the new deadline
    paused = _union_working_time(counted_from, due, pauses, cal)
    assert working_time_between(base, due, calendar=cal) == paused
    # measured with the pauses, the deadline is exactly the allotted time away
    assert working_time_between(counted_from, due, pauses=pauses, calendar=cal) == (
        working_time_between(counted_from, base, calendar=cal)
    )
    assert is_working_instant(due, calendar=cal)


def _union_working_time(a, b, pauses, cal) -> datetime.timedelta:
    """Working time in [a, b] covered by the union of ``pauses`` (a brute-force reference)."""
    clipped = sorted((max(p, a), min(q, b)) for p, q in pauses if min(q, b) > max(p, a))
    total, cursor = datetime.timedelta(0), a
    for p, q in clipped:
        p = max(p, cursor)
        if q > p:
            total += working_time_between(p, q, calendar=cal)
            cursor = q
    return total


@given(a=any_instants, b=any_instants, n_days=days, n_hours=hours, cal=CALENDARS)
@settings(max_examples=300, deadline=None)
def test_deadlines_are_monotonic_in_the_start(a, b, n_days, n_hours, cal):
    early, late = sorted([a, b])
    assert add_working_time(early, days=n_days, hours=n_hours, calendar=cal) <= add_working_time(
        late, days=n_days, hours=n_hours, calendar=cal
    )


@given(start=any_instants, n=days, m=days, h=hours, cal=CALENDARS)
@settings(max_examples=300, deadline=None)
def test_deadlines_are_monotonic_in_the_amount(start, n, m, h, cal):
    small, large = sorted([n, m])
    assert add_working_time(start, days=small, hours=h, calendar=cal) <= add_working_time(
        start, days=large, hours=h, calendar=cal
    )


@given(a=any_instants, b=any_instants, c=any_instants, cal=CALENDARS)
@settings(max_examples=300, deadline=None)
def test_working_time_is_additive_and_antisymmetric(a, b, c, cal):
    ab = working_time_between(a, b, calendar=cal)
    assert ab == -working_time_between(b, a, calendar=cal)
    assert ab + working_time_between(b, c, calendar=cal) == working_time_between(a, c, calendar=cal)
    assert (ab >= datetime.timedelta(0)) == (a <= b) or ab == datetime.timedelta(0)


@given(day=st.dates(min_value=datetime.date(2025, 1, 1), max_value=datetime.date(2027, 12, 31)))
@settings(max_examples=300, deadline=None)
def test_the_index_agrees_with_the_day_rules(day):
    # whatever range was loaded first, a day's working status is the same via the index
    cal = WorkCalendar()
    following = datetime.datetime.combine(day, datetime.time(0, 0), tzinfo=TZ)
    expected = 1 if cal.is_working_day(day) else 0
    assert working_days_between(day - datetime.timedelta(days=1), day, calendar=cal) == expected
    assert is_working_day(next_working_instant(following, calendar=cal).date(), calendar=cal)
