"""Registering incoming documents (đăng ký văn bản đến, Decree 30/2020 Arts. 21–22).

* ``register_incoming`` — a paper document (scanned) or one brought in by hand: its metadata
  (Appendix VI Part II §II) is checked, it gets the next arrival number of the organisation's
  incoming book (the secret book for secret documents) in the same transaction, its files are
  stored and their text extraction queued after commit.
* ``accept_incoming`` / ``return_incoming`` — an electronic document delivered to the queue
  (status "received", by the outgoing or exchange work) is checked by the clerk, then registered
  and the sender told "accepted" (03), or sent back with the reason ("rejected", 02).
* ``update_receiver_fields`` — what the receiver may change on a document: the receiving unit or
  person, the note and the reply due date (the sender's metadata stays as sent).

A reply due date on a non-working day moves to the next working day, and the result says so.
The same issuer + number/notation + document date already registered in the organisation is
refused as a probable duplicate unless the clerk confirms (``acknowledge_duplicate``).
Nothing is written when a check fails; a failure after the files were stored removes them.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext_lazy as _

from chinhquyen.audit.services import audited_atomic, log_action
from chinhquyen.documents.choices import (
    BookDirection,
    DeliveryStatus,
    EventType,
    FileKind,
    IncomingChannel,
    IncomingStatus,
    Secrecy,
    TextStatus,
    Urgency,
)
from chinhquyen.documents.errors import DocumentError, InvalidTransition
from chinhquyen.documents.models import DocumentEvent, DocumentType, IncomingDocument
from chinhquyen.documents.services import numbering
from chinhquyen.documents.services.files import add_file, check_document_upload, discard_stored
from chinhquyen.documents.services.search import reindex
from chinhquyen.dossiers.services.access import bilingual
from chinhquyen.dossiers.uploads import CheckedFile

REGISTER_PERMISSION = "documents.add_incomingdocument"
CHANGE_PERMISSION = "documents.change_incomingdocument"
# Number (CodeNumber): Arabic digits. Notation (CodeNotation): groups joined by "-", no spaces.
NUMBER_RE = re.compile(r"^[0-9]{1,11}$")
NOTATION_RE = re.compile(r"^[^\W_]+(?:[-.&][^\W_]+)*$")
# A clock slightly ahead on the clerk's machine is not "in the future".
CLOCK_SKEW = datetime.timedelta(minutes=5)

LIMITS = {
    "issuer_name": 200,
    "issuer_code": 35,
    "subject": 500,
    "signer_position": 100,
    "signer_name": 50,
    "to_places": 1000,
    "description": 500,
    "number": 11,
    "notation": 30,
}


class MetadataInvalid(DocumentError):
    """One or more metadata fields are missing or wrong; ``errors`` maps field → messages."""

    code = "metadata_invalid"

    def __init__(self, errors: dict[str, list[str]]):
        self.errors = errors
        super().__init__(" ".join(m for messages in errors.values() for m in messages))


class DuplicateSuspected(DocumentError):
    """The same issuer + number/notation + date is already registered (``duplicates``)."""

    code = "duplicate_suspected"

    def __init__(self, duplicates: list[IncomingDocument]):
        self.duplicates = duplicates
        listed = "; ".join(
            f"{doc.arrival_number or '—'} ({timezone.localtime(doc.arrived_at):%d/%m/%Y})"
            for doc in duplicates
        )
        super().__init__(
            _(
                "This document seems to be registered already (same issuer, number and date): "
                "arrival number %(listed)s. Check it, or confirm to register it anyway."
            ),
            listed=listed,
        )


@dataclass
class RegistrationResult:
    document: IncomingDocument
    warnings: list[str] = field(default_factory=list)
    due_date_moved: bool = False
    duplicates_acknowledged: list[int] = field(default_factory=list)


# --- Checks ---------------------------------------------------------------------------------


def _text(metadata: dict, key: str) -> str:
    value = metadata.get(key)
    return "" if value is None else " ".join(str(value).split())


def _date(value, errors: dict, key: str) -> datetime.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    if isinstance(value, datetime.date):
        return value
    parsed = None
    try:
        parsed = parse_date(str(value))
    except ValueError:
        parsed = None
    if parsed is None:
        errors.setdefault(key, []).append(bilingual(_("Enter a valid date.")))
    return parsed


def _document_type(value, on: datetime.date, errors: dict) -> DocumentType | None:
    if value in (None, ""):
        errors.setdefault("document_type", []).append(
            bilingual(_("Choose the type of the document."))
        )
        return None
    if isinstance(value, DocumentType):
        in_force = value.valid_from <= on and (value.valid_until is None or value.valid_until >= on)
        if not in_force:
            errors.setdefault("document_type", []).append(
                bilingual(
                    _("The type “%(type)s” is not in force on %(day)s."),
                    type=value.name,
                    day=on.strftime("%d/%m/%Y"),
                )
            )
            return None
        return value
    try:
        return numbering.type_in_force(str(value), on)
    except DocumentError as exc:
        errors.setdefault("document_type", []).append(exc.message)
        return None


def known_abbreviations() -> set[str]:
    return set(DocumentType.objects.exclude(abbreviation="").values_list("abbreviation", flat=True))


def notation_problem(notation: str) -> str | None:
    """Why ``notation`` is not written as Appendix I §I.3 asks, or None.

    Groups are joined by "-", there are no spaces, and every group is in capitals — except the
    type abbreviations that Appendix III itself writes in mixed case (TTr, CTr, QyĐ, TrS).
    """
    if any(ch.isspace() for ch in notation):
        return bilingual(_("Write the notation without spaces (e.g. QĐ-UBND)."))
    if not NOTATION_RE.fullmatch(notation):
        return bilingual(_("Write the notation as groups joined by “-” (e.g. QĐ-UBND or UBND-VP)."))
    mixed = known_abbreviations()
    for group in re.split(r"[-.&]", notation):
        if group != group.upper() and group not in mixed:
            return bilingual(_("Write the notation in capitals (e.g. QĐ-UBND)."))
    return None


def _missing(errors: dict, key: str) -> None:
    errors.setdefault(key, []).append(bilingual(_("This field is required.")))


def clean_metadata(metadata: dict, *, arrival_day: datetime.date) -> dict:
    """The checked metadata of an incoming document, or ``MetadataInvalid`` with every error."""
    errors: dict[str, list[str]] = {}
    cleaned: dict = {}
    for key, limit in LIMITS.items():
        value = _text(metadata, key)
        if len(value) > limit:
            errors.setdefault(key, []).append(
                bilingual(_("At most %(limit)s characters."), limit=limit)
            )
        cleaned[key] = value
    for key in ("issuer_name", "subject"):
        if not cleaned[key]:
            _missing(errors, key)
    cleaned["document_type"] = _document_type(metadata.get("document_type"), arrival_day, errors)
    issued = _date(metadata.get("issued_date"), errors, "issued_date")
    if issued is None and "issued_date" not in errors:
        _missing(errors, "issued_date")
    elif issued is not None and issued > arrival_day:
        errors.setdefault("issued_date", []).append(
            bilingual(_("The document date cannot be after the day it arrived."))
        )
    cleaned["issued_date"] = issued
    for key, choices in (("urgency", Urgency), ("secrecy", Secrecy)):
        value = _text(metadata, key)
        if not value:
            _missing(errors, key)
        elif value not in choices.values:
            errors.setdefault(key, []).append(bilingual(_("Choose one of the listed values.")))
        cleaned[key] = value
    if cleaned["number"] and not NUMBER_RE.fullmatch(cleaned["number"]):
        errors.setdefault("number", []).append(
            bilingual(_("The number is written in Arabic digits only (e.g. 45)."))
        )
    if cleaned["notation"] and "notation" not in errors:
        problem = notation_problem(cleaned["notation"])
        if problem:
            errors.setdefault("notation", []).append(problem)
    pages = metadata.get("page_count")
    cleaned["page_count"] = None
    if pages not in (None, ""):
        try:
            cleaned["page_count"] = int(pages)
        except (TypeError, ValueError):
            cleaned["page_count"] = -1
        if not 1 <= cleaned["page_count"] <= 999:
            errors.setdefault("page_count", []).append(
                bilingual(_("Pages: a whole number from 1 to 999."))
            )
    due = _date(metadata.get("due_date"), errors, "due_date")
    if due is not None and due < arrival_day:
        errors.setdefault("due_date", []).append(
            bilingual(_("The reply due date cannot be before the day the document arrived."))
        )
    cleaned["due_date"] = due
    if errors:
        raise MetadataInvalid(errors)
    return cleaned


def working_due_date(due: datetime.date | None) -> tuple[datetime.date | None, str | None]:
    """``due`` moved to the next working day when it is not one, and the warning saying so."""
    if due is None:
        return None, None
    from chinhquyen.worktime.calendar import is_working_day

    moved = due
    for _step in range(60):  # the longest holiday run (Tết) is far shorter
        if is_working_day(moved):
            break
        moved += datetime.timedelta(days=1)
    if moved == due:
        return due, None
    return moved, bilingual(
        _(
            "The reply due date %(given)s is not a working day; it was moved to the next "
            "working day, %(moved)s."
        ),
        given=due.strftime("%d/%m/%Y"),
        moved=moved.strftime("%d/%m/%Y"),
    )


def find_duplicates(
    organisation,
    *,
    issuer_name: str,
    issuer_code: str = "",
    number: str = "",
    notation: str = "",
    issued_date: datetime.date | None,
    exclude_pk: int | None = None,
) -> list[IncomingDocument]:
    """Documents of ``organisation`` with the same issuer, number/notation and date.

    Appendix VI Part I §III.1(h): warn on a duplicate of number + notation + issuer. Without a
    number and notation there is nothing to compare; returned documents are not counted.
    """
    if not (number or notation) or issued_date is None:
        return []
    issuer = Q(issuer_name__iexact=issuer_name)
    if issuer_code:
        issuer |= Q(issuer_code=issuer_code)
    found = (
        IncomingDocument.objects.filter(
            issuer,
            organisation=organisation,
            number=number,
            notation__iexact=notation,
            issued_date=issued_date,
        )
        .exclude(status=IncomingStatus.RETURNED)
        .order_by("arrived_at", "pk")
    )
    if exclude_pk is not None:
        found = found.exclude(pk=exclude_pk)
    return list(found[:10])


def _require(user, perm: str, organisation) -> None:
    from django.core.exceptions import PermissionDenied

    from chinhquyen.documents.services.access import holds

    if user is None or not holds(user, perm, organisation):
        raise PermissionDenied


def _checked_files(files, *, scan: bool) -> list[tuple[CheckedFile, str]]:
    """Every file checked before anything is written: ``(file, kind)`` or a bare file."""
    default_kind = FileKind.SCAN if scan else FileKind.MAIN
    checked = []
    for item in files or ():
        upload, kind = item if isinstance(item, tuple) else (item, default_kind)
        if not isinstance(upload, CheckedFile):
            upload = check_document_upload(upload, scan=kind == FileKind.SCAN)
        checked.append((upload, kind))
    return checked


def _number(document: IncomingDocument, *, acting_user) -> None:
    """Choose the book (the secret one for secret documents) and take the arrival number."""
    book = numbering.book_for(
        document.organisation,
        BookDirection.INCOMING,
        year=numbering.local_year(document.arrived_at),
        secret=document.is_secret,
        acting_user=acting_user,
    )
    row = numbering.take_number(book, acting_user=acting_user)
    document.book = book
    document.arrival_number = row.number


# --- Registering a paper document ------------------------------------------------------------


def register_incoming(
    *,
    organisation,
    metadata: dict,
    files: Iterable = (),
    channel: str = IncomingChannel.PAPER,
    acting_user,
    arrived_at: datetime.datetime | None = None,
    acknowledge_duplicate: bool = False,
) -> RegistrationResult:
    """Register an incoming document in ``organisation``'s incoming book.

    ``metadata``: issuer_name, issuer_code, document_type (a ``DocumentType`` or its code),
    subject, issued_date, urgency, secrecy (required except issuer_code), number, notation,
    signer_position, signer_name, page_count, to_places, due_date, description.
    ``files``: uploads or ``CheckedFile`` objects, or ``(file, kind)`` pairs; on the paper
    channel a bare file is a scan (PDF, JPEG, PNG, TIFF).
    """
    _require(acting_user, REGISTER_PERMISSION, organisation)
    if channel not in IncomingChannel.values:
        raise DocumentError(_("Unknown channel."), code="bad_channel", field="channel")
    now = timezone.now()
    arrived_at = arrived_at or now
    if arrived_at > now + CLOCK_SKEW:
        raise MetadataInvalid(
            {"arrived_at": [bilingual(_("The arrival time cannot be in the future."))]}
        )
    arrival_day = timezone.localtime(arrived_at).date()
    cleaned = clean_metadata(metadata, arrival_day=arrival_day)
    checked = _checked_files(files, scan=channel == IncomingChannel.PAPER)
    warnings: list[str] = []
    cleaned["due_date"], moved = working_due_date(cleaned["due_date"])
    if moved:
        warnings.append(moved)
    duplicates = find_duplicates(
        organisation,
        issuer_name=cleaned["issuer_name"],
        issuer_code=cleaned["issuer_code"],
        number=cleaned["number"],
        notation=cleaned["notation"],
        issued_date=cleaned["issued_date"],
    )
    if duplicates and not acknowledge_duplicate:
        raise DuplicateSuspected(duplicates)
    if duplicates:
        warnings.append(
            bilingual(
                _("Registered although it looks like arrival number %(numbers)s."),
                numbers=", ".join(str(d.arrival_number or "—") for d in duplicates),
            )
        )
    stored = []
    try:
        with audited_atomic():
            document = IncomingDocument(
                organisation=organisation,
                arrived_at=arrived_at,
                channel=channel,
                status=IncomingStatus.REGISTERED,
                registered_by=acting_user,
                text_status=TextStatus.NOT_NEEDED,
                **cleaned,
            )
            _number(document, acting_user=acting_user)
            document.save()
            for upload, kind in checked:
                stored.append(add_file(document, upload, kind, acting_user))
            details = {
                "book": document.book.code,
                "year": document.book.year,
                "arrival_number": document.arrival_number,
                "files": [f.sha256 for f in stored],
                "warnings": warnings,
                "duplicates": [d.pk for d in duplicates],
            }
            DocumentEvent.objects.create(
                incoming=document, type=EventType.REGISTERED, actor=acting_user, details=details
            )
            log_action(
                "documents.register_incoming", target=document, actor=acting_user, details=details
            )
            reindex(document)
    except BaseException:
        discard_stored(stored)
        raise
    return RegistrationResult(
        document=document,
        warnings=warnings,
        due_date_moved=bool(moved),
        duplicates_acknowledged=[d.pk for d in duplicates],
    )


# --- Electronic documents waiting in the queue ----------------------------------------------


def _locked(document: IncomingDocument) -> IncomingDocument:
    # Only the document's own row is locked (of=("self",)): PostgreSQL refuses FOR UPDATE on
    # the nullable side of the join to the source recipient.
    return (
        IncomingDocument.objects.select_for_update(of=("self",))
        .select_related("organisation", "document_type", "source_recipient")
        .get(pk=document.pk)
    )


def _receiver_changes(
    document: IncomingDocument, *, to_places=None, description=None, due_date=None
) -> tuple[dict, list[str]]:
    """Checked values of the receiver-side fields given (None: unchanged)."""
    errors: dict[str, list[str]] = {}
    changes: dict = {}
    warnings: list[str] = []
    for key, value in (("to_places", to_places), ("description", description)):
        if value is None:
            continue
        value = " ".join(str(value).split())
        if len(value) > LIMITS[key]:
            errors.setdefault(key, []).append(
                bilingual(_("At most %(limit)s characters."), limit=LIMITS[key])
            )
        changes[key] = value
    if due_date is not None:
        due = _date(due_date, errors, "due_date") if due_date != "" else None
        arrival_day = timezone.localtime(document.arrived_at).date()
        if due is not None and due < arrival_day:
            errors.setdefault("due_date", []).append(
                bilingual(_("The reply due date cannot be before the day the document arrived."))
            )
        if not errors.get("due_date"):
            due, moved = working_due_date(due)
            if moved:
                warnings.append(moved)
            changes["due_date"] = due
    if errors:
        raise MetadataInvalid(errors)
    return changes, warnings


def accept_incoming(
    document: IncomingDocument,
    *,
    acting_user,
    to_places: str | None = None,
    description: str | None = None,
    due_date=None,
    acknowledge_duplicate: bool = False,
) -> RegistrationResult:
    """Register an electronic document delivered to the queue (tiếp nhận, Art. 21(2)).

    The clerk has checked it; it gets the arrival number now, and the sender learns it was
    accepted (03). Only the receiver-side fields can be filled in here.
    """
    _require(acting_user, CHANGE_PERMISSION, document.organisation)
    changes, warnings = _receiver_changes(
        document, to_places=to_places, description=description, due_date=due_date
    )
    duplicates = find_duplicates(
        document.organisation,
        issuer_name=document.issuer_name,
        issuer_code=document.issuer_code,
        number=document.number,
        notation=document.notation,
        issued_date=document.issued_date,
        exclude_pk=document.pk,
    )
    if duplicates and not acknowledge_duplicate:
        raise DuplicateSuspected(duplicates)
    with audited_atomic():
        locked = _locked(document)
        if locked.status != IncomingStatus.RECEIVED:
            raise InvalidTransition(
                _("This document is no longer waiting for registration (it is %(status)s)."),
                status=locked.get_status_display(),
            )
        for key, value in changes.items():
            setattr(locked, key, value)
        _number(locked, acting_user=acting_user)
        locked.status = IncomingStatus.REGISTERED
        locked.registered_by = acting_user
        locked.save()
        details = {
            "book": locked.book.code,
            "year": locked.book.year,
            "arrival_number": locked.arrival_number,
            "changes": {k: str(v) for k, v in changes.items()},
            "warnings": warnings,
            "duplicates": [d.pk for d in duplicates],
        }
        DocumentEvent.objects.create(
            incoming=locked, type=EventType.REGISTERED, actor=acting_user, details=details
        )
        log_action("documents.accept_incoming", target=locked, actor=acting_user, details=details)
        from chinhquyen.documents.services.status import report_to_sender

        report_to_sender(locked, DeliveryStatus.ACCEPTED, actor=acting_user)
        reindex(locked)
    return RegistrationResult(
        document=locked,
        warnings=warnings,
        due_date_moved=bool(warnings),
        duplicates_acknowledged=[d.pk for d in duplicates],
    )


def return_incoming(document: IncomingDocument, *, reason: str, acting_user) -> IncomingDocument:
    """Send a wrong or invalid electronic document back to its sender (Art. 21(2)(b))."""
    _require(acting_user, CHANGE_PERMISSION, document.organisation)
    reason = " ".join((reason or "").split())
    if not reason:
        raise MetadataInvalid({"reason": [bilingual(_("Say why the document goes back."))]})
    if len(reason) > 500:
        raise MetadataInvalid(
            {"reason": [bilingual(_("At most %(limit)s characters."), limit=500)]}
        )
    with audited_atomic():
        locked = _locked(document)
        if locked.status != IncomingStatus.RECEIVED:
            raise InvalidTransition(
                _("Only a document waiting for registration can be returned (it is %(status)s)."),
                status=locked.get_status_display(),
            )
        locked.status = IncomingStatus.RETURNED
        locked.save(update_fields=["status", "updated_at"])
        DocumentEvent.objects.create(
            incoming=locked, type=EventType.RETURNED, actor=acting_user, note=reason
        )
        log_action(
            "documents.return_incoming",
            target=locked,
            actor=acting_user,
            details={"reason": reason},
        )
        from chinhquyen.documents.services.status import report_to_sender

        report_to_sender(locked, DeliveryStatus.REJECTED, note=reason, actor=acting_user)
    return locked


def update_receiver_fields(
    document: IncomingDocument,
    *,
    acting_user,
    to_places: str | None = None,
    description: str | None = None,
    due_date=None,
) -> RegistrationResult:
    """Change the receiver-side fields (to_places, note, reply due date) of a document."""
    _require(acting_user, CHANGE_PERMISSION, document.organisation)
    changes, warnings = _receiver_changes(
        document, to_places=to_places, description=description, due_date=due_date
    )
    with audited_atomic():
        locked = _locked(document)
        if locked.status in (IncomingStatus.RETURNED, IncomingStatus.RECALLED):
            raise InvalidTransition(
                _("This document is %(status)s: it no longer changes."),
                status=locked.get_status_display(),
            )
        before = {key: str(getattr(locked, key) or "") for key in changes}
        for key, value in changes.items():
            setattr(locked, key, value)
        locked.save(update_fields=[*changes, "updated_at"])
        log_action(
            "documents.update_incoming",
            target=locked,
            actor=acting_user,
            before=before,
            after={key: str(value or "") for key, value in changes.items()},
        )
        reindex(locked)
    return RegistrationResult(document=locked, warnings=warnings, due_date_moved=bool(warnings))
