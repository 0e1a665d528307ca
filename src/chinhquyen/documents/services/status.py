"""The sender's view of where its document is (Decree 30/2020 Art. 4(2)(d), Appendix VI §I).

When a recipient registers, returns, assigns, works on or completes a document, the sender
learns it: for a document sent on this platform the sender's ``Recipient`` row is updated in
the same transaction; for one that came through the exchange, a status message (edXML
``Status``, codes 01–06) is queued to the sender (``exchange`` app).
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from chinhquyen.audit.services import log_action
from chinhquyen.documents.choices import DeliveryStatus, EventType, IncomingChannel
from chinhquyen.documents.models import DocumentEvent, IncomingDocument, Recipient

# A later stage never goes back to an earlier one (a late "in progress" after "completed").
_ORDER = [
    DeliveryStatus.PENDING,
    DeliveryStatus.SENT,
    DeliveryStatus.DELIVERED,
    DeliveryStatus.ACCEPTED,
    DeliveryStatus.ASSIGNED,
    DeliveryStatus.IN_PROGRESS,
    DeliveryStatus.COMPLETED,
]
_FINAL = {DeliveryStatus.REJECTED, DeliveryStatus.RECALLED, DeliveryStatus.COMPLETED}


def advances(current: str, new: str) -> bool:
    if current in _FINAL:
        return False
    if new in _FINAL or current not in _ORDER or new not in _ORDER:
        return True
    return _ORDER.index(new) > _ORDER.index(current)


def record_recipient_status(
    recipient: Recipient, status: str, *, note: str = "", at=None, actor=None
) -> bool:
    """Move a recipient row forward to ``status`` and note it on the outgoing timeline."""
    if not advances(recipient.status, status):
        return False
    at = at or timezone.now()
    Recipient.objects.filter(pk=recipient.pk).update(
        status=status, status_note=note[:500], status_at=at
    )
    recipient.status, recipient.status_note, recipient.status_at = status, note[:500], at
    DocumentEvent.objects.create(
        outgoing_id=recipient.document_id,
        type=EventType.STATUS_RECEIVED,
        actor=actor,
        at=at,
        note=note,
        details={"recipient": recipient.name, "status": status},
    )
    return True


def report_to_sender(
    document: IncomingDocument, status: str, *, note: str = "", actor=None, at=None
) -> None:
    """Tell the sender of ``document`` its new status (call inside the changing transaction)."""
    if document.channel == IncomingChannel.INTERNAL and document.source_recipient_id:
        record_recipient_status(document.source_recipient, status, note=note, at=at, actor=actor)
    elif document.channel == IncomingChannel.EXCHANGE:
        # An edXML status message to the sender, written to the outbox in this transaction.
        # One that cannot be built (this organisation has no signing key yet) must not stop
        # the clerk's or leader's own work: it is recorded on the timeline and in the audit
        # log instead, for the IT department to fix and the sender to be told by other means.
        from chinhquyen.documents.services import exchange_hooks
        from chinhquyen.exchange.edxml.errors import ExchangeError
        from chinhquyen.exchange.outbox import OutboxError

        try:
            with transaction.atomic():
                exchange_hooks.queue_status(document, status, note=note, at=at)
        except (ExchangeError, OutboxError) as exc:
            DocumentEvent.objects.create(
                incoming=document,
                type=EventType.STATUS_NOT_SENT,
                actor=actor,
                note=exc.message[:1000],
                details={"status": status, "code": exc.code},
            )
            log_action(
                "documents.status_not_sent",
                target=document,
                actor=actor,
                details={"status": status, "code": exc.code, "error": exc.message[:500]},
            )
