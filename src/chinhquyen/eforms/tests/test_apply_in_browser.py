"""A citizen applies online in Debian's Chromium (Playwright) on a 320 px wide screen: start,
fill the form (the htmx autosave stores it), upload the documents (a wrong file is refused
first), review, submit, and get the dossier code."""

import importlib
import tempfile
from pathlib import Path

import pytest
from django.conf import settings

from chinhquyen.dossiers.choices import Channel
from chinhquyen.dossiers.models import Dossier
from chinhquyen.eforms.models import ApplicationDraft, Submission
from chinhquyen.eforms.tests.conftest import PDF

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(tempfile.gettempdir())
SEEDS = [
    ("chinhquyen.worktime.migrations.0002_default_working_hours", "create_default"),
    ("chinhquyen.dossiers.migrations.0002_seed_decree61_rule_set", "seed"),
]


@pytest.fixture
def seeds(transactional_db):
    """A transactional test may find the data-migration rows flushed: seed them again."""
    from django.apps import apps

    for module, function in SEEDS:
        getattr(importlib.import_module(module), function)(apps, None)


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= 320


def test_apply_with_uploads_at_320_px(seeds, chromium, live_server, client, citizen_chi, online):
    client.force_login(citizen_chi)
    context = chromium.new_context(viewport={"width": 320, "height": 800})
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    try:
        page = context.new_page()
        page.set_default_timeout(10000)
        # Given Chi opens the procedure on her phone and starts
        page.goto(f"{live_server.url}/nop-ho-so/{online.procedure.national_code}/")
        assert fits(page)
        page.get_by_role("button", name="Bắt đầu nộp hồ sơ").click()
        page.wait_for_url(f"{live_server.url}/nop-ho-so/ho-so-nhap/*/")
        draft = ApplicationDraft.objects.get()
        assert page.get_by_label("Họ và tên").input_value() == "Ngô Thị Chi"
        # When she types, the htmx autosave stores it without leaving the page
        page.get_by_label("Số điện thoại").fill("0912345678")
        page.get_by_label("Số bản").fill("2")
        page.get_by_label("Số bản").blur()
        page.get_by_text("Đã tự động lưu nháp lúc").wait_for()
        for _ in range(50):  # the last autosave may still be on its way
            draft.refresh_from_db()
            if draft.data.get("copies") == 2:
                break
            page.wait_for_timeout(200)
        assert draft.data["applicant"]["phone"] == "0912345678"
        assert draft.data["copies"] == 2
        page.get_by_label("Xin việc").check()
        page.get_by_label("Tôi cam đoan").check()
        assert fits(page)
        page.screenshot(path=SCREENSHOTS / "eforms-form-320.png", full_page=True)
        page.get_by_role("button", name="Tiếp tục").click()
        # Then the documents page; a file that is not a PDF inside is refused, nothing kept
        page.wait_for_url(f"{live_server.url}/nop-ho-so/ho-so-nhap/{draft.pk}/tep/")
        form_input = page.get_by_label("Đơn đề nghị")
        form_input.set_input_files(
            {"name": "don.pdf", "mimeType": "application/pdf", "buffer": b"MZ not a pdf"}
        )
        page.get_by_role("button", name="Tải lên và tiếp tục").click()
        assert page.get_by_text("its content was checked, not its name").count() == 1
        assert draft.files.count() == 0
        assert fits(page)
        page.get_by_label("Đơn đề nghị").set_input_files(
            {"name": "don.pdf", "mimeType": "application/pdf", "buffer": PDF}
        )
        page.get_by_label("Bản sao CCCD").set_input_files(
            {"name": "cccd.pdf", "mimeType": "application/pdf", "buffer": PDF}
        )
        page.get_by_role("button", name="Tải lên và tiếp tục").click()
        # And the review page lists her answers and files; she submits
        page.wait_for_url(f"{live_server.url}/nop-ho-so/ho-so-nhap/{draft.pk}/xem-lai/")
        assert page.get_by_text("cccd.pdf").count() == 1
        assert fits(page)
        page.get_by_role("button", name="Nộp hồ sơ").click()
        page.wait_for_url(f"{live_server.url}/nop-ho-so/da-nop/*/")
        dossier = Dossier.objects.get()
        assert page.locator(".eform-code").inner_text() == dossier.code
        assert page.get_by_role("link", name="Theo dõi hồ sơ này").get_attribute("href") == (
            f"/tra-cuu/{dossier.code}/"
        )
        assert fits(page)
        page.screenshot(path=SCREENSHOTS / "eforms-submitted-320.png", full_page=True)
    finally:
        context.close()
    assert dossier.channel == Channel.ONLINE
    assert Submission.objects.get().data["applicant"]["phone"] == "0912345678"
    assert dossier.attachments.count() == 2
