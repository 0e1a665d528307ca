"""Fixtures and helpers other apps' tests may import to sign a citizen in for real.

    from chinhquyen.citizens.tests.fixtures import live_sso, sign_in_on_provider  # noqa: F401

``live_sso`` runs the development OIDC provider for the ``live_server`` (browser tests) and
points the settings at it; ``sign_in_on_provider(page, login, password)`` fills the provider's
sign-in and consent forms in a Playwright page. Demo accounts: ``DEMO_ACCOUNTS``.
"""

import pytest

from chinhquyen.citizens import oidc
from chinhquyen.citizens.testing import CLIENT_ID, CLIENT_SECRET, DEMO_ACCOUNTS, DevProvider

__all__ = ["DEMO_ACCOUNTS", "live_sso", "sign_in_on_provider"]


@pytest.fixture
def live_sso(live_server, settings):
    """A development provider that sends browsers back to the live server."""
    provider = DevProvider(redirect_uris=[f"{live_server.url}/cong-dan/oidc/callback/"]).start()
    settings.CITIZEN_OIDC_ISSUER = provider.issuer
    settings.CITIZEN_OIDC_CLIENT_ID = CLIENT_ID
    settings.CITIZEN_OIDC_CLIENT_SECRET = CLIENT_SECRET
    oidc._cache.clear()
    yield provider
    provider.stop()
    oidc._cache.clear()


def sign_in_on_provider(page, login: str = "001090012345", password: str = "matkhau-dev"):  # noqa: S107
    """On the provider's pages (after "Sign in with the national digital identity")."""
    page.get_by_label("Số định danh / ID number").fill(login)
    page.get_by_label("Mật khẩu / Password").fill(password)
    page.get_by_role("button", name="Đăng nhập / Sign in").click()
    page.get_by_role("button", name="Đồng ý / Allow").click()
