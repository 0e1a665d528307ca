"""Back-office pages: who may see what (permission matrices), content and the import flow."""

import io

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from chinhquyen.accounts.choices import Role
from chinhquyen.accounts.services import assign_role
from chinhquyen.core.testing import LOGIN, assert_permission_matrix, login_as
from chinhquyen.directory.models import Official, Organisation
from chinhquyen.directory.services import create_official
from chinhquyen.directory.units import load_units


@pytest.fixture
def it_admin_tam(org_tree):
    official = create_official(
        username="it_tam", full_name="Lý Văn Tâm", organisation=org_tree.dept_a
    )
    assign_role(official=official, role=Role.IT_ADMIN, organisation=org_tree.dept_a)
    return official.user


@pytest.fixture
def people(personas, it_admin_tam):
    return {**personas, "it_admin_tam": it_admin_tam}


def test_organisation_list_permissions(client, people):
    assert_permission_matrix(
        client,
        reverse("directory:organisations"),
        {
            "anonymous": LOGIN,
            "officer_an": 200,
            "other_agency_official": 200,
            "admin_giang": 200,
            "citizen_chi": 403,
        },
        personas=people,
    )


def test_organisation_detail_permissions(client, people, org_tree):
    assert_permission_matrix(
        client,
        reverse("directory:organisation", args=[org_tree.division_a1.pk]),
        {
            "anonymous": LOGIN,
            "officer_an": 200,  # division A1 is in department A's subtree
            "specialist_dung": 200,
            "other_agency_official": 404,  # wrong agency: not even told it exists
            "admin_giang": 200,
            "citizen_chi": 403,
        },
        personas=people,
    )


def test_officials_pages_permissions(client, people, officer_an):
    official = Official.objects.get(user=officer_an)
    expectations = {
        "anonymous": LOGIN,
        "leader_binh": 200,
        "other_agency_official": 404,
        "admin_giang": 200,
        "citizen_chi": 403,
    }
    assert_permission_matrix(
        client, reverse("directory:official", args=[official.pk]), expectations, personas=people
    )
    assert_permission_matrix(
        client,
        reverse("directory:officials"),
        expectations | {"other_agency_official": 200},
        personas=people,
    )


@pytest.mark.parametrize("url_name", ["directory:import", "directory:import_template"])
def test_only_administrators_may_import(client, people, url_name):
    assert_permission_matrix(
        client,
        reverse(url_name),
        {
            "anonymous": LOGIN,
            "officer_an": 403,
            "leader_binh": 403,
            "it_admin_tam": 200,
            "admin_giang": 200,
            "citizen_chi": 403,
        },
        personas=people,
    )


def test_unit_browser_permissions(client, people):
    assert_permission_matrix(
        client,
        reverse("directory:units"),
        {"anonymous": LOGIN, "officer_an": 200, "citizen_chi": 403},
        personas=people,
    )


def test_an_official_sees_only_their_subtree_in_the_tree(client, org_tree, other_agency_official):
    login_as(client, other_agency_official)

    response = client.get(reverse("directory:organisations"))

    names = [o.organisation.name for o in response.context["tree"]]
    assert names == ["Sở B"]
    assert "Sở A" not in response.content.decode()


def test_search_ignores_accents_on_the_page(client, org_tree, admin_giang):
    login_as(client, admin_giang)

    response = client.get(reverse("directory:organisations"), {"q": "phong a1"})

    assert [o.name for o in response.context["results"]] == ["Phòng A1"]


def test_organisation_pages_use_a_bounded_number_of_queries(
    client, org_tree, admin_giang, django_assert_max_num_queries
):
    for number in range(10):
        Organisation.objects.get(pk=org_tree.dept_b.pk)
        create_official(
            username=f"cb{number}", full_name=f"Cán bộ {number}", organisation=org_tree.dept_b
        )
    login_as(client, admin_giang)
    client.get(reverse("directory:officials"))  # warm the per-user caches

    with django_assert_max_num_queries(12):
        assert client.get(reverse("directory:officials")).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(reverse("directory:organisations")).status_code == 200
    with django_assert_max_num_queries(16):  # 7 of them: session, user, OTP, role scope
        url = reverse("directory:organisation", args=[org_tree.dept_b.pk])
        assert client.get(url).status_code == 200


def test_unit_browser_shows_historic_districts_and_their_communes(client, officer_an):
    load_units(historic=True, province_code="08")
    login_as(client, officer_an)

    response = client.get(
        reverse("directory:units"), {"historic": "1", "province": "08", "district": "075"}
    )

    assert [d.name for d in response.context["districts"]][:2] == [
        "Thành phố Tuyên Quang",
        "Huyện Lâm Bình",
    ]
    assert response.context["district"].name == "Huyện Yên Sơn"
    assert len(response.context["communes"]) > 10


def _upload(rows) -> io.BytesIO:
    book = Workbook()
    sheet = book.active
    sheet.title = "Đơn vị"
    sheet.append(["Mã QCVN 102", "Tên đơn vị", "Loại đơn vị", "Mã đơn vị cấp trên"])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    buffer.name = "don-vi.xlsx"
    return buffer


def test_upload_checks_first_then_imports_on_confirmation(client, it_admin_tam, org_tree):
    Organisation.objects.filter(pk=org_tree.dept_a.pk).update(qcvn_code="000.00.01.H99")
    login_as(client, it_admin_tam)
    url = reverse("directory:import")

    checked = client.post(
        url, {"file": _upload([["000.01.01.H99", "Phòng A2", "phòng", "000.00.01.H99"]])}
    )

    assert checked.status_code == 200
    assert [p.action for p in checked.context["report"].organisations] == ["create"]
    assert not Organisation.objects.filter(name="Phòng A2").exists()

    confirmed = client.post(url, {"confirm": "1"})

    assert confirmed.status_code == 302
    created = Organisation.objects.get(name="Phòng A2")
    assert Organisation.objects.get_parent(created).pk == org_tree.dept_a.pk


def test_upload_with_errors_is_a_400_listing_them_and_cannot_be_confirmed(
    client, it_admin_tam, org_tree
):
    login_as(client, it_admin_tam)
    url = reverse("directory:import")
    before = Organisation.objects.count()

    response = client.post(url, {"file": _upload([["bad", "Phòng X", "phòng", ""]])})

    assert response.status_code == 400
    assert [(e.row, e.column) for e in response.context["report"].errors] == [
        (2, "Mã QCVN 102"),
        (2, "Mã đơn vị cấp trên"),  # a new root is outside department A's administrator
    ]
    assert client.post(url, {"confirm": "1"}).status_code == 302  # "expired": nothing stored
    assert Organisation.objects.count() == before


def test_the_template_downloads_as_a_workbook(client, admin_giang):
    login_as(client, admin_giang)

    response = client.get(reverse("directory:import_template"))

    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames[:2] == ["Đơn vị", "Cán bộ"]
    assert next(book["Cán bộ"].iter_rows(values_only=True))[0] == "Tên đăng nhập"
