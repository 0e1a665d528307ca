"""``chinhquyen calendar due | between | days`` (the same rules on the command line)."""

import datetime
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from chinhquyen.worktime.services import add_calendar_exception

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command("calendar", *args, stdout=out)
    return out.getvalue()


def test_due_in_days_across_tet_2026():
    assert run("due", "--from", "2026-02-13T09:00", "--days", "5") == (
        "2026-02-27T09:00:00+07:00\n"
    )


def test_due_in_hours_and_as_json():
    assert run("due", "--from", "2026-02-13T09:00", "--hours", "8") == (
        "2026-02-23T09:30:00+07:00\n"
    )
    data = json.loads(run("due", "--from", "2026-02-13T12:00+07:00", "--hours", "1.5", "--json"))
    assert data == {
        "from": "2026-02-13T12:00:00+07:00",
        "counted_from": "2026-02-13T13:30:00+07:00",
        "days": 0,
        "hours": "1.5",
        "due": "2026-02-13T15:00:00+07:00",
    }


def test_an_instant_with_another_offset_is_converted():
    # 02:00 UTC is 09:00 in Hà Nội
    assert run("due", "--from", "2026-02-13T02:00:00Z", "--days", "5") == (
        "2026-02-27T09:00:00+07:00\n"
    )


def test_between_two_instants():
    assert run("between", "2026-02-13T09:00", "2026-02-24T10:30") == (
        "2 ngày 1 giờ 30 phút làm việc / 2 working days 1 h 30 min "
        "(16.5 working hours; 1 working day = 7.5 h)\n"
    )
    data = json.loads(run("between", "2026-02-13T09:00", "2026-02-24T10:30", "--json"))
    assert data["hours"] == "16.5"
    assert data["seconds"] == "59400"
    assert (data["working_days"], data["remainder_hours"], data["remainder_minutes"]) == (2, 1, 30)


def test_days_of_2026_lists_holidays_swaps_and_administrator_days(admin_giang):
    add_calendar_exception(
        date=datetime.date(2026, 3, 14),
        kind="working_day",
        reason="Làm bù",
        legal_reference="Công văn 1/UBND",
        acting_user=admin_giang,
    )
    lines = run("days", "--year", "2026").splitlines()
    assert (
        "2026-02-16  Thứ Hai / Mon  nghỉ / day off  Giao thừa Tết Nguyên Đán  [holidays]" in lines
    )
    assert (
        "2026-08-22  Thứ Bảy / Sat  làm việc / working  Ngày làm việc bù / Make-up working day  "
        "[holidays]"
    ) in lines
    assert (
        "2026-03-14  Thứ Bảy / Sat  làm việc / working  Làm bù  [quản trị / administrator]  "
        "(Công văn 1/UBND)"
    ) in lines
    assert len(lines) == 16
    data = json.loads(run("days", "--year", "2026", "--json"))
    assert {"date": "2026-11-24", "working": False, "source": "library"}.items() <= data[-1].items()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("due", "--from", "2026-02-30T09:00", "--days", "5"), "Invalid instant"),
        (("due", "--from", "hôm qua", "--days", "5"), "Thời điểm không hợp lệ"),
        (("due", "--from", "2026-02-13T09:00", "--days", "x"), "--days must be a whole number"),
        (("due", "--from", "2026-02-13T09:00", "--hours", "-2"), "--hours must be a number"),
        (("due", "--from", "2026-02-13T09:00"), "Give --days or --hours"),
        (("days", "--year", "năm"), "--year must be a year"),
        (("days", "--year", "1800"), "outside the working-time calendar"),
        (("between", "2026-02-13", "x"), "Invalid instant"),
    ],
)
def test_bad_input_gives_a_bilingual_error_and_exit_status_2(args, message):
    with pytest.raises(CommandError) as caught:
        run(*args)
    assert message in str(caught.value)
    assert " / " in str(caught.value)
    assert caught.value.returncode == 2
