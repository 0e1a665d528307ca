"""Content-Security-Policy on every page, and templates that need no inline script or style."""

import re
from pathlib import Path

import pytest

import chinhquyen

PACKAGE = Path(chinhquyen.__file__).parent


@pytest.mark.parametrize("path", ["/", "/accounts/login/"])
def test_csp_header_is_sent(client, db, path):
    response = client.get(path)
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_csp_header_on_back_office_pages(client, officer_an, login):
    login(officer_an)
    for path in ["/backoffice/", "/accounts/delegations/", "/accounts/password/"]:
        response = client.get(path)
        assert response.status_code == 200, path
        assert "script-src 'self'" in response["Content-Security-Policy"]


def test_account_templates_have_no_inline_scripts_or_styles():
    inline_script = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*nonce=)[^>]*>", re.IGNORECASE)
    offenders = []
    for template in (PACKAGE / "accounts" / "templates").rglob("*.html"):
        text = template.read_text(encoding="utf-8")
        if inline_script.search(text) or "<style" in text or re.search(r"\sstyle=", text):
            offenders.append(template.name)
        if re.search(r"\son[a-z]+=", text):  # onclick= and friends
            offenders.append(template.name)
    assert offenders == []
