"""The look-up in a real browser (Debian's Chromium through Playwright), JavaScript off, on a
320 px wide phone: the form is usable with labels, and no page scrolls sideways."""

import importlib
import tempfile
from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SEEDS = [
    ("chinhquyen.worktime.migrations.0002_default_working_hours", "create_default"),
    ("chinhquyen.dossiers.migrations.0002_seed_decree61_rule_set", "seed"),
]
SCREENSHOTS = Path(tempfile.gettempdir())


@pytest.fixture(autouse=True)
def seeds(transactional_db):
    """A transactional test may find the data-migration rows flushed: seed them again."""
    from django.apps import apps

    for module, function in SEEDS:
        getattr(importlib.import_module(module), function)(apps, None)


@pytest.fixture
def phone(chromium, live_server):
    context = chromium.new_context(
        viewport={"width": 320, "height": 640}, java_script_enabled=False
    )
    page = context.new_page()
    page.set_default_timeout(5000)
    try:
        yield page, live_server.url, context
    finally:
        context.close()


def sideways(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def test_a_phone_opens_the_qr_address_enters_the_phone_and_reads_the_status(phone, receive):
    page, base, _context = phone
    dossier = receive()

    # when the QR address is opened on a 320 px phone without JavaScript
    page.goto(f"{base}/tra-cuu/{dossier.code}/")

    # then the form carries the code, every field has its label, and nothing overflows
    assert page.get_by_role("heading", level=1).count() == 1
    assert page.locator("#id_code").input_value() == dossier.code
    for field in ("id_code", "id_phone", "id_id_number"):
        assert page.locator(f'label[for="{field}"]').count() == 1
    assert sideways(page) <= 0

    # when the phone number is typed and the form sent
    page.locator("#id_phone").fill("0912345678")
    page.locator("form.tracking-form button[type=submit]").click()

    # then the status page shows the dossier, still without sideways scrolling
    page.wait_for_load_state()
    assert dossier.code in page.locator("main").inner_text()
    assert page.locator("table.tracking-steps tbody tr").count() == 1
    assert sideways(page) <= 0
    page.screenshot(path=SCREENSHOTS / "tracking-status-320.png", full_page=True)


def test_a_citizen_answers_a_supplement_on_a_phone(
    phone, client, receive, citizen_chi, officer_an, specialist_dung, catalogue, tmp_path, settings
):
    from chinhquyen.dossiers.services import transition
    from chinhquyen.dossiers.tests.conftest import at

    page, base, context = phone
    # given Chi's dossier awaiting a new ID copy, and Chi signed in
    dossier = receive(applicant={"name": "Ngô Thị Chi", "phone": "0912345678", "user": citizen_chi})
    transition(dossier, "forward", acting_user=officer_an, at=at(2026, 2, 5, 10, 0))
    transition(
        dossier,
        "request_supplement",
        acting_user=specialist_dung,
        requested_components=[catalogue.id_copy],
        note="Bản sao CCCD bị mờ",
        at=at(2026, 2, 5, 11, 0),
    )
    client.force_login(citizen_chi)
    host = base.split("//", 1)[1].split(":")[0]
    context.add_cookies(
        [
            {
                "name": "sessionid",
                "value": client.cookies["sessionid"].value,
                "domain": host,
                "path": "/",
            }
        ]
    )

    # when she opens the dossier on a 320 px phone and sends the file
    page.goto(f"{base}/tra-cuu/ho-so-cua-toi/{dossier.pk}/")
    assert sideways(page) <= 0
    page.screenshot(path=SCREENSHOTS / "tracking-supplement-320.png", full_page=True)
    scan = tmp_path / "cccd-moi.pdf"
    scan.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    page.get_by_label("Bản sao CCCD").set_input_files(str(scan))
    page.locator(".tracking-supplement button[type=submit]").click()

    # then the dossier is back in processing
    page.wait_for_load_state()
    dossier.refresh_from_db()
    assert dossier.status == "in_processing"
    assert "Bản sao CCCD bị mờ" in page.locator("main").inner_text()  # in the history
