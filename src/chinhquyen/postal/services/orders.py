"""Create postal orders and send them to the operator through the exchange outbox.

* :func:`create_pickup_order` — the operator collects a citizen's paper dossier at home and
  brings it to the one-stop unit (thu gom hồ sơ; from the portal or the counter).
* :func:`create_delivery_order` — the result goes back to the applicant by post (phát trả kết
  quả); called by ``dossiers.services.transitions`` in the transaction of the return.

When the operator link is configured (``postal.conf.linked``) the order is written to the
outbox in the same transaction (connector ``postal``, idempotency key = our reference); the
operator's answer carries the tracking number, recorded by :func:`on_order_delivered` in the
transaction that marks the message delivered. A refused order becomes "not accepted", for a
person to correct and retry from the exchange pages. Without the link, the order is only
recorded (the result was handed to the postman at the counter).
"""

import json
import re
import secrets
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chinhquyen.audit.services import audited_atomic, log_action
from chinhquyen.dossiers.services.access import bilingual
from chinhquyen.exchange import handlers
from chinhquyen.exchange.connectors.postal import ORDER_KIND
from chinhquyen.postal import conf
from chinhquyen.postal.choices import Channel, EventSource, OrderKind, OrderStatus
from chinhquyen.postal.errors import OrderStateError, PostalError
from chinhquyen.postal.models import Order, OrderEvent

PHONE_RE = re.compile(r"^\+?[0-9 .-]{8,20}$")


def new_reference(at: datetime) -> str:
    """``BC`` + yymmdd + 8 hex: unique, not guessable, readable over the phone."""
    return "BC" + timezone.localtime(at).strftime("%y%m%d") + secrets.token_hex(4).upper()


def _clean(value: str, limit: int) -> str:
    return " ".join((value or "").split())[:limit]


def _check_contact(name: str, phone: str, address: str) -> None:
    if not name or not address:
        raise PostalError(
            bilingual(_("The name and the address are required.")), code="contact_required"
        )
    if not PHONE_RE.match(phone or ""):
        raise PostalError(
            bilingual(_("Give a phone number the postman can call (8 to 20 digits).")),
            code="bad_phone",
        )


def create_pickup_order(
    *,
    organisation,
    person_name: str,
    phone: str,
    address: str,
    procedure_name: str = "",
    note: str = "",
    channel: str = Channel.COUNTER,
    acting_user=None,
    at: datetime | None = None,
) -> Order:
    """A pickup of a paper dossier at ``address``, to be brought to ``organisation``."""
    at = at or timezone.now()
    name, address, phone = _clean(person_name, 255), _clean(address, 500), _clean(phone, 20)
    _check_contact(name, phone, address)
    if channel not in (Channel.PORTAL, Channel.COUNTER):
        raise PostalError(bilingual(_("Unknown channel.")), code="bad_channel")
    with audited_atomic():
        order = Order.objects.create(
            kind=OrderKind.PICKUP,
            reference=new_reference(at),
            status_at=at,
            channel=channel,
            organisation=organisation,
            procedure_name=_clean(procedure_name, 500),
            person_name=name,
            phone=phone,
            address=address,
            note=(note or "").strip()[:2000],
            requested_by=acting_user if getattr(acting_user, "is_authenticated", False) else None,
            created_at=at,
        )
        _send(order, at=at, acting_user=acting_user)
        log_action(
            "postal.create_pickup_order",
            target=order,
            actor=acting_user,
            details={"reference": order.reference, "channel": channel, "status": order.status},
        )
    return order


def create_delivery_order(*, dossier, return_record, acting_user=None, at: datetime) -> Order:
    """The delivery of ``dossier``'s result to the address of its return record
    (``dossiers.PostalOrder``); runs inside the caller's transaction (the return)."""
    with audited_atomic():
        order = Order.objects.create(
            kind=OrderKind.DELIVERY,
            reference=new_reference(at),
            status_at=at,
            channel=Channel.RETURN,
            organisation=dossier.receiving_agency,
            dossier=dossier,
            return_record=return_record,
            procedure_name=_clean(getattr(dossier.procedure_version, "name", ""), 500),
            person_name=_clean(dossier.applicant_name, 255),
            phone=_clean(dossier.applicant_phone, 20),
            address=return_record.address,
            tracking_number=(return_record.tracking_number or "").strip()[:40],
            requested_by=acting_user if getattr(acting_user, "is_authenticated", False) else None,
            created_at=at,
        )
        _send(order, at=at, acting_user=acting_user)
        log_action(
            "postal.create_delivery_order",
            target=order,
            actor=acting_user,
            details={"reference": order.reference, "dossier": dossier.code, "status": order.status},
        )
    return order


def order_body(order: Order) -> bytes:
    unit = order.organisation
    payload = {
        "reference": order.reference,
        "kind": order.kind,
        "unit": {
            "code": unit.qcvn_code or "",
            "name": unit.name,
            "address": getattr(unit, "address", "") or "",
        },
        "person": {"name": order.person_name, "phone": order.phone, "address": order.address},
        "dossier_code": order.dossier.code if order.dossier_id else "",
        "procedure": order.procedure_name,
        "tracking_number": order.tracking_number,
        "note": order.note,
        "callback_url": conf.get("CALLBACK_URL"),
    }
    return json.dumps(payload, ensure_ascii=False, sort_keys=True).encode("utf-8")


def _send(order: Order, *, at: datetime, acting_user) -> None:
    from chinhquyen.exchange.outbox import enqueue

    if conf.linked():
        message = enqueue(
            connector="postal",
            destination=conf.get("OPERATOR_CODE"),
            kind=ORDER_KIND,
            body=order_body(order),
            content_type="application/json",
            idempotency_key=f"postal:{order.reference}",
            related=order,
        )
        order.status = OrderStatus.QUEUED
        order.outbox_message_id = message.pk
        order.save(update_fields=["status", "outbox_message_id"])
        note = ""
    else:
        note = "POSTAL_BASE_URL not set: recorded only"
    _own_event(order, order.status, at=at, note=note)


def _own_event(order: Order, status: str, *, at: datetime, note: str = "") -> OrderEvent:
    return OrderEvent.objects.create(
        order=order,
        source=EventSource.SYSTEM,
        status=status,
        at=at,
        received_at=timezone.now(),
        note=note,
    )


def _order_of(message) -> Order | None:
    if message.related_id and message.related_type.model_class() is Order:
        return Order.objects.select_for_update().filter(pk=message.related_id).first()
    return None


def on_order_delivered(message) -> None:
    """The operator accepted the order and answered with its tracking number."""
    order = _order_of(message)
    if order is None or order.status not in (OrderStatus.QUEUED, OrderStatus.REFUSED):
        return
    now = timezone.now()
    tracking = (message.remote_id or "").strip()[:40]
    note = ""
    if order.tracking_number and order.tracking_number != tracking:
        # The operator's number is the one its callbacks carry; keep the counter's in the note.
        note = f"tracking number given at the counter: {order.tracking_number}"
    order.tracking_number = tracking
    order.status = OrderStatus.ACCEPTED
    order.status_at = now
    order.last_error = ""
    order.save(update_fields=["tracking_number", "status", "status_at", "last_error"])
    set_return_tracking(order)
    _own_event(order, OrderStatus.ACCEPTED, at=now, note=note)
    log_action(
        "postal.order_accepted",
        target=order,
        details={"tracking_number": tracking, "previous_tracking": note},
    )


def on_order_dead(message) -> None:
    """The operator refused the order (or could not be reached for good)."""
    order = _order_of(message)
    if order is None or order.status != OrderStatus.QUEUED:
        return
    now = timezone.now()
    order.status = OrderStatus.REFUSED
    order.status_at = now
    order.last_error = message.last_error[:2000]
    order.save(update_fields=["status", "status_at", "last_error"])
    _own_event(order, OrderStatus.REFUSED, at=now, note=message.last_error[:500])
    log_action("postal.order_refused", target=order, details={"error": message.last_error[:500]})


def set_return_tracking(order: Order) -> None:
    """Keep the dossier's return record on the operator's tracking number (derived copy)."""
    record = order.return_record
    if record is not None and record.tracking_number != order.tracking_number:
        type(record).objects.filter(pk=record.pk).update(tracking_number=order.tracking_number)


def register_listeners() -> None:
    handlers.on_delivered(ORDER_KIND, on_order_delivered)
    handlers.on_dead(ORDER_KIND, on_order_dead)


def retry_refused(order: Order, *, acting_user) -> Order:
    """Send a refused order again (after the data or the configuration was corrected)."""
    from chinhquyen.exchange.models import OutboxMessage
    from chinhquyen.exchange.outbox import retry_message

    with audited_atomic():
        locked = Order.objects.select_for_update().get(pk=order.pk)
        if locked.status != OrderStatus.REFUSED or not locked.outbox_message_id:
            raise OrderStateError(
                bilingual(_("Only an order the operator did not accept can be sent again.")),
                code="not_refused",
            )
        retry_message(
            OutboxMessage.objects.get(pk=locked.outbox_message_id), acting_user=acting_user
        )
        now = timezone.now()
        locked.status, locked.status_at = OrderStatus.QUEUED, now
        locked.save(update_fields=["status", "status_at"])
        _own_event(locked, OrderStatus.QUEUED, at=now, note="sent again")
        log_action("postal.retry_order", target=locked, actor=acting_user)
    return locked
