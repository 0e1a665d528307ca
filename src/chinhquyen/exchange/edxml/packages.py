"""Signed package bytes for the documents app: a document to a recipient, a status to a sender."""

from __future__ import annotations

import datetime

from chinhquyen.exchange.edxml import builder, mapping, signature
from chinhquyen.exchange.edxml.model import DocumentPackage, ResponseFor, StaffInfo, StatusMessage
from chinhquyen.exchange.edxml.status import status_message


def sign_document(package: DocumentPackage, organisation) -> bytes:
    """``package`` signed with ``organisation``'s key (the sender)."""
    key = signature.unlock_organisation_key(organisation)
    return signature.sign_tree(builder.document_tree(package), key)


def sign_status(message: StatusMessage, organisation) -> bytes:
    key = signature.unlock_organisation_key(organisation)
    return signature.sign_tree(builder.status_tree(message), key)


def document_bytes(
    recipient,
    *,
    kind: str = "new",
    reason: str = "",
    related_document_ids: list[str] | None = None,
) -> bytes:
    """The signed edXML package carrying ``recipient.document`` to ``recipient``."""
    package = mapping.document_package(
        recipient, kind=kind, reason=reason, related_document_ids=related_document_ids
    )
    return sign_document(package, recipient.document.organisation)


def incoming_response_for(document) -> ResponseFor:
    """``ResponseFor`` of an exchanged incoming document (what a status is about)."""
    return ResponseFor(
        organ_id=document.issuer_code,
        code=document.code,
        promulgation_date=document.issued_date,
        document_id=document.exchange_document_id,
    )


def status_bytes(
    document,
    status: str,
    *,
    note: str = "",
    at: datetime.datetime | None = None,
    staff: StaffInfo | None = None,
) -> bytes:
    """The signed status message from ``document.organisation`` to the document's sender."""
    message = status_message(
        response_for=incoming_response_for(document),
        sender=mapping.organ(document.organisation),
        status=status,
        description=note,
        at=at,
        staff=staff,
    )
    return sign_status(message, document.organisation)
