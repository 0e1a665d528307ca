"""TOTP second factor: required roles must enrol, enrolled users must enter a code."""

import re
import time
from base64 import b32decode

import pytest
from django.contrib.auth import SESSION_KEY
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from chinhquyen.conftest import PERSONA_PASSWORD

LOGIN_URL = "/accounts/login/"
SETUP_URL = "/accounts/2fa/setup/"
VERIFY_URL = "/accounts/2fa/verify/"


def _code(key: bytes, *, drift: int = 0) -> str:
    return f"{totp(key, step=30, t0=0, digits=6, drift=drift):06d}"


@pytest.fixture
def leaders_need_2fa(settings):
    settings.REQUIRE_2FA_ROLES = ["agency_leader", "system_admin"]


def _sign_in(client, username):
    response = client.post(LOGIN_URL, {"username": username, "password": PERSONA_PASSWORD})
    assert response.status_code == 302
    return response


def test_without_the_setting_nobody_is_forced(client, leader_binh):
    _sign_in(client, "leader_binh")
    assert client.get("/backoffice/").status_code == 200


def test_required_role_is_sent_to_setup_until_enrolled(client, leader_binh, leaders_need_2fa):
    # Given leaders must use a second factor and leader Bình has none
    _sign_in(client, "leader_binh")
    # When she opens a back-office page
    response = client.get("/backoffice/")
    # Then she is sent to the enrolment page, for every back-office page
    assert response.status_code == 302
    assert response["Location"] == f"{SETUP_URL}?next=%2Fbackoffice%2F"
    assert client.get("/accounts/delegations/")["Location"].startswith(SETUP_URL)
    assert not TOTPDevice.objects.filter(user=leader_binh).exists()


def test_role_without_requirement_is_not_redirected(client, officer_an, leaders_need_2fa):
    _sign_in(client, "officer_an")
    assert client.get("/backoffice/").status_code == 200


def test_enrolment_shows_an_svg_qr_code_and_the_key(client, leader_binh, leaders_need_2fa):
    _sign_in(client, "leader_binh")
    response = client.get(SETUP_URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<svg" in html
    assert "<script" not in html
    secret = "".join(response.context["secret_groups"])
    assert len(b32decode(secret)) == 20


def test_enrolment_with_a_real_code_activates_2fa(client, leader_binh, leaders_need_2fa):
    _sign_in(client, "leader_binh")
    response = client.get(SETUP_URL)
    key = b32decode("".join(response.context["secret_groups"]))
    # When she confirms with the code her app computes from the key
    response = client.post(SETUP_URL, {"token": _code(key), "next": "/backoffice/"})
    # Then the device is confirmed, the session is verified and pages open
    assert response.status_code == 302
    assert response["Location"] == "/backoffice/"
    device = TOTPDevice.objects.get(user=leader_binh)
    assert device.confirmed is True
    assert device.bin_key == key
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    assert client.get("/backoffice/").status_code == 200


def test_enrolment_with_a_wrong_code_saves_nothing(client, leader_binh, leaders_need_2fa):
    _sign_in(client, "leader_binh")
    response = client.get(SETUP_URL)
    key = b32decode("".join(response.context["secret_groups"]))
    wrong = f"{(int(_code(key)) + 1) % 1_000_000:06d}"
    response = client.post(SETUP_URL, {"token": wrong})
    assert response.status_code == 400
    assert response.context["form"].errors["token"]
    assert not TOTPDevice.objects.filter(user=leader_binh).exists()
    assert client.get("/backoffice/")["Location"].startswith(SETUP_URL)


@pytest.fixture
def binh_device(leader_binh):
    return TOTPDevice.objects.create(user=leader_binh, name="TOTP", confirmed=True)


def test_user_with_a_device_must_enter_a_code_after_password(client, binh_device):
    # Given leader Bình has a confirmed device (the setting is not even needed)
    _sign_in(client, "leader_binh")
    # Then every page asks for the code first
    response = client.get("/backoffice/")
    assert response.status_code == 302
    assert response["Location"] == f"{VERIFY_URL}?next=%2Fbackoffice%2F"
    # When she enters the current code computed from her device's key
    response = client.post(
        VERIFY_URL, {"token": _code(binh_device.bin_key), "next": "/backoffice/"}
    )
    # Then she gets in
    assert response.status_code == 302
    assert response["Location"] == "/backoffice/"
    assert client.get("/backoffice/").status_code == 200


def test_wrong_code_is_refused(client, binh_device):
    _sign_in(client, "leader_binh")
    wrong = f"{(int(_code(binh_device.bin_key)) + 1) % 1_000_000:06d}"
    response = client.post(VERIFY_URL, {"token": wrong})
    assert response.status_code == 400
    assert DEVICE_ID_SESSION_KEY not in client.session
    assert SESSION_KEY in client.session
    assert client.get("/backoffice/")["Location"].startswith(VERIFY_URL)


def test_a_code_cannot_be_used_twice(client, binh_device):
    code = _code(binh_device.bin_key)
    _sign_in(client, "leader_binh")
    assert client.post(VERIFY_URL, {"token": code}).status_code == 302
    client.post("/accounts/logout/")
    _sign_in(client, "leader_binh")
    response = client.post(VERIFY_URL, {"token": code})
    if response.status_code == 302:  # the 30-second step changed between the two posts
        assert int(time.time()) % 30 < 2
    else:
        assert response.status_code == 400


def test_verified_session_of_required_role_passes(
    client, leader_binh, binh_device, leaders_need_2fa, login
):
    login(leader_binh, otp_device=binh_device)
    assert client.get("/backoffice/").status_code == 200


def test_setup_page_requires_the_current_factor_to_replace_it(client, binh_device):
    _sign_in(client, "leader_binh")
    response = client.get(SETUP_URL)
    assert response.status_code == 302
    assert re.match(rf"^{VERIFY_URL}\?next=", response["Location"])
