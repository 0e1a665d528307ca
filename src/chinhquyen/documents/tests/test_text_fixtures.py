"""Shared pieces of the text-extraction tests: scans made at test time and a registered letter.

The scans are Vietnamese text rendered with Liberation Serif to a 300 dpi image, as a PNG or as
a PDF of that image, like a scanner makes them; born-digital PDFs are made with WeasyPrint.
Test modules take the fixtures by assigning them (``incoming = fixtures.incoming``).
"""

from __future__ import annotations

import hashlib
import io
import shutil
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from chinhquyen.documents.choices import (
    BookDirection,
    FileKind,
    IncomingChannel,
    TextStatus,
)
from chinhquyen.documents.models import (
    DocumentEvent,
    DocumentFile,
    DocumentType,
    IncomingDocument,
    RegistrationBook,
)
from chinhquyen.documents.services.text import queue_text_extraction

requires_tesseract = pytest.mark.skipif(
    shutil.which("tesseract") is None,
    reason="OCR tests need the tesseract binary: apt-get install tesseract-ocr "
    "tesseract-ocr-vie ghostscript (see the Makefile's deps target)",
)

FONT_DIRS = ("/usr/share/fonts/truetype/liberation2", "/usr/share/fonts/truetype/liberation")
LETTER = [
    ("bold", "ỦY BAN NHÂN DÂN TỈNH TUYÊN QUANG"),
    ("regular", "Số: 125/UBND-VP"),
    ("bold", "CÔNG VĂN"),
    ("regular", "về việc triển khai chuyển đổi số năm 2026"),
    ("regular", "Kính gửi: Các sở, ban, ngành thuộc tỉnh."),
    ("regular", "Đề nghị các cơ quan khẩn trương thực hiện."),
]
PDF = "application/pdf"
IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


def font(style: str, size: int):
    from PIL import ImageFont

    name = "LiberationSerif-Bold.ttf" if style == "bold" else "LiberationSerif-Regular.ttf"
    for directory in FONT_DIRS:
        path = Path(directory) / name
        if path.exists():
            return ImageFont.truetype(str(path), size)
    pytest.skip("Liberation Serif is not installed (apt-get install fonts-liberation2)")


def scanned_page(lines=LETTER, *, dpi: int = 300, fmt: str = "PNG", rotate: int = 0) -> bytes:
    """A page as a scanner makes it: black text on white, 13 pt Times-like, at ``dpi``."""
    from PIL import Image, ImageDraw

    width, height = int(8.27 * dpi), int(5.5 * dpi)  # the top half of an A4 page
    image = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(image)
    y = dpi
    for style, line in lines:
        face = font(style, 13 * dpi // 72)
        draw.text((dpi, y), line, font=face, fill=0)
        y += int(face.size * 1.8)
    if rotate:
        image = image.rotate(rotate)
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, dpi=(dpi, dpi))
    return buffer.getvalue()


def scan_as_pdf(image: bytes) -> bytes:
    import img2pdf

    return img2pdf.convert(image)


def born_digital_pdf(paragraphs: list[str]) -> bytes:
    from weasyprint import HTML

    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return HTML(
        string=f"<html lang='vi'><body style='font: 13pt serif'>{body}</body></html>"
    ).write_pdf()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def incoming(org_tree, clerk_hoa):
    book = RegistrationBook.objects.create(
        organisation=org_tree.dept_a,
        year=2026,
        direction=BookDirection.INCOMING,
        code="den",
        name="Sổ văn bản đến",
        last_number=1,
    )
    return IncomingDocument.objects.create(
        organisation=org_tree.dept_a,
        book=book,
        arrival_number=1,
        arrived_at=timezone.now(),
        channel=IncomingChannel.PAPER,
        document_type=DocumentType.objects.get(code="cong-van"),
        subject="Về việc triển khai nhiệm vụ năm 2026",
        issuer_name="Ủy ban nhân dân tỉnh Tuyên Quang",
        number="125",
        notation="UBND-VP",
        registered_by=clerk_hoa,
        text_status=TextStatus.PENDING,
    )


@pytest.fixture
def add_file(incoming, clerk_hoa):
    def _add(content: bytes, name: str, content_type: str, *, document=None, queue=True):
        document_file = DocumentFile.objects.create(
            incoming=document or incoming,
            kind=FileKind.SCAN,
            file=ContentFile(content, name=name),
            name=name,
            content_type=content_type,
            size=len(content),
            sha256=hashlib.sha256(content).hexdigest(),
            created_by=clerk_hoa,
        )
        if queue:
            queue_text_extraction(document_file)
        return document_file

    return _add


def events(document, type_):
    return list(DocumentEvent.objects.filter(incoming=document, type=type_))
