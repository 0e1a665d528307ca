"""The citizen's profile page: who may see it, what may change, and how contacts change."""

import re

import pytest
from django.core import mail

from chinhquyen.accounts.models import User
from chinhquyen.audit.models import AuditEntry
from chinhquyen.citizens.models import CitizenProfile
from chinhquyen.citizens.services import ensure_profile

pytestmark = pytest.mark.django_db


@pytest.fixture
def chi_profile(citizen_chi):
    profile = ensure_profile(user=citizen_chi)
    CitizenProfile.objects.filter(pk=profile.pk).update(
        phone="0912345678", email="chi@example.vn", id_number="001090012345"
    )
    profile.refresh_from_db()
    return profile


def test_anonymous_visitors_are_sent_to_the_citizen_sign_in(client):
    response = client.get("/cong-dan/ho-so/?tab=1")
    assert response.status_code == 302
    assert response["Location"] == "/cong-dan/dang-nhap/?next=%2Fcong-dan%2Fho-so%2F%3Ftab%3D1"


def test_officials_are_refused(client, officer_an):
    client.force_login(officer_an)
    assert client.get("/cong-dan/ho-so/").status_code == 403


def test_citizens_see_their_profile(client, citizen_chi, chi_profile):
    client.force_login(citizen_chi)
    response = client.get("/cong-dan/ho-so/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "001090012345" in text and "0912345678" in text and "chi@example.vn" in text
    assert '<main id="main"' in text


def test_citizens_are_refused_by_the_back_office(client, citizen_chi, chi_profile):
    client.force_login(citizen_chi)
    assert client.get("/backoffice/").status_code == 403


def test_the_address_is_saved_and_audited(client, citizen_chi, chi_profile):
    client.force_login(citizen_chi)
    response = client.post(
        "/cong-dan/ho-so/",
        {"action": "profile", "full_name": "Someone Else", "address": "12 Trần Phú, Tuyên Quang"},
    )
    assert response.status_code == 302
    chi_profile.refresh_from_db()
    citizen_chi.refresh_from_db()
    assert chi_profile.address == "12 Trần Phú, Tuyên Quang"
    # the name of an identity verified by the national SSO follows the provider only
    assert citizen_chi.full_name == "Ngô Thị Chi"
    entry = AuditEntry.objects.get(action="citizens.update_profile")
    assert entry.after["address"] == "12 Trần Phú, Tuyên Quang"


def test_a_new_phone_is_saved_only_with_the_code_sent_to_it(
    client, citizen_chi, chi_profile, sms_outbox, django_capture_on_commit_callbacks
):
    client.force_login(citizen_chi)
    # When Chi asks to change her phone
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/cong-dan/ho-so/",
            {"action": "change_contact", "value": "0988 000 111"},
        )
    assert response.status_code == 302
    # Then the code goes to the NEW phone and the profile is unchanged for now
    assert [phone for phone, _text in sms_outbox] == ["0988000111"]
    chi_profile.refresh_from_db()
    assert chi_profile.phone == "0912345678"
    code = re.search(r"\b(\d{6})\b", sms_outbox[0][1]).group(1)
    wrong = "000000" if code != "000000" else "111111"
    # A wrong code changes nothing
    response = client.post("/cong-dan/ho-so/", {"action": "confirm_contact", "code": wrong})
    assert response.status_code == 400
    chi_profile.refresh_from_db()
    assert chi_profile.phone == "0912345678"
    # The right code changes it
    response = client.post("/cong-dan/ho-so/", {"action": "confirm_contact", "code": code})
    assert response.status_code == 302
    chi_profile.refresh_from_db()
    citizen_chi.refresh_from_db()
    assert chi_profile.phone == "0988000111"
    assert citizen_chi.phone == "0988000111"
    entry = AuditEntry.objects.get(action="citizens.change_contact")
    assert (entry.before["phone"], entry.after["phone"]) == ("0912345678", "0988000111")


def test_a_new_e_mail_needs_its_code_too(
    client, citizen_chi, chi_profile, django_capture_on_commit_callbacks
):
    client.force_login(citizen_chi)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/cong-dan/ho-so/",
            {"action": "change_contact", "value": "chi.moi@example.vn"},
        )
    assert mail.outbox[0].to == ["chi.moi@example.vn"]
    code = re.search(r"\b(\d{6})\b", mail.outbox[0].body).group(1)
    client.post("/cong-dan/ho-so/", {"action": "confirm_contact", "code": code})
    chi_profile.refresh_from_db()
    assert chi_profile.email == "chi.moi@example.vn"


def test_a_code_for_another_citizen_does_not_change_my_contact(
    client, citizen_chi, other_citizen, chi_profile, sms_outbox, django_capture_on_commit_callbacks
):
    # Given Lan asked for a code to set 0988000111 on her account
    client.force_login(other_citizen)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/cong-dan/ho-so/",
            {"action": "change_contact", "value": "0988000111"},
        )
    code = re.search(r"\b(\d{6})\b", sms_outbox[0][1]).group(1)
    # When Chi tries to use Lan's code for the same number
    client.force_login(citizen_chi)
    session = client.session
    session["citizens_contact_pending"] = {"channel": "phone", "value": "0988000111"}
    session.save()
    response = client.post("/cong-dan/ho-so/", {"action": "confirm_contact", "code": code})
    # Then it is refused and nothing changes
    assert response.status_code == 400
    chi_profile.refresh_from_db()
    assert chi_profile.phone == "0912345678"


def test_sign_out_is_a_post(client, citizen_chi):
    client.force_login(citizen_chi)
    assert client.get("/cong-dan/dang-xuat/").status_code == 200
    assert "_auth_user_id" in client.session
    response = client.post("/cong-dan/dang-xuat/")
    assert response.status_code == 302
    assert response["Location"] == "/cong-dan/dang-nhap/"
    assert "_auth_user_id" not in client.session


def test_the_commune_is_chosen_among_the_province_s_and_fills_the_applicant(
    client, citizen_chi, chi_profile
):
    from chinhquyen.citizens.services import applicant_profile
    from chinhquyen.directory.models import AdministrativeUnit

    province = AdministrativeUnit.objects.create(
        code="08", name="Tỉnh Tuyên Quang", division_type="tỉnh", level="province"
    )
    commune = AdministrativeUnit.objects.create(
        code="02269", name="Xã Thái Bình", division_type="xã", level="commune", parent=province
    )
    elsewhere = AdministrativeUnit.objects.create(
        code="00004", name="Phường Ba Đình", division_type="phường", level="commune"
    )
    client.force_login(citizen_chi)
    page = client.get("/cong-dan/ho-so/").content.decode()
    assert "Xã Thái Bình" in page and "Phường Ba Đình" not in page
    # A unit of another province is refused next to the field, nothing saved
    response = client.post(
        "/cong-dan/ho-so/", {"action": "profile", "address": "Thôn 3", "unit": elsewhere.pk}
    )
    assert response.status_code == 400
    chi_profile.refresh_from_db()
    assert (chi_profile.address, chi_profile.unit) == ("", None)
    # Her own commune is saved and given to the online application
    response = client.post(
        "/cong-dan/ho-so/", {"action": "profile", "address": "Thôn 3", "unit": commune.pk}
    )
    assert response.status_code == 302
    applicant = applicant_profile(User.objects.get(pk=citizen_chi.pk))
    assert (applicant["address"], applicant["unit"]) == ("Thôn 3", commune)
