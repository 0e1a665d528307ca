"""axe-core (npm, tools/axe) in Debian's Chromium on the application pages — the form with its
error messages, the documents with a refusal, the review, the confirmation and "my drafts" —
at 320 px and 1280 px: no serious or critical WCAG 2.1 A/AA violation."""

import json

import pytest
from django.conf import settings

from chinhquyen.core.browser_testing import axe_serious as serious
from chinhquyen.eforms.tests.conftest import PDF, VALID_POST
from chinhquyen.eforms.tests.test_apply_in_browser import SEEDS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def seeds(transactional_db):
    import importlib

    from django.apps import apps

    for module, function in SEEDS:
        getattr(importlib.import_module(module), function)(apps, None)


@pytest.mark.parametrize("width", [320, 1280])
def test_application_pages_have_no_serious_violation(
    seeds, chromium, axe_script, live_server, client, citizen_chi, online, width
):
    client.force_login(citizen_chi)
    # axe is injected as a script: this context bypasses the site's CSP for it only
    context = chromium.new_context(viewport={"width": width, "height": 900}, bypass_csp=True)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
    )
    found: list[dict] = []
    try:
        page = context.new_page()
        page.set_default_timeout(10000)
        page.goto(f"{live_server.url}/nop-ho-so/{online.procedure.national_code}/")
        found += serious(page, axe_script)
        page.get_by_role("button", name="Bắt đầu nộp hồ sơ").click()
        page.wait_for_url("**/ho-so-nhap/*/")
        page.get_by_label("Số bản").fill("9")
        page.get_by_role("button", name="Tiếp tục").click()  # errors next to the fields
        page.get_by_text("Vui lòng sửa các câu trả lời").wait_for()
        found += serious(page, axe_script)
        draft_url = page.url
        for name, value in VALID_POST.items():
            field = page.locator(f'[name="{name}"]').first
            if name in ("f.purpose", "f.agree"):
                page.locator(f'[name="{name}"][value="{value}"]').check()
            else:
                field.fill(value if name != "f.applicant.birth_date" else "1990-03-05")
        page.get_by_role("button", name="Tiếp tục").click()
        page.wait_for_url("**/tep/")
        page.get_by_label("Đơn đề nghị").set_input_files(
            {"name": "don.pdf", "mimeType": "application/pdf", "buffer": b"not a pdf"}
        )
        page.get_by_role("button", name="Tải lên và tiếp tục").click()  # a refusal
        found += serious(page, axe_script)
        page.get_by_label("Đơn đề nghị").set_input_files(
            {"name": "don.pdf", "mimeType": "application/pdf", "buffer": PDF}
        )
        page.get_by_label("Bản sao CCCD").set_input_files(
            {"name": "cccd.pdf", "mimeType": "application/pdf", "buffer": PDF}
        )
        page.get_by_role("button", name="Tải lên và tiếp tục").click()
        page.wait_for_url("**/xem-lai/")
        found += serious(page, axe_script)
        page.goto(f"{live_server.url}/nop-ho-so/ho-so-nhap/")
        found += serious(page, axe_script)
        page.goto(f"{draft_url}xem-lai/")
        page.get_by_role("button", name="Nộp hồ sơ").click()
        page.wait_for_url("**/da-nop/*/")
        found += serious(page, axe_script)
    finally:
        context.close()
    assert found == [], json.dumps(found, ensure_ascii=False, indent=1)
