"""Back-office pages: scope, the entry form (400 with messages, 302, 409), lock, servers,
the outage view, navigation and the Vietnamese interface."""

import pytest
from django.urls import reverse

from chinhquyen.core.navigation import navigation_for
from chinhquyen.core.testing import LOGIN, assert_permission_matrix
from chinhquyen.infrastructure.models import AgencyInventory, Server
from chinhquyen.infrastructure.services import inventory, platform

from .conftest import YEAR, figures


def form_data(**overrides):
    data = {}
    for key, value in figures(**overrides).items():
        if isinstance(value, bool):
            if value:
                data[key] = "on"
        else:
            data[key] = value
    return data


def test_year_list_shows_the_agencies_in_scope(org_tree, it_tam, it_province, login):
    inventory.save_inventory(
        organisation=org_tree.dept_a, year=YEAR, values=figures(), acting_user=it_tam, submit=True
    )
    page = login(it_tam).get(reverse("infrastructure:year", args=[YEAR]))
    assert [(a.name, inv and inv.status) for a, inv in page.context["rows"]] == [
        ("Sở A", "submitted")
    ]
    assert not page.context["may_lock"]
    page = login(it_province).get(reverse("infrastructure:year", args=[YEAR]))
    assert [a.name for a, _inv in page.context["rows"]] == [
        "Ủy ban nhân dân tỉnh Thử Nghiệm",
        "Sở A",
        "Sở B",
    ]
    assert (page.context["submitted"], page.context["missing"]) == (1, 2)
    assert page.context["may_lock"]


def test_entry_form_permissions(client, personas, org_tree, it_tam):
    url = reverse("infrastructure:inventory", args=[YEAR, org_tree.dept_a.pk])
    assert_permission_matrix(
        client,
        url,
        {
            "anonymous": LOGIN,
            "leader_binh": 200,  # reads its agency's inventory
            "other_agency_official": 403,  # holds no inventory permission at all
            "officer_an": 403,
            "admin_giang": 200,
            "citizen_chi": 403,
        },
        personas=personas,
    )


def test_another_agency_is_not_found(org_tree, it_tam, login):
    url = reverse("infrastructure:inventory", args=[YEAR, org_tree.dept_b.pk])
    assert login(it_tam).get(url).status_code == 404
    division = reverse("infrastructure:inventory", args=[YEAR, org_tree.division_a1.pk])
    assert login(it_tam).get(division).status_code == 404


def test_the_form_saves_submits_and_shows_bilingual_errors(org_tree, it_tam, login):
    client = login(it_tam)
    url = reverse("infrastructure:inventory", args=[YEAR, org_tree.dept_a.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert page.context["form"]["officials"].value() == 1  # prefilled from the directory
    bad = client.post(url, {**form_data(computers_lan=99), "action": "save"})
    assert bad.status_code == 400
    assert "không được lớn hơn tổng số máy tính" in bad.content.decode()
    assert AgencyInventory.objects.count() == 0
    done = client.post(url, {**form_data(), "action": "submit"})
    assert done.status_code == 302
    assert AgencyInventory.objects.get().status == "submitted"
    again = client.post(url, {**form_data(computers=40), "action": "save"})
    assert again.status_code == 409
    assert AgencyInventory.objects.get().computers == 38
    reopen = reverse("infrastructure:inventory_reopen", args=[YEAR, org_tree.dept_a.pk])
    assert client.post(reopen, {"reason": "Sửa"}).status_code == 302
    assert AgencyInventory.objects.get().status == "draft"


def test_a_leader_reads_but_cannot_post(org_tree, it_tam, leader_binh, login):
    url = reverse("infrastructure:inventory", args=[YEAR, org_tree.dept_a.pk])
    client = login(leader_binh)
    assert client.get(url).context["editable"] is False
    assert client.post(url, {**form_data(), "action": "save"}).status_code == 403
    assert AgencyInventory.objects.count() == 0


def test_locking_the_year_from_the_page(org_tree, it_tam, it_province, login):
    url = reverse("infrastructure:year_lock", args=[YEAR])
    assert login(it_tam).post(url, {"action": "lock"}).status_code == 403
    assert login(it_province).post(url, {"action": "lock"}).status_code == 302
    assert login(it_province).post(url, {"action": "lock"}).status_code == 409
    form = reverse("infrastructure:inventory", args=[YEAR, org_tree.dept_a.pk])
    response = login(it_tam).post(form, {**form_data(), "action": "save"})
    assert response.status_code == 409
    assert AgencyInventory.objects.count() == 0


@pytest.fixture
def platform_map(org_tree, it_province):
    app = platform.save_server(
        organisation=org_tree.dept_a,
        acting_user=it_province,
        values={"name": "srv-app", "role": "ứng dụng"},
    )
    db = platform.save_server(
        organisation=org_tree.dept_a, acting_user=it_province, values={"name": "srv-db"}
    )
    spare = platform.save_server(
        organisation=org_tree.dept_a, acting_user=it_province, values={"name": "srv-app-2"}
    )
    platform.save_service(
        operator=org_tree.dept_a,
        acting_user=it_province,
        servers=[app, db],
        used_by=[],
        values={"code": "mot-cua", "name": "Một cửa", "kind": "one_stop", "used_by_all": True},
    )
    platform.save_service(
        operator=org_tree.dept_a,
        acting_user=it_province,
        servers=[app, spare],
        used_by=[org_tree.dept_b],
        values={"code": "cong", "name": "Cổng DVC", "kind": "portal"},
    )
    return app, db, spare


def test_outage_view_lists_services_and_agencies(org_tree, it_tam, platform_map, login):
    app, _db, _spare = platform_map
    client = login(it_tam)
    url = reverse("infrastructure:outage", args=[app.pk])
    page = client.get(url)
    affected = {a.service.name: a for a in page.context["affected"]}
    assert affected["Một cửa"].all_agencies
    assert [s.name for s in affected["Một cửa"].other_servers] == ["srv-db"]
    assert [s.name for s in affected["Cổng DVC"].other_servers] == ["srv-app-2"]
    assert [o.name for o in affected["Cổng DVC"].agencies] == ["Sở B"]
    assert client.post(url, {"action": "down", "reason": ""}).status_code == 400
    assert client.post(url, {"action": "down", "reason": "Hỏng nguồn"}).status_code == 302
    app.refresh_from_db()
    assert (app.status, app.down_reason) == ("down", "Hỏng nguồn")
    assert client.post(url, {"action": "down", "reason": "x"}).status_code == 409
    assert client.post(url, {"action": "up"}).status_code == 302
    assert Server.objects.get(pk=app.pk).status == "in_service"


def test_servers_page_and_forms(org_tree, it_tam, platform_map, login, other_agency_official):
    client = login(it_tam)
    assert len(client.get(reverse("infrastructure:servers")).context["servers"]) == 3
    created = client.post(
        reverse("infrastructure:server_new"),
        {
            "organisation": org_tree.dept_a.pk,
            "name": "srv-new",
            "operating_system": "Debian 12",
        },
    )
    assert created.status_code == 302
    duplicate = client.post(
        reverse("infrastructure:server_new"),
        {
            "organisation": org_tree.dept_a.pk,
            "name": "srv-new",
        },
    )
    assert duplicate.status_code == 400 and "tên máy chủ bị trùng" in duplicate.content.decode()
    outside = client.post(
        reverse("infrastructure:server_new"),
        {
            "organisation": org_tree.dept_b.pk,
            "name": "srv-b",
        },
    )
    assert outside.status_code == 400  # not a choice in the IT officer's scope
    assert not Server.objects.filter(name="srv-b").exists()
    assert login(other_agency_official).get(reverse("infrastructure:servers")).status_code == 403


def test_navigation_and_vietnamese_page(org_tree, it_tam, login):
    names = {link.url_name for s in navigation_for(it_tam, "/") for link in s.links}
    wanted = {"infrastructure:index", "infrastructure:servers", "infrastructure:report_index"}
    assert wanted <= names
    client = login(it_tam)
    client.cookies["chinhquyen_language"] = "vi"
    page = client.get(reverse("infrastructure:inventory", args=[YEAR, org_tree.dept_a.pk]))
    content = page.content.decode()
    assert "Lưu nháp" in content and "Lấy từ sổ đăng ký (không nhập tay)" in content


def test_the_form_reads_endpoints_and_servers_of_the_agency_only(org_tree, it_province, login):
    from chinhquyen.meetings.services import create_endpoint

    create_endpoint(
        organisation=org_tree.province,
        name="Điểm cầu tỉnh",
        level="province",
        acting_user=it_province,
    )
    create_endpoint(
        organisation=org_tree.division_a1,
        name="Điểm cầu phòng A1",
        level="department",
        acting_user=it_province,
    )
    platform.save_server(
        organisation=org_tree.division_a1, acting_user=it_province, values={"name": "srv-a1"}
    )
    client = login(it_province)
    province = client.get(reverse("infrastructure:inventory", args=[YEAR, org_tree.province.pk]))
    dept_a = client.get(reverse("infrastructure:inventory", args=[YEAR, org_tree.dept_a.pk]))
    assert (province.context["registry"]["endpoints"], province.context["registry"]["servers"]) == (
        1,
        0,
    )
    assert (dept_a.context["registry"]["endpoints"], dept_a.context["registry"]["servers"]) == (
        1,
        1,
    )


def test_the_year_list_costs_the_same_queries_for_more_agencies(org_tree, it_province, login):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from chinhquyen.directory.services import create_organisation

    client = login(it_province)
    url = reverse("infrastructure:year", args=[YEAR])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(4):
        org = create_organisation(parent=org_tree.province, name=f"Sở {n}", kind="department")
        inventory.save_inventory(
            organisation=org, year=YEAR, acting_user=it_province, values=figures(officials=40)
        )
    with CaptureQueriesContext(connection) as many:
        page = client.get(url)
    assert len(page.context["rows"]) == 7
    assert len(many) == len(few)
