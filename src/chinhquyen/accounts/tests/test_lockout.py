"""Repeated failed sign-ins lock the account (django-axes) and show the lockout page."""

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import SESSION_KEY

from chinhquyen.conftest import PERSONA_PASSWORD

LOGIN_URL = "/accounts/login/"


def test_failures_below_the_limit_do_not_lock(client, officer_an):
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        response = client.post(LOGIN_URL, {"username": "officer_an", "password": "wrong"})
        assert response.status_code == 400
    response = client.post(LOGIN_URL, {"username": "officer_an", "password": PERSONA_PASSWORD})
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(officer_an.pk)


def test_account_is_locked_after_the_failure_limit(client, officer_an):
    limit = settings.AXES_FAILURE_LIMIT
    # Given limit - 1 failures
    for _attempt in range(limit - 1):
        assert (
            client.post(LOGIN_URL, {"username": "officer_an", "password": "x"}).status_code == 400
        )
    # When the limit-th failure happens
    response = client.post(LOGIN_URL, {"username": "officer_an", "password": "x"})
    # Then the lockout page is shown (HTTP 429) with its explanation
    assert response.status_code == 429
    assert "accounts/locked_out.html" in [t.name for t in response.templates]
    assert response["Content-Security-Policy"]
    cooloff_minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    assert str(cooloff_minutes) in response.content.decode()
    assert AccessAttempt.objects.filter(username="officer_an").get().failures_since_start == limit
    # And even the right password is refused while locked
    response = client.post(LOGIN_URL, {"username": "officer_an", "password": PERSONA_PASSWORD})
    assert response.status_code == 429
    assert SESSION_KEY not in client.session
