"""The back-office calendar page: who may see it, and adding/removing days through it."""

import datetime

import pytest
from django.urls import reverse

from chinhquyen.core.testing import LOGIN, assert_permission_matrix
from chinhquyen.worktime.choices import DayKind
from chinhquyen.worktime.models import CalendarException
from chinhquyen.worktime.services import add_calendar_exception

pytestmark = pytest.mark.django_db

DENIED = {
    "anonymous": LOGIN,
    "officer_an": 403,
    "leader_binh": 403,
    "specialist_dung": 403,
    "clerk_hoa": 403,
    "citizen_chi": 403,
}


@pytest.fixture
def everyone(personas, it_admin_tuan):
    return personas | {"it_admin_tuan": it_admin_tuan}


def test_only_administrators_see_the_calendar(client, everyone):
    url = reverse("worktime:calendar") + "?year=2026"
    assert_permission_matrix(
        client, url, DENIED | {"it_admin_tuan": 200, "admin_giang": 200}, personas=everyone
    )


def test_only_administrators_add_days(client, everyone):
    data = {"date": "2026-03-14", "kind": "working_day", "reason": "Làm bù", "legal_reference": ""}
    assert_permission_matrix(
        client,
        reverse("worktime:add_exception") + "?year=2026",
        DENIED | {"it_admin_tuan": 302, "admin_giang": 302},
        personas=everyone,
        method="post",
        data=data,
        unchanged=lambda: list(CalendarException.objects.values_list("date", flat=True)),
    )


def test_the_page_shows_the_year_with_tet_and_the_swap(
    login, it_admin_tuan, django_assert_max_num_queries
):
    client = login(it_admin_tuan)
    with django_assert_max_num_queries(20):
        response = client.get(reverse("worktime:calendar") + "?year=2026")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Giao thừa Tết Nguyên Đán" in html
    assert "Ngày nghỉ (thay cho ngày 22/08/2026)" in html
    assert 'datetime="2026-08-22"' in html
    assert html.count('class="month-grid"') == 12


def test_adding_and_removing_a_day_through_the_page(login, it_admin_tuan):
    client = login(it_admin_tuan)
    response = client.post(
        reverse("worktime:add_exception") + "?year=2026",
        {"date": "2026-03-11", "kind": "day_off", "reason": "Nghỉ của tỉnh", "legal_reference": ""},
    )
    assert response.status_code == 302
    exception = CalendarException.objects.get()
    assert (exception.date, exception.kind, exception.created_by) == (
        datetime.date(2026, 3, 11),
        DayKind.DAY_OFF,
        it_admin_tuan,
    )
    response = client.post(reverse("worktime:remove_exception", args=[exception.pk]))
    assert response.status_code == 302
    assert CalendarException.objects.count() == 0


def test_a_bad_day_is_refused_with_the_field_named(login, it_admin_tuan):
    add_calendar_exception(
        date=datetime.date(2026, 3, 11), kind="day_off", reason="A", acting_user=it_admin_tuan
    )
    client = login(it_admin_tuan)
    response = client.post(
        reverse("worktime:add_exception") + "?year=2026",
        {"date": "2026-03-11", "kind": "working_day", "reason": "B"},
    )
    assert response.status_code == 400
    assert "already has an exception" in response.content.decode()
    assert list(CalendarException.objects.values_list("reason", flat=True)) == ["A"]
    response = client.post(
        reverse("worktime:add_exception"), {"date": "not a date", "kind": "x", "reason": ""}
    )
    assert response.status_code == 400
    assert CalendarException.objects.count() == 1


def test_a_new_hours_version_through_the_page(login, it_admin_tuan):
    client = login(it_admin_tuan)
    valid_from = (datetime.date.today() + datetime.timedelta(days=10)).isoformat()  # noqa: DTZ011
    response = client.post(
        reverse("worktime:add_hours"),
        {
            "valid_from": valid_from,
            "morning_start": "07:00",
            "morning_end": "11:00",
            "afternoon_start": "13:00",
            "afternoon_end": "16:30",
        },
    )
    assert response.status_code == 302
    response = client.post(
        reverse("worktime:add_hours"),
        {
            "valid_from": "2001-01-01",
            "morning_start": "07:00",
            "morning_end": "11:00",
            "afternoon_start": "13:00",
            "afternoon_end": "16:30",
        },
    )
    assert response.status_code == 400
    assert "must not be in the past" in response.content.decode()


def test_the_navigation_shows_the_calendar_to_the_it_administrator(
    login, it_admin_tuan, officer_an
):
    url = reverse("worktime:calendar")
    assert url in login(it_admin_tuan).get(reverse("core:backoffice")).content.decode()
    assert url not in login(officer_an).get(reverse("core:backoffice")).content.decode()
