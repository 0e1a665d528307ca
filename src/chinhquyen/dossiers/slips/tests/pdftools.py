"""Read rendered slips back with poppler-utils (Debian) and zbar-tools, as a reader would."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

try:
    import weasyprint  # noqa: F401
except (ImportError, OSError) as error:  # Pango missing
    WEASYPRINT_ERROR: str | None = f"WeasyPrint cannot load ({error}); install Debian's Pango"
else:
    WEASYPRINT_ERROR = None

needs_weasyprint = pytest.mark.skipif(WEASYPRINT_ERROR is not None, reason=WEASYPRINT_ERROR or "")
needs_poppler = pytest.mark.skipif(
    shutil.which("pdftotext") is None,
    reason="poppler-utils (pdftotext, pdfinfo, pdffonts) not installed; make test installs it",
)


def _run(*args: str) -> str:
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


def _with_file(pdf: bytes, *command: str, after: tuple[str, ...] = ()) -> str:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "slip.pdf"
        path.write_bytes(pdf)
        return _run(*command, str(path), *after)


def pdf_text(pdf: bytes) -> str:
    """The text of the PDF with every run of whitespace collapsed to one space."""
    return " ".join(_with_file(pdf, "pdftotext", "-enc", "UTF-8", after=("-",)).split())


def pdf_info(pdf: bytes) -> dict[str, str]:
    info = {}
    for line in _with_file(pdf, "pdfinfo").splitlines():
        key, _, value = line.partition(":")
        info[key.strip()] = value.strip()
    return info


def pdf_page_sizes(pdf: bytes) -> list[tuple[float, float]]:
    """(width, height) in points of every page, from the MediaBox."""
    pages = int(pdf_info(pdf)["Pages"])
    output = _with_file(pdf, "pdfinfo", "-f", "1", "-l", str(pages), "-box")
    sizes = []
    for line in output.splitlines():
        if "MediaBox:" in line:
            x0, y0, x1, y1 = (float(part) for part in line.split("MediaBox:")[1].split())
            sizes.append((round(x1 - x0, 2), round(y1 - y0, 2)))
    return sizes


def pdf_fonts(pdf: bytes) -> list[tuple[str, bool]]:
    """(font name without the subset prefix, embedded?) of every font in the PDF."""
    fonts = []
    for line in _with_file(pdf, "pdffonts").splitlines()[2:]:
        parts = line.split()
        name = parts[0].split("+", 1)[-1]
        embedded = parts[-5] == "yes"
        fonts.append((name, embedded))
    return fonts


def decode_qr_codes(pdf: bytes) -> list[str]:
    """Every QR code zbarimg finds on page 1 rasterised at 150 dpi."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "slip.pdf"
        path.write_bytes(pdf)
        _run("pdftoppm", "-png", "-r", "150", "-f", "1", "-l", "1", str(path), f"{folder}/page")
        image = next(Path(folder).glob("page*.png"))
        result = subprocess.run(
            ["zbarimg", "--quiet", "--raw", str(image)], capture_output=True, text=True
        )
    return [line for line in result.stdout.splitlines() if line]
