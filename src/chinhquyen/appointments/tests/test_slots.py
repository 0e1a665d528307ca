"""Slots come from the working-time calendar and the agency's settings."""

import datetime

import pytest

from chinhquyen.appointments.services import bookable_days, configure_slots, day_slots
from chinhquyen.dossiers.tests.conftest import at

pytestmark = pytest.mark.django_db


def _times(slots):
    return [s.starts_at.strftime("%H:%M") for s in slots]


def test_default_slots_are_half_hours_within_office_hours(agency, monday_8am):
    slots = day_slots(agency, datetime.date(2026, 3, 2), now=monday_8am)

    assert _times(slots) == [
        "07:30", "08:00", "08:30", "09:00", "09:30", "10:00", "10:30", "11:00",
        "13:30", "14:00", "14:30", "15:00", "15:30", "16:00", "16:30",
    ]  # fmt: skip
    assert slots[-1].ends_at.strftime("%H:%M") == "17:00"
    assert [s.capacity for s in slots] == [4] * 15
    # 07:30 and 08:00 have begun at 08:00: not bookable any more.
    assert [s.bookable for s in slots[:3]] == [False, False, True]


def test_days_off_have_no_slot(agency, monday_8am):
    assert day_slots(agency, datetime.date(2026, 3, 1), now=monday_8am) == []  # Sunday
    assert day_slots(agency, datetime.date(2026, 4, 30), now=monday_8am) == []  # 30 April


def test_bookable_days_are_today_and_the_next_working_days(agency):
    days = bookable_days(agency, now=at(2026, 4, 28, 9, 0))  # Tuesday before 30 April / 1 May

    assert days[:4] == [
        datetime.date(2026, 4, 28),
        datetime.date(2026, 4, 29),
        datetime.date(2026, 5, 4),
        datetime.date(2026, 5, 5),
    ]
    assert len(days) == 11  # today + 10 working days (the default)


def test_the_agency_sets_slot_length_capacity_and_horizon(agency, officer_an, monday_8am):
    configure_slots(
        agency=agency, slot_minutes=45, capacity=2, days_ahead=3, prefix="b",
        acting_user=officer_an,
    )  # fmt: skip

    slots = day_slots(agency, datetime.date(2026, 3, 3), now=monday_8am)
    assert _times(slots) == ["07:30", "08:15", "09:00", "09:45", "10:30",
                             "13:30", "14:15", "15:00", "15:45"]  # fmt: skip
    assert {s.capacity for s in slots} == {2}
    assert len(bookable_days(agency, now=monday_8am)) == 4


def test_bad_settings_are_refused_and_nothing_is_saved(agency, officer_an):
    from django.core.exceptions import ValidationError

    from chinhquyen.appointments.models import AgencySlotSettings

    with pytest.raises(ValidationError) as refused:
        configure_slots(
            agency=agency, slot_minutes=2, capacity=0, days_ahead=99, prefix="1",
            acting_user=officer_an,
        )  # fmt: skip

    assert sorted(refused.value.message_dict) == [
        "capacity", "days_ahead", "prefix", "slot_minutes",
    ]  # fmt: skip
    assert refused.value.message_dict["slot_minutes"] == [
        "Một khung giờ dài từ 5 đến 240 phút. / A slot lasts from 5 to 240 minutes."
    ]
    assert AgencySlotSettings.objects.count() == 0


def test_another_agency_cannot_configure(agency, other_agency_official):
    from django.core.exceptions import PermissionDenied

    from chinhquyen.appointments.models import AgencySlotSettings

    with pytest.raises(PermissionDenied):
        configure_slots(
            agency=agency, slot_minutes=20, capacity=3, days_ahead=5, prefix="A",
            acting_user=other_agency_official,
        )  # fmt: skip
    assert AgencySlotSettings.objects.count() == 0
