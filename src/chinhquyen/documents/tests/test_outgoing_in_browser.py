"""The outgoing pages in Debian's Chromium, JavaScript off: no serious or critical WCAG 2.1
A/AA violation (axe-core) and nothing wider than a 320 px screen."""

# ruff: noqa: F811 (fixtures imported from the outgoing test fixtures are parameters here)

import json

import pytest
from django.conf import settings
from django.urls import reverse

from chinhquyen.core.browser_testing import axe_serious
from chinhquyen.documents.choices import ReviewerRole
from chinhquyen.documents.services.drafting import add_comment
from chinhquyen.documents.services.review import submit_for_review
from chinhquyen.documents.tests.test_outgoing_fixtures import make_draft, named_tree  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def seeded(reseeded):
    """What the data migrations seeded, again after a flush (conftest.reseeded)."""


def test_outgoing_pages(
    chromium,
    axe_script,
    live_server,
    client,
    named_tree,
    specialist_dung,
    deputy_cuong,
    leader_binh,
):
    draft = make_draft(named_tree, specialist_dung, leader_binh)
    submit_for_review(
        draft,
        [(ReviewerRole.DIVISION_LEADER, deputy_cuong), (ReviewerRole.AGENCY_LEADER, leader_binh)],
        specialist_dung,
    )
    add_comment(draft, "Bổ sung căn cứ Nghị định 30/2020/NĐ-CP", leader_binh)
    client.force_login(deputy_cuong)  # the reviewer whose turn it is: the action forms show
    paths = [
        reverse("documents:outgoing_list"),
        reverse("documents:outgoing_list") + "?tab=review",
        reverse("documents:outgoing", args=[draft.pk]),
        reverse("documents:outgoing_create"),
    ]
    found, widths = [], {}
    for width in (320, 1280):
        context = chromium.new_context(
            viewport={"width": width, "height": 900}, bypass_csp=True, java_script_enabled=True
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
            page.set_default_timeout(10000)
            for path in paths:
                page.goto(live_server.url + path)
                assert page.title(), path
                found += [dict(v, path=path, width=width) for v in axe_serious(page, axe_script)]
                if width == 320:
                    widths[path] = page.evaluate("document.documentElement.scrollWidth")
        finally:
            context.close()
    assert found == [], json.dumps(found, ensure_ascii=False, indent=1)
    assert {path: w for path, w in widths.items() if w > 320} == {}
