"""Sign-in through the national single sign-on, against a real OIDC provider on loopback."""

import datetime
from urllib.parse import parse_qs, urlsplit

import pytest

from chinhquyen.accounts.choices import UserKind
from chinhquyen.accounts.models import User
from chinhquyen.audit.models import AuditEntry
from chinhquyen.citizens.choices import VerifiedBy
from chinhquyen.citizens.models import CitizenProfile
from chinhquyen.citizens.tests.conftest import callback_path, walk_provider

pytestmark = pytest.mark.django_db


def start_sign_in(client, next_url="/cong-dan/ho-so/"):
    response = client.get("/cong-dan/dang-nhap/quoc-gia/", {"next": next_url})
    assert response.status_code == 302
    return response["Location"]


def test_first_sign_in_creates_a_citizen_with_the_provider_claims(client, national_sso):
    # Given Chi has a national digital identity and no account here
    authorization_url = start_sign_in(client)
    query = parse_qs(urlsplit(authorization_url).query)
    assert authorization_url.startswith(f"{national_sso.issuer}/auth?")
    assert query["code_challenge_method"] == ["S256"]
    assert len(query["code_challenge"][0]) == 43
    assert query["response_type"] == ["code"]
    assert query["scope"] == ["openid profile email phone"]
    assert query["state"][0] and query["nonce"][0]

    # When she signs in and consents on the provider's pages and comes back
    back = walk_provider(authorization_url, "001090012345", "matkhau-dev")
    response = client.get(callback_path(back))

    # Then she is signed in as a new citizen whose profile holds the provider's facts
    assert response.status_code == 302
    assert response["Location"] == "/cong-dan/ho-so/"
    profile = CitizenProfile.objects.select_related("user").get()
    assert profile.user.kind == UserKind.CITIZEN
    assert profile.user.full_name == "Ngô Thị Chi"
    assert profile.user.has_usable_password() is False
    assert profile.id_number == "001090012345"
    assert profile.birth_date == datetime.date(1990, 5, 17)
    assert profile.phone == "0912345678"
    assert profile.email == "chi.ngo@example.vn"
    assert profile.oidc_subject == "vneid-0f3b9c2e-0001"
    assert profile.oidc_issuer == national_sso.issuer
    assert profile.verified_by == VerifiedBy.NATIONAL_SSO
    assert profile.last_sign_in_at is not None
    assert int(client.session["_auth_user_id"]) == profile.user.pk
    entry = AuditEntry.objects.filter(action="citizens.sso_sign_in").get()
    assert entry.details["created"] is True
    page = client.get("/cong-dan/ho-so/")
    assert page.status_code == 200
    assert "001090012345" in page.content.decode()


def test_later_sign_in_links_the_same_account_by_subject(client, national_sso):
    # Given Dũng signed in once (his phone came as +84 987 654 321)
    back = walk_provider(start_sign_in(client), "008085000111", "matkhau-dev")
    client.get(callback_path(back))
    first = CitizenProfile.objects.get()
    assert first.phone == "0987654321"
    client.post("/cong-dan/dang-xuat/")

    # When he signs in again
    back = walk_provider(start_sign_in(client), "008085000111", "matkhau-dev")
    response = client.get(callback_path(back))

    # Then the same account is used, nothing new is created
    assert response.status_code == 302
    assert User.objects.filter(kind=UserKind.CITIZEN).count() == 1
    again = CitizenProfile.objects.get()
    assert again.pk == first.pk
    assert again.last_sign_in_at > first.last_sign_in_at
    details = list(
        AuditEntry.objects.filter(action="citizens.sso_sign_in")
        .order_by("id")
        .values_list("details__created", "details__linked_by")
    )
    assert details == [(True, ""), (False, "sub")]
