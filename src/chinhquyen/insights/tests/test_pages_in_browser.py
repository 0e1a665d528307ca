"""The dashboard overview, a drill-down, a series, the time per procedure, the wall view and
the alerts in Debian's Chromium: no serious or
critical WCAG 2.1 A/AA violation (axe-core), nothing wider than a 320 px screen, and the
overview works with JavaScript off."""

# ruff: noqa: F401, F811 (dossier fixtures imported as parameters)

import importlib
import json

import pytest
from django.apps import apps
from django.conf import settings
from django.urls import reverse

from chinhquyen.core.browser_testing import axe_serious
from chinhquyen.dossiers.tests.conftest import at, catalogue, coded_orgs, receive

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def seeded(reseeded):
    """What the data migrations seeded, again after a flush (conftest.reseeded)."""


def test_dashboard_pages(chromium, axe_script, live_server, client, receive, leader_binh):
    receive()
    receive(received_at=at(2026, 2, 9, 10, 0))
    client.force_login(leader_binh)
    feb = "?period=month&date=2026-02-05"
    paths = [
        reverse("insights:overview") + feb,
        reverse("insights:overview") + feb + "&sort=-received",
        reverse("insights:drilldown", args=["received", "numerator"]) + feb,
        reverse("insights:series", args=["on_time_rate"]) + "?period=year&date=2026-01-01",
        reverse("insights:procedures") + feb,
        reverse("insights:wall"),
        reverse("insights:alerts"),
    ]
    found, widths = [], {}
    for width, script in ((320, False), (1280, True)):
        context = chromium.new_context(
            viewport={"width": width, "height": 900}, bypass_csp=True, java_script_enabled=script
        )
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
            page.set_default_timeout(15000)
            for path in paths:
                response = page.goto(live_server.url + path)
                assert response.status == 200, path
                assert page.title(), path
                if script:
                    found += [
                        dict(v, path=path, width=width) for v in axe_serious(page, axe_script)
                    ]
                else:
                    widths[path] = page.evaluate("document.documentElement.scrollWidth")
            if not script:
                # No JavaScript: a tile's number is a plain link to its records.
                page.goto(live_server.url + paths[0])
                page.locator('.kpi-tile-value a[href*="/drilldown/received/numerator/"]').click()
                assert "/insights/drilldown/received/numerator/" in page.url
                assert page.locator("tbody tr").count() == 2
        finally:
            context.close()
    assert found == [], json.dumps(found, ensure_ascii=False, indent=1)
    assert {path: w for path, w in widths.items() if w > 320} == {}
