"""axe-core in Debian's Chromium, JavaScript off, at 320 px and 1280 px: "My work", the
assignment panel and the assign form have no serious WCAG 2.1 A/AA violation and no sideways
scrolling of the page."""

import datetime
import importlib
import json

import pytest
from django.apps import apps
from django.conf import settings
from django.utils import timezone

from chinhquyen.core.browser_testing import axe_serious
from chinhquyen.documents.models import Assignment
from chinhquyen.documents.services import assignment as service
from chinhquyen.documents.tests.test_assignment import build_docs

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def docs(org_tree, leader_binh, deputy_cuong, specialist_dung, clerk_hoa):
    # Transactional tests flush the rows the migrations seeded: seed the document types again.
    importlib.import_module("chinhquyen.documents.migrations.0002_decree30_document_types").seed(
        apps, None
    )
    return build_docs(org_tree, deputy_cuong=deputy_cuong, specialist_dung=specialist_dung)


@pytest.mark.parametrize("width", [320, 1280])
def test_assignment_pages_are_accessible_and_fit_a_small_phone(
    docs, chromium, axe_script, live_server, login, leader_binh, deputy_cuong, width
):
    lead = service.assign(
        docs.letter,
        lead=docs.org_tree.division_a1,
        cooperating=[docs.division_a2],
        due_days=3,
        instruction="Phòng A1 chủ trì tham mưu trả lời",
        acting_user=leader_binh,
    ).assignments[0]
    service.sub_assign(lead, lead=docs.dung, instruction="", acting_user=deputy_cuong)
    # One overdue item, so the overdue page shows its tables.
    Assignment.objects.filter(unit=docs.division_a2).update(
        due_at=timezone.now() - datetime.timedelta(days=1)
    )
    client = login(leader_binh)
    # The pages use no script; axe is injected (bypass_csp for it only).
    context = chromium.new_context(viewport={"width": width, "height": 900}, bypass_csp=True)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
    )
    found, too_wide = [], []
    try:
        page = context.new_page()
        for path in (
            f"/documents/incoming/{docs.letter.pk}/assignment/",
            f"/documents/incoming/{docs.letter.pk}/assign/",
            "/documents/my-work/",
            "/documents/overdue/",
            "/documents/tasks/",
        ):
            response = page.goto(live_server.url + path)
            assert response.status == 200, path
            width_used = page.evaluate("document.documentElement.scrollWidth")
            if width_used > width:
                wide = page.evaluate(
                    # what sticks out (inside a scrolling .table-wrap is fine)
                    "Array.from(document.querySelectorAll('body *'))"
                    ".filter(e => !e.closest('.table-wrap'))"
                    ".filter(e => e.getBoundingClientRect().right > innerWidth + 1)"
                    ".slice(0, 5).map(e => e.tagName + '.' + e.className + ' ' + "
                    "Math.round(e.getBoundingClientRect().right))"
                )
                too_wide.append((path, width_used, wide))
            found += axe_serious(page, axe_script)
    finally:
        context.close()
    assert not too_wide
    assert not found, json.dumps(found, ensure_ascii=False, indent=1)
