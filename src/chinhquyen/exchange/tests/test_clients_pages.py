# ruff: noqa: F811 (fixtures imported from the dossier and edXML tests)
"""Back-office pages of the system accounts: the province IT administrator creates a client
(secret shown once), sets scopes and the rate limit, rotates, revokes, disables; each change
audited; nobody else may."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from chinhquyen.audit.models import AuditEntry
from chinhquyen.dossiers.tests.conftest import coded_orgs  # noqa: F401 (fixture)
from chinhquyen.exchange.api.auth import secret_digest
from chinhquyen.exchange.api.models import ClientSecret, SystemClient
from chinhquyen.exchange.api.testing import make_client, token_response

pytestmark = pytest.mark.django_db


def _secret(html: str) -> str:
    return re.search(r'<code id="client-secret">([^<]+)</code>', html).group(1)


def test_it_admin_creates_rotates_and_disables_a_client(
    client,
    login,
    it_admin_tuan,
    coded_orgs,  # noqa: F811
):
    login(it_admin_tuan)
    with translation.override("vi"):
        page = client.get(reverse("exchange:client_new"), HTTP_ACCEPT_LANGUAGE="vi")
    assert page.status_code == 200
    assert "Tài khoản hệ thống mới" in page.content.decode()
    assert "Phạm vi được phép" in page.content.decode()
    response = client.post(
        reverse("exchange:client_new"),
        {
            "name": "Cổng Dịch vụ công quốc gia",
            "organisation": coded_orgs.dept_a.pk,
            "scopes": ["dossiers:create", "dossiers:read"],
            "intake_channel": "national_portal",
            "rate_limit_per_minute": "60",
        },
    )
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    secret = _secret(response.content.decode())
    system = SystemClient.objects.get()
    # Only the digest is kept; the page showing the client never shows the secret again.
    assert ClientSecret.objects.get().secret_sha256 == secret_digest(secret)
    detail = client.get(reverse("exchange:client", args=[system.pk]))
    assert detail.status_code == 200
    assert secret not in detail.content.decode()
    assert system.client_id in detail.content.decode()
    assert token_response(client, system.client_id, secret).status_code == 200
    assert AuditEntry.objects.filter(action="exchange.create_system_client").count() == 1
    assert secret not in str(list(AuditEntry.objects.values_list("details", flat=True)))

    saved = client.post(
        reverse("exchange:client", args=[system.pk]),
        {
            "name": "Cổng DVC quốc gia",
            "scopes": ["dossiers:read"],
            "intake_channel": "national_portal",
            "rate_limit_per_minute": "30",
        },
    )
    assert saved.status_code == 302
    system.refresh_from_db()
    assert (system.scopes, system.rate_limit_per_minute) == (["dossiers:read"], 30)

    rotated = client.post(reverse("exchange:client_rotate", args=[system.pk]), {"grace_hours": 1})
    new_secret = _secret(rotated.content.decode())
    assert new_secret != secret
    assert token_response(client, system.client_id, secret).status_code == 200  # grace
    assert token_response(client, system.client_id, new_secret).status_code == 200
    old = ClientSecret.objects.get(secret_sha256=secret_digest(secret))
    revoked = client.post(reverse("exchange:client_secret_revoke", args=[system.pk, old.pk]))
    assert revoked.status_code == 302
    assert token_response(client, system.client_id, secret).status_code == 401

    client.post(reverse("exchange:client_enabled", args=[system.pk]), {"enabled": "0"})
    system.refresh_from_db()
    assert system.is_enabled is False
    assert token_response(client, system.client_id, new_secret).status_code == 401
    listing = client.get(reverse("exchange:clients"))
    assert "Cổng DVC quốc gia" in listing.content.decode()
    assert set(
        AuditEntry.objects.filter(action__startswith="exchange.").values_list("action", flat=True)
    ) >= {
        "exchange.create_system_client",
        "exchange.update_system_client",
        "exchange.rotate_system_client_secret",
        "exchange.revoke_system_client_secret",
        "exchange.disable_system_client",
    }


def test_unsafe_actions_and_bad_limits_are_refused_on_the_form(
    client,
    login,
    it_admin_tuan,
    coded_orgs,  # noqa: F811
):
    login(it_admin_tuan)
    response = client.post(
        reverse("exchange:client_new"),
        {
            "name": "X",
            "organisation": coded_orgs.dept_a.pk,
            "scopes": ["dossiers:read"],
            "transition_actions": ["approve"],
            "intake_channel": "counter",
            "rate_limit_per_minute": "0",
        },
    )
    assert response.status_code == 400
    assert SystemClient.objects.count() == 0


@pytest.mark.parametrize("persona", ["it_admin_dept", "officer_an"])
def test_others_may_not_manage_clients(client, login, persona, request, coded_orgs):  # noqa: F811
    issued = make_client(coded_orgs.dept_a, scopes=["directory:read"])
    login(request.getfixturevalue(persona))
    assert client.get(reverse("exchange:clients")).status_code == 403
    assert client.get(reverse("exchange:client_new")).status_code == 403
    pk = issued.client.pk
    assert client.post(reverse("exchange:client_rotate", args=[pk])).status_code == 403
    assert client.post(reverse("exchange:client_enabled", args=[pk])).status_code == 403
    assert ClientSecret.objects.count() == 1
    assert SystemClient.objects.get().is_enabled


def test_anonymous_is_sent_to_sign_in(client):
    assert client.get(reverse("exchange:clients")).status_code == 302
