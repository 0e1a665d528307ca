"""Authentication of system accounts: OAuth2 client credentials (django-oauth-toolkit).

* ``/oauth/token/`` is django-oauth-toolkit's token endpoint; :class:`SystemClientValidator`
  authenticates the client against its :class:`~chinhquyen.exchange.api.models.ClientSecret`
  rows (any active one: rotation without downtime), refuses a disabled client and any grant
  but ``client_credentials``; :class:`SystemClientScopes` limits the scopes a token may carry
  to the client's allowed scopes (all of them when none is asked for).
* :class:`SystemClientAuth` — the Ninja auth class of every API operation: a Bearer access
  token that exists, has not expired, belongs to an enabled system client and carries the
  operation's scope; then the client's rate limit. Each refusal raises a coded
  :class:`~chinhquyen.exchange.api.errors.ApiError` (401, 403, 429) before the operation or its
  input validation runs, so a refused call changes nothing.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
from urllib.parse import unquote_plus

from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext_lazy as _
from ninja.security.base import AuthBase
from oauth2_provider.oauth2_validators import OAuth2Validator
from oauth2_provider.scopes import BaseScopes

from chinhquyen.audit.context import audit_context
from chinhquyen.exchange.api import throttle
from chinhquyen.exchange.api.errors import ApiError

# Scopes per resource and action (the OpenAPI document lists them with these descriptions).
SCOPES: dict[str, str] = {
    "procedures:read": "Read the published procedure catalogue",
    "dossiers:read": "Read dossiers received by the client's organisation and their status",
    "dossiers:create": "Submit dossiers (national portal or another outside channel)",
    "dossiers:transition": "Perform the dossier actions allowed to the client",
    "documents:send": "Send official documents (edXML packages)",
    "documents:read": "List documents waiting for the client's organisation; delivery status",
    "directory:read": "Read the organisations and administrative units",
}
SCOPE_LABELS = {
    "procedures:read": _("Procedures: read"),
    "dossiers:read": _("Dossiers: read"),
    "dossiers:create": _("Dossiers: submit"),
    "dossiers:transition": _("Dossiers: actions"),
    "documents:send": _("Documents: send"),
    "documents:read": _("Documents: read"),
    "directory:read": _("Directory: read"),
}
TOKEN_URL = "/oauth/token/"  # noqa: S105 (a URL, not a secret)


def secret_digest(secret: str) -> str:
    """Secrets are 256-bit random strings: a plain SHA-256 is enough to keep them (a slow
    password hash protects guessable passwords, not random keys) and it allows a lookup."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def client_for_application(application):
    from chinhquyen.exchange.api.models import SystemClient

    try:
        return SystemClient.objects.select_related("organisation").get(application=application)
    except SystemClient.DoesNotExist:
        return None


def check_secret(client, secret: str, at=None) -> bool:
    """Whether ``secret`` is one of ``client``'s active secrets (compared in constant time)."""
    if not secret:
        return False
    digest = secret_digest(secret)
    at = at or timezone.now()
    matched = False
    for stored in client.secrets.all():
        if constant_time_compare(stored.secret_sha256, digest) and stored.is_active(at):
            matched = True
    return matched


class SystemClientValidator(OAuth2Validator):
    """Client authentication against the system client's secrets (never the single hashed
    secret of the OAuth2 application row, which is random and unused)."""

    def _credentials(self, request) -> tuple[str, str] | None:
        auth_string = self._extract_basic_auth(request)
        if auth_string:
            try:
                decoded = base64.b64decode(auth_string).decode("utf-8")
                client_id, secret = map(unquote_plus, decoded.split(":", 1))
            except (TypeError, ValueError, binascii.Error, UnicodeDecodeError):
                return None
            return client_id, secret
        client_id = getattr(request, "client_id", None)
        if client_id:
            return client_id, getattr(request, "client_secret", "") or ""
        return None

    def authenticate_client(self, request, *args, **kwargs) -> bool:
        credentials = self._credentials(request)
        if credentials is None:
            return False
        client_id, secret = credentials
        if self._load_application(client_id, request) is None:
            return False
        if request.client.client_id != client_id:
            return False
        system_client = client_for_application(request.client)
        if system_client is None or not system_client.is_enabled:
            return False
        if not check_secret(system_client, secret):
            return False
        request.system_client = system_client
        return True

    def authenticate_client_id(self, client_id, request, *args, **kwargs) -> bool:
        return False  # every system client is confidential: a secret is always required

    def validate_grant_type(self, client_id, grant_type, client, request, *args, **kwargs):
        return grant_type == "client_credentials" and super().validate_grant_type(
            client_id, grant_type, client, request, *args, **kwargs
        )


class SystemClientScopes(BaseScopes):
    def get_all_scopes(self):
        return dict(SCOPES)

    def get_available_scopes(self, application=None, request=None, *args, **kwargs):
        client = client_for_application(application) if application is not None else None
        if client is None or not client.is_enabled:
            return []
        return [scope for scope in client.scopes if scope in SCOPES]

    def get_default_scopes(self, application=None, request=None, *args, **kwargs):
        return self.get_available_scopes(application, request)


def _bearer(request) -> str:
    header = request.headers.get("Authorization", "")
    kind, _sep, token = header.partition(" ")
    if kind.lower() != "bearer" or not token.strip():
        return ""
    return token.strip()


def load_token(token: str):
    from oauth2_provider.models import get_access_token_model

    checksum = hashlib.sha256(token.encode("utf-8")).hexdigest()
    return (
        get_access_token_model()
        .objects.select_related("application")
        .filter(token_checksum=checksum)
        .first()
    )


class SystemClientAuth(AuthBase):
    """Bearer token of a system client holding ``scope``; sets ``request.api_client``."""

    openapi_type = "oauth2"
    openapi_flows = {"clientCredentials": {"tokenUrl": TOKEN_URL, "scopes": SCOPES}}
    openapi_description = (
        "OAuth2 client credentials: POST client_id and client_secret (HTTP Basic) with "
        "grant_type=client_credentials to /oauth/token/; tokens live 10 minutes."
    )

    def __init__(self, scope: str) -> None:
        if scope not in SCOPES:
            raise ValueError(f"unknown scope {scope}")
        self.scope = scope
        super().__init__()

    def __call__(self, request):
        token_text = _bearer(request)
        if not token_text:
            raise ApiError(401, "token_missing", headers={"WWW-Authenticate": 'Bearer realm="api"'})
        token = load_token(token_text)
        client = client_for_application(token.application) if token is not None else None
        if client is not None:
            request.api_client = client  # logged even when refused below
        if token is None or client is None or token.is_expired():
            raise ApiError(
                401,
                "token_invalid",
                headers={"WWW-Authenticate": 'Bearer realm="api", error="invalid_token"'},
            )
        if not client.is_enabled:
            raise ApiError(401, "client_disabled")
        decision = throttle.hit(client.client_id, client.rate_limit_per_minute)
        if not decision.allowed:
            raise ApiError(429, "rate_limited", headers={"Retry-After": str(decision.retry_after)})
        # A scope removed from the client since the token was issued no longer counts.
        if not token.allow_scopes([self.scope]) or self.scope not in client.scopes:
            raise ApiError(
                403,
                "scope_missing",
                headers={
                    "WWW-Authenticate": f'Bearer error="insufficient_scope", scope="{self.scope}"'
                },
            )
        request.api_token = token
        # The audit trail names the system account on every entry this call writes (the
        # services run with acting_user=None, "the system"); closed by the call-log middleware.
        stack = contextlib.ExitStack()
        stack.enter_context(
            audit_context(source="api", label=f"api:{client.client_id} {client.name}"[:100])
        )
        request.api_audit_scope = stack
        return client


def secured(scope: str, openapi_extra: dict | None = None) -> dict:
    """Keyword arguments of an operation decorator: the auth and its scope in OpenAPI (with
    any other ``openapi_extra`` of the operation)."""
    return {
        "auth": SystemClientAuth(scope),
        "openapi_extra": {**(openapi_extra or {}), "security": [{"SystemClientAuth": [scope]}]},
    }


def scoped_security(schema: dict) -> dict:
    """Ninja lists ``{"SystemClientAuth": []}`` for every operation and merges our scoped
    requirement (``secured``) beside it; keep only the scoped one (a requirement with no scope
    would read "any token will do")."""
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            security = operation.get("security")
            if not isinstance(security, list):
                continue
            scoped = [r for r in security if r.get("SystemClientAuth")]
            if scoped:
                operation["security"] = scoped
    return schema
