"""The public procedure page: facts, where to apply, components with template forms, fees,
legal basis, the process diagram, "apply online", and English with a Vietnamese fallback."""

import re

import pytest
from django.urls import reverse

from chinhquyen.portal.services import set_agency_contact

pytestmark = pytest.mark.django_db


def page(client, code: str) -> str:
    response = client.get(reverse("portal:procedure", args=[code]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_page_shows_the_procedure_in_force(client, small_catalogue, org_tree):
    # Given department A's address, phone and opening hours
    from chinhquyen.directory.models import Organisation

    Organisation.objects.filter(pk=org_tree.dept_a.pk).update(
        address="12 Trần Phú, phường Minh Xuân", phone="0207 3822 123"
    )
    set_agency_contact(
        organisation=org_tree.dept_a,
        opening_hours="Thứ Hai – Thứ Sáu, 7:30–17:00",
        acting_user=None,
    )

    html = page(client, "1.001193")

    assert "<h1>Đăng ký khai sinh</h1>" in html
    assert "<dt>Mã thủ tục</dt><dd>1.001193</dd>" in html
    assert "<dt>Lĩnh vực</dt><dd>Hộ tịch</dd>" in html
    assert "<dd>3 ngày làm việc</dd>" in html
    assert "<dd>Giấy khai sinh</dd>" in html
    assert "<h3>Sở A</h3>" in html
    assert "12 Trần Phú, phường Minh Xuân" in html
    assert '<a href="tel:02073822123">0207 3822 123</a>' in html
    assert "Thứ Hai – Thứ Sáu, 7:30–17:00" in html
    assert "Tờ khai đăng ký khai sinh" in html
    assert "Luật Hộ tịch 2014" in html
    assert 'href="/nop-ho-so/1.001193/"' in html


def test_the_template_form_is_streamed_by_a_view_not_a_media_url(client, small_catalogue):
    component = small_catalogue["birth"].components.get(name="Tờ khai đăng ký khai sinh")
    html = page(client, "1.001193")
    url = reverse("procedures:component_template", args=[component.pk])
    assert f'href="{url}" download' in html
    assert "/media/" not in html

    response = client.get(url)

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 to khai"
    assert response["Content-Disposition"].startswith("attachment;")


def test_apply_online_only_where_the_mode_allows_it(client, small_catalogue):
    partial = page(client, "1.004884")
    counter_only = page(client, "1.000656")

    assert 'href="/nop-ho-so/1.004884/"' in partial
    assert "chỉ trực tuyến một phần" in partial
    assert "/nop-ho-so/1.000656/" not in counter_only
    assert 'class="apply-online"' not in counter_only


def test_english_shows_english_fields_and_marks_vietnamese_fallbacks(client, small_catalogue):
    client.cookies["chinhquyen_language"] = "en"

    translated = page(client, "1.001193")
    untranslated = page(client, "1.004884")

    assert "<h1>Birth registration</h1>" in translated
    assert "<dd>Civil status</dd>" in translated
    assert "<dd>Birth certificate</dd>" in translated
    assert "Birth registration form" in translated
    assert '<h1><span lang="vi">Đăng ký lại khai sinh</span></h1>' in untranslated


def test_the_process_diagram_is_shown_when_a_process_is_in_force(client, catalogue):
    html = page(client, "1.009972")

    assert "process-diagram" in html
    assert "Receive" in html and "Decide" in html


def test_an_unknown_or_unpublished_procedure_is_404(client, small_catalogue):
    from chinhquyen.procedures import services

    services.create_procedure(
        national_code="3.000001",
        acting_user=None,
        name="Dự thảo",
        field=small_catalogue["birth"].field,
        level="commune",
        processing_time=1,
    )

    assert client.get(reverse("portal:procedure", args=["9.999999"])).status_code == 404
    assert client.get(reverse("portal:procedure", args=["3.000001"])).status_code == 404


def test_the_page_costs_a_bounded_number_of_queries(
    client, small_catalogue, django_assert_max_num_queries
):
    with django_assert_max_num_queries(12):
        html = page(client, "1.001193")
    assert len(re.findall(r"<h2", html)) == 5


def test_the_english_page_title_carries_no_markup(client, small_catalogue):
    client.cookies["chinhquyen_language"] = "en"

    html = page(client, "1.004884")

    assert "<title>Đăng ký lại khai sinh · ChinhQuyen</title>" in html
