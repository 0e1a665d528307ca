"""Files of official documents: checked from their bytes, hashed, stored, text queued.

* ``check_document_upload(uploaded, scan=…)`` — the content decides the type (never the name or
  the browser's header, ``dossiers.uploads``); a scan of a paper document is PDF, JPEG, PNG or
  TIFF; other files PDF, Word/Excel (Office Open XML), OpenDocument text or an image; the size
  limit is ``DOSSIER_UPLOAD_MAX_BYTES``. A refusal is a bilingual ``UploadRefused`` (400) and
  nothing is stored.
* ``add_file(document, checked, kind, acting_user)`` — stores the file beside an incoming or an
  outgoing document, with its SHA-256, and queues the extraction of its text for after the
  commit (``services.text``: the PDF's own text, or OCR of a scan) so it becomes searchable.
"""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.utils.translation import gettext_lazy as _

from chinhquyen.audit.services import audited_atomic, log_action
from chinhquyen.documents.choices import FileKind, TextStatus
from chinhquyen.documents.errors import UploadRefused
from chinhquyen.documents.models import DocumentFile, IncomingDocument, OutgoingDocument
from chinhquyen.dossiers import uploads
from chinhquyen.dossiers.exceptions import UploadRefused as DossierUploadRefused
from chinhquyen.dossiers.uploads import CheckedFile

PDF = "application/pdf"
IMAGES = {"image/jpeg", "image/png", "image/tiff"}
SCAN_TYPES = {PDF} | IMAGES
DOCUMENT_TYPES = (
    SCAN_TYPES
    | {"image/gif", "image/webp"}
    | {
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.oasis.opendocument.text",
        "application/vnd.oasis.opendocument.spreadsheet",
    }
)
# The extension a stored file gets from its sniffed type (the uploaded name is kept apart).
EXTENSIONS = {
    PDF: "pdf",
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/tiff": "tif",
    "image/gif": "gif",
    "image/webp": "webp",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/vnd.oasis.opendocument.text": "odt",
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
}


def check_document_upload(uploaded, *, scan: bool) -> CheckedFile:
    """Read and check one upload; raise ``UploadRefused`` (400) naming the file."""
    try:
        checked = uploads.check_upload(uploaded)
    except DossierUploadRefused as exc:
        raise UploadRefused(exc.message, code=exc.code, field="files") from exc
    allowed = SCAN_TYPES if scan else DOCUMENT_TYPES
    if checked.content_type not in allowed:
        if scan:
            raise UploadRefused(
                _(
                    "The file “%(name)s” is not a supported scan format: a scan must be PDF, "
                    "JPEG, PNG or TIFF (its content was checked, not its name)."
                ),
                code="scan_format",
                field="files",
                name=checked.name,
            )
        raise UploadRefused(
            _(
                "The file “%(name)s” is not a supported document format (PDF, Word .docx, "
                "Excel .xlsx, OpenDocument .odt or an image)."
            ),
            code="file_format",
            field="files",
            name=checked.name,
        )
    return checked


def _owner_fields(document) -> dict:
    if isinstance(document, IncomingDocument):
        return {"incoming": document}
    if isinstance(document, OutgoingDocument):
        return {"outgoing": document}
    raise TypeError("add_file needs an IncomingDocument or an OutgoingDocument")


def add_file(
    document: IncomingDocument | OutgoingDocument,
    checked: CheckedFile,
    kind: str,
    acting_user,
) -> DocumentFile:
    """Store ``checked`` as a file of ``document`` and queue its text extraction after commit.

    The document's ``text_status`` becomes "pending" until the text module has read it.
    """
    if kind not in FileKind.values:
        raise UploadRefused(_("Unknown kind of file."), code="bad_kind", field="kind")
    owner = _owner_fields(document)
    extension = EXTENSIONS.get(checked.content_type, "bin")
    with audited_atomic():
        stored = DocumentFile(
            kind=kind,
            name=checked.name,
            content_type=checked.content_type,
            size=checked.size,
            sha256=checked.sha256,
            text_status=TextStatus.PENDING,
            created_by=acting_user,
            **owner,
        )
        stored.file.save(
            f"{checked.sha256[:16]}.{extension}", ContentFile(checked.content), save=False
        )
        try:
            stored.save()
            type(document).objects.filter(pk=document.pk).update(text_status=TextStatus.PENDING)
            document.text_status = TextStatus.PENDING
            log_action(
                "documents.add_file",
                target=document,
                actor=acting_user,
                details={
                    "file": checked.name,
                    "kind": kind,
                    "sha256": checked.sha256,
                    "size": checked.size,
                },
            )
        except BaseException:
            stored.file.delete(save=False)  # the row was not kept: neither is the file
            raise
        # Imported here: the text module imports OCR tooling the registration does not need.
        # It marks the file pending and enqueues the extraction on commit, so a rolled-back
        # registration queues nothing.
        from chinhquyen.documents.services.text import queue_text_extraction

        queue_text_extraction(stored, acting_user=acting_user)
    return stored


def discard_stored(files: list[DocumentFile]) -> None:
    """Remove stored bytes of files whose rows were rolled back (called by the services)."""
    for item in files:
        try:
            item.file.delete(save=False)
        except OSError:  # pragma: no cover - nothing more to clean
            pass
