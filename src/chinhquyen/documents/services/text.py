"""Searchable text of document files (trích xuất văn bản, nhận dạng chữ OCR), in the background.

* :func:`queue_text_extraction` — called by registration/drafting inside their transaction:
  marks a file PENDING and enqueues :func:`chinhquyen.documents.tasks.extract_document_text`
  after commit (a failure to enqueue is logged; ``chinhquyen extract_document_text --pending``
  from cron picks the file up).
* :func:`extract_file_text` — the work: a PDF with a text layer is read with pdfminer.six (no
  OCR); a scan (a PDF without text, or a JPEG/PNG/TIFF image, turned into a PDF with img2pdf)
  is recognised with OCRmyPDF + Tesseract (``vie`` and ``eng``). The searchable PDF (PDF/A
  when OCRmyPDF can make one) is kept in ``DocumentFile.searchable`` beside the untouched
  original, the text in ``DocumentFile.text``; the document is reindexed so an
  accent-insensitive search finds the scan.
* :func:`retry_text_extraction` — the "retry" button of a document whose text was not read.

Claiming (Healthchecks style): a worker takes a file with one conditional UPDATE that only
matches a PENDING file nobody holds, writing a lease (``text_claim`` token held until
``text_claimed_until``). Two workers never OCR the same file; a crashed worker's lease expires
after the OCR timeout and the file can be taken again; the result is written only if the
lease is still ours. An EXTRACTED file is redone only when forced.

OCR runs in a child process (the Python API ``ocrmypdf.ocr`` called in a fresh interpreter in
its own session), so the ``DOCUMENTS_OCR_TIMEOUT_SECONDS`` limit can kill it together with its
tesseract/ghostscript children, and a crash of a native library cannot take the worker down.

Any failure (damaged or encrypted file, empty image, OCR error or timeout, tesseract missing)
leaves the stored file untouched, marks it FAILED with a short bilingual reason, and marks the
document "text not extracted" with a ``TEXT_FAILED`` event — the document is never lost and no
request fails because of it.
"""

from __future__ import annotations

import io
import json
import logging
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from chinhquyen.audit.context import current as current_audit_context
from chinhquyen.audit.services import audited_atomic, log_action
from chinhquyen.documents.choices import EventType, TextStatus
from chinhquyen.documents.errors import InvalidTransition
from chinhquyen.documents.models import (
    DocumentEvent,
    DocumentFile,
    IncomingDocument,
    OutgoingDocument,
)
from chinhquyen.documents.services import search
from chinhquyen.documents.services.access import holds
from chinhquyen.dossiers.services.access import bilingual
from chinhquyen.dossiers.uploads import sniff_content_type

logger = logging.getLogger(__name__)

Document = IncomingDocument | OutgoingDocument

PDF = "application/pdf"
IMAGE_TYPES = {"image/jpeg", "image/png", "image/tiff"}
# A page with fewer visible characters than this is treated as an image (a scan; a stamp or
# a scanner's page footer does not make it a text page).
MIN_PAGE_CHARS = 20
# Kept per file (about 300 pages of a letter); the document's search text is cut further
# (services.search.SEARCH_TEXT_MAX).
FILE_TEXT_MAX = 500_000
DEFAULT_OCR_TIMEOUT_SECONDS = 300
DEFAULT_OCR_LANGUAGES = ("vie", "eng")
# OSD confidence needed to turn a page; OCRmyPDF's default (14) leaves a short letter scanned
# upside down unturned, 5 turns it and still leaves a right-way page alone.
ROTATE_THRESHOLD = 5.0
LEASE_MARGIN = timedelta(minutes=2)
RELEASED = {"text_claim": "", "text_claimed_until": None}

# The child process: the Python API of OCRmyPDF; its own errors come back as an exit code and
# a one-line message on stderr.
_OCR_RUNNER = """
import json, sys
import ocrmypdf
from ocrmypdf.exceptions import ExitCodeException
try:
    sys.exit(int(ocrmypdf.ocr(**json.loads(sys.argv[1]))))
except ExitCodeException as exc:
    print((type(exc).__name__ + ": " + str(exc).strip())[:400], file=sys.stderr)
    sys.exit(int(exc.exit_code))
"""


class ExtractionFailed(Exception):
    """Why a file's text could not be read: a bilingual message for people, detail for ops."""

    def __init__(self, message: Promise | str, detail: str = "", **params):
        self.message = bilingual(message, **params)
        self.detail = detail
        super().__init__(self.message)


@dataclass
class Extracted:
    text: str
    method: str  # "text_layer" | "ocr"
    pages: int = 0
    ocr_pages: int = 0
    searchable: Path | None = None
    details: dict = field(default_factory=dict)


# --- Settings ------------------------------------------------------------------------------


def ocr_timeout_seconds() -> float:
    return float(getattr(settings, "DOCUMENTS_OCR_TIMEOUT_SECONDS", DEFAULT_OCR_TIMEOUT_SECONDS))


def ocr_languages() -> list[str]:
    return list(getattr(settings, "DOCUMENTS_OCR_LANGUAGES", DEFAULT_OCR_LANGUAGES))


def tesseract_available() -> bool:
    return shutil.which("tesseract") is not None


# --- Queueing ------------------------------------------------------------------------------


def document_of(document_file: DocumentFile) -> Document:
    return document_file.incoming if document_file.incoming_id else document_file.outgoing


def needs_text(document_file: DocumentFile) -> bool:
    """A PDF or a scanned image has text to read; other formats (.docx, .xml …) do not here."""
    return document_file.content_type in IMAGE_TYPES or document_file.content_type == PDF


def queue_text_extraction(document_file: DocumentFile, *, acting_user=None) -> bool:
    """Mark the file PENDING and enqueue its extraction after commit (call it inside the
    registering transaction). A format without text is marked NOT_NEEDED. Returns whether a
    task was queued. The reading is the system's work (``acting_user`` is accepted for the
    callers' symmetry, not recorded as its actor); a retry names the person who asked."""
    wanted = needs_text(document_file)
    status = TextStatus.PENDING if wanted else TextStatus.NOT_NEEDED
    DocumentFile.objects.filter(pk=document_file.pk).update(text_status=status, text_error="")
    document_file.text_status, document_file.text_error = status, ""
    _store_document_status(document_of(document_file))
    if wanted:
        file_id = document_file.pk
        transaction.on_commit(lambda: enqueue_extraction(file_id))
    return wanted


def enqueue_extraction(file_id: int, *, force: bool = False, acting_user_id=None) -> bool:
    """Hand one file to the background worker (after commit). A failure to enqueue is logged:
    the file stays PENDING and the cron command reads it."""
    from chinhquyen.documents.tasks import extract_document_text

    try:
        extract_document_text.enqueue(file_id=file_id, force=force, acting_user_id=acting_user_id)
    except Exception:
        logger.exception("Could not enqueue text extraction of file %s; cron will do it", file_id)
        return False
    return True


# --- Claiming ------------------------------------------------------------------------------


def _lease_until(now: datetime) -> datetime:
    return now + timedelta(seconds=ocr_timeout_seconds()) + LEASE_MARGIN


def unclaimed(now: datetime | None = None) -> Q:
    """Files nobody holds: no lease, or one that has expired."""
    now = now or timezone.now()
    return Q(text_claimed_until__isnull=True) | Q(text_claimed_until__lt=now)


def is_claimed(document_file: DocumentFile, now: datetime | None = None) -> bool:
    until = document_file.text_claimed_until
    return until is not None and until >= (now or timezone.now())


def _claim(file_id: int, *, force: bool) -> str | None:
    """Take the file with one conditional UPDATE; the lease value, or None if not ours."""
    now = timezone.now()
    lease = secrets.token_hex(8)
    statuses = [TextStatus.PENDING]
    if force:
        statuses += [TextStatus.EXTRACTED, TextStatus.FAILED, TextStatus.NOT_NEEDED]
    taken = DocumentFile.objects.filter(
        unclaimed(now), pk=file_id, text_status__in=statuses
    ).update(
        text_status=TextStatus.PENDING,
        text_error="",
        text_claim=lease,
        text_claimed_until=_lease_until(now),
    )
    return lease if taken else None


# --- Reading text --------------------------------------------------------------------------


def _content_type(path: Path, stated: str) -> str | None:
    with path.open("rb") as handle:
        head = handle.read(16)
    if not head:
        return None
    sniffed = sniff_content_type(head, b"")
    return sniffed or (stated if stated in IMAGE_TYPES | {PDF} else None)


def pdf_page_texts(path: Path) -> list[str]:
    """The text layer of each page (pdfminer.six); raises ExtractionFailed on an encrypted PDF
    and lets other pdfminer errors through (the OCR step may still repair the file)."""
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LTTextContainer
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    pages: list[str] = []
    try:
        for layout in extract_pages(path):
            pages.append(
                "".join(
                    element.get_text() for element in layout if isinstance(element, LTTextContainer)
                ).strip()
            )
    except (PDFPasswordIncorrect, PDFEncryptionError) as exc:
        raise ExtractionFailed(
            _("The PDF is protected by a password, so its text cannot be read."),
            detail=f"{type(exc).__name__}: {exc}",
        ) from exc
    return pages


def _has_text(page: str) -> bool:
    return sum(1 for char in page if not char.isspace()) >= MIN_PAGE_CHARS


def image_to_pdf(image: Path, target: Path) -> None:
    """A scanned image as a PDF of its pages (img2pdf: no re-encoding, multi-page TIFF kept;
    an image without a resolution is taken as 300 dpi, a usual scanner setting)."""
    import img2pdf
    from PIL import Image, UnidentifiedImageError

    damaged = _("The image is damaged or in a format that cannot be read.")
    try:
        with Image.open(image) as opened:
            opened.load()  # a truncated scan fails here, not half-way through the PDF
            dpi = opened.info.get("dpi")
            needs_flattening = opened.mode in {"RGBA", "LA", "PA"} or (
                opened.mode == "P" and "transparency" in opened.info
            )
            data = image.read_bytes()
            if needs_flattening:
                # img2pdf refuses an alpha channel (it would be lost): paint it on white.
                rgba = opened.convert("RGBA")
                flat = Image.new("RGB", opened.size, "white")
                flat.paste(rgba, mask=rgba.getchannel("A"))
                buffer = io.BytesIO()
                flat.save(buffer, format="PNG", dpi=dpi or (300, 300))
                data = buffer.getvalue()
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as exc:
        raise ExtractionFailed(damaged, detail=f"{type(exc).__name__}: {exc}") from exc
    options = {}
    if not dpi or min(dpi) < 72:
        options["layout_fun"] = img2pdf.get_fixed_dpi_layout_fun((300, 300))
    try:
        target.write_bytes(img2pdf.convert(data, **options))
    except Exception as exc:  # img2pdf raises a bare Exception for some damaged images
        raise ExtractionFailed(damaged, detail=f"{type(exc).__name__}: {exc}") from exc


def run_ocr(source: Path, output: Path, sidecar: Path) -> None:
    """OCRmyPDF on ``source`` (pages that already have text are kept as they are)."""
    if not tesseract_available():
        raise ExtractionFailed(
            _("Text recognition (OCR) is not installed on the server (tesseract is missing)."),
            detail="tesseract not found on PATH",
        )
    timeout = ocr_timeout_seconds()
    options = {
        "input_file_or_options": str(source),
        "output_file": str(output),
        "sidecar": str(sidecar),
        "language": ocr_languages(),
        "mode": "skip",  # keep pages with a text layer, OCR the images
        "output_type": "auto",  # PDF/A when it validates, a plain PDF otherwise
        "rotate_pages": True,
        "rotate_pages_threshold": ROTATE_THRESHOLD,
        # Speed: no image optimisation pass (pngquant/jbig2) and no linearisation; the
        # searchable copy is for reading and search, the original is kept anyway.
        "optimize": 0,
        "fast_web_view": 1_000_000,
        "jobs": int(getattr(settings, "DOCUMENTS_OCR_JOBS", 1)),
        "tesseract_timeout": timeout,
        "progress_bar": False,
    }
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and a fixed script
        [sys.executable, "-c", _OCR_RUNNER, json.dumps(options)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,  # its own process group: a timeout kills tesseract too
        env=env,
        text=True,
    )
    try:
        _out, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired as exc:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:  # it ended just now
            pass
        process.communicate()
        raise ExtractionFailed(
            _("Text recognition (OCR) took longer than %(seconds)s seconds and was stopped."),
            detail=f"timeout after {timeout:g}s",
            seconds=f"{timeout:g}",
        ) from exc
    if process.returncode == 0:
        return
    from ocrmypdf import ExitCode

    detail = _last_line(err)
    code = process.returncode
    if code == ExitCode.encrypted_pdf:
        message = _("The PDF is protected by a password, so its text cannot be read.")
    elif code == ExitCode.input_file:
        message = _("The file is damaged or is not a valid PDF.")
    elif code == ExitCode.missing_dependency:
        message = _("Text recognition (OCR) is missing a program on the server.")
    else:
        message = _("Text recognition (OCR) failed.")
    raise ExtractionFailed(message, detail=f"exit {code}: {detail}")


def _last_line(text: str) -> str:
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    return lines[-1][:300] if lines else ""


def read_file_text(path: Path, content_type: str | None, workdir: Path) -> Extracted:
    """Text of one file at ``path``: its PDF text layer, else OCR (making ``searchable``)."""
    if path.stat().st_size == 0:
        raise ExtractionFailed(_("The file is empty."), detail="0 bytes")
    if content_type in IMAGE_TYPES:
        source = workdir / "image.pdf"
        image_to_pdf(path, source)
        page_texts: list[str] = []
    elif content_type == PDF:
        source = path
        try:
            page_texts = pdf_page_texts(path)
        except ExtractionFailed:
            raise
        except Exception as exc:
            # pdfminer is strict; OCRmyPDF (qpdf) repairs many damaged scanner PDFs.
            logger.info("pdfminer could not read %s (%s); trying OCR", path.name, exc)
            page_texts = []
        if page_texts and all(_has_text(page) for page in page_texts):
            return Extracted(
                text="\n\n".join(page_texts), method="text_layer", pages=len(page_texts)
            )
    else:
        raise ExtractionFailed(_("This file format has no text to read."), detail=str(content_type))
    output, sidecar = workdir / "searchable.pdf", workdir / "sidecar.txt"
    run_ocr(source, output, sidecar)
    ocr_pages = sidecar.read_text(encoding="utf-8", errors="replace").split("\f")
    if page_texts and len(ocr_pages) == len(page_texts):
        # Pages that had a text layer were skipped by OCR: keep their own text.
        texts = [
            own if _has_text(own) else ocr for own, ocr in zip(page_texts, ocr_pages, strict=True)
        ]
    else:
        texts = ocr_pages
    texts = [page.strip() for page in texts]
    return Extracted(
        text="\n\n".join(page for page in texts if page),
        method="ocr",
        pages=len(texts),
        ocr_pages=sum(1 for own in page_texts if not _has_text(own)) if page_texts else len(texts),
        searchable=output,
    )


# --- The service -----------------------------------------------------------------------------


def extract_file_text(file_id: int, *, force: bool = False) -> DocumentFile | None:
    """Read the text of one document file (the background task's body).

    Returns the file as it is afterwards — unchanged when another worker holds it or it was
    already done (and ``force`` is not given) — or None if there is no such file.
    """
    lease = _claim(file_id, force=force)
    document_file = (
        DocumentFile.objects.select_related("incoming", "outgoing").filter(pk=file_id).first()
    )
    if document_file is None or lease is None:
        return document_file
    started = time.monotonic()
    saved_name = ""
    try:
        with tempfile.TemporaryDirectory(prefix="chinhquyen-text-") as tmp:
            workdir = Path(tmp)
            local = workdir / "original"
            try:
                with document_file.file.open("rb") as stored, local.open("wb") as copy:
                    shutil.copyfileobj(stored, copy)
            except (OSError, ValueError) as exc:
                raise ExtractionFailed(
                    _("The stored file could not be read."), detail=f"{type(exc).__name__}: {exc}"
                ) from exc
            content_type = _content_type(local, document_file.content_type)
            if content_type is None and local.stat().st_size:
                raise ExtractionFailed(
                    _("This file format has no text to read."),
                    detail=f"stated {document_file.content_type}",
                )
            result = read_file_text(local, content_type, workdir)
            if result.searchable is not None:
                # Saved before the database row (storage is not transactional); removed again
                # below if the row is not ours any more.
                with result.searchable.open("rb") as handle:
                    saved_name = document_file.searchable.storage.save(
                        document_file.searchable.field.generate_filename(
                            document_file, f"{Path(document_file.name).stem or 'scan'}.ocr.pdf"
                        ),
                        File(handle),
                    )
    except ExtractionFailed as exc:
        return _record_failure(document_file, lease, exc)
    except Exception as exc:
        logger.exception("Text extraction of document file %s failed", file_id)
        failure = ExtractionFailed(
            _("The text could not be read (unexpected error)."),
            detail=f"{type(exc).__name__}: {exc}",
        )
        return _record_failure(document_file, lease, failure)
    result.details["seconds"] = round(time.monotonic() - started, 2)
    return _record_success(document_file, lease, result, saved_name)


def _record_success(
    document_file: DocumentFile, lease: str, result: Extracted, saved_name: str
) -> DocumentFile:
    previous = document_file.searchable.name if saved_name else ""
    text = result.text[:FILE_TEXT_MAX]
    with audited_atomic():
        values = {
            "text_status": TextStatus.EXTRACTED,
            "text_error": "",
            "text": text,
            **RELEASED,
        }
        if saved_name:
            values["searchable"] = saved_name
        ours = DocumentFile.objects.filter(pk=document_file.pk, text_claim=lease).update(**values)
        if not ours:
            # Our lease expired and another worker took the file: its result wins.
            if saved_name:
                document_file.searchable.storage.delete(saved_name)
            document_file.refresh_from_db()
            return document_file
        document_file.refresh_from_db()
        document = document_of(document_file)
        details = {
            "file": document_file.name,
            "file_id": document_file.pk,
            "method": result.method,
            "pages": result.pages,
            "ocr_pages": result.ocr_pages,
            "characters": len(text),
            "truncated": len(result.text) > FILE_TEXT_MAX,
            **result.details,
        }
        _event(document, EventType.TEXT_EXTRACTED, note=document_file.name, details=details)
        _store_document_status(document)
        search.reindex(document)
        log_action("documents.extract_text", target=document_file, details=details)
        if previous and previous != saved_name:
            storage = document_file.searchable.storage
            transaction.on_commit(lambda: storage.delete(previous))
    return document_file


def _record_failure(document_file: DocumentFile, lease: str, exc: ExtractionFailed) -> DocumentFile:
    message = exc.message[:500]
    logger.warning("Text of document file %s not extracted: %s", document_file.pk, exc.detail)
    with audited_atomic():
        ours = DocumentFile.objects.filter(pk=document_file.pk, text_claim=lease).update(
            text_status=TextStatus.FAILED, text_error=message, **RELEASED
        )
        document_file.refresh_from_db()
        if not ours:
            return document_file
        document = document_of(document_file)
        details = {
            "file": document_file.name,
            "file_id": document_file.pk,
            "error": message,
            "detail": exc.detail[:500],
        }
        _event(document, EventType.TEXT_FAILED, note=message, details=details)
        _store_document_status(document)
        log_action("documents.extract_text_failed", target=document_file, details=details)
    return document_file


def _event(document: Document, type_: str, *, note: str, details: dict) -> DocumentEvent:
    owner = (
        {"incoming": document} if isinstance(document, IncomingDocument) else {"outgoing": document}
    )
    return DocumentEvent.objects.create(
        type=type_, actor=current_audit_context().actor, note=note, details=details, **owner
    )


def document_text_status(statuses: list[str]) -> str:
    """The document's text status from its files': FAILED if any failed, PENDING while any is
    waiting, EXTRACTED when every readable file is done, NOT_NEEDED with nothing to read."""
    if TextStatus.FAILED in statuses:
        return TextStatus.FAILED
    if TextStatus.PENDING in statuses:
        return TextStatus.PENDING
    if TextStatus.EXTRACTED in statuses:
        return TextStatus.EXTRACTED
    return TextStatus.NOT_NEEDED


def _store_document_status(document: Document) -> str:
    status = document_text_status(list(document.files.values_list("text_status", flat=True)))
    if status != document.text_status:
        type(document).objects.filter(pk=document.pk).update(text_status=status)
        document.text_status = status
    return status


# --- Retry -----------------------------------------------------------------------------------


def can_retry(user, document: Document) -> bool:
    """Clerks of the receiving organisation (incoming) and people who may change an outgoing
    document of its organisation or drafting unit, or its author."""
    if isinstance(document, IncomingDocument):
        return holds(user, "documents.change_incomingdocument", document.organisation)
    return (
        document.created_by_id == getattr(user, "pk", None)
        or holds(user, "documents.change_outgoingdocument", document.organisation)
        or holds(user, "documents.change_outgoingdocument", document.drafting_unit)
    )


def retry_text_extraction(document: Document, *, acting_user) -> list[DocumentFile]:
    """Read again the files of ``document`` whose text was not extracted (the "retry" button).

    Refused (InvalidTransition, 409) when no file failed; PermissionDenied (403) for a user
    who may not change the document. Returns the files queued again.
    """
    if not can_retry(acting_user, document):
        raise PermissionDenied
    with audited_atomic():
        failed = list(
            DocumentFile.objects.select_for_update().filter(
                **{_owner_field(document): document}, text_status=TextStatus.FAILED
            )
        )
        if not failed:
            raise InvalidTransition(
                _("No file of this document is waiting for its text to be read again.")
            )
        ids = [f.pk for f in failed]
        DocumentFile.objects.filter(pk__in=ids, text_status=TextStatus.FAILED).update(
            text_status=TextStatus.PENDING, text_error=""
        )
        _store_document_status(document)
        log_action(
            "documents.retry_text_extraction",
            target=document,
            actor=acting_user,
            details={"files": ids, "errors": [f.text_error for f in failed]},
        )
        user_id = acting_user.pk
        for pk in ids:
            transaction.on_commit(lambda pk=pk: enqueue_extraction(pk, acting_user_id=user_id))
    return list(DocumentFile.objects.filter(pk__in=ids))


def _owner_field(document: Document) -> str:
    return "incoming" if isinstance(document, IncomingDocument) else "outgoing"


# --- Operations (the management command) -------------------------------------------------


def files_to_extract(*, pending: bool = False, failed: bool = False) -> list[int]:
    """Ids of files waiting (PENDING and not held by a live worker) and/or FAILED ones."""
    condition = Q(pk__in=[])
    if pending:
        condition |= Q(unclaimed(), text_status=TextStatus.PENDING)
    if failed:
        condition |= Q(text_status=TextStatus.FAILED)
    return list(DocumentFile.objects.filter(condition).order_by("pk").values_list("pk", flat=True))
