"""Checking uploaded dossier files: type sniffed from the bytes, size limit from settings.

The name and the browser's content type are not trusted: the first bytes (and, for Office
Open XML / OpenDocument, the zip directory) decide. Allowed: PDF, PNG, JPEG, TIFF, GIF, WebP,
Office Open XML (docx, xlsx, pptx), legacy Office (doc, xls, ppt) and OpenDocument (odt, ods).
"""

import hashlib
import io
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from chinhquyen.dossiers.exceptions import UploadRefused
from chinhquyen.dossiers.services.access import bilingual

DEFAULT_MAX_BYTES = 20 * 1024 * 1024

_OOXML = {
    "word/": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xl/": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ppt/": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}


@dataclass(frozen=True)
class CheckedFile:
    name: str
    content: bytes
    sha256: str
    size: int
    content_type: str


def max_upload_bytes() -> int:
    return int(getattr(settings, "DOSSIER_UPLOAD_MAX_BYTES", DEFAULT_MAX_BYTES))


def sniff_content_type(head: bytes, content: bytes) -> str | None:
    """The content type of an allowed format, or None."""
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if head.startswith((b"II*\x00", b"MM\x00*")):
        return "image/tiff"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "application/msword"  # OLE2 compound file: .doc, .xls, .ppt
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                names = archive.namelist()
                if "mimetype" in names:
                    mimetype = archive.read("mimetype").decode("ascii", "replace").strip()
                    if mimetype.startswith("application/vnd.oasis.opendocument."):
                        return mimetype
                if "[Content_Types].xml" in names:
                    for prefix, content_type in _OOXML.items():
                        if any(name.startswith(prefix) for name in names):
                            return content_type
        except (zipfile.BadZipFile, OSError, ValueError):
            return None
    return None


def check_upload(uploaded, *, label: str = "") -> CheckedFile:
    """Read and check one uploaded file; raise ``UploadRefused`` naming the file."""
    name = getattr(uploaded, "name", "") or "file"
    limit = max_upload_bytes()
    size = getattr(uploaded, "size", None)
    if size is not None and size > limit:
        raise UploadRefused(
            bilingual(
                _("The file “%(name)s” is too big: %(size)s bytes, the limit is %(limit)s bytes."),
                name=name,
                size=size,
                limit=limit,
            ),
            code="file_too_big",
            details={"file": name, "component": label},
        )
    if hasattr(uploaded, "seek"):
        uploaded.seek(0)
    content = uploaded.read() if hasattr(uploaded, "read") else bytes(uploaded)
    if len(content) > limit:
        raise UploadRefused(
            bilingual(
                _("The file “%(name)s” is too big: %(size)s bytes, the limit is %(limit)s bytes."),
                name=name,
                size=len(content),
                limit=limit,
            ),
            code="file_too_big",
            details={"file": name, "component": label},
        )
    if not content:
        raise UploadRefused(
            bilingual(_("The file “%(name)s” is empty."), name=name),
            code="file_empty",
            details={"file": name, "component": label},
        )
    content_type = sniff_content_type(content[:16], content)
    if content_type is None:
        raise UploadRefused(
            bilingual(
                _(
                    "The file “%(name)s” is not an allowed type (PDF, image or Office document); "
                    "its content was checked, not its name."
                ),
                name=name,
            ),
            code="file_type_not_allowed",
            details={"file": name, "component": label},
        )
    return CheckedFile(
        name=name.rsplit("/", 1)[-1][:255],
        content=content,
        sha256=hashlib.sha256(content).hexdigest(),
        size=len(content),
        content_type=content_type,
    )
