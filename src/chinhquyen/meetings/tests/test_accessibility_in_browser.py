"""axe-core in Debian's Chromium on the public work calendar: no serious or critical WCAG 2.1
A/AA violation at 320 px and 1280 px (normal and high contrast), and it fits a 320 px screen
without JavaScript (the portal's helper, portal/tests/test_accessibility_in_browser.py)."""

import importlib
import json

import pytest
from django.apps import apps

from chinhquyen.core.tests.test_pages_in_browser import browser  # noqa: F401 (fixture)
from chinhquyen.meetings import services
from chinhquyen.meetings.tests.conftest import at
from chinhquyen.portal.tests.test_accessibility_in_browser import violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def week_path(org_tree, make_entry, specialist_dung):
    importlib.import_module(
        "chinhquyen.worktime.migrations.0002_default_working_hours"
    ).create_default(apps, None)
    entry = make_entry(
        "Họp giao ban lãnh đạo Sở và làm việc với các phòng chuyên môn về kế hoạch năm 2027",
        start=at(2026, 11, 30, 8),
        end=at(2026, 11, 30, 11, 30),
        place="Phòng họp số 1, tầng 3, trụ sở Sở A",
        invitees="Đại diện Sở Tài chính\nĐại diện Văn phòng UBND tỉnh",
    )
    entry.participants.add(specialist_dung.official)
    services.publish_entry(entry, acting_user=None)
    return f"/lich-cong-tac/{org_tree.dept_a.pk}/?tuan=2026-W49"


def test_the_public_calendar_has_no_serious_accessibility_violation(
    browser,  # noqa: F811
    live_server,
    axe_script,
    week_path,
):
    found = []
    for path in (week_path, "/lich-cong-tac/"):
        for width, contrast in ((320, False), (1280, False), (1280, True)):
            found += violations(
                browser, live_server, axe_script, path, width=width, contrast=contrast
            )
    assert found == [], json.dumps(found, ensure_ascii=False, indent=1)


def test_the_public_calendar_fits_a_320_px_screen_without_javascript(
    browser,  # noqa: F811
    live_server,
    week_path,
):
    context = browser.new_context(viewport={"width": 320, "height": 800}, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(live_server.url + week_path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert "Họp giao ban lãnh đạo Sở" in page.content()
    finally:
        context.close()
    assert width <= 320
