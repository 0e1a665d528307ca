"""Sending an issued outgoing document to its recipients (phát hành) and recalling it (thu hồi).

At issue, in the issuing transaction (``issuing.seal_and_issue`` calls ``distribute``):

* an agency **on this platform** (channel internal) gets an ``IncomingDocument`` in its queue at
  once — status RECEIVED, no book or arrival number yet (its clerk checks and registers it,
  Art. 21–22) — with the metadata copied as issued and the signed PDF as its main file, byte
  for byte (SHA-256 checked); the sender's ``Recipient`` row says DELIVERED;
* an agency **outside** (channel exchange) is handed to the exchange outbox
  (``exchange_hooks.queue_document``) with an idempotency key; it stays PENDING until the
  exchange reports;
* a recipient **by post** stays PENDING, "to post".

``recall`` (Art. 18, Appendix VI §III.8): internal copies not yet registered are withdrawn,
registered ones get a recall notice on their timeline; the outgoing document is frozen.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chinhquyen.audit.services import audited_atomic, log_action
from chinhquyen.documents.choices import (
    DeliveryStatus,
    EventType,
    FileKind,
    IncomingChannel,
    IncomingStatus,
    OutgoingStatus,
    RecipientChannel,
    TextStatus,
)
from chinhquyen.documents.errors import DocumentError
from chinhquyen.documents.models import (
    DocumentEvent,
    DocumentFile,
    IncomingDocument,
    OutgoingDocument,
    Recipient,
)
from chinhquyen.documents.services.access import holds
from chinhquyen.documents.services.drafting import lock, record, require_status, sha256
from chinhquyen.documents.services.search import reindex


def message_key(recipient: Recipient) -> str:
    """Idempotency key of the exchange message carrying the document to ``recipient``."""
    return f"outgoing:{recipient.document_id}:recipient:{recipient.pk}"


def pdf_text(data: bytes) -> str:
    """The text of a born-digital PDF (for search on the recipient's side)."""
    from io import BytesIO

    from pdfminer.high_level import extract_text

    try:
        return extract_text(BytesIO(data))[:100_000]
    except Exception:  # noqa: BLE001 (search text is a help; never block a delivery)
        return ""


def _deliver_internal(
    document: OutgoingDocument, recipient: Recipient, *, data: bytes, text: str, now, acting_user
) -> IncomingDocument:
    sender = document.organisation
    incoming = IncomingDocument.objects.create(
        organisation=recipient.organisation,
        arrived_at=now,
        channel=IncomingChannel.INTERNAL,
        status=IncomingStatus.RECEIVED,
        issuer_name=sender.name,
        issuer_code=sender.qcvn_code or "",
        issuer=sender,
        number=f"{document.number:02d}",
        notation=document.notation,
        source_recipient=recipient,
        document_type=document.document_type,
        subject=document.subject,
        issued_date=document.issued_date,
        language=document.language,
        page_count=document.page_count,
        description=document.description,
        signer_position=document.signer_position,
        signer_name=document.signer_name,
        urgency=document.urgency,
        secrecy=document.secrecy,
        due_date=document.due_date,
        text_status=TextStatus.EXTRACTED if text else TextStatus.FAILED,
    )
    copy = DocumentFile(
        incoming=incoming,
        kind=FileKind.MAIN,
        name=f"{document.code.replace('/', '-')}.pdf",
        content_type="application/pdf",
        size=len(data),
        sha256=sha256(data),
        text=text,
        text_status=TextStatus.EXTRACTED if text else TextStatus.FAILED,
        created_by=acting_user,
    )
    copy.file.save(copy.name, ContentFile(data), save=False)
    copy.save()
    # The copy must be the signed document itself, byte for byte (its signatures verify).
    with copy.file.open("rb") as handle:
        stored = sha256(handle.read())
    if stored != sha256(data):  # pragma: no cover - storage corruption
        raise DocumentError(
            _("The copy for %(name)s differs from the signed document: nothing was sent."),
            code="copy_mismatch",
            name=recipient.name,
        )
    DocumentEvent.objects.create(
        incoming=incoming,
        type=EventType.ARRIVED,
        actor=acting_user,
        at=now,
        details={"from": sender.name, "code": document.code, "sha256": copy.sha256},
    )
    reindex(incoming)
    return incoming


def distribute(
    document: OutgoingDocument, *, signed_file: DocumentFile, data: bytes, acting_user
) -> dict[str, int]:
    """Send the issued ``document`` to every recipient (inside the issuing transaction)."""
    from chinhquyen.documents.services import exchange_hooks

    if sha256(data) != signed_file.sha256:
        raise DocumentError(
            _("The signed file changed: nothing was sent."), code="signed_file_changed"
        )
    now = timezone.now()
    text = ""
    counts = {"internal": 0, "exchange": 0, "post": 0}
    recipients = list(document.recipients.select_related("organisation").order_by("pk"))
    if any(r.channel == RecipientChannel.INTERNAL for r in recipients):
        text = pdf_text(data)
    for recipient in recipients:
        if recipient.channel == RecipientChannel.INTERNAL and recipient.organisation_id:
            incoming = _deliver_internal(
                document, recipient, data=data, text=text, now=now, acting_user=acting_user
            )
            recipient.status = DeliveryStatus.DELIVERED
            recipient.status_at = now
            recipient.status_note = "Đã đến hàng chờ văn bản đến của nơi nhận"
            recipient.save(update_fields=["status", "status_at", "status_note"])
            counts["internal"] += 1
            record(
                document,
                EventType.DISTRIBUTED,
                actor=acting_user,
                action="documents.deliver_internal",
                note=recipient.name,
                details={
                    "recipient": recipient.pk,
                    "channel": recipient.channel,
                    "incoming": incoming.pk,
                    "sha256": signed_file.sha256,
                },
            )
        elif recipient.channel == RecipientChannel.EXCHANGE:
            recipient.message_key = message_key(recipient)
            recipient.status = DeliveryStatus.PENDING
            recipient.status_at = now
            recipient.status_note = "Chờ gửi qua trục liên thông"
            recipient.save(update_fields=["message_key", "status", "status_at", "status_note"])
            exchange_hooks.queue_document(recipient)
            counts["exchange"] += 1
            record(
                document,
                EventType.DISTRIBUTED,
                actor=acting_user,
                action="documents.queue_exchange",
                note=recipient.name,
                details={
                    "recipient": recipient.pk,
                    "channel": recipient.channel,
                    "message_key": recipient.message_key,
                },
            )
        else:
            recipient.status = DeliveryStatus.PENDING
            recipient.status_at = now
            recipient.status_note = "Chờ gửi qua bưu điện"
            recipient.save(update_fields=["status", "status_at", "status_note"])
            counts["post"] += 1
    return counts


def may_recall(document: OutgoingDocument, user) -> bool:
    return holds(user, "documents.issue_outgoingdocument", document.organisation) or holds(
        user, "documents.approve_outgoingdocument", document.organisation
    )


def recall(document: OutgoingDocument, reason: str, acting_user) -> OutgoingDocument:
    """Recall an issued document (thu hồi, Art. 18): withdraw the copies not yet registered,
    send a recall notice for registered ones and for agencies reached through the exchange, and
    freeze the document (status RECALLED)."""
    from chinhquyen.documents.services import exchange_hooks

    require_status(document, OutgoingStatus.ISSUED)
    if not may_recall(document, acting_user):
        raise PermissionDenied
    if not reason or not reason.strip():
        raise DocumentError(
            _("Say why the document is recalled."), code="reason_required", field="reason"
        )
    reason = reason.strip()
    now = timezone.now()
    with audited_atomic():
        locked = lock(document)
        require_status(locked, OutgoingStatus.ISSUED)
        withdrawn = noticed = 0
        for recipient in locked.recipients.order_by("pk"):
            incoming = (
                IncomingDocument.objects.select_for_update()
                .filter(source_recipient=recipient)
                .first()
            )
            if incoming is not None:
                was_registered = incoming.status != IncomingStatus.RECEIVED
                if not was_registered:
                    incoming.status = IncomingStatus.RECALLED
                    incoming.save(update_fields=["status", "updated_at"])
                    withdrawn += 1
                else:
                    noticed += 1
                DocumentEvent.objects.create(
                    incoming=incoming,
                    type=EventType.RECALLED,
                    actor=acting_user,
                    at=now,
                    note=reason,
                    details={"withdrawn": not was_registered, "notice": was_registered},
                )
                log_action(
                    "documents.recall_copy",
                    target=incoming,
                    actor=acting_user,
                    details={"withdrawn": not was_registered, "reason": reason},
                )
            elif recipient.channel == RecipientChannel.EXCHANGE and recipient.message_key:
                # A recall package (edXML "revoke") through the outbox, in this transaction.
                exchange_hooks.queue_recall(recipient, reason=reason)
                noticed += 1
            Recipient.objects.filter(pk=recipient.pk).update(
                status=DeliveryStatus.RECALLED, status_at=now, status_note=reason[:500]
            )
        locked.status = OutgoingStatus.RECALLED
        locked.save(update_fields=["status", "updated_at"])
        record(
            locked,
            EventType.RECALLED,
            actor=acting_user,
            action="documents.recall_outgoing",
            note=reason,
            details={"withdrawn": withdrawn, "noticed": noticed},
        )
    document.refresh_from_db()
    return document


def incoming_copies(document: OutgoingDocument):
    return IncomingDocument.objects.filter(source_recipient__document=document)


__all__ = ["distribute", "incoming_copies", "message_key", "recall"]
