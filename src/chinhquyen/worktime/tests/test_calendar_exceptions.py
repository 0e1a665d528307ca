"""The administrator adds and removes days; the current calendar follows at once."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from chinhquyen.audit.models import AuditEntry
from chinhquyen.worktime.calendar import WorkCalendar, add_working_time, is_working_day
from chinhquyen.worktime.choices import DayKind
from chinhquyen.worktime.models import CalendarException, WorkingHours
from chinhquyen.worktime.services import (
    add_calendar_exception,
    remove_calendar_exception,
    set_working_hours,
)
from chinhquyen.worktime.tests.conftest import at

pytestmark = pytest.mark.django_db


def test_the_default_working_hours_come_from_a_data_migration():
    version = WorkingHours.objects.get()
    assert (version.morning_start, version.morning_end) == (
        datetime.time(7, 30),
        datetime.time(11, 30),
    )
    assert (version.afternoon_start, version.afternoon_end) == (
        datetime.time(13, 30),
        datetime.time(17, 0),
    )


def test_a_provincial_day_off_moves_deadlines_and_is_audited(it_admin_tuan):
    # given a deadline over Wednesday 11 Mar 2026
    assert add_working_time(at("2026-03-10 09:00"), days=1) == at("2026-03-11 09:00")
    # when the administrator declares a provincial day off on 11 Mar
    exception = add_calendar_exception(
        date=datetime.date(2026, 3, 11),
        kind=DayKind.DAY_OFF,
        reason="Ngày nghỉ của tỉnh",
        legal_reference="Quyết định 12/QĐ-UBND",
        acting_user=it_admin_tuan,
    )
    # then the deadline skips it, and the call is in the audit trail
    assert add_working_time(at("2026-03-10 09:00"), days=1) == at("2026-03-12 09:00")
    assert exception.created_by == it_admin_tuan
    entry = AuditEntry.objects.get(action="worktime.add_calendar_exception")
    assert entry.actor == it_admin_tuan
    assert entry.details["date"] == "2026-03-11"
    assert entry.details["kind"] == "day_off"


def test_a_make_up_saturday_is_a_working_day(it_admin_tuan):
    add_calendar_exception(
        date=datetime.date(2026, 3, 14),
        kind=DayKind.WORKING_DAY,
        reason="Làm bù",
        acting_user=it_admin_tuan,
    )
    assert is_working_day(datetime.date(2026, 3, 14))
    assert add_working_time(at("2026-03-13 09:00"), days=1) == at("2026-03-14 09:00")


def test_an_administrator_working_day_overrides_a_library_holiday_and_back(it_admin_tuan):
    # the library's swap day, Monday 31 Aug 2026, declared a working day after all
    exception = add_calendar_exception(
        date=datetime.date(2026, 8, 31),
        kind=DayKind.WORKING_DAY,
        reason="Hủy hoán đổi",
        acting_user=it_admin_tuan,
    )
    assert is_working_day(datetime.date(2026, 8, 31))
    # and the library's make-up Saturday 22 Aug declared a day off
    add_calendar_exception(
        date=datetime.date(2026, 8, 22),
        kind=DayKind.DAY_OFF,
        reason="Không làm bù",
        acting_user=it_admin_tuan,
    )
    assert not is_working_day(datetime.date(2026, 8, 22))
    # when the first exception is removed, the library rule applies again
    remove_calendar_exception(exception=exception, acting_user=it_admin_tuan)
    assert not is_working_day(datetime.date(2026, 8, 31))
    assert list(CalendarException.objects.values_list("date", flat=True)) == [
        datetime.date(2026, 8, 22)
    ]
    assert AuditEntry.objects.filter(action="worktime.remove_calendar_exception").count() == 1


def test_the_culture_day_can_be_cancelled_as_data(it_admin_tuan):
    add_calendar_exception(
        date=datetime.date(2026, 11, 24),
        kind=DayKind.WORKING_DAY,
        reason="Chưa có văn bản quy định nghỉ",
        acting_user=it_admin_tuan,
    )
    assert is_working_day(datetime.date(2026, 11, 24))


@pytest.mark.parametrize(
    ("values", "field", "english"),
    [
        ({"kind": "holiday"}, "kind", "Invalid kind “holiday”, expected day_off or working_day"),
        ({"reason": "   "}, "reason", "A reason is required"),
        (
            {"date": datetime.datetime(2026, 3, 11, 9, 0)},  # noqa: DTZ001
            "date",
            "A date is needed: datetime.datetime(2026, 3, 11, 9, 0)",
        ),
        ({"date": datetime.date(1800, 1, 1)}, "date", "The year must be within 1990–2200"),
    ],
)
def test_bad_exceptions_are_refused_and_nothing_is_saved(it_admin_tuan, values, field, english):
    arguments = {
        "date": datetime.date(2026, 3, 11),
        "kind": DayKind.DAY_OFF,
        "reason": "Lý do",
        "acting_user": it_admin_tuan,
    } | values
    with pytest.raises(ValidationError) as caught:
        add_calendar_exception(**arguments)
    assert field in caught.value.message_dict
    with translation.override("en"):
        message = caught.value.message_dict[field][0]
    assert message.startswith(f"{english} (")  # English (Vietnamese)
    assert message.endswith(").")
    with translation.override("vi"):
        vietnamese_first = caught.value.message_dict[field][0]
    # Vietnamese (English): the site's default language puts the Vietnamese first.
    assert vietnamese_first != message
    assert not vietnamese_first.startswith(english)
    assert vietnamese_first.endswith(").")
    assert CalendarException.objects.count() == 0
    assert not AuditEntry.objects.filter(action__startswith="worktime.").exists()


def test_a_second_exception_for_the_same_date_is_refused(it_admin_tuan):
    add_calendar_exception(
        date=datetime.date(2026, 3, 11), kind="day_off", reason="A", acting_user=it_admin_tuan
    )
    with pytest.raises(ValidationError) as caught:
        add_calendar_exception(
            date=datetime.date(2026, 3, 11),
            kind="working_day",
            reason="B",
            acting_user=it_admin_tuan,
        )
    assert "already has an exception" in caught.value.message_dict["date"][0]
    assert list(CalendarException.objects.values_list("reason", flat=True)) == ["A"]


def test_a_new_working_hours_version_applies_from_its_date(it_admin_tuan):
    tomorrow = datetime.date.today() + datetime.timedelta(days=1)  # noqa: DTZ011
    set_working_hours(
        valid_from=tomorrow,
        morning_start=datetime.time(7, 0),
        morning_end=datetime.time(11, 0),
        afternoon_start=datetime.time(13, 0),
        afternoon_end=datetime.time(16, 30),
        legal_reference="Quyết định giờ làm việc mùa hè",
        acting_user=it_admin_tuan,
    )
    calendar = WorkCalendar.current()
    assert calendar.hours_on(tomorrow).morning_start == datetime.time(7, 0)
    assert calendar.hours_on(tomorrow - datetime.timedelta(days=1)).morning_start == (
        datetime.time(7, 30)
    )
    assert AuditEntry.objects.filter(action="worktime.set_working_hours").count() == 1


def test_working_hours_in_the_past_or_out_of_order_are_refused(it_admin_tuan):
    with pytest.raises(ValidationError) as caught:
        set_working_hours(
            valid_from=datetime.date(2020, 1, 1),
            morning_start=datetime.time(7, 0),
            morning_end=datetime.time(11, 0),
            afternoon_start=datetime.time(13, 0),
            afternoon_end=datetime.time(16, 30),
            acting_user=it_admin_tuan,
        )
    assert "valid_from" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        set_working_hours(
            valid_from=datetime.date.today() + datetime.timedelta(days=3),  # noqa: DTZ011
            morning_start=datetime.time(11, 0),
            morning_end=datetime.time(7, 0),
            afternoon_start=datetime.time(13, 0),
            afternoon_end=datetime.time(16, 30),
            acting_user=it_admin_tuan,
        )
    assert "Working hours must be ordered" in caught.value.message_dict["afternoon_end"][0]
    assert WorkingHours.objects.count() == 1


def test_the_current_calendar_is_cached_until_the_data_change(
    it_admin_tuan, django_assert_num_queries
):
    first = WorkCalendar.current()
    with django_assert_num_queries(1):  # the revision token only
        assert WorkCalendar.current() is first
    add_calendar_exception(
        date=datetime.date(2026, 3, 11), kind="day_off", reason="A", acting_user=it_admin_tuan
    )
    second = WorkCalendar.current()
    assert second is not first
    assert not second.is_working_day(datetime.date(2026, 3, 11))
    with django_assert_num_queries(1):
        # many deadlines, no query per day stepped
        for day in range(1, 28):
            add_working_time(at(f"2026-02-{day:02d} 09:00"), days=30, calendar=second)
        WorkCalendar.current()
