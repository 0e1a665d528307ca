"""axe-core (npm, tools/axe) in Debian's Chromium: no serious or critical WCAG 2.1 A/AA
violation on the portal's pages, at 320 px and 1280 px, in normal and high contrast."""

import json

import pytest

from chinhquyen.core.browser_testing import axe_serious

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


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
        return axe_serious(page, axe_script)
    finally:
        context.close()


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
