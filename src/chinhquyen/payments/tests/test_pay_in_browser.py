"""Paying in a real browser (Debian's Chromium through Playwright), JavaScript off, 320 px wide:
fee page → sandbox gateway → back to the site → e-receipt. The browser enforces the
Content-Security-Policy, including ``form-action`` on the redirect to the gateway."""

import pytest
from django.conf import settings
from django.urls import reverse

from chinhquyen.core.browser_testing import launch_chromium
from chinhquyen.payments.choices import OrderStatus
from chinhquyen.payments.models import PaymentOrder

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("migration_seeds"),
]

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync"]


@pytest.fixture
def chromium():
    with launch_chromium(CHROMIUM_ARGS) as browser:
        yield browser


def signed_in_page(chromium, live_server, client, user):
    client.force_login(user)
    context = chromium.new_context(
        viewport={"width": 320, "height": 800}, java_script_enabled=False
    )
    host = live_server.url.split("//", 1)[1].split(":")[0]
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "domain": host,
                "path": "/",
            }
        ]
    )
    page = context.new_page()
    page.set_default_timeout(10000)
    return page


def test_a_citizen_pays_in_the_sandbox_and_gets_the_e_receipt(
    chromium, sandbox, live_server, client, chi_dossier, citizen_chi
):
    page = signed_in_page(chromium, live_server, client, citizen_chi)
    page.goto(live_server.url + reverse("payments:start", args=[chi_dossier.code]))
    assert page.evaluate("document.documentElement.scrollWidth") <= 320

    page.get_by_role("button", name="Thanh toán trực tuyến").click()
    page.wait_for_url(sandbox.payment_url + "*")
    page.get_by_role("button", name="Thanh toán / Pay").click()
    page.wait_for_url(live_server.url + reverse("payments:return") + "*")

    assert page.locator("#payment-status").inner_text() == "Đã thanh toán"
    order = PaymentOrder.objects.get()
    assert order.status == OrderStatus.PAID
    page.get_by_role("link", name="Xem biên lai điện tử").click()
    assert page.locator("#receipt-total").inner_text() == "125.000 đồng"
    assert page.get_by_role("heading", level=1).inner_text() == "Biên lai thu phí, lệ phí điện tử"
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    page.context.close()
