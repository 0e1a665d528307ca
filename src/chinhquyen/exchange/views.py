"""Exchange views: the peer inbox endpoint, and the operations pages of the IT administrator.

``POST /exchange/inbox/`` — the inbox protocol of ``connectors/peer.py``: authenticates the
sending peer (interim HMAC scheme), checks the size, the idempotency key and the kind, stores
the message with ``inbox.accept`` and logs the exchange in ONE transaction; answers 202 with the
new id, 200 with the first id for a duplicate, or a coded JSON error
``{"code", "message_vi", "message_en"}`` (nothing stored, the refusal logged).

Back office (permission held at the top of the organisation tree, or system administrator:
the platform serves the whole province): operations overview, outgoing messages with "retry
now" and "retry all dead", incoming messages with "process again".
"""

import hashlib
import json
import re
import time
from datetime import timedelta
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from chinhquyen.accounts.scopes import ALL, organisation_scope
from chinhquyen.audit.services import audited_atomic
from chinhquyen.directory.views import staff_required
from chinhquyen.exchange import conf, handlers, messagelog
from chinhquyen.exchange.connectors import peer as protocol
from chinhquyen.exchange.forms import InboxFilterForm, OutboxFilterForm, WindowForm
from chinhquyen.exchange.inbox import InboxConflict, accept, reprocess
from chinhquyen.exchange.models import (
    Direction,
    InboxMessage,
    InboxStatus,
    OutboxMessage,
    OutboxStatus,
)
from chinhquyen.exchange.outbox import OutboxError, retry_dead, retry_message
from chinhquyen.exchange.signed_requests import (
    SIGNED_REQUEST_ERRORS,
    CodedRefusal,
    read_signed_request,
)
from chinhquyen.exchange.stats import exchange_stats

PAGE_SIZE = 50
KEY_RE = re.compile(r"^[\x21-\x7e]{1,200}$")  # printable ASCII, no spaces
KIND_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,99}$")

# code → (HTTP status, message)
ERRORS = {
    **SIGNED_REQUEST_ERRORS,
    "body_too_large": (413, gettext_lazy("The message is larger than this inbox accepts.")),
    "unknown_sender": (401, gettext_lazy("The sending installation is not a known peer.")),
    "bad_idempotency_key": (
        400,
        gettext_lazy("The Idempotency-Key header is missing or not 1 to 200 printable characters."),
    ),
    "bad_kind": (400, gettext_lazy("The message kind is missing or malformed.")),
    "unknown_kind": (422, gettext_lazy("This installation does not handle this kind of message.")),
    "idempotency_conflict": (
        409,
        gettext_lazy("A different message was already received under this idempotency key."),
    ),
}


class Refused(CodedRefusal):
    errors = ERRORS


def _json(payload: bytes, status: int) -> HttpResponse:
    return HttpResponse(payload, status=status, content_type="application/json; charset=utf-8")


def _read_checked(request, checked: dict) -> dict:
    """The checked request, or :class:`Refused` (``checked`` holds what was read by then)."""
    read_signed_request(
        request,
        checked,
        max_bytes=int(conf.get("INBOX_MAX_BYTES")),
        secret_for=lambda sender: (conf.peer(sender) or {}).get("secret"),
        window_seconds=int(conf.get("TIMESTAMP_WINDOW_SECONDS")),
        refused=Refused,
    )
    key, kind = checked["key"], checked["kind"]
    if not KEY_RE.match(key):
        raise Refused("bad_idempotency_key")
    if not KIND_RE.match(kind):
        raise Refused("bad_kind")
    if handlers.get_handler(kind) is None:
        raise Refused("unknown_kind")
    return checked


@csrf_exempt
def inbox_endpoint(request):
    started = time.monotonic()
    checked: dict = {}
    try:
        checked = _read_checked(request, checked)
        with audited_atomic():
            message, created = accept(
                sender=checked["sender"],
                idempotency_key=checked["key"],
                kind=checked["kind"],
                body=checked["body"],
                content_type=request.content_type or "",
            )
            status = 202 if created else 200
            payload = json.dumps(
                {"id": message.pk, "status": message.status, "duplicate": not created}
            ).encode()
            _log(request, checked, status, payload, started, message_id=message.pk)
        return _json(payload, status)
    except Refused as exc:
        refusal = exc
    except InboxConflict:
        refusal = Refused("idempotency_conflict")
    payload = refusal.body()
    with audited_atomic():
        _log(request, checked, refusal.status, payload, started, code=refusal.code)
    return _json(payload, refusal.status)


def _log(request, checked, status, payload, started, *, message_id=None, code="") -> None:
    body = checked.get("body", b"")
    headers = request.headers
    if code:
        outcome = code
    else:
        outcome = "accepted" if status == 202 else "duplicate"
    messagelog.append(
        direction=Direction.IN,
        connector="peer",
        peer=checked.get("sender") or headers.get(protocol.H_SENDER, ""),
        endpoint=request.path,
        method=request.method,
        status_code=status,
        latency_ms=int((time.monotonic() - started) * 1000),
        request_sha256=hashlib.sha256(body).hexdigest() if body else "",
        response_sha256=hashlib.sha256(payload).hexdigest(),
        idempotency_key=checked.get("key") or headers.get(protocol.H_KEY, ""),
        # A nonce counts against replays only once the signature was verified.
        nonce=checked.get("nonce", "") if checked.get("authenticated") else "",
        message_id=message_id,
        outcome=outcome,
        error=f"{code}: {ERRORS[code][1]}" if code else "",
    )


# --- Back office ----------------------------------------------------------------------------


def _require(user, permission: str) -> None:
    """The permission held for the whole platform: at a top organisation, or everywhere."""
    from chinhquyen.directory.models import Organisation

    scope = organisation_scope(user, permission)
    if scope is ALL:
        return
    roots = Organisation.objects.filter(depth=1).values_list("path", flat=True)
    if not any(root.startswith(prefix) for root in roots for prefix in scope):
        raise PermissionDenied


def _may(user, permission: str) -> bool:
    try:
        _require(user, permission)
    except PermissionDenied:
        return False
    return True


@staff_required
def operations(request):
    _require(request.user, "exchange.view_outboxmessage")
    form = WindowForm(request.GET or None)
    hours = form.window_hours()
    until = timezone.now()
    since = until - timedelta(hours=hours)
    rows = exchange_stats(since=since, until=until)
    context = {
        "form": form,
        "hours": hours,
        "outgoing": [r for r in rows if r.direction == Direction.OUT],
        "incoming": [r for r in rows if r.direction == Direction.IN],
        "since": since,
        "until": until,
    }
    return render(request, "exchange/operations.html", context, status=200 if form.ok else 400)


@staff_required
def outbox_list(request):
    _require(request.user, "exchange.view_outboxmessage")
    form = OutboxFilterForm(request.GET or None)
    rows = OutboxMessage.objects.select_related("related_type").defer("body")
    status, filters = 200, {}
    if form.is_bound:
        if form.is_valid():
            filters = {k: v for k, v in form.cleaned_data.items() if v}
            rows = rows.filter(**filters)
        else:
            status, rows = 400, rows.none()
    page = Paginator(rows.order_by("-created_at", "-id"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "form": form,
        "page": page,
        "may_retry": _may(request.user, "exchange.retry_outboxmessage"),
        "retryable": {OutboxStatus.DEAD, OutboxStatus.PENDING},
        "query": urlencode(filters),
        "dead_filter": filters.get("status") == OutboxStatus.DEAD and filters.get("connector"),
        "filters": filters,
    }
    return render(request, "exchange/outbox.html", context, status=status)


@require_POST
@staff_required
def outbox_retry(request, pk: int):
    _require(request.user, "exchange.retry_outboxmessage")
    message = get_object_or_404(OutboxMessage.objects.defer("body"), pk=pk)
    try:
        retry_message(message, acting_user=request.user)
    except OutboxError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Message %(id)s will be sent again now.") % {"id": message.pk})
    return redirect("exchange:outbox")


@require_POST
@staff_required
def outbox_retry_dead(request):
    _require(request.user, "exchange.retry_outboxmessage")
    connector = request.POST.get("connector", "")[:50]
    destination = request.POST.get("destination", "")[:100]
    if not connector:
        raise Http404
    count = retry_dead(connector=connector, destination=destination, acting_user=request.user)
    messages.success(
        request,
        _("%(count)s dead message(s) of %(connector)s will be sent again now.")
        % {"count": count, "connector": connector},
    )
    query = urlencode({"connector": connector, "status": OutboxStatus.PENDING})
    return redirect(f"{reverse('exchange:outbox')}?{query}")


@staff_required
def inbox_list(request):
    _require(request.user, "exchange.view_inboxmessage")
    form = InboxFilterForm(request.GET or None)
    rows = InboxMessage.objects.defer("body")
    status, filters = 200, {}
    if form.is_bound:
        if form.is_valid():
            filters = {k: v for k, v in form.cleaned_data.items() if v}
            rows = rows.filter(**filters)
        else:
            status, rows = 400, rows.none()
    page = Paginator(rows.order_by("-received_at", "-id"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "form": form,
        "page": page,
        "may_reprocess": _may(request.user, "exchange.reprocess_inboxmessage"),
        "failed": InboxStatus.FAILED,
        "query": urlencode(filters),
    }
    return render(request, "exchange/inbox.html", context, status=status)


@require_POST
@staff_required
def inbox_reprocess(request, pk: int):
    _require(request.user, "exchange.reprocess_inboxmessage")
    message = get_object_or_404(InboxMessage.objects.defer("body"), pk=pk)
    try:
        reprocess(message, acting_user=request.user)
    except OutboxError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Message %(id)s will be processed again.") % {"id": message.pk})
    return redirect("exchange:inbox_messages")
