# ruff: noqa: F811 (fixtures imported from the dossier and edXML tests)
"""System accounts (issue 7 item 2): tokens, rotation, scopes, expiry, rate limit, call log."""

from datetime import timedelta

import pytest
from django.utils import timezone
from oauth2_provider.models import AccessToken

from chinhquyen.dossiers.tests.conftest import coded_orgs  # noqa: F401 (fixture)
from chinhquyen.exchange import clients, messagelog
from chinhquyen.exchange.api import throttle
from chinhquyen.exchange.api.testing import (
    call,
    check_response,
    make_client,
    token_for,
    token_response,
)
from chinhquyen.exchange.models import MessageLogEntry

pytestmark = pytest.mark.django_db

DIRECTORY = "/api/v1/directory/organisations"


@pytest.fixture
def portal(coded_orgs):  # noqa: F811
    return make_client(coded_orgs.dept_a, scopes=["directory:read", "procedures:read"])


def test_token_issued_for_the_right_secret_only(client, portal):
    ok = token_response(client, portal.client.client_id, portal.secret)
    assert ok.status_code == 200
    body = ok.json()
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 600
    assert set(body["scope"].split()) == {"directory:read", "procedures:read"}
    # Stored as a checksum only (RFC 9700 token storage), never in clear.
    stored = AccessToken.objects.get()
    assert stored.token != body["access_token"]

    wrong = token_response(client, portal.client.client_id, portal.secret + "x")
    assert wrong.status_code == 401
    assert wrong.json()["error"] == "invalid_client"
    unknown = token_response(client, "no-such-client", portal.secret)
    assert unknown.status_code == 401
    assert AccessToken.objects.count() == 1


def test_a_scope_outside_the_clients_is_refused(client, portal):
    response = token_response(client, portal.client.client_id, portal.secret, "dossiers:create")
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_scope"
    narrowed = token_response(client, portal.client.client_id, portal.secret, "directory:read")
    assert narrowed.json()["scope"] == "directory:read"


def test_disabled_client_gets_no_token_and_its_tokens_stop(client, portal):
    token = token_for(client, portal)
    assert call(client, "GET", DIRECTORY, token).status_code == 200
    clients.set_enabled(portal.client, False, acting_user=None)
    refused = call(client, "GET", DIRECTORY, token)
    assert refused.status_code == 401
    assert refused.json()["code"] == "token_invalid"
    assert token_response(client, portal.client.client_id, portal.secret).status_code == 401
    clients.set_enabled(portal.client, True, acting_user=None)
    assert token_response(client, portal.client.client_id, portal.secret).status_code == 200


def test_rotated_secret_stays_valid_until_its_expiry(client, portal):
    new = clients.rotate_secret(portal.client, grace=timedelta(hours=2), acting_user=None)
    # Both work during the grace period: the outside system switches without downtime.
    assert token_response(client, portal.client.client_id, portal.secret).status_code == 200
    assert token_response(client, portal.client.client_id, new.secret).status_code == 200
    old = portal.record
    old.refresh_from_db()
    assert old.expires_at is not None
    assert old.expires_at <= timezone.now() + timedelta(hours=2)
    # The grace period ends: the old secret is refused, the new one still works.
    type(old).objects.filter(pk=old.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert token_response(client, portal.client.client_id, portal.secret).status_code == 401
    assert token_response(client, portal.client.client_id, new.secret).status_code == 200


def test_rotation_without_grace_and_revocation_drop_tokens(client, portal):
    token = token_for(client, portal)
    new = clients.rotate_secret(portal.client, grace=timedelta(0), acting_user=None)
    assert call(client, "GET", DIRECTORY, token).status_code == 401
    assert token_response(client, portal.client.client_id, portal.secret).status_code == 401
    token = token_for(client, new)
    clients.revoke_secret(new.record, acting_user=None)
    assert call(client, "GET", DIRECTORY, token).status_code == 401
    assert token_response(client, portal.client.client_id, new.secret).status_code == 401


def test_missing_wrong_and_expired_tokens_are_401_with_a_coded_body(client, portal):
    missing = call(client, "GET", DIRECTORY)
    assert missing.status_code == 401
    assert missing.json()["code"] == "token_missing"
    assert missing["WWW-Authenticate"].startswith("Bearer")
    check_response(missing, DIRECTORY, "GET")
    wrong = call(client, "GET", DIRECTORY, "not-a-token")
    assert wrong.json()["code"] == "token_invalid"
    token = token_for(client, portal)
    AccessToken.objects.update(expires=timezone.now() - timedelta(seconds=1))
    expired = call(client, "GET", DIRECTORY, token)
    assert expired.status_code == 401
    assert expired.json() == {
        "code": "token_invalid",
        "message_vi": expired.json()["message_vi"],
        "message_en": "The access token is not valid or has expired; request a new one.",
    }
    assert expired.json()["message_vi"] != expired.json()["message_en"]


def test_rate_limit_then_ok_after_the_window(client, coded_orgs, monkeypatch):  # noqa: F811
    issued = make_client(coded_orgs.dept_a, scopes=["directory:read"], rate_limit_per_minute=3)
    token = token_for(client, issued)
    monkeypatch.setattr(throttle, "now", lambda: 6_000_000 * 60 + 10.0)
    for _n in range(3):
        assert call(client, "GET", DIRECTORY, token).status_code == 200
    refused = call(client, "GET", DIRECTORY, token)
    assert refused.status_code == 429
    assert refused.json()["code"] == "rate_limited"
    assert refused["Retry-After"] == "50"
    check_response(refused, DIRECTORY, "GET")
    monkeypatch.setattr(throttle, "now", lambda: 6_000_001 * 60 + 1.0)  # the next minute
    assert call(client, "GET", DIRECTORY, token).status_code == 200


def test_every_call_is_in_the_hash_chained_log(client, portal):
    before = MessageLogEntry.objects.count()
    token = token_for(client, portal)
    ok = call(client, "GET", DIRECTORY + "?limit=5", token)
    refused = call(client, "GET", "/api/v1/dossiers", token)  # scope not held: 403
    anonymous = call(client, "GET", DIRECTORY)
    entries = list(MessageLogEntry.objects.filter(connector="api").order_by("id"))
    assert len(entries) == before + 4 == 4  # token, ok, 403, 401
    issued, read, forbidden, unauthenticated = entries
    assert (issued.endpoint, issued.status_code, issued.peer) == (
        "/oauth/token/",
        200,
        portal.client.client_id,
    )
    assert issued.request_sha256 and issued.response_sha256
    assert (read.endpoint, read.method, read.status_code, read.outcome) == (
        DIRECTORY,
        "GET",
        200,
        "ok",
    )
    import hashlib

    assert read.response_sha256 == hashlib.sha256(ok.content).hexdigest()
    assert read.peer == portal.client.client_id
    assert (forbidden.status_code, forbidden.outcome, forbidden.peer) == (
        403,
        "scope_missing",
        portal.client.client_id,
    )
    assert forbidden.response_sha256 == hashlib.sha256(refused.content).hexdigest()
    assert (unauthenticated.status_code, unauthenticated.peer) == (401, "")
    assert anonymous.status_code == 401
    assert all(e.direction == "in" and e.latency_ms >= 0 for e in entries)
    result = messagelog.verify_log()
    assert result.ok, result.describe()
    assert result.checked == MessageLogEntry.objects.count()


def test_oversize_body_is_413_before_anything_is_read(client, portal, settings):
    settings.EXCHANGE_API_MAX_BODY_BYTES = 1000
    token = token_for(client, portal)
    response = call(
        client, "POST", "/api/v1/dossiers", token, body=b"x" * 2000, content_type="text/plain"
    )
    assert response.status_code == 413
    assert response.json()["code"] == "body_too_large"
    entry = MessageLogEntry.objects.order_by("-id").first()
    assert (entry.status_code, entry.outcome, entry.request_sha256) == (413, "body_too_large", "")


def test_a_client_revokes_its_own_token(client, portal):
    import base64

    token = token_for(client, portal)
    basic = base64.b64encode(f"{portal.client.client_id}:{portal.secret}".encode()).decode()
    response = client.post(
        "/oauth/revoke_token/",
        data=f"token={token}",
        content_type="application/x-www-form-urlencoded",
        HTTP_AUTHORIZATION=f"Basic {basic}",
    )
    assert response.status_code == 200
    assert call(client, "GET", DIRECTORY, token).status_code == 401
