import re
from urllib.parse import urljoin, urlsplit

import pytest
import requests

from chinhquyen.citizens import oidc
from chinhquyen.citizens.sms import DevelopmentLogSmsBackend
from chinhquyen.citizens.testing import CLIENT_ID, CLIENT_SECRET, DevProvider

CALLBACK = "http://testserver/cong-dan/oidc/callback/"


@pytest.fixture(scope="session")
def oidc_provider():
    """The development OIDC provider (node-oidc-provider) on a free loopback port."""
    provider = DevProvider(redirect_uris=[CALLBACK]).start()
    yield provider
    provider.stop()


@pytest.fixture
def national_sso(settings, oidc_provider):
    """Settings pointing at the running development provider."""
    settings.CITIZEN_OIDC_ISSUER = oidc_provider.issuer
    settings.CITIZEN_OIDC_CLIENT_ID = CLIENT_ID
    settings.CITIZEN_OIDC_CLIENT_SECRET = CLIENT_SECRET
    settings.CITIZEN_OIDC_SCOPES = "openid profile email phone"
    oidc._cache.clear()
    yield oidc_provider
    oidc._cache.clear()


@pytest.fixture
def sms_outbox():
    DevelopmentLogSmsBackend.outbox.clear()
    yield DevelopmentLogSmsBackend.outbox
    DevelopmentLogSmsBackend.outbox.clear()


_ACTION = re.compile(r'<form method="post" action="([^"]+)"')


def walk_provider(authorization_url: str, login: str, password: str) -> str:
    """Do what a person does on the provider's pages — open the sign-in page, submit the
    login form, then the consent form — over real HTTP; return the URL the provider sends the
    browser back to (our callback with code and state)."""
    browser = requests.Session()
    url = authorization_url
    for _step in range(12):
        if url.startswith(CALLBACK):
            return url
        response = browser.get(url, allow_redirects=False, timeout=10)
        if response.is_redirect:
            url = urljoin(url, response.headers["Location"])
            continue
        assert response.status_code == 200, response.text
        action = urljoin(url, _ACTION.search(response.text).group(1))
        data = {"login": login, "password": password} if "/login" in action else {}
        response = browser.post(action, data=data, allow_redirects=False, timeout=10)
        assert response.is_redirect, response.text
        url = urljoin(action, response.headers["Location"])
    raise AssertionError("the provider did not send the browser back")


def callback_path(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


@pytest.fixture
def unused_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
