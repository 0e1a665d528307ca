"""System clients of the integration API (tài khoản hệ thống): create, rotate, revoke, set.

Every change runs in one ``audited_atomic()`` block and is recorded with ``log_action``
(``exchange.<verb>_system_client``); secrets are never written to the audit log, only their
last characters. A secret is returned once, by :func:`create_client` and :func:`rotate_secret`;
only its SHA-256 is kept.

Rotation without downtime: :func:`rotate_secret` issues a new secret and lets the secrets that
were active stay valid for ``grace`` (the outside system switches in the meantime); a grace of
zero revokes them at once. Disabling a client or revoking a secret deletes the live access
tokens of the client, so the refusal takes effect now, not when the tokens expire (clients
with a still-valid secret simply request a new token).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from oauth2_provider.models import get_access_token_model, get_application_model

from chinhquyen.audit.services import audited_atomic, log_action
from chinhquyen.dossiers.choices import Action, Channel
from chinhquyen.exchange.api.auth import SCOPES, secret_digest
from chinhquyen.exchange.api.models import ClientSecret, SystemClient

# Dossier actions a system may be allowed to perform: none changes the decision on the
# dossier (a comment; a withdrawal the applicant asked for through the outside channel).
SAFE_ACTIONS = (Action.COMMENT, Action.WITHDRAW)
INTAKE_CHANNELS = (Channel.NATIONAL_PORTAL, Channel.ONLINE)
MAX_RATE_PER_MINUTE = 100_000
DEFAULT_GRACE = timedelta(hours=24)


class ClientError(ValueError):
    """Bad settings for a system client (a bilingual message, shown on the form)."""


@dataclass(frozen=True)
class IssuedSecret:
    client: SystemClient
    secret: str  # shown once
    record: ClientSecret


def new_secret() -> str:
    return "cqs_" + secrets.token_urlsafe(32)


def _issue(client: SystemClient, *, acting_user, expires_at=None) -> IssuedSecret:
    secret = new_secret()
    record = ClientSecret.objects.create(
        client=client,
        secret_sha256=secret_digest(secret),
        hint=secret[-4:],
        created_by=acting_user,
        expires_at=expires_at,
    )
    return IssuedSecret(client, secret, record)


def _clean(*, scopes, transition_actions, rate_limit_per_minute: int, intake_channel: str) -> dict:
    scopes = sorted(set(scopes or ()))
    unknown = [s for s in scopes if s not in SCOPES]
    if unknown:
        raise ClientError(_("Unknown scopes: %(scopes)s.") % {"scopes": ", ".join(unknown)})
    actions = sorted(set(transition_actions or ()))
    if any(a not in SAFE_ACTIONS for a in actions):
        raise ClientError(_("Only commenting and withdrawal can be allowed to a system."))
    if actions and "dossiers:transition" not in scopes:
        raise ClientError(_("Dossier actions need the scope dossiers:transition."))
    if intake_channel not in INTAKE_CHANNELS:
        raise ClientError(_("Choose the national portal or the online channel."))
    if not 1 <= int(rate_limit_per_minute) <= MAX_RATE_PER_MINUTE:
        raise ClientError(_("The rate limit must be between 1 and 100000 requests a minute."))
    return {
        "scopes": scopes,
        "transition_actions": actions,
        "rate_limit_per_minute": int(rate_limit_per_minute),
        "intake_channel": intake_channel,
    }


def _snapshot(client: SystemClient) -> dict:
    return {
        "name": client.name,
        "organisation": client.organisation_id,
        "scopes": list(client.scopes),
        "transition_actions": list(client.transition_actions),
        "intake_channel": client.intake_channel,
        "rate_limit_per_minute": client.rate_limit_per_minute,
        "is_enabled": client.is_enabled,
    }


def _drop_tokens(client: SystemClient) -> int:
    deleted, _rows = (
        get_access_token_model().objects.filter(application_id=client.application_id).delete()
    )
    return deleted


def create_client(
    *,
    name: str,
    organisation,
    scopes=(),
    transition_actions=(),
    rate_limit_per_minute: int = 120,
    intake_channel: str = Channel.NATIONAL_PORTAL,
    note: str = "",
    acting_user,
) -> IssuedSecret:
    """A new enabled system client with its first secret (returned once)."""
    name = (name or "").strip()
    if not name:
        raise ClientError(_("Give the system a name."))
    values = _clean(
        scopes=scopes,
        transition_actions=transition_actions,
        rate_limit_per_minute=rate_limit_per_minute,
        intake_channel=intake_channel,
    )
    application_model = get_application_model()
    with audited_atomic():
        application = application_model(
            name=name[:255],
            client_type=application_model.CLIENT_CONFIDENTIAL,
            authorization_grant_type=application_model.GRANT_CLIENT_CREDENTIALS,
            # Unused: the secrets are the ClientSecret rows (rotation needs two at once).
            client_secret=secrets.token_urlsafe(48),
        )
        application.save()
        client = SystemClient.objects.create(
            application=application,
            name=name[:200],
            organisation=organisation,
            note=(note or "")[:500],
            created_by=acting_user,
            **values,
        )
        issued = _issue(client, acting_user=acting_user)
        log_action(
            "exchange.create_system_client",
            target=client,
            actor=acting_user,
            after={**_snapshot(client), "client_id": application.client_id},
            details={"secret_hint": issued.record.hint},
        )
    return issued


def update_client(
    client: SystemClient,
    *,
    name: str,
    scopes,
    transition_actions,
    rate_limit_per_minute: int,
    intake_channel: str,
    note: str = "",
    acting_user,
) -> SystemClient:
    """Change the name, scopes, allowed actions, channel and rate limit (takes effect at the
    next call: the scopes of live tokens are checked against the client's)."""
    name = (name or "").strip()
    if not name:
        raise ClientError(_("Give the system a name."))
    values = _clean(
        scopes=scopes,
        transition_actions=transition_actions,
        rate_limit_per_minute=rate_limit_per_minute,
        intake_channel=intake_channel,
    )
    with audited_atomic():
        locked = SystemClient.objects.select_for_update().get(pk=client.pk)
        before = _snapshot(locked)
        for field, value in {**values, "name": name[:200], "note": (note or "")[:500]}.items():
            setattr(locked, field, value)
        locked.save()
        log_action(
            "exchange.update_system_client",
            target=locked,
            actor=acting_user,
            before=before,
            after=_snapshot(locked),
        )
    return locked


def rotate_secret(
    client: SystemClient, *, grace: timedelta = DEFAULT_GRACE, acting_user
) -> IssuedSecret:
    """Issue a new secret; the active ones stay valid for ``grace`` (zero: revoked now)."""
    if grace < timedelta(0) or grace > timedelta(days=30):
        raise ClientError(_("The old secret may stay valid for 0 to 30 days."))
    now = timezone.now()
    with audited_atomic():
        locked = SystemClient.objects.select_for_update().get(pk=client.pk)
        old = [s for s in locked.secrets.all() if s.is_active(now)]
        ends = now + grace
        for secret in old:
            if grace == timedelta(0):
                secret.revoked_at = now
            elif secret.expires_at is None or secret.expires_at > ends:
                secret.expires_at = ends
            secret.save(update_fields=["expires_at", "revoked_at"])
        if grace == timedelta(0):
            _drop_tokens(locked)
        issued = _issue(locked, acting_user=acting_user)
        log_action(
            "exchange.rotate_system_client_secret",
            target=locked,
            actor=acting_user,
            details={
                "new_secret_hint": issued.record.hint,
                "old_secret_hints": [s.hint for s in old],
                "old_valid_until": None if grace == timedelta(0) else ends.isoformat(),
            },
        )
    return issued


def revoke_secret(secret: ClientSecret, *, acting_user) -> ClientSecret:
    """Revoke one secret now; the client's live tokens are dropped (it asks for new ones
    with a secret still valid, if any)."""
    now = timezone.now()
    with audited_atomic():
        locked = ClientSecret.objects.select_for_update().get(pk=secret.pk)
        if locked.revoked_at is None:
            locked.revoked_at = now
            locked.save(update_fields=["revoked_at"])
            dropped = _drop_tokens(locked.client)
            log_action(
                "exchange.revoke_system_client_secret",
                target=locked.client,
                actor=acting_user,
                details={"secret_hint": locked.hint, "tokens_dropped": dropped},
            )
    return locked


def set_enabled(client: SystemClient, enabled: bool, *, acting_user) -> SystemClient:
    """Enable or disable (revoke) a client; disabling drops its live tokens at once."""
    with audited_atomic():
        locked = SystemClient.objects.select_for_update().get(pk=client.pk)
        if locked.is_enabled == enabled:
            return locked
        before = _snapshot(locked)
        locked.is_enabled = enabled
        locked.save(update_fields=["is_enabled"])
        dropped = 0 if enabled else _drop_tokens(locked)
        log_action(
            "exchange.enable_system_client" if enabled else "exchange.disable_system_client",
            target=locked,
            actor=acting_user,
            before=before,
            after=_snapshot(locked),
            details={"tokens_dropped": dropped},
        )
    return locked


def register() -> None:
    """Role permission and navigation entry (called from the app's ``ready``)."""
    from chinhquyen.accounts.choices import Role
    from chinhquyen.accounts.roles import extend_role_permissions
    from chinhquyen.core.navigation import SECTION_ADMINISTRATION, NavItem
    from chinhquyen.core.navigation import register as add_nav

    extend_role_permissions({Role.IT_ADMIN: {"exchange.manage_systemclient"}})
    add_nav(
        NavItem(
            _("Data exchange: system accounts"),
            "exchange:clients",
            permission="exchange.manage_systemclient",
            section=SECTION_ADMINISTRATION,
        )
    )
