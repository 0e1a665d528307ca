"""Drafting outgoing documents (soạn thảo văn bản đi): the first version from the Word
template, edited versions uploaded by the specialist, and comments.

Every version is a .docx that still holds the two places filled only at numbering —
``[[SO_VB]]`` (the number) and ``[[NGAY_VB]]`` (the date, "ngày 05 tháng 02 năm 2026") — and
its PDF rendering (LibreOffice) with those places blank. The first version is made with
docxtpl from ``documents/docx/outgoing.docx`` (Decree 30/2020 Appendix I). LibreOffice runs
*before* the database transaction, so a slow conversion never holds a lock.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import re
import unicodedata
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chinhquyen.audit.services import audited_atomic, log_action
from chinhquyen.documents.choices import (
    EventType,
    OutgoingStatus,
    RecipientChannel,
    Secrecy,
    SignerCompetence,
    Urgency,
)
from chinhquyen.documents.errors import DocumentError, InvalidTransition, UploadRefused
from chinhquyen.documents.models import (
    DocumentEvent,
    DraftComment,
    DraftVersion,
    OutgoingDocument,
    Recipient,
)
from chinhquyen.documents.services import convert
from chinhquyen.documents.services.access import holds
from chinhquyen.documents.services.search import reindex

NUMBER_MARK = "[[SO_VB]]"
DATE_MARK = "[[NGAY_VB]]"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
DRAFT_PERM = "documents.add_outgoingdocument"
EDIT_PERM = "documents.change_outgoingdocument"

URGENCY_MARKS = {
    Urgency.URGENT: "KHẨN",
    Urgency.VERY_URGENT: "THƯỢNG KHẨN",
    Urgency.FLASH: "HỎA TỐC",
}
SECRECY_MARKS = {
    Secrecy.CONFIDENTIAL: "MẬT",
    Secrecy.SECRET: "TỐI MẬT",
    Secrecy.TOP_SECRET: "TUYỆT MẬT",
}
# The head of an organisation, for "KT. GIÁM ĐỐC", "TL. CHỦ TỊCH" (by organisation kind).
HEAD_TITLES = {
    "peoples_committee": "CHỦ TỊCH",
    "commune_committee": "CHỦ TỊCH",
    "district_committee": "CHỦ TỊCH",
    "department": "GIÁM ĐỐC",
    "office": "CHÁNH VĂN PHÒNG",
    "division": "TRƯỞNG PHÒNG",
    "public_service_unit": "GIÁM ĐỐC",
}


@dataclass(frozen=True)
class RecipientInput:
    """One recipient (nơi nhận): an agency on the platform, or a name with its identifier."""

    name: str = ""
    organisation: object | None = None  # directory.Organisation on this platform
    external_code: str = ""  # QCVN 102 identifier of an agency outside the platform
    channel: str = ""  # default: internal with an organisation, exchange with a code, else post
    for_information: bool = False

    def resolved_channel(self) -> str:
        if self.channel:
            return self.channel
        if self.organisation is not None:
            return RecipientChannel.INTERNAL
        if self.external_code:
            return RecipientChannel.EXCHANGE
        return RecipientChannel.POST


# --- small helpers shared by the outgoing services ---------------------------------------


def record(
    document: OutgoingDocument,
    event_type: str,
    *,
    actor,
    action: str,
    note: str = "",
    details: dict | None = None,
) -> DocumentEvent:
    """A timeline row and the audit entry of one step (call inside the step's transaction)."""
    details = details or {}
    event = DocumentEvent.objects.create(
        outgoing=document, type=event_type, actor=actor, note=note, details=details
    )
    log_action(action, target=document, actor=actor, details={"status": document.status, **details})
    return event


def lock(document: OutgoingDocument) -> OutgoingDocument:
    """Re-read the document under a row lock (call inside a transaction)."""
    return (
        OutgoingDocument.objects.select_for_update(of=("self",))
        .select_related("organisation", "drafting_unit", "document_type", "signer")
        .get(pk=document.pk)
    )


def require_status(document: OutgoingDocument, *statuses: str) -> None:
    if document.status not in statuses:
        raise InvalidTransition(
            _("Not possible now: the document is “%(status)s”."),
            status=document.get_status_display(),
        )


def abbreviation(organisation) -> str:
    """The organisation's abbreviation for notations: its short name in capitals, no spaces;
    else the initials of its name without diacritics ("Sở Tư pháp" → "STP", Đ kept)."""
    short = re.sub(r"\s+", "", organisation.short_name or "").upper()
    if short:
        return short
    initials = []
    for word in re.split(r"\s+", organisation.name.strip()):
        if not word:
            continue
        letter = word[0].upper()
        if letter != "Đ":
            letter = unicodedata.normalize("NFD", letter)[0]
        if letter.isalnum():
            initials.append(letter)
    return "".join(initials)


def notation_for(document: OutgoingDocument) -> str:
    """Ký hiệu (Appendix I §I.3): type + agency, ``QĐ-UBND``; for a công văn agency + drafting
    unit, ``UBND-VP`` (capitals, no spaces)."""
    agency = abbreviation(document.organisation)
    if document.document_type.is_official_letter or not document.document_type.abbreviation:
        unit = (
            abbreviation(document.drafting_unit)
            if document.drafting_unit_id != document.organisation_id
            else ""
        )
        return "-".join(part for part in (agency, unit) if part)
    return f"{document.document_type.abbreviation.upper()}-{agency}"


def date_line(day: datetime.date | None, *, year: int | None = None) -> str:
    """ "ngày 05 tháng 02 năm 2026": a leading zero for days below 10 and months 1 and 2."""
    if day is None:
        return f"ngày      tháng      năm {year or timezone.localdate().year}"
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def _clean(text: str) -> str:
    return text.replace(NUMBER_MARK, "").replace(DATE_MARK, "").strip()


def _head_title(organisation) -> str:
    return HEAD_TITLES.get(organisation.kind, "THỦ TRƯỞNG CƠ QUAN")


def signer_lines(document: OutgoingDocument) -> tuple[str, str]:
    """(competence line, position line) of the signer block (Art. 13): "KT. GIÁM ĐỐC" /
    "PHÓ GIÁM ĐỐC"; "TM. ỦY BAN NHÂN DÂN" / "CHỦ TỊCH"; a direct signature has one line."""
    position = (document.signer_position or "").upper()
    competence = document.signer_competence
    if competence == SignerCompetence.ON_BEHALF:
        collective = re.sub(
            r"\s+(TỈNH|HUYỆN|XÃ|PHƯỜNG)\b.*$", "", document.organisation.name.upper()
        )
        return f"TM. {collective}", position
    if competence == SignerCompetence.ACTING:
        return "", f"Q. {position}"
    if competence:
        return f"{competence} {_head_title(document.organisation)}", position
    return "", position


def template_context(document: OutgoingDocument, recipients: list[Recipient]) -> dict:
    organisation = document.organisation
    parent = type(organisation).objects.get_parent(organisation)
    addressed = [r.name for r in recipients if not r.for_information]
    informed = [r.name for r in recipients if r.for_information]
    if document.document_type.is_official_letter:
        lines = (["Như trên"] if addressed else []) + informed
    else:
        lines = addressed + informed
    competence_line, position_line = signer_lines(document)
    marks = [m for m in (SECRECY_MARKS.get(document.secrecy), URGENCY_MARKS.get(document.urgency))]
    return {
        "superior_name": parent.name.upper() if parent is not None else "",
        "agency_name": organisation.name.upper(),
        "notation": notation_for(document),
        "is_official_letter": document.document_type.is_official_letter,
        "subject": _clean(document.subject),
        "type_name": document.document_type.name.upper(),
        "marks": [m for m in marks if m],
        "place": _clean(document.place) or "…",
        "addressees": "; ".join(_clean(name) for name in addressed) or "…",
        "paragraphs": [_clean(line) for line in (document.body or "").splitlines() if _clean(line)],
        "recipient_lines": [_clean(name) for name in lines],
        "unit_abbreviation": abbreviation(document.drafting_unit),
        "competence_line": competence_line,
        "position_line": position_line,
        "signer_name": _clean(document.signer_name),
    }


def render_template(context: dict) -> bytes:
    """The first version's .docx from the Appendix I template (places for number and date kept)."""
    from docxtpl import DocxTemplate
    from jinja2.sandbox import SandboxedEnvironment

    from chinhquyen.documents.docx import TEMPLATE_PATH

    template = DocxTemplate(str(TEMPLATE_PATH))
    template.render(context, jinja_env=SandboxedEnvironment(), autoescape=True)
    out = io.BytesIO()
    template.save(out)
    return out.getvalue()


def _paragraphs(document):
    """Every paragraph of a python-docx document: body, tables (nested), headers, footers."""

    def walk(container):
        yield from container.paragraphs
        for table in getattr(container, "tables", ()):
            for row in table.rows:
                for cell in row.cells:
                    yield from walk(cell)

    yield from walk(document)
    for section in document.sections:
        for part in (section.header, section.first_page_header, section.footer):
            yield from walk(part)


def marks_in(docx: bytes) -> set[str]:
    from docx import Document

    found = set()
    for paragraph in _paragraphs(Document(io.BytesIO(docx))):
        for mark in (NUMBER_MARK, DATE_MARK):
            if mark in paragraph.text:
                found.add(mark)
    return found


def fill_marks(docx: bytes, *, number: str, date: str) -> bytes:
    """Put the number and the date line in their places (even when Word split the runs)."""
    from docx import Document

    document = Document(io.BytesIO(docx))
    values = {NUMBER_MARK: number, DATE_MARK: date}
    for paragraph in _paragraphs(document):
        if not any(mark in paragraph.text for mark in values):
            continue
        runs = paragraph.runs
        done = False
        for run in runs:
            if any(mark in run.text for mark in values):
                for mark, value in values.items():
                    run.text = run.text.replace(mark, value)
                done = True
        if done and not any(mark in paragraph.text for mark in values):
            continue
        # A mark split over runs: the paragraph's text goes into its first run.
        text = paragraph.text
        for mark, value in values.items():
            text = text.replace(mark, value)
        runs[0].text = text
        for run in runs[1:]:
            run.text = ""
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def preview_pdf(docx: bytes, *, year: int | None = None) -> bytes:
    """The PDF of a draft version: number and date left blank, as on a draft on paper."""
    return convert.docx_to_pdf(fill_marks(docx, number="      ", date=date_line(None, year=year)))


def _store_version(
    document: OutgoingDocument, *, docx: bytes, pdf: bytes, note: str, acting_user
) -> DraftVersion:
    number = (document.versions.aggregate(top=Max("number"))["top"] or 0) + 1
    version = DraftVersion(
        document=document, number=number, note=note[:300], created_by=acting_user
    )
    stem = f"vb-di-{document.pk}-v{number}"
    version.docx.save(f"{stem}.docx", ContentFile(docx), save=False)
    version.pdf.save(f"{stem}.pdf", ContentFile(pdf), save=False)
    version.save()
    pages = convert.page_count(pdf)
    if pages:
        OutgoingDocument.objects.filter(pk=document.pk).update(page_count=pages)
        document.page_count = pages
    return version


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# --- services ------------------------------------------------------------------------------


def _check_choices(*, signer_competence: str, urgency: str, secrecy: str) -> None:
    for value, allowed, field in (
        (signer_competence, SignerCompetence.values, "signer_competence"),
        (urgency, Urgency.values, "urgency"),
        (secrecy, Secrecy.values, "secrecy"),
    ):
        if value not in allowed:
            raise DocumentError(
                _("“%(value)s” is not a valid choice."), code="bad_choice", field=field, value=value
            )


def _check_inputs(*, organisation, drafting_unit, document_type, subject, signer, recipients):
    if not subject or not subject.strip():
        raise DocumentError(
            _("Write the summary (trích yếu)."), code="subject_required", field="subject"
        )
    if not drafting_unit.path.startswith(organisation.path):
        raise DocumentError(
            _("The drafting unit must belong to the issuing organisation."),
            code="unit_outside_organisation",
            field="drafting_unit",
        )
    if signer is None:
        raise DocumentError(
            _("Choose who signs the document."), code="signer_required", field="signer"
        )
    if not signer.organisation.path.startswith(organisation.path):
        raise DocumentError(
            _("The signer must be an official of the issuing organisation."),
            code="signer_outside_organisation",
            field="signer",
        )
    if not recipients:
        raise DocumentError(
            _("Name at least one recipient (nơi nhận)."),
            code="recipients_required",
            field="recipients",
        )
    seen = set()
    for item in recipients:
        channel = item.resolved_channel()
        if channel not in RecipientChannel.values or (
            channel == RecipientChannel.INTERNAL and item.organisation is None
        ):
            raise DocumentError(
                _("An agency on this platform must be chosen from the list."),
                code="recipient_channel",
                field="recipients",
            )
        if channel == RecipientChannel.EXCHANGE and not (
            item.external_code or getattr(item.organisation, "qcvn_code", "")
        ):
            raise DocumentError(
                _("%(name)s has no identifier for the exchange: send it by post."),
                code="recipient_code",
                field="recipients",
                name=item.name or str(item.organisation),
            )
        if item.organisation is not None:
            if item.organisation.pk == organisation.pk:
                raise DocumentError(
                    _("The issuing organisation cannot be its own recipient."),
                    code="self_recipient",
                    field="recipients",
                )
            if item.organisation.pk in seen:
                raise DocumentError(
                    _("%(name)s is named twice among the recipients."),
                    code="duplicate_recipient",
                    field="recipients",
                    name=item.organisation.name,
                )
            seen.add(item.organisation.pk)
        elif not (item.name or "").strip():
            raise DocumentError(
                _("Every recipient needs a name."), code="recipient_name", field="recipients"
            )
    del document_type


def create_draft(
    *,
    organisation,
    drafting_unit,
    document_type,
    subject: str,
    body: str,
    recipients: list[RecipientInput],
    signer,
    signer_competence: str = "",
    urgency: str = Urgency.NORMAL,
    secrecy: str = Secrecy.NONE,
    reply_to=None,
    place: str = "",
    due_date: datetime.date | None = None,
    acting_user,
) -> OutgoingDocument:
    """A new draft (dự thảo) with its first version made from the Appendix I template.

    ``signer``: the Official who will sign; ``signer_competence``: "" or TM./Q./KT./TL./TUQ.
    A ``due_date`` on a non-working day is moved to the next working day; the DRAFTED event's
    note says so (``drafted_note``).
    """
    if not holds(acting_user, DRAFT_PERM, drafting_unit):
        raise PermissionDenied
    _check_inputs(
        organisation=organisation,
        drafting_unit=drafting_unit,
        document_type=document_type,
        subject=subject,
        signer=signer,
        recipients=recipients,
    )
    _check_choices(signer_competence=signer_competence, urgency=urgency, secrecy=secrecy)
    if reply_to is not None and reply_to.organisation_id != organisation.pk:
        raise DocumentError(
            _("A reply answers a document received by the same organisation."),
            code="reply_outside_organisation",
            field="reply_to",
        )
    # A reply due on a non-working day moves to the next working day, and the timeline says so.
    from chinhquyen.documents.services.incoming import working_due_date

    due_date, due_moved = working_due_date(due_date)
    document = OutgoingDocument(
        organisation=organisation,
        drafting_unit=drafting_unit,
        document_type=document_type,
        subject=subject.strip(),
        body=body.strip(),
        signer=signer,
        signer_name=signer.full_name,
        signer_position=signer.position,
        signer_competence=signer_competence,
        urgency=urgency,
        secrecy=secrecy,
        reply_to=reply_to,
        due_date=due_date,
        place=(place or default_place(organisation)).strip(),
        created_by=acting_user,
    )
    rows = [
        Recipient(
            name=(item.name or (item.organisation.name if item.organisation else "")).strip(),
            organisation=item.organisation,
            external_code=item.external_code.strip()
            or (getattr(item.organisation, "qcvn_code", "") or ""),
            channel=item.resolved_channel(),
            for_information=item.for_information,
        )
        for item in recipients
    ]
    docx = render_template(template_context(document, rows))
    pdf = preview_pdf(docx)  # LibreOffice, before any lock is taken
    with audited_atomic():
        document.save()
        for row in rows:
            row.document = document
        Recipient.objects.bulk_create(rows)
        version = _store_version(
            document, docx=docx, pdf=pdf, note="Bản đầu tiên từ mẫu", acting_user=acting_user
        )
        record(
            document,
            EventType.DRAFTED,
            actor=acting_user,
            action="documents.create_draft",
            note=due_moved or "",
            details={"version": version.number, "recipients": len(rows)},
        )
        reindex(document)
    document.drafted_note = due_moved or ""
    return document


def issuing_organisation(unit):
    """The agency that issues what ``unit`` drafts: the unit itself, or for a division (phòng)
    the nearest ancestor that is not one."""
    node = unit
    while node is not None and node.kind == "division":
        parent = type(node).objects.get_parent(node)
        if parent is None:
            break
        node = parent
    return node or unit


def default_place(organisation) -> str:
    """Địa danh: the province (or commune) the organisation is in, from its administrative
    unit or the nearest ancestor's, without "Tỉnh"/"Thành phố"/"Xã"/"Phường"."""
    node = organisation
    while node is not None:
        unit = getattr(node, "administrative_unit", None)
        if unit is not None:
            return re.sub(r"^(Tỉnh|Thành phố|Xã|Phường|Đặc khu)\s+", "", unit.name)
        node = type(node).objects.get_parent(node)
    return ""


def may_edit(document: OutgoingDocument, user) -> bool:
    """The author or a holder of ``change_outgoingdocument`` for the drafting unit, in DRAFT;
    the reviewer whose turn it is, in review."""
    if document.status == OutgoingStatus.DRAFT:
        return document.created_by_id == user.pk or holds(user, EDIT_PERM, document.drafting_unit)
    if document.status == OutgoingStatus.IN_REVIEW:
        from chinhquyen.documents.services.review import current_step

        step = current_step(document)
        return step is not None and step.reviewer_id == user.pk
    return False


def add_version(document: OutgoingDocument, docx_upload, note: str, acting_user) -> DraftVersion:
    """A new version from an edited .docx (checked by its content to be a real Word file that
    keeps the places of the number and the date) with its PDF."""
    require_status(document, OutgoingStatus.DRAFT, OutgoingStatus.IN_REVIEW)
    if not may_edit(document, acting_user):
        raise PermissionDenied
    from chinhquyen.dossiers.exceptions import UploadRefused as DossierUploadRefused
    from chinhquyen.dossiers.uploads import check_upload

    try:
        checked = check_upload(docx_upload, label="docx")
    except DossierUploadRefused as exc:
        raise UploadRefused(exc.message, code=exc.code, field="docx") from exc
    if checked.content_type != DOCX_TYPE:
        raise UploadRefused(
            _("“%(name)s” is not a Word (.docx) file; its content was checked, not its name."),
            code="not_docx",
            field="docx",
            name=checked.name,
        )
    try:
        found = marks_in(checked.content)
    except Exception as exc:  # noqa: BLE001 (a damaged file is the user's, not a crash)
        raise UploadRefused(
            _("“%(name)s” cannot be opened as a Word document."),
            code="bad_docx",
            field="docx",
            name=checked.name,
        ) from exc
    missing = {NUMBER_MARK, DATE_MARK} - found
    if missing:
        raise UploadRefused(
            _(
                "Keep %(marks)s in the Word file: the number and the date are written there "
                "when the clerk numbers the document."
            ),
            code="marks_missing",
            field="docx",
            marks=", ".join(sorted(missing)),
        )
    pdf = preview_pdf(checked.content)
    with audited_atomic():
        locked = lock(document)
        require_status(locked, OutgoingStatus.DRAFT, OutgoingStatus.IN_REVIEW)
        if not may_edit(locked, acting_user):
            raise PermissionDenied
        version = _store_version(
            locked, docx=checked.content, pdf=pdf, note=note or "", acting_user=acting_user
        )
        record(
            locked,
            EventType.VERSION_ADDED,
            actor=acting_user,
            action="documents.add_version",
            note=note or "",
            details={"version": version.number, "sha256": checked.sha256},
        )
    document.refresh_from_db()
    return version


def add_comment(
    document: OutgoingDocument, text: str, acting_user, *, version: DraftVersion | None = None
) -> DraftComment:
    """A comment on the draft (góp ý), by anyone who may see it, until it is numbered."""
    from chinhquyen.documents.services.access import outgoing_visible_to

    require_status(
        document, OutgoingStatus.DRAFT, OutgoingStatus.IN_REVIEW, OutgoingStatus.APPROVED
    )
    if not outgoing_visible_to(acting_user).filter(pk=document.pk).exists():
        raise PermissionDenied
    if not text or not text.strip():
        raise DocumentError(_("Write the comment."), code="comment_required", field="text")
    if version is not None and version.document_id != document.pk:
        raise DocumentError(_("That version is not of this document."), code="bad_version")
    with audited_atomic():
        comment = DraftComment.objects.create(
            document=document, version=version, author=acting_user, text=text.strip()
        )
        record(
            document,
            EventType.COMMENTED,
            actor=acting_user,
            action="documents.add_comment",
            note=text.strip()[:500],
            details={"comment": comment.pk},
        )
    return comment


def latest_version(document: OutgoingDocument) -> DraftVersion | None:
    return document.versions.order_by("-number").first()
