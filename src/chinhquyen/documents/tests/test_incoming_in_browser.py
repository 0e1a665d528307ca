"""The clerk's incoming pages in Debian's Chromium: no serious or critical WCAG 2.1 A/AA
violation (axe-core) at 320 px and 1280 px, the register form with its errors included, and
every page fits a 320 px screen without JavaScript."""

import json

import pytest
from django.conf import settings

from chinhquyen.core.browser_testing import axe_serious
from chinhquyen.documents.services.incoming import register_incoming
from chinhquyen.documents.tests.test_incoming_registration import metadata, scan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def seeded(reseeded):
    """What the data migrations seeded, again after a flush (conftest.reseeded)."""


@pytest.fixture
def paths(seeded, org_tree, clerk_hoa):
    document = register_incoming(
        organisation=org_tree.dept_a,
        metadata=metadata(
            urgency="urgent",
            subject="V/v đôn đốc triển khai kế hoạch chuyển đổi số và cải cách hành chính "
            "năm 2026 tại các cơ quan chuyên môn thuộc Ủy ban nhân dân tỉnh",
        ),
        files=[scan("cong-van-so-45-ubnd-vp-ngay-02-02-2026-ban-quet-day-du.pdf")],
        acting_user=clerk_hoa,
    ).document
    return [
        "/documents/incoming/",
        "/documents/incoming/register/",
        document.get_absolute_url(),
        "/documents/books/",
        f"/documents/books/{document.book_id}/",
    ]


def _context(chromium, live_server, client, user, *, width, javascript=True):
    client.force_login(user)
    context = chromium.new_context(
        viewport={"width": width, "height": 900}, bypass_csp=True, java_script_enabled=javascript
    )
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
    )
    return context


def test_incoming_pages_have_no_serious_violation(
    chromium, axe_script, live_server, client, clerk_hoa, paths
):
    found = []
    for width in (320, 1280):
        context = _context(chromium, live_server, client, clerk_hoa, width=width)
        try:
            page = context.new_page()
            page.set_default_timeout(10000)
            for path in paths:
                page.goto(live_server.url + path)
                found += [
                    {**v, "path": path, "width": width} for v in axe_serious(page, axe_script)
                ]
            # The register form sent empty: its error messages are checked too.
            page.goto(live_server.url + "/documents/incoming/register/")
            page.locator("form[enctype] button[type=submit]").click()
            assert page.locator("[role=alert]").count() >= 1
            found += [
                {**v, "path": "errors", "width": width} for v in axe_serious(page, axe_script)
            ]
        finally:
            context.close()
    assert found == [], json.dumps(found, ensure_ascii=False, indent=1)


def test_incoming_pages_fit_320_px_without_javascript(
    chromium, live_server, client, clerk_hoa, paths
):
    context = _context(chromium, live_server, client, clerk_hoa, width=320, javascript=False)
    widths = {}
    try:
        page = context.new_page()
        for path in paths:
            page.goto(live_server.url + path)
            widths[path] = page.evaluate("document.documentElement.scrollWidth")
    finally:
        context.close()
    assert {path: width for path, width in widths.items() if width > 320} == {}
