"""axe-core (npm, tools/axe) in Debian's Chromium: no serious or critical WCAG 2.1 A/AA
violation on the portal's pages, at 320 px and 1280 px, in normal and high contrast."""

import fcntl
import json
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE_DIR = Path(__file__).resolve().parents[4] / "tools" / "axe"
AXE_SCRIPT = AXE_DIR / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture(scope="module")
def axe_script() -> Path:
    """``npm ci`` in tools/axe once (locked: parallel workers install once)."""
    lock = AXE_DIR / "package-lock.json"
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


def violations(browser, live_server, axe_script, path, *, width, contrast=False) -> list[dict]:
    # axe is injected as a script: the test context bypasses the site's CSP for it only.
    context = browser.new_context(viewport={"width": width, "height": 900}, bypass_csp=True)
    try:
        if contrast:
            context.add_cookies(
                [{"name": "chinhquyen_contrast", "value": "high", "url": live_server.url}]
            )
        page = context.new_page()
        page.set_default_timeout(10000)
        page.goto(live_server.url + path)
        page.add_script_tag(path=str(axe_script))
        result = page.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS
        )
    finally:
        context.close()
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "nodes": [n["target"] for n in v["nodes"]][:5],
        }
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/thu-tuc/?q=dang+ky",
        "/thu-tuc/?q=" + "a" * 201,  # with error messages
        "/thu-tuc/1.001193/",
        "/thu-tuc/1.009972/",  # with the process diagram
        "/thong-ke/?year=2026",
        "/co-quan/",
    ],
)
def test_portal_pages_have_no_serious_accessibility_violation(
    browser, live_server, axe_script, small_catalogue, catalogue, path
):
    found = []
    for width, contrast in ((320, False), (1280, False), (1280, True)):
        found += violations(browser, live_server, axe_script, path, width=width, contrast=contrast)

    assert found == [], json.dumps(found, ensure_ascii=False, indent=1)
