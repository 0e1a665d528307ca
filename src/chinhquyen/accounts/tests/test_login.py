"""Staff sign in with username and password; citizens and inactive accounts are refused."""

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from chinhquyen.accounts.views import LOGIN_REFUSED
from chinhquyen.conftest import PERSONA_PASSWORD

LOGIN_URL = "/accounts/login/"


def _post_login(client, username, password, **extra):
    return client.post(LOGIN_URL, {"username": username, "password": password}, **extra)


def test_passwords_are_hashed_with_argon2(officer_an):
    # Given the persona created with the shared password
    # Then the stored hash is an Argon2 hash and Argon2 is the preferred hasher
    assert officer_an.password.startswith("argon2$")
    assert settings.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    assert officer_an.check_password(PERSONA_PASSWORD)


def test_login_page_is_shown(client, db):
    response = client.get(LOGIN_URL)
    assert response.status_code == 200
    assert b'name="username"' in response.content
    assert b'name="csrfmiddlewaretoken"' in response.content


def test_official_signs_in_and_reaches_the_back_office(client, officer_an):
    # When officer An signs in with the right password
    response = _post_login(client, "officer_an", PERSONA_PASSWORD)
    # Then they are sent to the back office and the session is theirs
    assert response.status_code == 302
    assert response["Location"] == reverse("core:backoffice")
    assert client.session[SESSION_KEY] == str(officer_an.pk)
    assert client.get(reverse("core:backoffice")).status_code == 200


def test_login_follows_a_local_next_but_not_a_foreign_one(client, officer_an):
    response = client.post(
        f"{LOGIN_URL}?next=/accounts/delegations/",
        {"username": "officer_an", "password": PERSONA_PASSWORD},
    )
    assert response["Location"] == "/accounts/delegations/"
    client.logout()
    response = client.post(
        LOGIN_URL,
        {"username": "officer_an", "password": PERSONA_PASSWORD, "next": "https://evil.example/"},
    )
    assert response["Location"] == reverse("core:backoffice")


def test_wrong_password_is_refused_with_a_generic_message(client, officer_an):
    response = _post_login(client, "officer_an", "not-the-password")
    assert response.status_code == 400
    assert SESSION_KEY not in client.session
    with translation.override("vi"):
        expected = escape(str(LOGIN_REFUSED))
    assert expected in response.content.decode()


def test_unknown_user_gets_the_same_answer_as_a_wrong_password(client, officer_an):
    wrong_password = _post_login(client, "officer_an", "not-the-password")
    unknown_user = _post_login(client, "nobody_here", "not-the-password")
    assert wrong_password.status_code == unknown_user.status_code == 400
    assert wrong_password.context["form"].non_field_errors() == (
        unknown_user.context["form"].non_field_errors()
    )


def test_citizen_cannot_sign_in_to_the_back_office(client, citizen_chi, officer_an):
    # Given citizen Chi with her correct password
    # When she tries the staff sign-in
    response = _post_login(client, "citizen_chi", PERSONA_PASSWORD)
    # Then she is refused with the same generic message, pointing to the portal
    assert response.status_code == 400
    assert SESSION_KEY not in client.session
    wrong = _post_login(Client(), "officer_an", "wrong-password")
    assert response.context["form"].non_field_errors() == wrong.context["form"].non_field_errors()
    assert client.get(reverse("core:backoffice")).status_code == 302


def test_inactive_official_cannot_sign_in(client, officer_an):
    officer_an.is_active = False
    officer_an.save(update_fields=["is_active"])
    response = _post_login(client, "officer_an", PERSONA_PASSWORD)
    assert response.status_code == 400
    assert SESSION_KEY not in client.session


def test_official_who_left_cannot_sign_in(client, officer_an):
    from chinhquyen.directory.choices import OfficialStatus
    from chinhquyen.directory.models import Official

    Official.objects.filter(user=officer_an).update(status=OfficialStatus.LEFT)
    response = _post_login(client, "officer_an", PERSONA_PASSWORD)
    assert response.status_code == 400
    assert SESSION_KEY not in client.session


def test_login_post_without_csrf_token_is_rejected(officer_an):
    # Given a browser-like client that enforces CSRF
    client = Client(enforce_csrf_checks=True)
    # When the form is posted without the token
    response = _post_login(client, "officer_an", PERSONA_PASSWORD)
    # Then it is refused and nobody is signed in
    assert response.status_code == 403
    assert SESSION_KEY not in client.session


def test_login_post_with_csrf_token_works(officer_an):
    client = Client(enforce_csrf_checks=True)
    page = client.get(LOGIN_URL)
    token = page.context["csrf_token"]
    response = client.post(
        LOGIN_URL,
        {"username": "officer_an", "password": PERSONA_PASSWORD, "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(officer_an.pk)


def test_logout_needs_post(client, officer_an, login):
    login(officer_an)
    assert client.get("/accounts/logout/").status_code == 405
    assert SESSION_KEY in client.session
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert SESSION_KEY not in client.session


@pytest.mark.parametrize("path", ["/backoffice/", "/accounts/delegations/", "/accounts/password/"])
def test_back_office_pages_send_anonymous_visitors_to_login(client, db, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN_URL}?next={path}"
