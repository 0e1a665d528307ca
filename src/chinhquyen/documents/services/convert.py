"""Word → PDF with LibreOffice headless (``soffice --headless --convert-to pdf``).

Each call gets its own LibreOffice profile (``-env:UserInstallation``) in a temporary
directory: two conversions at once, or a conversion beside a user's own LibreOffice, do not
share (and lock) one profile. Times New Roman is replaced by Liberation Serif when it is not
installed (Debian ``fonts-liberation2``): metric-compatible, so lines and pages break alike.
"""

from __future__ import annotations

import shutil
import subprocess  # noqa: S404 (a fixed program with arguments, no shell)
import tempfile
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from chinhquyen.documents.errors import DocumentError

DEFAULT_TIMEOUT = 120  # seconds; a first start of LibreOffice with a new profile takes ~2-5 s


class ConversionFailed(DocumentError):
    """LibreOffice is missing, timed out, or produced no PDF (HTTP 503 to the user)."""

    status = 503
    code = "conversion_failed"


def soffice_path() -> str | None:
    configured = getattr(settings, "DOCUMENTS_SOFFICE", "")
    if configured:
        return configured if Path(configured).is_file() else None
    return shutil.which("soffice") or shutil.which("libreoffice")


def docx_to_pdf(docx: bytes, *, timeout: int | None = None) -> bytes:
    """The PDF rendering of ``docx`` (bytes), or ``ConversionFailed`` with a bilingual reason."""
    program = soffice_path()
    if program is None:
        raise ConversionFailed(
            _(
                "LibreOffice (soffice) is not installed on the server, so the Word file cannot "
                "be turned into PDF. Ask the administrator to install libreoffice-writer."
            ),
            code="soffice_missing",
        )
    timeout = timeout or int(getattr(settings, "DOCUMENTS_CONVERT_TIMEOUT", DEFAULT_TIMEOUT))
    with tempfile.TemporaryDirectory(prefix="cq-soffice-") as work:
        work_dir = Path(work)
        source = work_dir / "document.docx"
        source.write_bytes(docx)
        profile = work_dir / "profile"
        command = [
            program,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            "pdf:writer_pdf_Export",
            "--outdir",
            str(work_dir),
            str(source),
        ]
        try:
            completed = subprocess.run(  # noqa: S603 (fixed program, no shell)
                command,
                capture_output=True,
                timeout=timeout,
                check=False,
                cwd=work_dir,
                env={"HOME": str(work_dir), "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"},
            )
        except subprocess.TimeoutExpired as exc:
            raise ConversionFailed(
                _("LibreOffice took longer than %(seconds)s seconds to make the PDF."),
                code="conversion_timeout",
                seconds=timeout,
            ) from exc
        except OSError as exc:
            raise ConversionFailed(
                _("LibreOffice could not be started: %(reason)s"),
                code="soffice_failed",
                reason=str(exc),
            ) from exc
        target = work_dir / "document.pdf"
        if completed.returncode != 0 or not target.is_file():
            detail = (completed.stderr or completed.stdout or b"").decode("utf-8", "replace")
            raise ConversionFailed(
                _("LibreOffice could not turn the Word file into PDF (%(reason)s)."),
                code="conversion_failed",
                reason=detail.strip()[:300] or f"exit {completed.returncode}",
            )
        return target.read_bytes()


def page_count(pdf: bytes) -> int | None:
    """Number of pages of ``pdf`` (PageAmount), None when it cannot be read."""
    from io import BytesIO

    from pyhanko.pdf_utils.reader import PdfFileReader

    try:
        return int(PdfFileReader(BytesIO(pdf), strict=False).root["/Pages"]["/Count"])
    except Exception:  # noqa: BLE001 (a page count is informative; never block on it)
        return None
