"""Sign-ins, sign-outs and failed sign-ins are recorded with the IP and request id."""

import pytest
from django.contrib.auth import authenticate
from django.test import RequestFactory

from .conftest import entries_since, last_id

pytestmark = pytest.mark.django_db


def test_a_failed_login_is_recorded_with_ip_and_request_id(officer_an):
    # given a sign-in request from 203.0.113.9
    request = RequestFactory().post("/accounts/login/", REMOTE_ADDR="203.0.113.9")
    request.request_id = "req-failed-0001"
    marker = last_id()

    # when the password is wrong
    user = authenticate(request, username="an.nguyen", password="wrong-password")

    # then the failure is in the trail, with who tried and from where, and no password
    assert user is None
    failures = [e for e in entries_since(marker) if e.action == "accounts.login_failed"]
    assert len(failures) == 1
    (entry,) = failures
    assert entry.details == {"username": "an.nguyen"}
    assert (entry.actor, entry.ip, entry.request_id) == (None, "203.0.113.9", "req-failed-0001")
    assert "wrong-password" not in str(entry.details)


def test_login_and_logout_are_recorded(client, officer_an):
    marker = last_id()
    client.force_login(officer_an)
    client.logout()
    actions = [
        (e.action, e.actor) for e in entries_since(marker) if e.action.startswith("accounts.")
    ]
    assert actions[0] == ("accounts.login", officer_an)
    assert ("accounts.logout", officer_an) in actions
