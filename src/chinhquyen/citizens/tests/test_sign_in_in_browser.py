"""A person signs in through the national SSO in Debian's Chromium, without JavaScript, on a
320 px wide screen: our pages, the provider's pages, and back (all real HTTP)."""

import tempfile
from pathlib import Path

import pytest

from chinhquyen.citizens.models import CitizenProfile
from chinhquyen.citizens.tests.fixtures import live_sso, sign_in_on_provider  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(tempfile.gettempdir())


def test_national_sign_in_without_javascript_at_320_px(
    chromium,
    live_server,
    live_sso,  # noqa: F811
):
    context = chromium.new_context(
        viewport={"width": 320, "height": 800}, java_script_enabled=False
    )
    try:
        page = context.new_page()
        page.set_default_timeout(10000)
        # Given Chi opens the citizen sign-in page on a small phone
        page.goto(f"{live_server.url}/cong-dan/dang-nhap/")
        assert page.evaluate("document.documentElement.scrollWidth") <= 320
        assert page.get_by_role("heading", level=1).inner_text() == "Đăng nhập công dân"
        page.screenshot(path=SCREENSHOTS / "citizens-login-320.png", full_page=True)
        # When she chooses the national digital identity and signs in there
        page.get_by_role("link", name="Đăng nhập bằng định danh điện tử quốc gia").click()
        sign_in_on_provider(page, "001090012345", "matkhau-dev")
        # Then she is back on her profile, signed in, with the facts from the provider
        page.wait_for_url(f"{live_server.url}/cong-dan/ho-so/")
        assert page.get_by_role("heading", level=1).inner_text() == "Tài khoản của tôi"
        assert "001090012345" in page.content()
        assert page.evaluate("document.documentElement.scrollWidth") <= 320
        page.screenshot(path=SCREENSHOTS / "citizens-profile-320.png", full_page=True)
    finally:
        context.close()
    assert CitizenProfile.objects.get().id_number == "001090012345"
