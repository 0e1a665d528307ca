"""axe-core (npm, tools/axe) in Debian's Chromium on the application pages — the form with its
error messages, the documents with a refusal, the review, the confirmation and "my drafts" —
at 320 px and 1280 px: no serious or critical WCAG 2.1 A/AA violation."""

import fcntl
import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from django.conf import settings

from chinhquyen.eforms.tests.conftest import PDF, VALID_POST
from chinhquyen.eforms.tests.test_apply_in_browser import SEEDS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]
AXE_DIR = Path(__file__).resolve().parents[4] / "tools" / "axe"
AXE_SCRIPT = AXE_DIR / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture
def seeds(transactional_db):
    import importlib

    from django.apps import apps

    for module, function in SEEDS:
        getattr(importlib.import_module(module), function)(apps, None)


@pytest.fixture(scope="module")
def axe_script() -> Path:
    """``npm ci`` in tools/axe once (the same lock as the portal's accessibility test)."""
    lock = AXE_DIR / "package-lock.json"
    if not lock.exists():
        pytest.skip("tools/axe is missing")
    if AXE_SCRIPT.exists() and AXE_SCRIPT.stat().st_mtime >= lock.stat().st_mtime:
        return AXE_SCRIPT
    npm = shutil.which("npm")
    if npm is None:
        pytest.skip("npm is missing: install Debian's nodejs")
    with open(Path(tempfile.gettempdir()) / "chinhquyen-axe-install.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        if not AXE_SCRIPT.exists():
            subprocess.run(  # noqa: S603 (fixed command)
                [npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"],
                cwd=AXE_DIR,
                check=True,
                timeout=300,
            )
    return AXE_SCRIPT


@pytest.fixture
def chromium():
    if not Path(CHROMIUM).exists() or shutil.which(CHROMIUM) is None:
        pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_api.sync_playwright().start()
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
    try:
        yield browser
    finally:
        browser.close()
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def serious(page, axe_script) -> list[dict]:
    page.add_script_tag(path=str(axe_script))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS
    )
    return [
        {"url": page.url, "id": v["id"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


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
