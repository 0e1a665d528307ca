"""Fixed examples, computed by hand from the holidays package (0.109) and the 2026 announcements.

2026 as the package has it (checked against the official schedule): Tết Bính Ngọ is
Mon 16 – Fri 20 Feb (with the weekends 14–15 and 21–22 Feb: nine days off); Hùng Kings' day
falls on Sun 26 Apr, observed Mon 27 Apr; 30 Apr (Thu) and 1 May (Fri); National Day 1–2 Sep
(Tue–Wed) with the swap Mon 31 Aug off / Sat 22 Aug working; Culture Day Tue 24 Nov.
Working hours 07:30–11:30 and 13:30–17:00 (7.5 h a day).
"""

import datetime

import pytest
from django.test import override_settings

from chinhquyen.worktime.calendar import (
    HoursVersion,
    WorkCalendar,
    WorkTimeError,
    add_working_time,
    deadline_with_pauses,
    is_working_day,
    is_working_instant,
    next_working_instant,
    start_of_next_working_day,
    working_days_between,
    working_time_between,
)
from chinhquyen.worktime.tests.conftest import at

CAL = WorkCalendar()
H = datetime.timedelta(hours=1)


def test_five_working_days_across_tet_2026_skip_the_whole_break():
    # given a dossier received on Friday 13 Feb 2026 at 09:00, just before Tết
    # when it has 5 working days
    due = add_working_time(at("2026-02-13 09:00"), days=5, calendar=CAL)
    # then Mon 23 … Fri 27 Feb are the five days: due Friday 27 Feb at 09:00
    assert due == at("2026-02-27 09:00")
    assert due.isoformat() == "2026-02-27T09:00:00+07:00"
    assert working_time_between(at("2026-02-13 09:00"), due, calendar=CAL) == 5 * 7.5 * H


def test_eight_working_hours_across_tet_2026():
    # Friday 09:00–11:30 (2.5 h) + 13:30–17:00 (3.5 h), then Monday 23 Feb 07:30 + 2 h
    due = add_working_time(at("2026-02-13 09:00"), hours=8, calendar=CAL)
    assert due == at("2026-02-23 09:30")


def test_every_day_of_the_tet_break_is_off():
    for day in range(14, 23):
        assert not is_working_day(datetime.date(2026, 2, day), calendar=CAL), day
    assert is_working_day(datetime.date(2026, 2, 13), calendar=CAL)
    assert is_working_day(datetime.date(2026, 2, 23), calendar=CAL)
    assert (
        working_days_between(datetime.date(2026, 2, 13), datetime.date(2026, 2, 27), calendar=CAL)
        == 5
    )


def test_victory_day_and_labour_day_2026():
    # Wed 29 Apr 10:00 + 2 days: 30 Apr, 1 May off, weekend, Mon 4 May is day 1, Tue 5 May day 2
    assert add_working_time(at("2026-04-29 10:00"), days=2, calendar=CAL) == at("2026-05-05 10:00")
    # Hùng Kings' day on Sunday 26 Apr is observed on Monday 27 Apr
    assert add_working_time(at("2026-04-24 10:00"), days=1, calendar=CAL) == at("2026-04-28 10:00")


def test_national_day_2026_with_the_announced_swap():
    # Saturday 22 Aug 2026 is a working day, Monday 31 Aug a day off (swap), 1–2 Sep off
    assert is_working_day(datetime.date(2026, 8, 22), calendar=CAL)
    assert not is_working_day(datetime.date(2026, 8, 31), calendar=CAL)
    # Fri 21 Aug 15:00 + 1 day → the make-up Saturday 22 Aug at 15:00
    assert add_working_time(at("2026-08-21 15:00"), days=1, calendar=CAL) == at("2026-08-22 15:00")
    # Fri 28 Aug 09:00 + 2 days → Thu 3 Sep, Fri 4 Sep
    assert add_working_time(at("2026-08-28 09:00"), days=2, calendar=CAL) == at("2026-09-04 09:00")
    # hours walk through the Saturday too: Fri 16:00 + 2 h = Fri 17:00 + Sat 07:30–08:30
    assert add_working_time(at("2026-08-21 16:00"), hours=2, calendar=CAL) == at("2026-08-22 08:30")


def test_culture_day_24_november_2026_is_off_by_default():
    assert not is_working_day(datetime.date(2026, 11, 24), calendar=CAL)
    assert add_working_time(at("2026-11-23 09:00"), days=1, calendar=CAL) == at("2026-11-25 09:00")


def test_culture_day_can_be_turned_off_because_its_legal_basis_is_unconfirmed():
    calendar = WorkCalendar(observe_culture_day=False)
    assert is_working_day(datetime.date(2026, 11, 24), calendar=calendar)
    assert add_working_time(at("2026-11-23 09:00"), days=1, calendar=calendar) == at(
        "2026-11-24 09:00"
    )


@pytest.mark.django_db
def test_culture_day_setting_reaches_the_current_calendar():
    with override_settings(WORKTIME_OBSERVE_CULTURE_DAY=False):
        assert is_working_day(datetime.date(2026, 11, 24))
    assert not is_working_day(datetime.date(2026, 11, 24))


def test_start_outside_working_hours_counts_from_the_next_working_instant():
    # lunch break → 13:30; evening → next working day 07:30; weekend → Monday 07:30
    assert next_working_instant(at("2026-03-10 12:00"), calendar=CAL) == at("2026-03-10 13:30")
    assert next_working_instant(at("2026-03-10 11:30"), calendar=CAL) == at("2026-03-10 13:30")
    assert next_working_instant(at("2026-03-10 17:00"), calendar=CAL) == at("2026-03-11 07:30")
    assert next_working_instant(at("2026-03-14 10:00"), calendar=CAL) == at("2026-03-16 07:30")
    assert next_working_instant(at("2026-03-10 07:00"), calendar=CAL) == at("2026-03-10 07:30")
    assert next_working_instant(at("2026-03-10 09:15"), calendar=CAL) == at("2026-03-10 09:15")
    # received Saturday 14 Mar at 10:00 with 5 days: counted from Mon 16 07:30 → Mon 23 07:30
    assert add_working_time(at("2026-03-14 10:00"), days=5, calendar=CAL) == at("2026-03-23 07:30")
    # received 18:30 Friday 13 Feb: counted from 07:30 Monday 23 Feb (after Tết)
    assert add_working_time(at("2026-02-13 18:30"), days=1, calendar=CAL) == at("2026-02-24 07:30")


def test_hours_deadline_ends_at_the_end_of_a_period_not_the_start_of_the_next():
    assert add_working_time(at("2026-03-10 16:00"), hours=1, calendar=CAL) == at("2026-03-10 17:00")
    assert add_working_time(at("2026-03-10 10:30"), hours=1, calendar=CAL) == at("2026-03-10 11:30")
    assert add_working_time(at("2026-03-10 10:30"), hours=1.5, calendar=CAL) == at(
        "2026-03-10 14:00"
    )
    assert add_working_time(at("2026-03-10 07:30"), hours=7.5, calendar=CAL) == at(
        "2026-03-10 17:00"
    )


def test_days_and_hours_together_count_days_first():
    assert add_working_time(at("2026-03-10 09:00"), days=1, hours=3, calendar=CAL) == at(
        "2026-03-11 14:00"
    )


def test_a_deadline_is_a_working_instant():
    assert is_working_instant(at("2026-03-10 17:00"), calendar=CAL)
    assert not is_working_instant(at("2026-03-10 17:01"), calendar=CAL)
    assert not is_working_instant(at("2026-03-10 12:00"), calendar=CAL)
    assert not is_working_instant(at("2026-02-17 09:00"), calendar=CAL)


def test_between_is_negative_backwards_and_zero_within_a_non_working_stretch():
    a, b = at("2026-03-10 09:00"), at("2026-03-11 09:00")
    assert working_time_between(a, b, calendar=CAL) == 7.5 * H
    assert working_time_between(b, a, calendar=CAL) == -7.5 * H
    assert working_time_between(at("2026-03-10 17:30"), at("2026-03-11 07:00"), calendar=CAL) == (
        datetime.timedelta(0)
    )
    assert working_time_between(at("2026-03-10 11:30"), at("2026-03-10 13:30"), calendar=CAL) == (
        datetime.timedelta(0)
    )


def test_a_pause_shifts_the_deadline_by_its_working_time():
    # 5 days from Fri 13 Feb 09:00 with the clock stopped Mon 23 Feb 07:00 – Tue 24 Feb 09:00
    # (7.5 h + 1.5 h = 9 working hours): Fri 27 Feb 09:00 + 9 h = Mon 2 Mar 10:30
    due = deadline_with_pauses(
        at("2026-02-13 09:00"),
        days=5,
        pauses=[(at("2026-02-23 07:00"), at("2026-02-24 09:00"))],
        calendar=CAL,
    )
    assert due == at("2026-03-02 10:30")
    # a pause over Tết itself (no working time) changes nothing
    assert deadline_with_pauses(
        at("2026-02-13 09:00"),
        days=5,
        pauses=[(at("2026-02-14 00:00"), at("2026-02-22 23:59"))],
        calendar=CAL,
    ) == at("2026-02-27 09:00")
    # overlapping pauses count once; a pause after the deadline does not count
    due = deadline_with_pauses(
        at("2026-03-10 09:00"),
        hours=2,
        pauses=[
            (at("2026-03-10 09:30"), at("2026-03-10 10:30")),
            (at("2026-03-10 10:00"), at("2026-03-10 11:00")),
            (at("2026-03-12 09:00"), at("2026-03-13 09:00")),
        ],
        calendar=CAL,
    )
    # runs 09:00–09:30 and 11:00–11:30 (1 h), paused 09:30–11:00, then 13:30–14:30
    assert due == at("2026-03-10 14:30")


def test_paper_dossier_after_15_00_moves_at_the_start_of_the_next_working_day():
    assert start_of_next_working_day(at("2026-02-13 15:30"), calendar=CAL) == at("2026-02-23 07:30")


def test_a_new_hours_version_applies_from_its_date():
    calendar = WorkCalendar(
        hours=[
            HoursVersion(valid_from=datetime.date(1990, 1, 1)),
            HoursVersion(
                valid_from=datetime.date(2026, 6, 1),
                morning_start=datetime.time(7, 0),
                morning_end=datetime.time(11, 0),
                afternoon_start=datetime.time(13, 0),
                afternoon_end=datetime.time(16, 30),
            ),
        ]
    )
    assert next_working_instant(at("2026-05-29 16:45"), calendar=calendar) == at("2026-05-29 16:45")
    assert next_working_instant(at("2026-06-01 07:10"), calendar=calendar) == at("2026-06-01 07:10")
    # Fri 29 May 10:00 (2.5 h into the old day) + 1 day → Mon 1 Jun 2.5 h into the new day
    assert add_working_time(at("2026-05-29 10:00"), days=1, calendar=calendar) == at(
        "2026-06-01 09:30"
    )


def test_bad_input_is_refused_with_a_bilingual_message():
    with pytest.raises(WorkTimeError, match="timezone-aware"):
        add_working_time(datetime.datetime(2026, 2, 13, 9, 0), days=1, calendar=CAL)  # noqa: DTZ001
    with pytest.raises(WorkTimeError, match="không được âm"):
        add_working_time(at("2026-02-13 09:00"), days=-1, calendar=CAL)
    with pytest.raises(WorkTimeError, match="zero or more"):
        add_working_time(at("2026-02-13 09:00"), hours=-0.5, calendar=CAL)
    with pytest.raises(WorkTimeError, match="ends before it starts"):
        deadline_with_pauses(
            at("2026-02-13 09:00"),
            days=1,
            pauses=[(at("2026-02-13 10:00"), at("2026-02-13 09:30"))],
            calendar=CAL,
        )
