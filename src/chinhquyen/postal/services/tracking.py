"""The operator's tracking callbacks (picked up, in transit, delivered, failed, returned).

:func:`record_tracking` appends the event to the order's history once per operator event id
(the same event again changes nothing; the same id with another content is refused), moves
the order's status when the event is newer than what we know and the order is not finished
(delivered or returned), and puts the delivered / failed / returned facts on the dossier's
timeline. All in one transaction with the audit entry.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chinhquyen.audit.services import audited_atomic, log_action
from chinhquyen.dossiers.choices import EventType
from chinhquyen.dossiers.services.access import bilingual
from chinhquyen.postal.choices import TRACKING_STATUSES, EventSource, OrderStatus
from chinhquyen.postal.errors import EventConflict, PostalError, UnknownOrder
from chinhquyen.postal.models import Order, OrderEvent
from chinhquyen.postal.services.orders import set_return_tracking

# What the applicant's dossier timeline says (a person reads it; the data keeps the codes).
TIMELINE_NOTES = {
    OrderStatus.DELIVERED: _("The postal operator delivered the result (item %(tracking)s)."),
    OrderStatus.FAILED: _("The postal operator could not deliver the result (item %(tracking)s)."),
    OrderStatus.RETURNED: _(
        "The postal operator returned the result to the agency (item %(tracking)s)."
    ),
}
PICKUP_NOTES = {
    OrderStatus.DELIVERED: _("The postal operator brought the paper dossier to the one-stop unit."),
}


@dataclass(frozen=True)
class TrackingResult:
    order: Order
    event: OrderEvent
    created: bool


def record_tracking(
    *,
    event_id: str,
    status: str,
    at: datetime,
    reference: str = "",
    tracking_number: str = "",
    location: str = "",
    note: str = "",
    body_sha256: str = "",
) -> TrackingResult:
    """Record one operator event. Raises :class:`UnknownOrder`, :class:`EventConflict` or
    :class:`PostalError` (bad status); nothing is stored then."""
    if status not in TRACKING_STATUSES:
        raise PostalError(bilingual(_("Unknown tracking status.")), code="bad_status")
    with audited_atomic():
        existing = OrderEvent.objects.filter(event_id=event_id).select_related("order").first()
        if existing is not None:
            return _duplicate(existing, body_sha256)
        order = _find(reference, tracking_number)
        if tracking_number and order.tracking_number and order.tracking_number != tracking_number:
            raise UnknownOrder(
                bilingual(_("The tracking number does not belong to this order.")),
                code="tracking_mismatch",
            )
        now = timezone.now()
        applied = order.status not in OrderStatus.terminal() and at >= order.status_at
        event = OrderEvent(
            order=order,
            source=EventSource.OPERATOR,
            event_id=event_id,
            status=status,
            at=at,
            received_at=now,
            location=location[:255],
            note=note[:2000],
            body_sha256=body_sha256,
            applied=applied,
        )
        try:
            with transaction.atomic():
                event.save()
        except IntegrityError:  # the same event, recorded concurrently
            return _duplicate(OrderEvent.objects.get(event_id=event_id), body_sha256)
        fields = []
        if tracking_number and not order.tracking_number:
            order.tracking_number = tracking_number[:40]
            fields.append("tracking_number")
        if applied:
            order.status, order.status_at = status, at
            fields += ["status", "status_at"]
        if fields:
            order.save(update_fields=fields)
            set_return_tracking(order)
        if applied:
            _timeline(order, status, at=at, location=location)
        log_action(
            "postal.tracking_event",
            target=order,
            details={
                "event_id": event_id,
                "status": status,
                "applied": applied,
                "tracking_number": order.tracking_number,
            },
        )
    return TrackingResult(order=order, event=event, created=True)


def _duplicate(existing: OrderEvent, body_sha256: str) -> TrackingResult:
    if body_sha256 and existing.body_sha256 and existing.body_sha256 != body_sha256:
        raise EventConflict(bilingual(_("Another event was already received under this event id.")))
    return TrackingResult(order=existing.order, event=existing, created=False)


def _find(reference: str, tracking_number: str) -> Order:
    orders = Order.objects.select_for_update()
    order = None
    if reference:
        order = orders.filter(reference=reference).first()
    elif tracking_number:
        matches = list(orders.filter(tracking_number=tracking_number)[:2])
        order = matches[0] if len(matches) == 1 else None
    if order is None:
        raise UnknownOrder(bilingual(_("No postal order has this reference or tracking number.")))
    return order


def _timeline(order: Order, status: str, *, at: datetime, location: str) -> None:
    """The delivered / failed / returned facts on the dossier's timeline."""
    from chinhquyen.dossiers.services.common import add_event

    notes = TIMELINE_NOTES if order.kind == "delivery" else PICKUP_NOTES
    if order.dossier_id is None or status not in notes:
        return
    # EventType has no postal types yet (dossiers choices are not ours): a system comment
    # whose data carries the machine-readable fact.
    add_event(
        order.dossier,
        EventType.COMMENTED,
        at=at,
        note=bilingual(notes[status], tracking=order.tracking_number or order.reference),
        data={
            "postal_order": order.reference,
            "postal_status": status,
            "tracking_number": order.tracking_number,
            "location": location,
        },
    )
