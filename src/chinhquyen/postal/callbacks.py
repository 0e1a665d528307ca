"""``POST /postal/callbacks/``: the operator's signed tracking callbacks.

Authentication is the interim HMAC scheme of ``exchange/connectors/peer.py`` with the secret
shared with the operator (``POSTAL_SECRET``): sender ``POSTAL_OPERATOR_CODE``, kind
``postal.tracking``, Idempotency-Key = the event id, a timestamp inside
``POSTAL_TIMESTAMP_WINDOW_SECONDS`` and a nonce never accepted before (replay). Answers:
201 ``{"status": "recorded", …}``, 200 ``{"status": "duplicate", …}`` for an event already
recorded, or ``{"code", "message_vi", "message_en"}`` — nothing stored for a refusal. Every
request (refusals included) is appended to the exchange message log (connector ``postal``).
"""

import hashlib
import json
import re
import time
from datetime import datetime

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt

from chinhquyen.audit.services import audited_atomic
from chinhquyen.exchange import messagelog
from chinhquyen.exchange.connectors.postal import TRACKING_KIND
from chinhquyen.exchange.models import Direction
from chinhquyen.exchange.signed_requests import (
    SIGNED_REQUEST_ERRORS,
    CodedRefusal,
    read_signed_request,
)
from chinhquyen.postal import conf
from chinhquyen.postal.errors import PostalError
from chinhquyen.postal.services.tracking import record_tracking

EVENT_ID_RE = re.compile(r"^[\x21-\x7e]{1,100}$")

ERRORS = {
    **SIGNED_REQUEST_ERRORS,
    "not_configured": (503, _("The postal link is not configured on this installation.")),
    "body_too_large": (413, _("The callback is larger than this endpoint accepts.")),
    "unknown_sender": (401, _("The sender is not the configured postal operator.")),
    "bad_kind": (400, _("The message kind must be postal.tracking.")),
    "malformed": (
        400,
        _(
            "The body must be a JSON object with event_id, status, at and a reference "
            "or a tracking number."
        ),
    ),
    "bad_status": (400, _("Unknown tracking status.")),
    "unknown_order": (422, _("No postal order has this reference or tracking number.")),
    "tracking_mismatch": (422, _("The tracking number does not belong to this order.")),
    "event_conflict": (409, _("Another event was already received under this event id.")),
}


class Refused(CodedRefusal):
    errors = ERRORS


def _json(payload: bytes, status: int) -> HttpResponse:
    return HttpResponse(payload, status=status, content_type="application/json; charset=utf-8")


def _authenticate(request, checked: dict) -> None:
    if request.method != "POST":
        raise Refused("method_not_allowed")
    secret, operator = conf.get("SECRET"), conf.get("OPERATOR_CODE")
    if not secret:
        raise Refused("not_configured")
    read_signed_request(
        request,
        checked,
        max_bytes=int(conf.get("MAX_CALLBACK_BYTES")),
        secret_for=lambda sender: secret if sender == operator else None,
        window_seconds=int(conf.get("TIMESTAMP_WINDOW_SECONDS")),
        refused=Refused,
        connector="postal",
    )
    kind = checked["kind"]
    if kind != TRACKING_KIND:
        raise Refused("bad_kind")


def _parse(body: bytes, key: str) -> dict:
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise Refused("malformed") from None
    if not isinstance(data, dict):
        raise Refused("malformed")
    fields = {}
    for name in ("event_id", "status", "at", "reference", "tracking_number", "location", "note"):
        value = data.get(name, "")
        if not isinstance(value, str):
            raise Refused("malformed")
        fields[name] = value.strip()
    if not EVENT_ID_RE.match(fields["event_id"]) or fields["event_id"] != key:
        raise Refused("malformed")
    if not (fields["reference"] or fields["tracking_number"]):
        raise Refused("malformed")
    try:
        at = datetime.fromisoformat(fields["at"])
    except ValueError:
        raise Refused("malformed") from None
    if timezone.is_naive(at):
        raise Refused("malformed")
    fields["at"] = at
    return fields


@csrf_exempt
def callback_endpoint(request):
    started = time.monotonic()
    checked: dict = {}
    try:
        _authenticate(request, checked)
        fields = _parse(checked["body"], checked["key"])
        with audited_atomic():
            result = record_tracking(
                event_id=fields["event_id"],
                status=fields["status"],
                at=fields["at"],
                reference=fields["reference"],
                tracking_number=fields["tracking_number"],
                location=fields["location"],
                note=fields["note"],
                body_sha256=hashlib.sha256(checked["body"]).hexdigest(),
            )
            status = 201 if result.created else 200
            payload = json.dumps(
                {
                    "status": "recorded" if result.created else "duplicate",
                    "reference": result.order.reference,
                    "tracking_number": result.order.tracking_number,
                    "order_status": result.order.status,
                }
            ).encode()
            _log(request, checked, status, payload, started)
        return _json(payload, status)
    except Refused as exc:
        refusal = exc
    except PostalError as exc:
        refusal = Refused(exc.code if exc.code in ERRORS else "malformed")
    payload = refusal.body()
    with audited_atomic():
        _log(request, checked, refusal.status, payload, started, code=refusal.code)
    return _json(payload, refusal.status)


def _log(request, checked, status, payload, started, *, code: str = "") -> None:
    body = checked.get("body", b"")
    messagelog.append(
        direction=Direction.IN,
        connector="postal",
        peer=(checked.get("sender") or "")[:100],
        endpoint=request.path,
        method=request.method,
        status_code=status,
        latency_ms=int((time.monotonic() - started) * 1000),
        request_sha256=hashlib.sha256(body).hexdigest() if body else "",
        response_sha256=hashlib.sha256(payload).hexdigest(),
        idempotency_key=(checked.get("key") or "")[:200],
        # A nonce counts against replays only once the signature was verified.
        nonce=(checked.get("nonce") or "")[:64] if checked.get("authenticated") else "",
        outcome=code or ("accepted" if status == 201 else "duplicate"),
        error=f"{code}: {ERRORS[code][1]}"[:500] if code else "",
    )
