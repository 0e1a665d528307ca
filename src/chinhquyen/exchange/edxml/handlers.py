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


def register_handlers() -> None:
    from chinhquyen.exchange.handlers import register

    register(KIND_DOCUMENT, handle_document)
    register(KIND_STATUS, handle_status)
