"""Sessions expire; cookies are HttpOnly and SameSite; secure in production."""

from datetime import timedelta

from django.conf import settings
from django.contrib.sessions.models import Session
from django.utils import timezone

from chinhquyen.conftest import PERSONA_PASSWORD


def test_session_lives_for_session_cookie_age(client, officer_an):
    client.post("/accounts/login/", {"username": "officer_an", "password": PERSONA_PASSWORD})
    session = Session.objects.get(session_key=client.session.session_key)
    expected = timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE)
    assert abs((session.expire_date - expected).total_seconds()) < 60
    assert client.session.get_expiry_age() == settings.SESSION_COOKIE_AGE


def test_expired_session_is_sent_back_to_login(client, officer_an):
    # Given a signed-in officer whose session has passed its expiry
    client.post("/accounts/login/", {"username": "officer_an", "password": PERSONA_PASSWORD})
    assert client.get("/backoffice/").status_code == 200
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    # When they open a back-office page
    response = client.get("/backoffice/")
    # Then they must sign in again
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/backoffice/"


def test_session_cookie_flags(client, officer_an):
    response = client.post(
        "/accounts/login/", {"username": "officer_an", "password": PERSONA_PASSWORD}
    )
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    assert cookie["max-age"] == ""  # a browser-session cookie; the server enforces the age
    # Secure cookies follow SECURE_COOKIES (on by default in production), CSRF's with them.
    assert settings.CSRF_COOKIE_SECURE == settings.SESSION_COOKIE_SECURE
    assert bool(cookie["secure"]) == settings.SESSION_COOKIE_SECURE
