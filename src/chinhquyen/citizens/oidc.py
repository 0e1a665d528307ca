"""OpenID Connect client for the national single sign-on (authorization code + PKCE S256).

Libraries: Authlib's ``OAuth2Session`` (requests) builds the authorization URL with the PKCE
challenge and exchanges the code; joserfc (Authlib's JOSE library) verifies the ID token's
signature against the provider's JWKS and its claims. Nothing here hand-writes JOSE.

Flow: ``start(request, next_url)`` returns the provider's authorization URL and keeps
``state``, ``nonce`` and the PKCE ``code_verifier`` in the session (keyed by state, so two
tabs do not clash); ``finish(request)`` takes the callback, checks the state, exchanges the
code, verifies the ID token (signature, ``iss`` = the discovered issuer = the configured one,
``aud`` contains the client id, ``azp`` if several audiences, ``exp``/``iat`` with
``CITIZEN_OIDC_LEEWAY`` seconds, ``nonce``), reads the userinfo (same ``sub``), and returns
the claims. Any failure raises ``SignInRefused`` or ``ProviderUnavailable`` with a bilingual
message.
"""

import ipaddress
import logging
import threading
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

import requests
from authlib.common.security import generate_token
from authlib.integrations.requests_client import OAuth2Session
from authlib.oauth2.rfc6749.errors import OAuth2Error
from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from chinhquyen.citizens.errors import ProviderUnavailable, SignInRefused, bilingual

logger = logging.getLogger(__name__)

SESSION_KEY = "citizens_oidc_pending"
MAX_PENDING = 5  # sign-ins started and not finished, per browser session
PENDING_SECONDS = 15 * 60
SIGNING_ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384")
_CACHE_SECONDS = 3600
_cache: dict[tuple[str, str], tuple[float, dict]] = {}
_cache_lock = threading.Lock()


@dataclass(frozen=True)
class ProviderSettings:
    issuer: str
    client_id: str
    client_secret: str
    scopes: str
    leeway: int
    timeout: float

    @classmethod
    def from_settings(cls) -> "ProviderSettings":
        return cls(
            issuer=str(getattr(settings, "CITIZEN_OIDC_ISSUER", "") or "").rstrip("/"),
            client_id=str(getattr(settings, "CITIZEN_OIDC_CLIENT_ID", "") or ""),
            client_secret=str(getattr(settings, "CITIZEN_OIDC_CLIENT_SECRET", "") or ""),
            scopes=str(getattr(settings, "CITIZEN_OIDC_SCOPES", "openid profile email phone")),
            leeway=int(getattr(settings, "CITIZEN_OIDC_LEEWAY", 60)),
            timeout=float(getattr(settings, "CITIZEN_OIDC_TIMEOUT", 10)),
        )


def is_configured() -> bool:
    config = ProviderSettings.from_settings()
    return bool(config.issuer and config.client_id)


def _unavailable() -> ProviderUnavailable:
    return ProviderUnavailable(
        bilingual(
            _(
                "The national sign-in service cannot be reached right now. Try again later, "
                "or sign in with a one-time code."
            )
        ),
        code="provider_unavailable",
    )


def _refused(code: str) -> SignInRefused:
    return SignInRefused(
        bilingual(_("The national sign-in did not succeed. Please start again.")), code=code
    )


def _secure(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme == "https":
        return True
    if parts.scheme != "http" or not parts.hostname:
        return False
    if parts.hostname == "localhost":
        return True
    try:
        return ipaddress.ip_address(parts.hostname).is_loopback
    except ValueError:
        return False


def _get_json(url: str, config: ProviderSettings) -> dict:
    if not _secure(url):
        logger.error("OIDC: refusing a non-HTTPS provider URL %s", url)
        raise _unavailable()
    try:
        response = requests.get(url, timeout=config.timeout)
        response.raise_for_status()
        data = response.json()
    except (requests.RequestException, ValueError) as exc:
        logger.warning("OIDC: %s failed: %s", url, exc)
        raise _unavailable() from exc
    if not isinstance(data, dict):
        raise _unavailable()
    return data


def _cached(kind: str, url: str, load, *, force: bool = False) -> dict:
    key = (kind, url)
    now = time.monotonic()
    with _cache_lock:
        hit = _cache.get(key)
    if hit and not force and now - hit[0] < _CACHE_SECONDS:
        return hit[1]
    value = load()
    with _cache_lock:
        _cache[key] = (now, value)
    return value


def discover(config: ProviderSettings) -> dict:
    """The provider's discovery document; its ``issuer`` must be the configured one."""
    if not config.issuer or not config.client_id:
        raise _unavailable()
    url = f"{config.issuer}/.well-known/openid-configuration"
    metadata = _cached("discovery", url, lambda: _get_json(url, config))
    if metadata.get("issuer", "").rstrip("/") != config.issuer:
        logger.error("OIDC: discovery issuer %r is not %r", metadata.get("issuer"), config.issuer)
        raise _refused("issuer_mismatch")
    for name in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
        if not metadata.get(name):
            raise _unavailable()
    return metadata


def _key_set(metadata: dict, config: ProviderSettings, *, force: bool = False) -> KeySet:
    url = metadata["jwks_uri"]
    data = _cached("jwks", url, lambda: _get_json(url, config), force=force)
    try:
        return KeySet.import_key_set(data)
    except (JoseError, ValueError, TypeError, KeyError) as exc:
        logger.warning("OIDC: unusable JWKS at %s: %s", url, exc)
        raise _unavailable() from exc


def redirect_uri(request) -> str:
    return request.build_absolute_uri(reverse("citizens:oidc_callback"))


def _session(config: ProviderSettings, request) -> OAuth2Session:
    return OAuth2Session(
        client_id=config.client_id,
        client_secret=config.client_secret,
        scope=config.scopes,
        redirect_uri=redirect_uri(request),
        code_challenge_method="S256",
        token_endpoint_auth_method="client_secret_basic",  # noqa: S106 (a method name)
        default_timeout=config.timeout,
    )


def start(request, next_url: str) -> str:
    """The provider's authorization URL; remembers state, nonce and verifier in the session."""
    config = ProviderSettings.from_settings()
    metadata = discover(config)
    state = generate_token(32)
    nonce = generate_token(32)
    code_verifier = generate_token(64)
    with _session(config, request) as client:
        url, _state = client.create_authorization_url(
            metadata["authorization_endpoint"],
            state=state,
            code_verifier=code_verifier,
            nonce=nonce,
        )
    pending = dict(request.session.get(SESSION_KEY) or {})
    now = int(time.time())
    pending = {
        key: value
        for key, value in pending.items()
        if now - int(value.get("started", 0)) < PENDING_SECONDS
    }
    while len(pending) >= MAX_PENDING:
        pending.pop(min(pending, key=lambda key: pending[key]["started"]))
    pending[state] = {
        "nonce": nonce,
        "code_verifier": code_verifier,
        "next": next_url,
        "issuer": config.issuer,
        "started": now,
    }
    request.session[SESSION_KEY] = pending
    return url


def take_pending(request) -> dict:
    """The pending sign-in named by the callback's ``state`` (removed: a state is good once)."""
    state = request.GET.get("state", "")
    pending = dict(request.session.get(SESSION_KEY) or {})
    entry = pending.pop(state, None) if state else None
    request.session[SESSION_KEY] = pending
    if entry is None or int(time.time()) - int(entry.get("started", 0)) >= PENDING_SECONDS:
        raise _refused("state_invalid")
    return entry


def finish(request, entry: dict) -> dict:
    """Complete the sign-in of ``entry`` (from ``take_pending``); returns the verified claims."""
    config = ProviderSettings.from_settings()
    if entry.get("issuer") != config.issuer:
        raise _refused("issuer_changed")
    if request.GET.get("error"):
        raise SignInRefused(
            bilingual(_("The national sign-in was cancelled or refused.")),
            code="provider_error",
        )
    returned_issuer = request.GET.get("iss")
    if returned_issuer is not None and returned_issuer.rstrip("/") != config.issuer:
        raise _refused("issuer_mismatch")  # RFC 9207 mix-up defence
    code = request.GET.get("code", "")
    if not code:
        raise _refused("no_code")
    metadata = discover(config)
    try:
        with _session(config, request) as client:
            token = client.fetch_token(
                metadata["token_endpoint"],
                grant_type="authorization_code",
                code=code,
                code_verifier=entry["code_verifier"],
            )
    except requests.RequestException as exc:
        logger.warning("OIDC: token endpoint failed: %s", exc)
        raise _unavailable() from exc
    except OAuth2Error as exc:
        logger.warning("OIDC: token endpoint refused the code: %s", exc)
        raise _refused("token_refused") from exc
    id_token = token.get("id_token")
    if not id_token:
        raise _refused("no_id_token")
    claims = verify_id_token(id_token, nonce=entry["nonce"], metadata=metadata, config=config)
    userinfo_url = metadata.get("userinfo_endpoint")
    if userinfo_url and token.get("access_token"):
        info = _userinfo(userinfo_url, token["access_token"], config)
        if info.get("sub") != claims["sub"]:
            raise _refused("userinfo_subject_mismatch")
        claims = {**info, **claims}
    return claims


def _userinfo(url: str, access_token: str, config: ProviderSettings) -> dict:
    if not _secure(url):
        raise _unavailable()
    try:
        response = requests.get(
            url, headers={"Authorization": f"Bearer {access_token}"}, timeout=config.timeout
        )
        response.raise_for_status()
        data = response.json()
    except (requests.RequestException, ValueError) as exc:
        logger.warning("OIDC: userinfo failed: %s", exc)
        raise _unavailable() from exc
    if not isinstance(data, dict):
        raise _unavailable()
    return data


def verify_id_token(
    id_token: str,
    *,
    nonce: str,
    metadata: dict,
    config: ProviderSettings,
    now: int | None = None,
) -> dict:
    """The claims of ``id_token`` once its signature (provider's JWKS, asymmetric algorithms
    only), issuer, audience, authorized party, expiry, issue time and nonce are checked.
    Raises ``SignInRefused`` otherwise. ``now`` (seconds since the epoch) defaults to now."""
    allowed = [
        alg
        for alg in metadata.get("id_token_signing_alg_values_supported") or ["RS256"]
        if alg in SIGNING_ALGORITHMS
    ]
    if not allowed:
        raise _refused("id_token_algorithm")
    token = None
    for force in (False, True):  # the provider may have rotated its keys: fetch them again
        try:
            token = jwt.decode(
                id_token, _key_set(metadata, config, force=force), algorithms=allowed
            )
            break
        except JoseError as exc:
            logger.warning("OIDC: ID token signature not accepted: %s", exc)
        except (ValueError, TypeError) as exc:
            logger.warning("OIDC: ID token unreadable: %s", exc)
            raise _refused("id_token_invalid") from exc
    if token is None:
        raise _refused("id_token_signature")
    registry = jwt.JWTClaimsRegistry(
        now=now if now is not None else int(time.time()),
        leeway=config.leeway,
        iss={"essential": True, "value": config.issuer},
        sub={"essential": True},
        aud={"essential": True, "value": config.client_id},
        exp={"essential": True},
        iat={"essential": True},
        nonce={"essential": True, "value": nonce},
    )
    claims = dict(token.claims)
    try:
        registry.validate(claims)
    except JoseError as exc:
        logger.warning("OIDC: ID token claims not accepted: %s", exc)
        raise _refused(f"id_token_{getattr(exc, 'claim', None) or 'claims'}") from exc
    audience = claims["aud"]
    if isinstance(audience, list) and len(audience) > 1 and claims.get("azp") != config.client_id:
        raise _refused("id_token_azp")
    return claims
