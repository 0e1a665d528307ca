"""axe-core (npm, tools/axe) in Debian's Chromium on the citizen pages the portal's own test
does not cover — citizen sign-in, status look-up and its result, my dossiers and one dossier,
the fee page — at 320 px and 1280 px (and high contrast): no serious or critical WCAG 2.1 A/AA
violation. And the text size and contrast controls work on a public page at 320 px."""

import json

import pytest
from django.conf import settings

from chinhquyen.core.browser_testing import run_axe, serious_violations
from chinhquyen.payments.tests.conftest import (  # noqa: F401 (fixtures)
    chi_dossier,
    gateway_settings,
    migration_seeds,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("migration_seeds"),
]

TIMEOUT_MS = 30_000
VARIANTS = ((320, False), (1280, False), (1280, True))


def audit(browser, live_server, axe_script, open_, *, session=None) -> list[dict]:
    """Run axe on the page ``open_(page)`` shows, in every width / contrast variant."""
    found = []
    for width, contrast in VARIANTS:
        # axe is injected as a script: the test context bypasses the site's CSP for it only.
        context = browser.new_context(viewport={"width": width, "height": 900}, bypass_csp=True)
        context.set_default_timeout(TIMEOUT_MS)
        cookies = []
        if contrast:
            cookies.append({"name": "chinhquyen_contrast", "value": "high", "url": live_server.url})
        if session:
            cookies.append(
                {"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}
            )
        if cookies:
            context.add_cookies(cookies)
        try:
            page = context.new_page()
            open_(page)
            result = run_axe(page, axe_script)
            found += [
                {"width": width, "contrast": contrast, **v} for v in serious_violations(result)
            ]
        finally:
            context.close()
    return found


def session_of(client, user) -> str:
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


@pytest.mark.parametrize("path", ["/cong-dan/dang-nhap/", "/tra-cuu/", "/tra-cuu/ABC-1/"])
def test_public_citizen_pages_have_no_serious_violation(
    browser,
    live_server,
    axe_script,
    path,
):
    found = audit(browser, live_server, axe_script, lambda page: page.goto(live_server.url + path))

    assert found == [], json.dumps(found, ensure_ascii=False, indent=1)


def test_the_status_look_up_result_has_no_serious_violation(
    browser,
    live_server,
    axe_script,
    chi_dossier,  # noqa: F811
):
    def look_up(page):
        page.goto(f"{live_server.url}/tra-cuu/{chi_dossier.code}/")
        page.locator("input[name=phone]").fill("0912345678")
        page.locator("form.tracking-form button[type=submit]").click()
        assert page.locator("dd.tracking-code").inner_text() == chi_dossier.code

    found = audit(browser, live_server, axe_script, look_up)

    assert found == [], json.dumps(found, ensure_ascii=False, indent=1)


@pytest.mark.parametrize(
    "path",
    ["/tra-cuu/ho-so-cua-toi/", "/tra-cuu/ho-so-cua-toi/{pk}/", "/thanh-toan/ho-so/{code}/"],
)
def test_signed_in_citizen_pages_have_no_serious_violation(
    browser,
    live_server,
    axe_script,
    client,
    citizen_chi,
    chi_dossier,  # noqa: F811
    path,
):
    url = live_server.url + path.format(pk=chi_dossier.pk, code=chi_dossier.code)
    found = audit(
        browser,
        live_server,
        axe_script,
        lambda page: page.goto(url),
        session=session_of(client, citizen_chi),
    )

    assert found == [], json.dumps(found, ensure_ascii=False, indent=1)


@pytest.fixture
def returned_dossier(chi_dossier, officer_an, specialist_dung, specialist_minh, leader_binh):  # noqa: F811
    """Chi's dossier processed, paid at the counter and returned: the page offers the rating."""
    from chinhquyen.dossiers.services import record_payment, transition
    from chinhquyen.dossiers.tests.conftest import at

    transition(chi_dossier, "forward", acting_user=officer_an, at=at(2026, 2, 5, 10, 0))
    transition(chi_dossier, "transfer", acting_user=specialist_dung, at=at(2026, 2, 5, 11, 0))
    transition(chi_dossier, "forward", acting_user=specialist_minh, at=at(2026, 2, 5, 14, 0))
    transition(chi_dossier, "approve", acting_user=leader_binh, at=at(2026, 2, 6, 9, 0))
    for number, line in enumerate(chi_dossier.payments.order_by("id"), start=1):
        record_payment(
            line,
            method="cash",
            receipt_number=f"BL-{number}",
            acting_user=officer_an,
            paid_at=at(2026, 2, 6, 10, 0),
        )
    transition(
        chi_dossier,
        "return_result",
        acting_user=officer_an,
        return_method="counter",
        at=at(2026, 2, 6, 11, 0),
    )
    return chi_dossier


def test_a_returned_dossier_with_its_rating_form_has_no_serious_violation(
    browser,
    live_server,
    axe_script,
    client,
    citizen_chi,
    returned_dossier,
):
    url = f"{live_server.url}/tra-cuu/ho-so-cua-toi/{returned_dossier.pk}/"

    def open_(page):
        page.goto(url)
        assert page.locator("form[action$='/danh-gia/']").count() == 1

    found = audit(browser, live_server, axe_script, open_, session=session_of(client, citizen_chi))

    assert found == [], json.dumps(found, ensure_ascii=False, indent=1)


def test_text_size_and_contrast_controls_work_on_a_public_page_at_320_px(browser, live_server):
    context = browser.new_context(viewport={"width": 320, "height": 800}, java_script_enabled=False)
    context.set_default_timeout(TIMEOUT_MS)

    def cookie(name):
        return {c["name"]: c["value"] for c in context.cookies()}.get(name)

    def fits(page) -> bool:
        return page.evaluate("document.documentElement.scrollWidth") <= 320

    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/thu-tuc/?q=dang+ky")
        html = page.locator("html")
        assert html.get_attribute("class") is None
        font = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")

        # When the visitor makes the text larger twice (no JavaScript: plain forms)
        for expected in ("text-large", "text-x-large"):
            page.locator("button[name=text_size][value=larger]").click()
            page.wait_for_url(f"{live_server.url}/thu-tuc/?q=dang+ky")
            # Then the class and the cookie follow, the text grows, and nothing scrolls sideways
            assert html.get_attribute("class") == expected
        assert cookie("chinhquyen_text_size") == "x-large"
        assert page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") > font
        assert (
            page.locator("button[name=text_size][value=larger]").get_attribute("aria-disabled")
            == "true"
        )
        assert fits(page)

        # When she turns high contrast on
        page.locator("button[name=contrast][value=high]").click()
        page.wait_for_url(f"{live_server.url}/thu-tuc/?q=dang+ky")
        assert html.get_attribute("class") == "text-x-large contrast-high"
        assert cookie("chinhquyen_contrast") == "high"
        assert page.locator("button[name=contrast]").get_attribute("aria-pressed") == "true"
        assert fits(page)
        # and it stays on the other public pages
        page.goto(f"{live_server.url}/tra-cuu/")
        assert html.get_attribute("class") == "text-x-large contrast-high"
        assert fits(page)

        # When she resets both
        page.locator("button[name=text_size][value=normal]").click()
        page.wait_for_url(f"{live_server.url}/tra-cuu/")
        page.locator("button[name=contrast][value=normal]").click()
        page.wait_for_url(f"{live_server.url}/tra-cuu/")
        assert html.get_attribute("class") is None
    finally:
        context.close()
