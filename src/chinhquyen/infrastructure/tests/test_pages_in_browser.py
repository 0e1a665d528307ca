"""The inventory pages in Debian's Chromium: no serious or critical WCAG 2.1 A/AA violation
(axe-core) at 320 px and 1280 px, the entry form with its errors included, and every page fits
a 320 px screen without JavaScript."""

import json

import pytest
from django.conf import settings

from chinhquyen.core.browser_testing import axe_serious
from chinhquyen.infrastructure.services import platform

from .conftest import YEAR

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def paths(org_tree, it_province):
    server = platform.save_server(
        organisation=org_tree.dept_a,
        acting_user=it_province,
        values={"name": "srv-app-01", "role": "Máy chủ ứng dụng"},
    )
    platform.save_service(
        operator=org_tree.dept_a,
        acting_user=it_province,
        servers=[server],
        used_by=[],
        values={
            "code": "mot-cua",
            "name": "Hệ thống một cửa",
            "kind": "one_stop",
            "used_by_all": True,
        },
    )
    return [
        f"/infrastructure/{YEAR}/",
        f"/infrastructure/{YEAR}/agency/{org_tree.dept_a.pk}/",
        f"/infrastructure/{YEAR}/import/",
        "/infrastructure/servers/",
        f"/infrastructure/servers/{server.pk}/outage/",
        f"/infrastructure/{YEAR}/report/",
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


def test_inventory_pages_are_accessible_and_fit_320_px(
    chromium, axe_script, live_server, client, it_province, paths
):
    found, too_wide = [], []
    for width in (320, 1280):
        context = _context(chromium, live_server, client, it_province, width=width)
        try:
            page = context.new_page()
            page.set_default_timeout(15000)
            for path in paths:
                page.goto(live_server.url + path)
                found += [
                    {**v, "path": path, "width": width} for v in axe_serious(page, axe_script)
                ]
            # The entry form sent with an impossible figure: its errors are checked too.
            page.goto(live_server.url + paths[1])
            page.fill("#id_computers_lan", "999")
            page.locator("button[value=save]").click()
            assert page.locator(".error-summary").count() == 1
            found += [
                {**v, "path": "errors", "width": width} for v in axe_serious(page, axe_script)
            ]
        finally:
            context.close()
    context = _context(chromium, live_server, client, it_province, width=320, javascript=False)
    try:
        page = context.new_page()
        for path in paths:
            page.goto(live_server.url + path)
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > 320:
                too_wide.append((path, width))
    finally:
        context.close()
    assert found == [], json.dumps(found, ensure_ascii=False, indent=1)
    assert too_wide == []
