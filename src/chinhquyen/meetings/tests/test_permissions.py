"""Who may see and change which calendar and endpoint, persona by persona (nothing changes
when refused)."""

import pytest

from chinhquyen.core.testing import LOGIN, assert_permission_matrix
from chinhquyen.meetings import services
from chinhquyen.meetings.models import CalendarEntry, ConferenceEndpoint, EndpointBooking
from chinhquyen.meetings.tests.conftest import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(personas, it_admin_tam):
    return {**personas, "it_admin_tam": it_admin_tam}


@pytest.fixture
def entry_a(make_entry):
    return make_entry("Họp giao ban Sở A")


def entries_state():
    return list(CalendarEntry.objects.order_by("pk").values_list("title", "status", "starts_at"))


def test_the_week_view(client, people, org_tree):
    assert_permission_matrix(
        client,
        f"/meetings/?agency={org_tree.dept_a.pk}&week=2026-W49",
        {
            "anonymous": LOGIN,
            "officer_an": 200,
            "leader_binh": 200,
            "clerk_hoa": 200,
            "specialist_dung": 404,  # division A1: the department's calendar is above
            "it_admin_tam": 200,
            "admin_giang": 200,
            "other_agency_official": 404,
            "citizen_chi": 403,
        },
        personas=people,
    )


def test_adding_an_entry(client, people, org_tree):
    assert_permission_matrix(
        client,
        f"/meetings/entries/new/?agency={org_tree.dept_a.pk}",
        {
            "anonymous": LOGIN,
            "officer_an": 403,
            "specialist_dung": 403,
            "it_admin_tam": 403,
            "deputy_cuong": 404,  # leader of the division, not of the department
            "other_agency_official": 403,
            "citizen_chi": 403,
            "clerk_hoa": 302,
            "leader_binh": 302,
            "admin_giang": 302,
        },
        personas=people,
        method="post",
        data={"title": "Họp mới", "starts_at": "2026-12-01T08:00", "ends_at": "2026-12-01T09:00"},
        unchanged=entries_state,
    )


def test_publishing_an_entry(client, people, entry_a):
    assert_permission_matrix(
        client,
        f"/meetings/entries/{entry_a.pk}/publish/",
        {
            "anonymous": LOGIN,
            "officer_an": 403,  # sees the calendar, may not publish
            "specialist_dung": 404,
            "it_admin_tam": 403,
            "other_agency_official": 404,
            "citizen_chi": 403,
            "clerk_hoa": 302,
            "leader_binh": 302,
            "admin_giang": 302,
        },
        personas=people,
        method="post",
        unchanged=entries_state,
    )


def test_editing_an_entry(client, people, entry_a):
    assert_permission_matrix(
        client,
        f"/meetings/entries/{entry_a.pk}/",
        {
            "officer_an": 403,
            "it_admin_tam": 403,
            "other_agency_official": 404,
            "clerk_hoa": 302,
        },
        personas=people,
        method="post",
        data={"title": "Đổi", "starts_at": "2026-12-01T08:00", "ends_at": "2026-12-01T09:00"},
        unchanged=entries_state,
    )


def test_booking_an_endpoint(client, people, entry_a, endpoint_a):
    assert_permission_matrix(
        client,
        f"/meetings/entries/{entry_a.pk}/endpoints/",
        {
            "anonymous": LOGIN,
            "officer_an": 403,
            "it_admin_tam": 403,
            "other_agency_official": 403,
            "citizen_chi": 403,
            "clerk_hoa": 302,
            "leader_binh": 302,
        },
        personas=people,
        method="post",
        data={"endpoint": endpoint_a.pk},
        unchanged=lambda: list(EndpointBooking.objects.values_list("pk", "released_at")),
    )


def test_endpoint_of_another_agency_cannot_be_booked(client, login, clerk_hoa, entry_a, endpoint_b):
    login(clerk_hoa)
    response = client.post(
        f"/meetings/entries/{entry_a.pk}/endpoints/", {"endpoint": endpoint_b.pk}
    )
    assert response.status_code == 400  # not among the choices
    assert not EndpointBooking.objects.exists()


def test_adding_an_endpoint(client, people, org_tree):
    assert_permission_matrix(
        client,
        "/meetings/endpoints/new/",
        {
            "anonymous": LOGIN,
            "officer_an": 403,
            "leader_binh": 403,
            "specialist_dung": 403,
            "other_agency_official": 403,
            "citizen_chi": 403,
            "it_admin_tam": 302,
            "clerk_hoa": 302,
            "admin_giang": 302,
        },
        personas=people,
        method="post",
        data={
            "organisation": org_tree.dept_a.pk,
            "name": "Điểm cầu mới",
            "level": "department",
            "is_active": "on",
        },
        unchanged=lambda: list(ConferenceEndpoint.objects.values_list("name")),
    )


def test_an_endpoint_page_and_deletion(client, people, endpoint_a):
    assert_permission_matrix(
        client,
        f"/meetings/endpoints/{endpoint_a.pk}/",
        {
            "anonymous": LOGIN,
            "leader_binh": 200,
            "it_admin_tam": 200,
            "other_agency_official": 404,
            "citizen_chi": 403,
        },
        personas=people,
    )
    assert_permission_matrix(
        client,
        f"/meetings/endpoints/{endpoint_a.pk}/delete/",
        {
            "leader_binh": 403,
            "other_agency_official": 404,
            "it_admin_tam": 302,
        },
        personas=people,
        method="post",
        unchanged=lambda: list(ConferenceEndpoint.objects.values_list("pk")),
    )


def test_a_booked_endpoint_is_kept_not_deleted(client, login, it_admin_tam, entry_a, endpoint_a):
    services.book_endpoint(entry_a, endpoint_a, acting_user=None)
    login(it_admin_tam)
    response = client.post(f"/meetings/endpoints/{endpoint_a.pk}/delete/")
    assert response.status_code == 409
    assert ConferenceEndpoint.objects.filter(pk=endpoint_a.pk).exists()


def test_a_double_booking_through_the_page_answers_409_naming_the_meeting(
    client, login, clerk_hoa, make_entry, endpoint_a
):
    first = make_entry("Họp thứ nhất", start=at(2026, 12, 1, 8), end=at(2026, 12, 1, 10))
    second = make_entry("Họp thứ hai", start=at(2026, 12, 1, 9), end=at(2026, 12, 1, 10))
    services.book_endpoint(first, endpoint_a, acting_user=clerk_hoa)
    login(clerk_hoa)
    response = client.post(f"/meetings/entries/{second.pk}/endpoints/", {"endpoint": endpoint_a.pk})
    assert response.status_code == 409
    assert "Họp thứ nhất" in response.content.decode()
    assert EndpointBooking.objects.filter(entry=second).count() == 0


def test_availability_shows_free_and_booked_endpoints(
    client, login, clerk_hoa, make_entry, endpoint_a
):
    entry = make_entry(
        "Hội nghị trực tuyến toàn tỉnh", start=at(2026, 12, 1, 8), end=at(2026, 12, 1, 10)
    )
    services.book_endpoint(entry, endpoint_a, acting_user=clerk_hoa)
    services.create_endpoint(
        organisation=endpoint_a.organisation, name="Phòng nhỏ", level="department", acting_user=None
    )
    login(clerk_hoa)
    response = client.get(
        "/meetings/endpoints/availability/",
        {"starts_at": "2026-12-01T09:00", "ends_at": "2026-12-01T11:00"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Hội nghị trực tuyến toàn tỉnh" in page and "Phòng nhỏ" in page
