"""List pages: the online procedures, "my drafts" and the back-office list, with bounded
queries."""

import json

import pytest

from chinhquyen.eforms.tests.conftest import form_schema

pytestmark = pytest.mark.django_db


def test_the_public_list_shows_procedures_with_a_form(client, online):
    page = client.get("/nop-ho-so/").content.decode()
    assert '<a href="/nop-ho-so/1.009972/">Cấp giấy phép xây dựng nhà ở riêng lẻ</a>' in page


def test_my_drafts_queries_do_not_grow_with_the_drafts(
    client, citizen_chi, draft_of, django_assert_num_queries
):
    client.force_login(citizen_chi)
    draft_of(citizen_chi)
    with django_assert_num_queries(7) as one:
        client.get("/nop-ho-so/ho-so-nhap/")
    for _ in range(4):
        draft_of(citizen_chi)
    with django_assert_num_queries(len(one.captured_queries)):
        page = client.get("/nop-ho-so/ho-so-nhap/").content.decode()
    assert page.count("Cấp giấy phép xây dựng nhà ở riêng lẻ</a>") == 5


def test_the_back_office_list_queries_are_bounded(
    client, it_tuan, online, django_assert_max_num_queries
):
    from chinhquyen.eforms import services

    services.save_form_draft(
        procedure=online.procedure, schema_text=json.dumps(form_schema()), acting_user=it_tuan
    )
    client.force_login(it_tuan)
    with django_assert_max_num_queries(12):
        page = client.get("/nop-ho-so/quan-tri/").content.decode()
    assert "<td>v2 (Dự thảo), v1 (Đã công bố)</td>" in page
