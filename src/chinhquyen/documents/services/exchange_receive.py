"""Receiving from the document exchange (nhận văn bản điện tử qua trục liên thông, edXML).

* :func:`receive_package` — an edXML document package (QCVN 102:2016), verified (XML signature
  of the sending organisation, trust list, safe parsing: ``exchange.edxml.parser``), becomes an
  ``IncomingDocument`` in the queue of the organisation named in ``To/OrganId`` (status
  RECEIVED, channel EXCHANGE: the clerk checks and registers it, Decree 30/2020 Art. 21–22), its
  metadata as sent, its files byte for byte with their SHA-256 (the first PDF as the main
  document, the others as appendices), and the sender is told it arrived (status 01, Art.
  21(2)(c)). The same DocumentId for the same organisation again is a duplicate: the existing
  document is returned with ``exchange_duplicate = True``, never a second copy.
  A recall package (``BussinessDocType`` revoke) withdraws the document if it is not yet
  registered (→ RECALLED, answer 15) or notes the request on its timeline (answer 16: the
  clerk already registered it and handles it). A replacement or update package arrives as a
  new document that names the ones it replaces.
* :func:`receive_status` — an edXML status message moves the sender's ``Recipient`` row
  (``services.status.record_recipient_status``); 13 from a sender is a recall request
  (handled as above), 15/16 answer our own recall.

A refused package raises :class:`~chinhquyen.exchange.edxml.errors.ExchangeError` (a stable
``code`` and a bilingual message) and stores nothing.
"""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chinhquyen.audit.services import audited_atomic, log_action
from chinhquyen.documents.choices import (
    DeliveryStatus,
    EventType,
    FileKind,
    IncomingChannel,
    IncomingStatus,
)
from chinhquyen.documents.errors import UploadRefused
from chinhquyen.documents.models import (
    DocumentEvent,
    IncomingDocument,
    OutgoingDocument,
    Recipient,
)
from chinhquyen.documents.services.search import reindex
from chinhquyen.documents.services.status import record_recipient_status
from chinhquyen.exchange.edxml import errors as e
from chinhquyen.exchange.edxml import mapping
from chinhquyen.exchange.edxml import status as codes
from chinhquyen.exchange.edxml.formats import split_document_id
from chinhquyen.exchange.edxml.model import DocumentPackage, StatusMessage
from chinhquyen.exchange.edxml.parser import parse_document, parse_status

__all__ = ["receive_package", "receive_status"]


def _organisations(package: DocumentPackage):
    from chinhquyen.directory.models import Organisation

    wanted = [organ.organ_id for organ in package.header.to]
    found = {o.qcvn_code: o for o in Organisation.objects.filter(qcvn_code__in=wanted)}
    targets = [found[code] for code in dict.fromkeys(wanted) if code in found]
    if not targets:
        raise e.PackageRefused(
            _("No organisation on this platform has the identifier %(codes)s."),
            code=e.UNKNOWN_RECIPIENT,
            status=422,
            field="To/OrganId",
            codes=", ".join(wanted),
        )
    return targets


def _checked_files(package: DocumentPackage):
    """Each attachment checked from its bytes (type sniffed, size limit), before any write."""
    from chinhquyen.documents.services.files import PDF, check_document_upload

    checked = []
    main_taken = False
    for attachment in package.attachments:
        try:
            item = check_document_upload(
                SimpleUploadedFile(attachment.name, attachment.data), scan=False
            )
        except UploadRefused as exc:
            raise e.PackageRefused(exc.message, code=e.ATTACHMENT_INVALID) from exc
        if item.sha256 != attachment.sha256:  # pragma: no cover - same bytes, same digest
            raise e.PackageRefused(
                _("The attachment %(name)s changed while it was read."),
                code=e.ATTACHMENT_INVALID,
                name=attachment.name,
            )
        kind = FileKind.APPENDIX
        if not main_taken and item.content_type == PDF:
            kind, main_taken = FileKind.MAIN, True
        checked.append((item, kind))
    return checked


def _lock_queue(organisation) -> None:
    # One receipt at a time per organisation: the duplicate check below then sees every
    # document committed before it (no unique constraint on exchange_document_id exists).
    type(organisation).objects.select_for_update().filter(pk=organisation.pk).first()


def _existing(organisation, document_id: str) -> IncomingDocument | None:
    return (
        IncomingDocument.objects.filter(organisation=organisation, exchange_document_id=document_id)
        .order_by("pk")
        .first()
    )


def _create(
    package: DocumentPackage, organisation, checked, *, received_via: str, acting_user
) -> IncomingDocument:
    from chinhquyen.documents.services.files import add_file

    fields = mapping.incoming_fields(package, organisation)
    if package.business.kind in ("replace", "update") and package.business.related_document_ids:
        fields["description"] = (
            "Thay thế/cập nhật văn bản: " + "; ".join(package.business.related_document_ids)
        )[:500]
    document = IncomingDocument.objects.create(
        **fields,
        arrived_at=timezone.now(),
        channel=IncomingChannel.EXCHANGE,
        status=IncomingStatus.RECEIVED,
    )
    for item, kind in checked:
        add_file(document, item, kind, acting_user)
    DocumentEvent.objects.create(
        incoming=document,
        type=EventType.ARRIVED,
        actor=acting_user,
        details={"from": package.header.sender.organ_id, "document_id": package.header.document_id},
    )
    reindex(document)
    log_action(
        "documents.receive_exchange",
        target=document,
        actor=acting_user,
        details={
            "document_id": package.header.document_id,
            "from": package.header.sender.organ_id,
            "received_via": received_via,
            "package_sha256": package.sha256,
            "business": package.business.kind or package.business.doc_type,
            "certificate": package.signature.sha256 if package.signature else "",
            "organisation_check": (
                package.signature.organisation_check if package.signature else ""
            ),
            "files": [
                {"name": item.name, "sha256": item.sha256, "kind": kind} for item, kind in checked
            ],
        },
    )
    return document


def _acknowledge(document: IncomingDocument, status: str, note: str) -> None:
    """Queue a status to the sender; a receiver without a usable key still keeps the document."""
    from chinhquyen.documents.services import exchange_hooks
    from chinhquyen.exchange.outbox import OutboxError

    try:
        with audited_atomic():  # a savepoint: a failed queueing leaves nothing half-written
            exchange_hooks.queue_status(document, status, note=note)
    except (e.ExchangeError, OutboxError) as exc:
        log_action(
            "documents.exchange_status_not_sent",
            target=document,
            details={"status": status, "code": exc.code, "error": exc.message},
        )


def receive_package(data: bytes, *, received_via: str, acting_user=None) -> IncomingDocument:
    """Parse, verify and file an edXML package; the incoming document (see the module doc).

    Several ``To`` on this platform each get their copy; the first is returned.
    """
    package = parse_document(data)
    organisations = _organisations(package)
    if package.business.kind == "revoke":
        return _recall(
            package.header.document_id,
            [*package.business.related_document_ids],
            sender_code=package.header.sender.organ_id,
            organisations=organisations,
            reason=package.business.reason,
            received_via=received_via,
            acting_user=acting_user,
        )
    checked = _checked_files(package)
    results = []
    for organisation in organisations:
        with audited_atomic():
            _lock_queue(organisation)
            existing = _existing(organisation, package.header.document_id)
            if existing is not None:
                log_action(
                    "documents.receive_exchange_duplicate",
                    target=existing,
                    actor=acting_user,
                    details={
                        "document_id": package.header.document_id,
                        "received_via": received_via,
                        "package_sha256": package.sha256,
                    },
                )
                existing.exchange_duplicate = True
                results.append(existing)
                continue
            document = _create(
                package, organisation, checked, received_via=received_via, acting_user=acting_user
            )
            _acknowledge(document, DeliveryStatus.DELIVERED, "Đã đến")
            document.exchange_duplicate = False
            results.append(document)
    return results[0]


def _recall(
    document_id: str,
    related: list[str],
    *,
    sender_code: str,
    organisations,
    reason: str,
    received_via: str,
    acting_user,
) -> IncomingDocument:
    """Withdraw (not yet registered) or note (registered) a document its sender recalls."""
    ids = list(dict.fromkeys([document_id, *related]))
    handled = []
    for organisation in organisations:
        with audited_atomic():
            _lock_queue(organisation)
            targets = list(
                IncomingDocument.objects.select_for_update().filter(
                    organisation=organisation,
                    exchange_document_id__in=ids,
                    issuer_code=sender_code,
                )
            )
            for document in targets:
                handled.append(
                    _apply_recall(document, reason, received_via=received_via, actor=acting_user)
                )
    if not handled:
        raise e.PackageRefused(
            _("The recalled document %(document_id)s has not arrived here."),
            code=e.UNKNOWN_DOCUMENT,
            status=404,
            document_id=document_id,
        )
    return handled[0]


def _apply_recall(
    document: IncomingDocument, reason: str, *, received_via: str, actor
) -> IncomingDocument:
    reason = reason or "Thu hồi văn bản"
    if document.status == IncomingStatus.RECALLED:
        document.exchange_duplicate = True
        return document
    withdrawn = document.status == IncomingStatus.RECEIVED
    if withdrawn:
        document.status = IncomingStatus.RECALLED
        IncomingDocument.objects.filter(pk=document.pk).update(
            status=IncomingStatus.RECALLED, updated_at=timezone.now()
        )
    DocumentEvent.objects.create(
        incoming=document,
        type=EventType.RECALLED,
        actor=actor,
        note=reason,
        details={"withdrawn": withdrawn, "notice": not withdrawn, "via": "exchange"},
    )
    log_action(
        "documents.recall_exchange",
        target=document,
        actor=actor,
        details={"withdrawn": withdrawn, "reason": reason, "received_via": received_via},
    )
    if withdrawn:
        _acknowledge(document, codes.RECALL_ACCEPTED, "Đồng ý thu hồi")
    else:
        _acknowledge(
            document,
            codes.RECALL_REFUSED,
            "Văn bản đã vào sổ và đang được xử lý; văn thư sẽ xử lý yêu cầu thu hồi",
        )
    document.exchange_duplicate = False
    return document


# --- status messages --------------------------------------------------------------------


def _recipient_for(message: StatusMessage) -> Recipient:
    from chinhquyen.directory.models import Organisation

    organ_id, issued, code = split_document_id(message.response_for.document_id)
    number, _sep, notation = code.partition("/")
    organisation = Organisation.objects.filter(qcvn_code=organ_id).first()
    recipient = None
    if organisation is not None and number.isdigit():
        document = OutgoingDocument.objects.filter(
            organisation=organisation,
            number=int(number),
            notation=notation,
            issued_date=issued,
        ).first()
        if document is not None:
            sender = message.sender.organ_id
            recipient = (
                document.recipients.filter(external_code=sender).order_by("pk").first()
                or document.recipients.filter(organisation__qcvn_code=sender).order_by("pk").first()
            )
    if recipient is None:
        raise e.PackageRefused(
            _("No document %(document_id)s was sent here to %(organ_id)s."),
            code=e.UNKNOWN_DOCUMENT,
            status=404,
            document_id=message.response_for.document_id,
            organ_id=message.sender.organ_id,
        )
    return recipient


def receive_status(data: bytes, *, received_via: str = "", acting_user=None):
    """Apply a status message: the sender's ``Recipient`` row (01–06, 15, 16), or a recall
    request (13) on our incoming copy. Returns the Recipient or the IncomingDocument."""
    message = parse_status(data)
    meaning = codes.meaning_of(message.status_code)
    if meaning == codes.RECALL_REQUEST:
        organisations = _recall_targets(message)
        return _recall(
            message.response_for.document_id,
            [],
            sender_code=message.sender.organ_id,
            organisations=organisations,
            reason=message.description,
            received_via=received_via,
            acting_user=acting_user,
        )
    recipient = _recipient_for(message)
    at = message.timestamp or timezone.now()
    note = message.description or codes.DESCRIPTIONS.get(message.status_code, "")
    with audited_atomic():
        recipient = Recipient.objects.select_for_update().get(pk=recipient.pk)
        if meaning == codes.RECALL_ACCEPTED:
            moved = record_recipient_status(
                recipient, DeliveryStatus.RECALLED, note=note, at=at, actor=acting_user
            )
            if not moved:  # our recall already marked it: keep the confirmation visible
                _status_event(recipient, message, note, at, acting_user)
        elif meaning == codes.RECALL_REFUSED:
            _status_event(recipient, message, note, at, acting_user)
            moved = False
        elif meaning in DeliveryStatus.values:
            moved = record_recipient_status(recipient, meaning, note=note, at=at, actor=acting_user)
        else:  # a code mapped by the settings to nothing we track: noted only
            _status_event(recipient, message, note, at, acting_user)
            moved = False
        log_action(
            "documents.exchange_status_received",
            target=recipient.document,
            actor=acting_user,
            details={
                "recipient": recipient.pk,
                "status_code": message.status_code,
                "meaning": meaning,
                "applied": moved,
                "received_via": received_via,
                "package_sha256": message.sha256,
            },
        )
    return recipient


def _status_event(recipient, message: StatusMessage, note: str, at, actor) -> None:
    DocumentEvent.objects.create(
        outgoing_id=recipient.document_id,
        type=EventType.STATUS_RECEIVED,
        actor=actor,
        at=at,
        note=note,
        details={
            "recipient": recipient.name,
            "status_code": message.status_code,
            "status": recipient.status,
        },
    )


def _recall_targets(message: StatusMessage):
    from chinhquyen.directory.models import Organisation

    # A recall request is addressed to whoever holds the document: every organisation here
    # with a copy of it from this sender.
    ids = IncomingDocument.objects.filter(
        exchange_document_id=message.response_for.document_id,
        issuer_code=message.sender.organ_id,
    ).values_list("organisation_id", flat=True)
    organisations = list(Organisation.objects.filter(pk__in=set(ids)))
    if not organisations:
        raise e.PackageRefused(
            _("The recalled document %(document_id)s has not arrived here."),
            code=e.UNKNOWN_DOCUMENT,
            status=404,
            document_id=message.response_for.document_id,
        )
    return organisations
