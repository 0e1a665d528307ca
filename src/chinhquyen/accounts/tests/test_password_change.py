"""An official changes their own password; the session survives, the old password stops."""

from django.contrib.auth import SESSION_KEY

from chinhquyen.accounts.models import User
from chinhquyen.conftest import PERSONA_PASSWORD

URL = "/accounts/password/"
NEW_PASSWORD = "Mat-khau-moi-2026!"


def test_official_changes_password(client, login, officer_an):
    login(officer_an)
    response = client.post(
        URL,
        {
            "old_password": PERSONA_PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(officer_an.pk)  # still signed in
    user = User.objects.get(pk=officer_an.pk)
    assert user.check_password(NEW_PASSWORD)
    assert user.password.startswith("argon2$")


def test_wrong_old_password_changes_nothing(client, login, officer_an):
    login(officer_an)
    before = User.objects.get(pk=officer_an.pk).password
    response = client.post(
        URL,
        {"old_password": "wrong", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 400
    assert response.context["form"].errors["old_password"]
    assert User.objects.get(pk=officer_an.pk).password == before


def test_too_short_password_is_refused(client, login, officer_an):
    login(officer_an)
    before = User.objects.get(pk=officer_an.pk).password
    response = client.post(
        URL, {"old_password": PERSONA_PASSWORD, "new_password1": "abc", "new_password2": "abc"}
    )
    assert response.status_code == 400
    assert response.context["form"].errors["new_password2"]
    assert User.objects.get(pk=officer_an.pk).password == before
