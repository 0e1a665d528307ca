"""From the documents app to edXML content and back (metadata of Decree 30/2020 Appendix VI).

* :func:`document_package` — an issued ``OutgoingDocument`` and one ``Recipient`` → the typed
  :class:`~chinhquyen.exchange.edxml.model.DocumentPackage` (not yet signed): the sealed PDF
  (latest ``SIGNED`` file) first, then the appendices, read from storage and checked against
  their stored SHA-256.
* :func:`incoming_fields` — a parsed package → the fields of an ``IncomingDocument``.
* :func:`organ` — an ``Organisation`` as ``From``/``To``.
"""

from __future__ import annotations

import datetime
import hashlib

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chinhquyen.exchange.edxml import conf
from chinhquyen.exchange.edxml import errors as e
from chinhquyen.exchange.edxml.formats import document_id as make_document_id
from chinhquyen.exchange.edxml.model import (
    Attachment,
    Business,
    DocumentPackage,
    MessageHeader,
    Organ,
    OtherInfo,
    ResponseFor,
    SignerInfo,
    StaffInfo,
    TraceHeader,
)

NEW_REASON = "Văn bản điện tử mới"
BUSINESS_REASONS = {
    "new": NEW_REASON,
    "revoke": "Thu hồi văn bản điện tử",
    "update": "Cập nhật văn bản điện tử",
    "replace": "Thay thế văn bản điện tử",
}


def organ(organisation) -> Organ:
    """``From``/``To`` of an organisation on this platform (its QCVN 102 code as OrganId)."""
    parent = type(organisation).objects.get_parent(organisation)
    return Organ(
        organ_id=organisation.qcvn_code or "",
        organ_name=organisation.name,
        organization_in_charge=parent.name if parent is not None else "",
        organ_add=organisation.address,
        email=organisation.email,
        telephone=organisation.phone,
    )


def outgoing_document_id(document) -> str:
    return make_document_id(
        document.organisation.qcvn_code or "", promulgation_date(document), document.code
    )


def promulgation_date(document) -> datetime.date:
    if document.issued_date:
        return document.issued_date
    if document.issued_at:
        return timezone.localdate(document.issued_at)
    return timezone.localdate()


def _check_sendable(document, recipient) -> None:
    from chinhquyen.documents.choices import OutgoingStatus, RecipientChannel, Secrecy

    if recipient.channel != RecipientChannel.EXCHANGE or not recipient.external_code:
        raise e.ExchangeError(
            _("The recipient %(name)s is not an exchange recipient with an identifier."),
            code=e.NOT_EXCHANGE_RECIPIENT,
            status=409,
            name=recipient.name,
        )
    if document.secrecy != Secrecy.NONE:
        # State secrets are not sent over the document exchange (law on state secrets).
        raise e.ExchangeError(
            _("A secret document is never sent through the electronic document exchange."),
            code=e.SECRET_DOCUMENT,
            status=409,
        )
    if document.status not in (
        OutgoingStatus.SIGNED,
        OutgoingStatus.ISSUED,
        OutgoingStatus.RECALLED,
    ):
        raise e.ExchangeError(
            _("Only a signed and issued document can be sent by the exchange."),
            code=e.DOCUMENT_NOT_READY,
            status=409,
        )
    if document.number is None or not document.organisation.qcvn_code:
        raise e.ExchangeError(
            _(
                "The document has no number, or its organisation has no QCVN 102 identifier: "
                "it cannot be sent by the exchange."
            ),
            code=e.DOCUMENT_NOT_READY,
            status=409,
        )


def _read(row) -> bytes:
    with row.file.open("rb") as handle:
        data = handle.read()
    if row.sha256 and hashlib.sha256(data).hexdigest() != row.sha256:
        raise e.ExchangeError(
            _("The stored file %(name)s does not match its recorded SHA-256: nothing was sent."),
            code=e.DOCUMENT_NOT_READY,
            status=409,
            name=row.name,
        )
    return data


def attachments(document) -> list[Attachment]:
    """The sealed PDF (or the main document) first, then the appendices."""
    from chinhquyen.documents.choices import FileKind

    main = (
        document.files.filter(kind=FileKind.SIGNED).order_by("-pk").first()
        or document.files.filter(kind=FileKind.MAIN).order_by("-pk").first()
    )
    if main is None:
        raise e.ExchangeError(
            _("The document has no signed PDF to send."),
            code=e.DOCUMENT_NOT_READY,
            status=409,
        )
    rows = [main, *document.files.filter(kind=FileKind.APPENDIX).order_by("pk")]
    result = []
    for index, row in enumerate(rows, start=1):
        data = _read(row)
        digest = hashlib.sha256(data).hexdigest()
        result.append(
            Attachment(
                name=row.name,
                content_type=row.content_type or "application/octet-stream",
                data=data,
                content_id=f"{index:02d}.{digest[:16]}@chinhquyen",
                description="Văn bản chính" if index == 1 else "Phụ lục",
            )
        )
    return result


def _competence(document) -> str:
    if not document.signer_competence:
        return ""
    return f"{document.signer_competence} {document.organisation.name}"


def _response_for(document) -> list[ResponseFor]:
    reply_to = document.reply_to
    if reply_to is None or not reply_to.exchange_document_id:
        return []
    return [
        ResponseFor(
            organ_id=reply_to.issuer_code,
            code=reply_to.code,
            promulgation_date=reply_to.issued_date,
            document_id=reply_to.exchange_document_id,
        )
    ]


def document_package(
    recipient,
    *,
    kind: str = "new",
    reason: str = "",
    related_document_ids: list[str] | None = None,
    at: datetime.datetime | None = None,
) -> DocumentPackage:
    """The (unsigned) package carrying ``recipient.document`` to ``recipient``.

    ``kind``: ``new`` (default), ``revoke``, ``update`` or ``replace`` (``BussinessDocType`` from
    ``EDXML_BUSINESS_DOC_TYPES``).
    """
    document = recipient.document
    _check_sendable(document, recipient)
    types = conf.business_doc_types()
    if kind not in types:
        raise ValueError(f"unknown package kind {kind!r}")
    sender = organ(document.organisation)
    everyone = [r.name for r in document.recipients.all()]
    files = attachments(document)
    creator = document.created_by
    issued_at = at or document.issued_at or timezone.now()
    header = MessageHeader(
        sender=sender,
        to=[Organ(organ_id=recipient.external_code, organ_name=recipient.name)],
        code_number=f"{document.number:02d}",
        code_notation=document.notation,
        place=document.place,
        promulgation_date=promulgation_date(document),
        document_type=conf.document_type_codes().get(document.document_type.code, ""),
        type_name=document.document_type.name,
        subject=document.subject,
        signer=SignerInfo(
            competence=_competence(document),
            position=document.signer_position,
            full_name=document.signer_name,
        ),
        due_date=document.due_date,
        to_places=everyone,
        other=OtherInfo(
            priority=conf.priority_codes().get(document.urgency, "0"),
            promulgation_amount=document.copies,
            page_amount=document.page_count,
            appendixes=[a.name for a in files[1:]],
        ),
        response_for=_response_for(document),
        steering_type=conf.steering_type(),
        document_id=outgoing_document_id(document),
    )
    business = Business(
        doc_type=types[kind],
        reason=reason or BUSINESS_REASONS.get(kind, NEW_REASON),
        kind=kind,
        staff=StaffInfo(
            department=document.drafting_unit.name,
            staff=getattr(creator, "full_name", "") or str(creator or ""),
            email=getattr(creator, "email", "") or "",
        ),
        related_document_ids=list(related_document_ids or []),
    )
    return DocumentPackage(
        header=header,
        traces=[TraceHeader(organ_id=sender.organ_id, timestamp=issued_at)],
        business=business,
        attachments=files,
    )


# --- incoming ---------------------------------------------------------------------------


def urgency_for(priority: str) -> str:
    from chinhquyen.documents.choices import Urgency

    by_code = {code: urgency for urgency, code in conf.priority_codes().items()}
    return by_code.get((priority or "").strip(), Urgency.NORMAL)


def document_type_for(header: MessageHeader, on: datetime.date):
    """The DocumentType in force on ``on``: by Type code, else by TypeName, else the fallback."""
    from django.db.models import Q

    from chinhquyen.documents.models import DocumentType

    in_force = DocumentType.objects.filter(valid_from__lte=on).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=on)
    )
    by_code = {code: slug for slug, code in conf.document_type_codes().items()}
    slug = by_code.get(header.document_type)
    found = None
    if header.type_name:
        found = in_force.filter(name__iexact=header.type_name).order_by("-valid_from").first()
    if found is None and slug:
        found = in_force.filter(code=slug).order_by("-valid_from").first()
    if found is None:
        found = in_force.filter(code=conf.fallback_document_type()).order_by("-valid_from").first()
    if found is None:
        raise e.PackageRefused(
            _("No document type is configured for %(name)s."),
            code=e.INVALID_FIELD,
            field="DocumentType",
            name=header.type_name or header.document_type,
        )
    return found


def incoming_fields(package: DocumentPackage, organisation) -> dict:
    """Fields of the ``IncomingDocument`` a package becomes in ``organisation``'s queue."""
    from chinhquyen.directory.models import Organisation

    h = package.header
    issuer = Organisation.objects.filter(qcvn_code=h.sender.organ_id).first()
    return {
        "organisation": organisation,
        "issuer_name": (h.sender.organ_name or h.sender.organ_id)[:200],
        "issuer_code": h.sender.organ_id,
        "issuer": issuer,
        "number": h.code_number,
        "notation": h.code_notation,
        "issued_date": h.promulgation_date,
        "subject": h.subject,
        "document_type": document_type_for(h, h.promulgation_date),
        "signer_position": h.signer.position,
        "signer_name": h.signer.full_name,
        "urgency": urgency_for(h.other.priority),
        "page_count": h.other.page_amount,
        "due_date": h.due_date,
        "to_places": "; ".join(h.to_places)[:1000],
        "exchange_document_id": h.document_id,
    }
