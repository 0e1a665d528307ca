"""Reading a request signed with the exchange's HMAC scheme (``connectors/peer.py``).

One implementation for every endpoint that receives signed requests — the inbox of another
installation (``exchange/views.py``) and the postal operator's callbacks
(``postal/callbacks.py``): the body is read only up to the limit, the sender's secret is looked
up, the timestamp must be inside the window, the signature is compared in constant time, and a
nonce already accepted from that sender is a replay. Each endpoint passes its own ``refused``
exception class (its codes map to its own statuses and messages) and a ``checked`` dict that is
filled as far as the checks got, so a refusal can still be logged with what was known.

``SIGNED_REQUEST_ERRORS`` words the refusals the check itself raises; an endpoint adds its own
codes (and may word ``body_too_large`` / ``unknown_sender`` for its caller), and derives its
exception from :class:`CodedRefusal`, whose body is the coded bilingual JSON of the API
(``exchange.api.errors.error_body``).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Callable

from django.utils.translation import gettext_lazy as _

from chinhquyen.exchange.connectors import peer as protocol
from chinhquyen.exchange.models import Direction, MessageLogEntry

# code → (HTTP status, message) for the refusals of read_signed_request.
SIGNED_REQUEST_ERRORS = {
    "method_not_allowed": (405, _("Only POST is accepted here.")),
    "missing_signature": (
        401,
        _("The sender, timestamp, nonce or signature header is missing."),
    ),
    "bad_timestamp": (401, _("The timestamp is not a number of seconds.")),
    "timestamp_expired": (
        401,
        _("The request is too old or too far in the future (check the clock)."),
    ),
    "bad_signature": (401, _("The signature does not match the request.")),
    "replayed": (409, _("This request was already received (replay refused).")),
}


class CodedRefusal(Exception):
    """A refused signed request: a stable code, its HTTP status and message from ``errors``
    (set by each endpoint's subclass: code → (status, message))."""

    errors: dict = SIGNED_REQUEST_ERRORS

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code
        self.status, self.message = self.errors[code]

    def body(self) -> bytes:
        """``{"code", "message_vi", "message_en"}`` as UTF-8 JSON."""
        from chinhquyen.exchange.api.errors import error_body

        return json.dumps(error_body(self.code, self.message), ensure_ascii=False).encode()


def read_signed_request(
    request,
    checked: dict,
    *,
    max_bytes: int,
    secret_for: Callable[[str], str | None],
    window_seconds: int,
    refused: type[Exception],
    connector: str | None = None,
) -> None:
    """Check ``request``; fill ``checked`` (body, sender, key, kind, nonce, authenticated).

    Raises ``refused(code)`` with one of: method_not_allowed, body_too_large,
    missing_signature, unknown_sender, bad_timestamp, timestamp_expired, bad_signature,
    replayed.
    """
    if request.method != "POST":
        raise refused("method_not_allowed")
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > max_bytes:
        raise refused("body_too_large")
    body = request.read(max_bytes + 1)
    if len(body) > max_bytes:
        raise refused("body_too_large")
    headers = request.headers
    sender = headers.get(protocol.H_SENDER, "")
    stamp = headers.get(protocol.H_TIMESTAMP, "")
    nonce = headers.get(protocol.H_NONCE, "")
    given = headers.get(protocol.H_SIGNATURE, "")
    key = headers.get(protocol.H_KEY, "")
    kind = headers.get(protocol.H_KIND, "")
    checked.update(body=body, sender=sender, key=key, kind=kind, nonce=nonce)
    if not (sender and stamp and nonce and given.startswith(protocol.SCHEME)):
        raise refused("missing_signature")
    secret = secret_for(sender)
    if not secret:
        raise refused("unknown_sender")
    try:
        timestamp = int(stamp)
    except ValueError:
        raise refused("bad_timestamp") from None
    if abs(time.time() - timestamp) > window_seconds:
        raise refused("timestamp_expired")
    expected = protocol.signature(
        secret,
        method=request.method,
        path=request.path,
        timestamp=stamp,
        nonce=nonce,
        sender=sender,
        idempotency_key=key,
        kind=kind,
        body_sha256=hashlib.sha256(body).hexdigest(),
    )
    if not hmac.compare_digest(expected, given[len(protocol.SCHEME) :]):
        raise refused("bad_signature")
    checked["authenticated"] = True
    seen = MessageLogEntry.objects.filter(
        direction=Direction.IN, peer=sender, nonce=nonce, outcome__in=["accepted", "duplicate"]
    )
    if connector is not None:
        seen = seen.filter(connector=connector)
    if seen.exists():
        raise refused("replayed")
