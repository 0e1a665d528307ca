"""A national sign-in that cannot be trusted creates nothing and says why, in both languages."""

import base64
import json
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from chinhquyen.accounts.models import User
from chinhquyen.audit.models import AuditEntry
from chinhquyen.citizens import oidc
from chinhquyen.citizens.errors import SignInRefused
from chinhquyen.citizens.models import CitizenProfile
from chinhquyen.citizens.testing import CLIENT_ID, CLIENT_SECRET, DevProvider
from chinhquyen.citizens.tests.conftest import CALLBACK, callback_path, walk_provider

pytestmark = pytest.mark.django_db

REFUSED_VI = "Đăng nhập bằng định danh quốc gia không thành công. Vui lòng bắt đầu lại."
REFUSED_EN = "The national sign-in did not succeed. Please start again."
DOWN_EN = "The national sign-in service cannot be reached right now."


def started(client):
    response = client.get("/cong-dan/dang-nhap/quoc-gia/", {"next": "/cong-dan/ho-so/"})
    assert response.status_code == 302
    return response["Location"]


def assert_nothing_created():
    assert User.objects.count() == 0
    assert CitizenProfile.objects.count() == 0


def refusal_reasons():
    return list(
        AuditEntry.objects.filter(action="citizens.sso_refused").values_list(
            "details__reason", flat=True
        )
    )


def test_a_tampered_state_is_refused(client, national_sso):
    # Given a sign-in walked on the provider
    back = walk_provider(started(client), "001090012345", "matkhau-dev")
    # When the state in the answer is changed
    query = parse_qs(urlsplit(back).query)
    query["state"] = [query["state"][0][:-2] + "xx"]
    response = client.get("/cong-dan/oidc/callback/", {k: v[0] for k, v in query.items()})
    # Then the sign-in is refused with a bilingual message and nothing is created
    assert response.status_code == 400
    text = response.content.decode()
    assert REFUSED_VI in text and REFUSED_EN in text
    assert_nothing_created()
    assert "_auth_user_id" not in client.session
    assert refusal_reasons() == ["state_invalid"]


def test_a_state_is_good_only_once(client, national_sso):
    back = walk_provider(started(client), "001090012345", "matkhau-dev")
    assert client.get(callback_path(back)).status_code == 302
    client.post("/cong-dan/dang-xuat/")
    # When the same answer is replayed
    response = client.get(callback_path(back))
    assert response.status_code == 400
    assert CitizenProfile.objects.count() == 1
    assert refusal_reasons() == ["state_invalid"]


def test_an_id_token_for_another_nonce_is_refused(client, national_sso):
    # Given the nonce remembered for this sign-in is not the one the provider put in the token
    authorization_url = started(client)
    state = parse_qs(urlsplit(authorization_url).query)["state"][0]
    session = client.session
    session[oidc.SESSION_KEY][state]["nonce"] = "a-different-nonce"
    session.save()
    back = walk_provider(authorization_url, "001090012345", "matkhau-dev")
    # When the provider sends the browser back
    response = client.get(callback_path(back))
    # Then nothing is created
    assert response.status_code == 400
    assert REFUSED_EN in response.content.decode()
    assert_nothing_created()
    assert refusal_reasons() == ["id_token_nonce"]


def test_an_issuer_that_is_not_the_configured_one_is_refused(client, national_sso, settings):
    # Given the settings name the provider by another spelling than it names itself
    settings.CITIZEN_OIDC_ISSUER = national_sso.issuer.replace("127.0.0.1", "localhost")
    # When a citizen starts the sign-in
    response = client.get("/cong-dan/dang-nhap/quoc-gia/")
    # Then it is refused before leaving the site
    assert response.status_code == 400
    assert REFUSED_EN in response.content.decode()
    assert_nothing_created()


def test_the_provider_being_down_gives_a_clear_message(client, settings, unused_port):
    # Given the national SSO does not answer
    settings.CITIZEN_OIDC_ISSUER = f"http://127.0.0.1:{unused_port}"
    settings.CITIZEN_OIDC_CLIENT_ID = CLIENT_ID
    oidc._cache.clear()
    # When a citizen chooses it
    response = client.get("/cong-dan/dang-nhap/quoc-gia/")
    # Then the sign-in page says so in Vietnamese and English, offering the code instead
    assert response.status_code == 503
    text = response.content.decode()
    assert "Không kết nối được dịch vụ đăng nhập quốc gia" in text
    assert DOWN_EN in text
    assert 'action="/cong-dan/dang-nhap/ma/"' in text
    assert_nothing_created()


def test_the_provider_going_down_during_the_sign_in(client, settings):
    # Given a provider that stops after the citizen signed in on it
    provider = DevProvider(redirect_uris=[CALLBACK]).start()
    try:
        settings.CITIZEN_OIDC_ISSUER = provider.issuer
        settings.CITIZEN_OIDC_CLIENT_ID = CLIENT_ID
        settings.CITIZEN_OIDC_CLIENT_SECRET = CLIENT_SECRET
        oidc._cache.clear()
        back = walk_provider(started(client), "001090012345", "matkhau-dev")
    finally:
        provider.stop()
    # When the browser comes back and the code cannot be exchanged
    response = client.get(callback_path(back))
    # Then the citizen is told the service is unreachable; nothing is created
    assert response.status_code == 503
    assert DOWN_EN in response.content.decode()
    assert_nothing_created()
    assert refusal_reasons() == ["provider_unavailable"]
    oidc._cache.clear()


def test_a_cancelled_sign_in_creates_nothing(client, national_sso):
    authorization_url = started(client)
    state = parse_qs(urlsplit(authorization_url).query)["state"][0]
    response = client.get(
        "/cong-dan/oidc/callback/",
        {"error": "access_denied", "state": state, "iss": national_sso.issuer},
    )
    assert response.status_code == 400
    assert "The national sign-in was cancelled or refused." in response.content.decode()
    assert_nothing_created()


# --- The ID token itself: real tokens from the provider, checked by verify_id_token -------


@pytest.fixture
def real_id_token(client, national_sso):
    """An ID token the provider issued for this client, exchanged here over real HTTP."""
    authorization_url = started(client)
    state = parse_qs(urlsplit(authorization_url).query)["state"][0]
    pending = client.session[oidc.SESSION_KEY][state]
    back = walk_provider(authorization_url, "001090012345", "matkhau-dev")
    code = parse_qs(urlsplit(back).query)["code"][0]
    config = oidc.ProviderSettings.from_settings()
    metadata = oidc.discover(config)
    token = requests.post(
        metadata["token_endpoint"],
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": CALLBACK,
            "code_verifier": pending["code_verifier"],
        },
        auth=(CLIENT_ID, CLIENT_SECRET),
        timeout=10,
    ).json()
    return token["id_token"], pending["nonce"], metadata, config


def claims_of(id_token: str) -> dict:
    payload = id_token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def test_a_genuine_id_token_is_accepted(real_id_token):
    id_token, nonce, metadata, config = real_id_token
    claims = oidc.verify_id_token(id_token, nonce=nonce, metadata=metadata, config=config)
    assert claims["sub"] == "vneid-0f3b9c2e-0001"
    assert claims["aud"] == CLIENT_ID


def test_an_expired_id_token_is_refused(real_id_token):
    id_token, nonce, metadata, config = real_id_token
    expiry = claims_of(id_token)["exp"]
    with pytest.raises(SignInRefused) as refused:
        oidc.verify_id_token(
            id_token, nonce=nonce, metadata=metadata, config=config, now=expiry + config.leeway
        )
    assert refused.value.code == "id_token_exp"
    # one second earlier it is still good (the leeway absorbs clock skew)
    oidc.verify_id_token(
        id_token, nonce=nonce, metadata=metadata, config=config, now=expiry + config.leeway - 1
    )


def test_an_id_token_with_a_changed_payload_is_refused(real_id_token):
    id_token, nonce, metadata, config = real_id_token
    header, _payload, signature = id_token.split(".")
    forged = {**claims_of(id_token), "sub": "vneid-someone-else"}
    payload = base64.urlsafe_b64encode(json.dumps(forged).encode()).rstrip(b"=").decode()
    with pytest.raises(SignInRefused) as refused:
        oidc.verify_id_token(
            f"{header}.{payload}.{signature}", nonce=nonce, metadata=metadata, config=config
        )
    assert refused.value.code == "id_token_signature"


def test_an_unsigned_id_token_is_refused(real_id_token):
    id_token, nonce, metadata, config = real_id_token
    header = base64.urlsafe_b64encode(b'{"alg":"none"}').rstrip(b"=").decode()
    payload = id_token.split(".")[1]
    with pytest.raises(SignInRefused):
        oidc.verify_id_token(f"{header}.{payload}.", nonce=nonce, metadata=metadata, config=config)


def test_an_id_token_for_another_client_is_refused(real_id_token):
    id_token, nonce, metadata, config = real_id_token
    other = oidc.ProviderSettings(**{**config.__dict__, "client_id": "another-app"})
    with pytest.raises(SignInRefused) as refused:
        oidc.verify_id_token(id_token, nonce=nonce, metadata=metadata, config=other)
    assert refused.value.code == "id_token_aud"
