"""Numbering, signing and issuing an approved outgoing document (Decree 30/2020 Arts. 14–18, 32).

1. ``number_document`` — the clerk (văn thư, ``documents.number_outgoingdocument``) takes the
   next number of the right book (``numbering.book_for``: organisation, outgoing, type,
   secrecy), writes the notation (``QĐ-UBND``; ``UBND-VP`` for a công văn) and the date →
   NUMBERED. Then ``render_final`` writes number and date into the last approved version and
   makes the final PDF with LibreOffice (outside the numbering transaction, so the book is not
   locked for seconds); if that fails the document stays numbered and the clerk retries.
2. ``sign_as_signer`` — the designated signer signs the final PDF with their personal key
   (signing places it in the signer block) → SIGNED.
3. ``seal_and_issue`` — the clerk applies the organisation's signature (only after the
   competent person signed, Art. 32(2)(c)–(d)), and in the same transaction the document is
   ISSUED and distributed (``services.distribution``).

Signing never pretends: no key, an expired certificate, a wrong PIN — ``SigningError`` with a
bilingual message, and nothing changes.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chinhquyen.audit.services import audited_atomic
from chinhquyen.documents.choices import BookDirection, EventType, FileKind, OutgoingStatus
from chinhquyen.documents.errors import DocumentError
from chinhquyen.documents.models import DocumentFile, OutgoingDocument
from chinhquyen.documents.services import convert, numbering
from chinhquyen.documents.services.access import holds
from chinhquyen.documents.services.drafting import (
    date_line,
    fill_marks,
    latest_version,
    lock,
    notation_for,
    record,
    require_status,
    sha256,
)
from chinhquyen.documents.services.search import reindex

NUMBER_PERM = "documents.number_outgoingdocument"
ISSUE_PERM = "documents.issue_outgoingdocument"
APPROVE_PERM = "documents.approve_outgoingdocument"


def latest_file(document: OutgoingDocument, kind: str) -> DocumentFile | None:
    return document.files.filter(kind=kind).order_by("-pk").first()


def _store_file(
    document: OutgoingDocument, *, kind: str, data: bytes, name: str, acting_user
) -> DocumentFile:
    from chinhquyen.documents.choices import TextStatus
    from chinhquyen.documents.services.distribution import pdf_text

    text = pdf_text(data)  # a born-digital PDF: its own text, no OCR needed
    row = DocumentFile(
        outgoing=document,
        kind=kind,
        name=name,
        content_type="application/pdf",
        size=len(data),
        sha256=sha256(data),
        text=text,
        text_status=TextStatus.EXTRACTED if text else TextStatus.FAILED,
        created_by=acting_user,
    )
    row.file.save(name, ContentFile(data), save=False)
    row.save()
    return row


def _file_stem(document: OutgoingDocument) -> str:
    return f"{document.number:02d}-{document.notation}".replace("/", "-")


def number_document(
    document: OutgoingDocument, acting_user, *, issued_date: datetime.date | None = None
) -> OutgoingDocument:
    """Give the approved document its number, notation and date (cấp số) → NUMBERED."""
    require_status(document, OutgoingStatus.APPROVED)
    if not holds(acting_user, NUMBER_PERM, document.organisation):
        raise PermissionDenied
    issued_date = issued_date or timezone.localdate()
    with audited_atomic():
        locked = lock(document)
        require_status(locked, OutgoingStatus.APPROVED)
        book = numbering.book_for(
            locked.organisation,
            BookDirection.OUTGOING,
            year=issued_date.year,
            document_type=locked.document_type,
            secret=locked.is_secret,
            acting_user=acting_user,
        )
        taken = numbering.take_number(book, acting_user=acting_user)
        locked.book = book
        locked.number = taken.number
        locked.notation = notation_for(locked)
        locked.issued_date = issued_date
        locked.numbered_at = timezone.now()
        locked.status = OutgoingStatus.NUMBERED
        locked.save(
            update_fields=[
                "book",
                "number",
                "notation",
                "issued_date",
                "numbered_at",
                "status",
                "updated_at",
            ]
        )
        record(
            locked,
            EventType.NUMBERED,
            actor=acting_user,
            action="documents.number_document",
            details={
                "book": book.pk,
                "number": locked.number,
                "code": locked.code,
                "issued_date": issued_date.isoformat(),
            },
        )
        reindex(locked)
    document.refresh_from_db()
    render_final(document, acting_user)
    return document


def render_final(document: OutgoingDocument, acting_user) -> DocumentFile:
    """The final PDF: the last approved version with its number and date written in (MAIN).

    Called by ``number_document``; call it again when LibreOffice failed the first time.
    """
    require_status(document, OutgoingStatus.NUMBERED)
    if not holds(acting_user, NUMBER_PERM, document.organisation):
        raise PermissionDenied
    version = latest_version(document)
    if version is None:  # pragma: no cover - a reviewed draft has a version
        raise DocumentError(_("The document has no version."), code="no_version")
    with version.docx.open("rb") as handle:
        docx = handle.read()
    final_docx = fill_marks(
        docx, number=f"{document.number:02d}", date=date_line(document.issued_date)
    )
    pdf = convert.docx_to_pdf(final_docx)
    with audited_atomic():
        locked = lock(document)
        require_status(locked, OutgoingStatus.NUMBERED)
        row = _store_file(
            locked,
            kind=FileKind.MAIN,
            data=pdf,
            name=f"{_file_stem(locked)}.pdf",
            acting_user=acting_user,
        )
        pages = convert.page_count(pdf)
        if pages:
            OutgoingDocument.objects.filter(pk=locked.pk).update(page_count=pages)
        reindex(locked)
        record(
            locked,
            EventType.VERSION_ADDED,
            actor=acting_user,
            action="documents.render_final",
            note="Bản cuối có số và ngày",
            details={"version": version.number, "file": row.pk, "sha256": row.sha256},
        )
    return row


def final_pdf(document: OutgoingDocument) -> bytes:
    row = latest_file(document, FileKind.MAIN)
    if row is None:
        raise DocumentError(
            _("The final PDF with the number has not been made yet; make it again."),
            code="final_pdf_missing",
        )
    with row.file.open("rb") as handle:
        return handle.read()


def signed_pdf(document: OutgoingDocument) -> bytes:
    row = latest_file(document, FileKind.SIGNED)
    if row is None:
        raise DocumentError(_("The document has not been signed."), code="not_signed")
    with row.file.open("rb") as handle:
        return handle.read()


def may_sign(document: OutgoingDocument, user) -> bool:
    return (
        document.signer is not None
        and document.signer.user_id == user.pk
        and holds(user, APPROVE_PERM, document.organisation)
    )


def sign_as_signer(
    document: OutgoingDocument, acting_user, *, pin: str | None = None
) -> DocumentFile:
    """The competent person signs the numbered document with their personal key → SIGNED."""
    from chinhquyen.signing.services import sign_pdf

    require_status(document, OutgoingStatus.NUMBERED)
    if not may_sign(document, acting_user):
        raise PermissionDenied
    pdf = final_pdf(document)
    signed = sign_pdf(pdf, signer=acting_user, role="personal", pin=pin, acting_user=acting_user)
    with audited_atomic():
        locked = lock(document)
        require_status(locked, OutgoingStatus.NUMBERED)
        row = _store_file(
            locked,
            kind=FileKind.SIGNED,
            data=signed,
            name=f"{_file_stem(locked)}-ky.pdf",
            acting_user=acting_user,
        )
        locked.status = OutgoingStatus.SIGNED
        locked.save(update_fields=["status", "updated_at"])
        record(
            locked,
            EventType.SIGNED,
            actor=acting_user,
            action="documents.sign_outgoing",
            details={"role": "personal", "file": row.pk, "sha256": row.sha256},
        )
    document.refresh_from_db()
    return row


def may_issue(document: OutgoingDocument, user) -> bool:
    return holds(user, ISSUE_PERM, document.organisation)


def _seal_image(organisation) -> bytes | None:
    """The organisation's seal (red PNG) when its key has one: on the main document the seal goes
    over the left third of the leader's signature (Appendix I §II); without one, the text stamp
    with number and time at the top right."""
    from chinhquyen.signing.errors import NoSigningKeyError
    from chinhquyen.signing.services import resolve_signing_key

    try:
        key = resolve_signing_key(organisation, "organisation")
    except NoSigningKeyError:
        return None  # sign_pdf refuses with the full message
    return bytes(key.appearance_image) if key.appearance_image else None


def seal_and_issue(document: OutgoingDocument, acting_user) -> DocumentFile:
    """The clerk applies the organisation's signature and issues (ban hành) → ISSUED, and the
    document is distributed to its recipients in the same transaction."""
    from chinhquyen.documents.services.distribution import distribute
    from chinhquyen.signing.appearance import Appearance
    from chinhquyen.signing.services import sign_pdf

    require_status(document, OutgoingStatus.SIGNED)
    if not may_issue(document, acting_user):
        raise PermissionDenied
    pdf = signed_pdf(document)
    signed = sign_pdf(
        pdf,
        signer=document.organisation,
        role="organisation",
        appearance=Appearance(
            document_number=f"Số: {document.code}", image=_seal_image(document.organisation)
        ),
        acting_user=acting_user,
    )
    with audited_atomic():
        locked = lock(document)
        require_status(locked, OutgoingStatus.SIGNED)
        row = _store_file(
            locked,
            kind=FileKind.SIGNED,
            data=signed,
            name=f"{_file_stem(locked)}.pdf",
            acting_user=acting_user,
        )
        record(
            locked,
            EventType.SIGNED,
            actor=acting_user,
            action="documents.seal_outgoing",
            details={"role": "organisation", "file": row.pk, "sha256": row.sha256},
        )
        locked.status = OutgoingStatus.ISSUED
        locked.issued_at = timezone.now()
        locked.save(update_fields=["status", "issued_at", "updated_at"])
        record(
            locked,
            EventType.ISSUED,
            actor=acting_user,
            action="documents.issue_outgoing",
            details={"code": locked.code, "file": row.pk},
        )
        distribute(locked, signed_file=row, data=signed, acting_user=acting_user)
    document.refresh_from_db()
    return row
