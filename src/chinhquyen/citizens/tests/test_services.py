"""What other portal parts call: applicant_profile, citizen_required; claims to citizen."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.test import RequestFactory

from chinhquyen.accounts.choices import UserKind
from chinhquyen.accounts.models import User
from chinhquyen.audit.models import AuditEntry
from chinhquyen.citizens.decorators import citizen_required
from chinhquyen.citizens.errors import SignInRefused
from chinhquyen.citizens.models import CitizenProfile
from chinhquyen.citizens.services import (
    applicant_profile,
    ensure_profile,
    sign_in_with_national_sso,
)
from chinhquyen.dossiers.tests.conftest import (  # noqa: F401 (fixtures)
    catalogue,
    coded_orgs,
    pdf,
)

pytestmark = pytest.mark.django_db

ISSUER = "https://sso.example.vn"
CHI_CLAIMS = {
    "sub": "sub-chi",
    "citizen_id": "001090012345",
    "name": "Ngô Thị Chi",
    "birthdate": "17/05/1990",
    "phone_number": "+84912345678",
    "email": "Chi.Ngo@example.vn",
}


def test_applicant_profile_of_a_national_sso_citizen():
    user = sign_in_with_national_sso(claims=CHI_CLAIMS, issuer=ISSUER)
    profile = user.citizen_profile
    profile.address = "12 Trần Phú"
    profile.save()
    assert applicant_profile(user) == {
        "kind": "individual",
        "name": "Ngô Thị Chi",
        "id_number": "001090012345",
        "phone": "0912345678",
        "email": "chi.ngo@example.vn",
        "address": "12 Trần Phú",
        "unit": None,
        "user": user,
    }


def test_applicant_profile_of_a_citizen_without_profile(citizen_chi):
    assert applicant_profile(citizen_chi) == {
        "kind": "individual",
        "name": "Ngô Thị Chi",
        "id_number": "",
        "phone": "",
        "email": "",
        "address": "",
        "unit": None,
        "user": citizen_chi,
    }


def test_applicant_profile_is_only_for_citizens(officer_an):
    with pytest.raises(PermissionDenied):
        applicant_profile(officer_an)


def test_the_intake_service_accepts_the_applicant_profile(catalogue, coded_orgs):  # noqa: F811
    from chinhquyen.dossiers.services import receive_dossier

    # Given Chi signed in through the national SSO
    user = sign_in_with_national_sso(claims=CHI_CLAIMS, issuer=ISSUER)
    # When she files online with her profile as the applicant
    dossier = receive_dossier(
        procedure=catalogue.procedure,
        receiving_agency=coded_orgs.dept_a,
        channel="online",
        applicant=applicant_profile(user),
        components=[(catalogue.application_form, pdf()), (catalogue.id_copy, pdf("cccd.pdf"))],
        acting_user=user,
    )
    # Then the dossier carries her verified facts
    assert dossier.applicant_name == "Ngô Thị Chi"
    assert dossier.applicant_id_number == "001090012345"
    assert dossier.applicant_phone == "0912345678"
    assert dossier.applicant_user == user


def test_citizen_required(citizen_chi, officer_an):
    view = citizen_required(lambda request: HttpResponse("ok"))
    request = RequestFactory().get("/nop-ho-so/1.009972/?buoc=2")
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    response = view(request)
    assert response.status_code == 302
    assert response["Location"] == "/cong-dan/dang-nhap/?next=%2Fnop-ho-so%2F1.009972%2F%3Fbuoc%3D2"
    request.user = citizen_chi
    assert view(request).content == b"ok"
    request.user = officer_an
    with pytest.raises(PermissionDenied):
        view(request)


def test_a_profile_made_earlier_is_linked_by_identity_number(citizen_chi):
    # Given a citizen account that already holds Chi's identity number (another subject)
    profile = ensure_profile(user=citizen_chi)
    CitizenProfile.objects.filter(pk=profile.pk).update(
        id_number="001090012345", oidc_subject="old-sub"
    )
    # When she signs in with the provider's new subject
    user = sign_in_with_national_sso(claims=CHI_CLAIMS, issuer=ISSUER)
    # Then it is her account, now linked to the new subject
    assert user == citizen_chi
    profile.refresh_from_db()
    assert profile.oidc_subject == "sub-chi"
    assert profile.birth_date == datetime.date(1990, 5, 17)
    entry = AuditEntry.objects.get(action="citizens.sso_sign_in")
    assert entry.details["linked_by"] == "id_number"


def test_claims_without_a_valid_identity_number_are_refused():
    with pytest.raises(SignInRefused) as refused:
        sign_in_with_national_sso(claims={**CHI_CLAIMS, "citizen_id": "12345"}, issuer=ISSUER)
    assert refused.value.code == "no_id_number"
    assert "12-digit personal identification number" in refused.value.message
    assert User.objects.count() == 0


def test_claim_names_come_from_the_setting(settings):
    settings.CITIZEN_OIDC_CLAIMS = {"id_number": "so_dinh_danh", "phone": "so_dien_thoai"}
    claims = {
        "sub": "s1",
        "so_dinh_danh": "008085000111",
        "name": "Trần Văn Dũng",
        "so_dien_thoai": "0987654321",
    }
    user = sign_in_with_national_sso(claims=claims, issuer=ISSUER)
    assert user.citizen_profile.id_number == "008085000111"
    assert user.citizen_profile.phone == "0987654321"


def test_an_account_that_is_not_a_citizen_cannot_be_signed_into(citizen_chi):
    profile = ensure_profile(user=citizen_chi)
    CitizenProfile.objects.filter(pk=profile.pk).update(oidc_subject="sub-chi")
    User.objects.filter(pk=citizen_chi.pk).update(kind=UserKind.OFFICIAL)
    with pytest.raises(SignInRefused) as refused:
        sign_in_with_national_sso(claims=CHI_CLAIMS, issuer=ISSUER)
    assert refused.value.code == "not_a_citizen"
    profile.refresh_from_db()
    assert profile.id_number is None
