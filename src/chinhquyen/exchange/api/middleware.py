"""Every integration API call in the message log, and the body size limit.

For the system-account resources under ``/api/v1/`` (``LOGGED_PREFIXES``) and the OAuth2
endpoints under ``/oauth/``: a body above ``EXCHANGE_API_MAX_BODY_BYTES`` (default 8 MiB) is
refused with 413 before anything reads it; after the response, one
:class:`~chinhquyen.exchange.models.MessageLogEntry` (direction ``in``, connector ``api``)
records the client (``client_id``, or the one named in a token request), method and path,
status, latency and the SHA-256 of the request and response bodies — never the bodies — for
accepted and refused calls alike (401, 403, 413, 422, 429 …). The log is hash-chained
(``exchange.messagelog``).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import time
from urllib.parse import unquote_plus

from django.conf import settings
from django.http import JsonResponse

from chinhquyen.exchange.api.errors import error_body

API_PREFIX = "/api/v1/"
RESOURCES = ("procedures", "dossiers", "documents", "directory")
LOGGED_PREFIXES = (*(f"{API_PREFIX}{name}" for name in RESOURCES), "/oauth/")
DEFAULT_MAX_BODY_BYTES = 8 * 1024 * 1024
CONNECTOR = "api"


def max_body_bytes() -> int:
    return int(getattr(settings, "EXCHANGE_API_MAX_BODY_BYTES", DEFAULT_MAX_BODY_BYTES))


def _declared_length(request) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return -1


def _peer(request) -> str:
    client = getattr(request, "api_client", None)
    if client is not None:
        return client.client_id
    if request.path.startswith("/oauth/") and request.method == "POST":
        # The client a token request names (HTTP Basic or form field), as claimed: the
        # response status says whether it authenticated.
        kind, _sep, value = request.headers.get("Authorization", "").partition(" ")
        if kind.lower() == "basic":
            try:
                decoded = base64.b64decode(value, validate=True).decode("utf-8")
            except (binascii.Error, ValueError):
                return ""
            return unquote_plus(decoded.partition(":")[0])[:100]
        return str(request.POST.get("client_id", ""))[:100]
    return ""


def _outcome(response) -> tuple[str, str]:
    if response.status_code < 400:
        return "ok", ""
    try:
        payload = json.loads(response.content)
    except (ValueError, TypeError):
        return f"http_{response.status_code}", ""
    if isinstance(payload, dict):
        code = str(payload.get("code") or payload.get("error") or f"http_{response.status_code}")
        return code, str(payload.get("message_en") or payload.get("error_description") or "")
    return f"http_{response.status_code}", ""


class ApiCallLogMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith(LOGGED_PREFIXES):
            return self.get_response(request)
        started = time.monotonic()
        length = _declared_length(request)
        if length < 0 or length > max_body_bytes():
            request_sha = ""
            response = JsonResponse(error_body("body_too_large"), status=413)
        else:
            body = request.body
            request_sha = hashlib.sha256(body).hexdigest() if body else ""
            try:
                response = self.get_response(request)
            finally:
                scope = getattr(request, "api_audit_scope", None)
                if scope is not None:
                    scope.close()
        self._log(request, response, request_sha, started)
        return response

    def _log(self, request, response, request_sha: str, started: float) -> None:
        from chinhquyen.exchange import messagelog

        content = b"" if response.streaming else response.content
        outcome, error = _outcome(response)
        messagelog.append(
            direction="in",
            connector=CONNECTOR,
            peer=_peer(request),
            endpoint=request.path,
            method=request.method,
            status_code=response.status_code,
            latency_ms=round((time.monotonic() - started) * 1000),
            request_sha256=request_sha,
            response_sha256=hashlib.sha256(content).hexdigest() if content else "",
            outcome=outcome,
            error=error,
        )
