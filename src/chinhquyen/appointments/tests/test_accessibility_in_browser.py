"""axe-core (npm, tools/axe) in Debian's Chromium on the queue-ticket pages — booking with its
error messages, the ticket, "my tickets", the public display and the counter screen — at
320 px and 1280 px: no serious or critical WCAG 2.1 A/AA violation."""

import json

import pytest
from django.conf import settings

from chinhquyen.appointments.services import (
    book_ticket,
    bookable_days,
    call_next_ticket,
    day_slots,
    issue_walk_in_ticket,
)
from chinhquyen.core.browser_testing import axe_serious as serious
from chinhquyen.eforms.tests.test_accessibility_in_browser import seeds  # noqa: F401 (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _context(browser, live_server, client, width):
    # axe is injected as a script: this context bypasses the site's CSP for it only
    context = browser.new_context(viewport={"width": width, "height": 900}, bypass_csp=True)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
    )
    return context


@pytest.mark.parametrize("width", [320, 1280])
def test_queue_ticket_pages_have_no_serious_violation(
    seeds,  # noqa: F811
    chromium,
    axe_script,
    live_server,
    client,
    bookable,
    agency,
    citizen_chi,
    officer_an,
    width,
):
    day = bookable_days(agency)[1]
    slot = day_slots(agency, day)[1]
    ticket = book_ticket(
        procedure=bookable.procedure, agency=agency, starts_at=slot.starts_at,
        acting_user=citizen_chi,
    )  # fmt: skip
    issue_walk_in_ticket(agency=agency, acting_user=officer_an)
    call_next_ticket(agency=agency, counter="Quầy 1", acting_user=officer_an)
    code = bookable.procedure.national_code
    found: list[dict] = []

    client.force_login(citizen_chi)
    context = _context(chromium, live_server, client, width)
    try:
        page = context.new_page()
        page.set_default_timeout(10000)
        page.goto(f"{live_server.url}/dat-lich/thu-tuc/{code}/{agency.pk}/?ngay={day}")
        found += serious(page, axe_script)
        page.get_by_label("Họ và tên").fill("")
        page.get_by_role("button", name="Đặt giờ này").click()  # errors next to the fields
        page.get_by_text("Hãy chọn khung giờ.").first.wait_for()
        found += serious(page, axe_script)
        for path in (
            ticket.get_absolute_url(),
            "/dat-lich/cua-toi/",
            f"/dat-lich/bang/{agency.pk}/",
            f"/dat-lich/thu-tuc/{code}/",
        ):
            page.goto(live_server.url + path)
            found += serious(page, axe_script)
    finally:
        context.close()

    client.force_login(officer_an)
    context = _context(chromium, live_server, client, width)
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/dat-lich/quay/{agency.pk}/")
        found += serious(page, axe_script)
    finally:
        context.close()

    assert found == [], json.dumps(found, ensure_ascii=False, indent=1)
