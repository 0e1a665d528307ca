"""The back-office home and its left navigation, per role."""

import pytest
from django.urls import reverse
from django.utils import translation

from chinhquyen.accounts.choices import Role, UserKind
from chinhquyen.accounts.services import assign_role
from chinhquyen.core import navigation
from chinhquyen.core.navigation import NavItem, navigation_for
from chinhquyen.directory.choices import OrganisationKind
from chinhquyen.directory.services import create_official, create_organisation

pytestmark = pytest.mark.django_db


@pytest.fixture
def department_of_justice():
    committee = create_organisation(
        name="Ủy ban nhân dân tỉnh Tuyên Quang", kind=OrganisationKind.PEOPLES_COMMITTEE
    )
    return create_organisation(
        parent=committee, name="Sở Tư pháp", kind=OrganisationKind.DEPARTMENT
    )


@pytest.fixture
def specialist_an(department_of_justice):
    official = create_official(
        username="specialist_an",
        full_name="Nguyễn Văn An",
        organisation=department_of_justice,
        position="Chuyên viên",
    )
    assign_role(official=official, role=Role.SPECIALIST, organisation=department_of_justice)
    return official.user


@pytest.fixture
def it_admin_giang(department_of_justice):
    official = create_official(
        username="it_admin_giang", full_name="Trần Thị Giang", organisation=department_of_justice
    )
    assign_role(official=official, role=Role.IT_ADMIN, organisation=department_of_justice)
    return official.user


@pytest.fixture
def unassigned_binh(django_user_model):
    return django_user_model.objects.create_user("binh", full_name="Lê Bình")


@pytest.fixture
def citizen_chi(django_user_model):
    return django_user_model.objects.create_user(
        "citizen_chi", full_name="Phạm Thị Chi", kind=UserKind.CITIZEN
    )


FOUNDATION_APPS = ("core:", "accounts:", "directory:", "audit:")


def _nav(user, path="/backoffice/") -> set[str]:
    """URL names of the foundation's navigation links ``user`` sees (later apps add their own)."""
    return {
        link.url_name
        for s in navigation_for(user, path)
        for link in s.links
        if link.url_name.startswith(FOUNDATION_APPS)
    }


def _existing(*, without: set[str] = frozenset()) -> set[str]:
    """URL names of the foundation's registered items whose page exists."""
    return {
        i.url_name
        for i in navigation.registered_items()
        if i.url_name.startswith(FOUNDATION_APPS) and _resolves(i.url_name)
    } - without


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(reverse("core:backoffice"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_a_citizen_is_refused_the_back_office(client, citizen_chi):
    client.force_login(citizen_chi)

    response = client.get(reverse("core:backoffice"))

    assert response.status_code == 403
    assert "<h1>Bạn không có quyền truy cập trang này</h1>" in response.content.decode()


def test_an_official_sees_a_greeting_with_organisation_and_roles(client, specialist_an):
    client.force_login(specialist_an)

    response = client.get(reverse("core:backoffice"))

    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Xin chào, Nguyễn Văn An</h1>" in html
    assert "<dd>Sở Tư pháp</dd>" in html
    with translation.override("vi"):
        specialist = str(Role.SPECIALIST.label)
    assert f"<li>{specialist} — Sở Tư pháp</li>" in html
    assert '<nav class="sidebar" aria-label="Điều hướng trang nghiệp vụ">' in html
    assert f'<a href="{reverse("core:backoffice")}" aria-current="page">' in html


def test_an_official_without_a_role_is_told_whom_to_ask(client, unassigned_binh):
    client.force_login(unassigned_binh)

    html = client.get(reverse("core:backoffice")).content.decode()

    assert "Chưa gắn với cơ quan, đơn vị nào" in html
    assert "Chưa được phân vai trò" in html


def test_the_navigation_follows_the_permissions_of_the_roles(
    specialist_an, it_admin_giang, unassigned_binh, citizen_chi, django_user_model
):
    root = django_user_model.objects.create_superuser("root", password="x-very-long-1")
    needs_permission = {"directory:organisations", "directory:officials", "directory:import"}

    # Officials without a role get the pages every member of staff has.
    assert _nav(unassigned_binh) == _existing(without=needs_permission | {"audit:list"})
    # A specialist may look the directory up but not import or read the audit log.
    assert _nav(specialist_an) == _existing(without={"directory:import", "audit:list"})
    # The IT administrator and a superuser see everything that exists.
    assert _nav(it_admin_giang) == _existing()
    assert _nav(root) == _existing()
    # Citizens have no back office.
    assert _nav(citizen_chi) == set()
    assert "core:backoffice" in _nav(unassigned_binh)


def test_an_item_whose_page_does_not_exist_is_left_out_instead_of_breaking_the_page(
    client, specialist_an, monkeypatch
):
    monkeypatch.setattr(navigation, "_items", [*navigation._items])
    navigation.register(NavItem("Not built yet", "nowhere:nothing"))
    client.force_login(specialist_an)

    response = client.get(reverse("core:backoffice"))

    assert response.status_code == 200
    assert "Not built yet" not in response.content.decode()


def test_the_most_specific_item_is_marked_current(specialist_an, monkeypatch):
    monkeypatch.setattr(navigation, "_items", [])
    navigation.register(NavItem("Home", "core:backoffice"))
    navigation.register(NavItem("Settings", "core:preferences"))

    links = [link for s in navigation_for(specialist_an, "/preferences/") for link in s.links]

    assert [(link.label, link.current) for link in links] == [
        ("Home", False),
        ("Settings", True),
    ]


def test_the_back_office_home_costs_a_bounded_number_of_queries(
    client, specialist_an, django_assert_max_num_queries
):
    client.force_login(specialist_an)

    with django_assert_max_num_queries(12):
        client.get(reverse("core:backoffice"))


def _resolves(url_name: str) -> bool:
    from django.urls import NoReverseMatch

    try:
        reverse(url_name)
    except NoReverseMatch:
        return False
    return True
