"""Inbox handlers for edXML messages (``exchange.handlers`` registry).

``register_handlers()`` is called from ``ExchangeConfig.ready()``: an ``edxml.document``
message becomes an incoming document (``documents.services.exchange_receive.receive_package``),
an ``edxml.status`` message updates the sender's view (``receive_status``). A handler that
raises leaves the inbox message "failed" with the coded error, and nothing stored.
"""

from __future__ import annotations

KIND_DOCUMENT = "edxml.document"
KIND_STATUS = "edxml.status"


def _body(message) -> bytes:
    return bytes(message.body)


def handle_document(message) -> None:
    from chinhquyen.documents.services.exchange_receive import receive_package

    receive_package(_body(message), received_via=f"inbox:{message.pk}:{message.sender}")


def handle_status(message) -> None:
    from chinhquyen.documents.services.exchange_receive import receive_status

    receive_status(_body(message), received_via=f"inbox:{message.pk}:{message.sender}")


def _recipient_of(message):
    from chinhquyen.documents.models import Recipient

    if message.related_type_id is None or not message.related_id:
        return None
    if message.related_type.model_class() is not Recipient:
        return None
    return Recipient.objects.filter(pk=message.related_id).first()


def document_delivered(message) -> None:
    """The package reached the receiver's system: the sender sees "sent" for that recipient
    (the receiver's own 01 "arrived" status message follows)."""
    from chinhquyen.documents.choices import DeliveryStatus
    from chinhquyen.documents.services.status import record_recipient_status

    recipient = _recipient_of(message)
    if recipient is not None:
        record_recipient_status(recipient, DeliveryStatus.SENT, note=message.destination)


def document_dead(message) -> None:
    """Every attempt failed: the sender sees "delivery failed" until someone retries."""
    from chinhquyen.documents.choices import DeliveryStatus
    from chinhquyen.documents.services.status import record_recipient_status

    recipient = _recipient_of(message)
    if recipient is not None:
        record_recipient_status(recipient, DeliveryStatus.FAILED, note=message.last_error[:500])


def register_handlers() -> None:
    from chinhquyen.exchange.handlers import on_dead, on_delivered, register

    register(KIND_DOCUMENT, handle_document)
    register(KIND_STATUS, handle_status)
    on_delivered(KIND_DOCUMENT, document_delivered)
    on_dead(KIND_DOCUMENT, document_dead)
