import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from chinhquyen.accounts.choices import Role
from chinhquyen.conftest import make_role_holder
from chinhquyen.core.testing import LOGIN, assert_permission_matrix
from chinhquyen.procedures import services
from chinhquyen.procedures.models import ProcedureVersion

from .conftest import T0, build_process


def _many_procedures(field, count):
    for i in range(count):
        version = services.create_procedure(
            national_code=f"9.{i:06d}",
            acting_user=None,
            name=f"Thủ tục số {i}",
            field=field,
            level="commune",
            processing_time=Decimal(3),
        )
        services.add_fee(version, acting_user=None, name="Lệ phí", amount=10000)
        services.publish_version(version, effective_from=T0, acting_user=None)


def test_catalogue_query_count_does_not_grow(client, civil_status):
    _many_procedures(civil_status, 3)
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse("procedures:catalogue")).status_code == 200
    _many_procedures.__defaults__ = None
    for i in range(3, 12):
        version = services.create_procedure(
            national_code=f"9.{i:06d}",
            acting_user=None,
            name=f"Thủ tục số {i}",
            field=civil_status,
            level="commune",
            processing_time=Decimal(3),
        )
        services.publish_version(version, effective_from=T0, acting_user=None)
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("procedures:catalogue"))
    assert len(many) == len(few)
    assert response.content.decode().count("Thủ tục số") == 12


def test_search_ignores_diacritics(client, judicial_record):
    response = client.get(reverse("procedures:catalogue"), {"q": "ly lich tu phap"})
    assert "Cấp Phiếu lý lịch tư pháp" in response.content.decode()
    response = client.get(reverse("procedures:catalogue"), {"q": "khai sinh"})
    assert "Cấp Phiếu lý lịch tư pháp" not in response.content.decode()


def test_detail_page_shows_version_fees_and_diagram(
    client, judicial_record, django_assert_max_num_queries
):
    definition, _ = build_process(judicial_record.procedure)
    services.publish_process(
        definition, effective_from=T0 + datetime.timedelta(hours=1), acting_user=None
    )
    with django_assert_max_num_queries(15):
        response = client.get(reverse("procedures:detail", args=["2.000488"]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "200.000 đồng" in html
    assert "<svg" in html and "Bước 3" in html


def test_unpublished_procedure_is_not_public(client, civil_status):
    services.create_procedure(
        national_code="1.000002",
        acting_user=None,
        name="Nháp",
        field=civil_status,
        level="commune",
        processing_time=1,
    )
    assert client.get(reverse("procedures:detail", args=["1.000002"])).status_code == 404


def test_editing_pages_permission_matrix(client, personas, it_tuan, judicial_record):
    personas = {**personas, "it_tuan": it_tuan}
    draft = services.draft_new_version(judicial_record.procedure, acting_user=None)
    url = reverse("procedures:version_edit", args=[draft.pk])
    assert_permission_matrix(
        client,
        url,
        {
            "anonymous": LOGIN,
            "citizen_chi": 403,
            "officer_an": 403,
            "leader_binh": 403,
            "it_tuan": 200,
            "admin_giang": 200,
        },
        personas=personas,
    )
    assert_permission_matrix(
        client,
        reverse("procedures:manage"),
        {
            "anonymous": LOGIN,
            "citizen_chi": 403,
            "officer_an": 200,
            "it_tuan": 200,
        },
        personas=personas,
    )
    assert_permission_matrix(
        client,
        url,
        {"officer_an": 403, "citizen_chi": 403, "it_tuan": 302},
        personas=personas,
        method="post",
        data={
            "name": "Đổi tên",
            "field": draft.field_id,
            "level": "province",
            "processing_time": "10",
            "time_unit": "working_days",
            "online_mode": "none",
        },
        unchanged=lambda: list(ProcedureVersion.objects.values_list("name", flat=True)),
    )


def test_published_version_edit_answers_409(client, it_tuan, judicial_record):
    client.force_login(it_tuan)
    response = client.post(
        reverse("procedures:version_edit", args=[judicial_record.pk]),
        {
            "name": "X",
            "field": judicial_record.field_id,
            "level": "province",
            "processing_time": "1",
            "time_unit": "working_days",
            "online_mode": "none",
        },
    )
    assert response.status_code == 409
    assert ProcedureVersion.objects.get(pk=judicial_record.pk).name == "Cấp Phiếu lý lịch tư pháp"


def test_publish_refused_shows_problems(client, it_tuan, judicial_record):
    definition, _ = build_process(judicial_record.procedure, hours=(4, 80, 8))
    client.force_login(it_tuan)
    response = client.post(reverse("procedures:process_publish", args=[definition.pk]), {})
    assert response.status_code == 400
    assert "92" in response.content.decode()


@pytest.fixture
def it_admin_of_dept_b(org_tree):
    return make_role_holder(
        "it_hai",
        full_name="Lý Văn Hải",
        organisation=org_tree.dept_b,
        role=Role.IT_ADMIN,
        position="Quản trị công nghệ thông tin",
    )


def test_an_agency_administrator_edits_only_processes_that_apply_within_their_agency(
    client, it_admin_of_dept_b, it_tuan, judicial_record, org_tree
):
    own, own_steps = build_process(judicial_record.procedure, agency=org_tree.dept_b)
    other, other_steps = build_process(judicial_record.procedure, agency=org_tree.dept_a)
    default, _ = build_process(judicial_record.procedure, agency=None)
    client.force_login(it_admin_of_dept_b)

    assert client.get(f"/procedures/manage/processes/{own.pk}/").status_code == 200
    assert client.get(f"/procedures/manage/processes/{other.pk}/").status_code == 403
    assert client.get(f"/procedures/manage/processes/{default.pk}/").status_code == 403
    response = client.post(
        f"/procedures/manage/processes/{other.pk}/steps/",
        {"code": "x", "name": "X", "performer_role": "specialist", "allotted_hours": "1"},
    )
    assert response.status_code == 403
    assert other.steps.count() == len(other_steps)

    # The province's IT administrator covers every agency and the default process.
    client.force_login(it_tuan)
    for definition in (own, other, default):
        assert client.get(f"/procedures/manage/processes/{definition.pk}/").status_code == 200
