"""Visible appearance of signatures (Decree 30/2020 Appendix I §II; domain-vn §3.5).

* Personal (competent signer): at the signature place of the signer block, the handwritten
  signature image (blue PNG, transparent). Until documents carry the position of their signer
  block, the box comes from ``SIGNING_PERSONAL_BOX`` (points, on the last page by default).
* Organisation on a separate file or attachment: top right of the first page, document number
  and notation and the signing time (ISO 8601, Vietnam time), Times New Roman 10 black
  (Liberation Serif, metric-compatible, when Times New Roman is not installed).
* Organisation on the main document with a seal image: pass ``Appearance(image=seal_png,
  box=…)`` over the left third of the signer's image.
"""

import datetime
import functools
import hashlib
import os
import tempfile
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings

from chinhquyen.signing.choices import SignatureRole

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
MM = 72 / 25.4
A4 = (595.28, 841.89)
DEFAULT_PERSONAL_BOX = (330.0, 90.0, 530.0, 170.0)  # right half, above the bottom margin
ORGANISATION_BOX_SIZE = (200.0, 52.0)  # width, height in points (3 lines of 10 pt)
FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/msttcorefonts/Times_New_Roman.ttf",
    "/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf",
)


@dataclass(frozen=True)
class Appearance:
    """How a signature shows on the page. Every field has a per-role default."""

    visible: bool = True
    page: int | None = None  # 0-based; negative counts from the end
    box: tuple[float, float, float, float] | None = None  # (x1, y1, x2, y2) in points
    image: bytes | None = None  # PNG with transparent background (signature or seal)
    text: str | None = None  # None: the role's default text; "": no text
    document_number: str = ""  # "Số: 12/QĐ-UBND" for the organisation's stamp
    field_name: str | None = None  # an empty signature field of the PDF to fill (placement.py)
    anchor: str | None = None  # a marker text to centre the signature on (placement.py)


@dataclass(frozen=True)
class Placement:
    page: int
    box: tuple[float, float, float, float]
    text: str
    image: bytes | None


def signing_time_text(moment: datetime.datetime) -> str:
    """``2025-07-14T09:30:15+07:00``: ISO 8601 in Vietnam time, to the second."""
    return moment.astimezone(VIETNAM).replace(microsecond=0).isoformat()


def font_path() -> str | None:
    """The stamp font (Times New Roman, else Liberation Serif), scaled to 1000 units per em."""
    configured = getattr(settings, "SIGNING_STAMP_FONT", "")
    for candidate in (configured, *FONT_CANDIDATES):
        if candidate and Path(candidate).is_file():
            return _font_1000_upem(candidate)
    return None


@functools.cache
def _font_1000_upem(source: str) -> str:
    """A copy of the TrueType font ``source`` with 1000 units per em, cached on disk.

    pyHanko 0.38 writes glyph widths in font units, while PDF expects 1/1000 em: with a
    2048-unit font (Times New Roman, Liberation) the text comes out letter-spaced. Scaling the
    font once to 1000 units makes the two agree.
    """
    from fontTools.ttLib import TTFont
    from fontTools.ttLib.scaleUpem import scale_upem

    font = TTFont(source)
    if font["head"].unitsPerEm == 1000:
        return source
    stat = Path(source).stat()
    digest = hashlib.sha256(f"{source}:{stat.st_size}:{stat.st_mtime_ns}".encode()).hexdigest()
    target = Path(tempfile.gettempdir()) / f"chinhquyen-stamp-{digest[:16]}.ttf"
    if not target.exists():
        scale_upem(font, 1000)
        partial = target.with_suffix(f".{os.getpid()}.tmp")
        font.save(str(partial))
        os.replace(partial, target)  # atomic: parallel test workers may race here
    return str(target)


def placement_for(
    appearance: Appearance,
    *,
    role: str,
    signer_name: str,
    organisation_name: str,
    moment: datetime.datetime,
    page_count: int,
    page_size: tuple[float, float],
) -> Placement:
    """Resolve the role's defaults against the page (size from the document)."""
    when = signing_time_text(moment)
    if role == SignatureRole.ORGANISATION:
        page = 0 if appearance.page is None else appearance.page
        width, height = page_size
        box_w, box_h = ORGANISATION_BOX_SIZE
        x2 = width - 15 * MM  # inside the right margin
        y2 = height - 5 * MM  # in the top margin
        box = appearance.box or (x2 - box_w, y2 - box_h, x2, y2)
        lines = [appearance.document_number, organisation_name, when]
        default_text = "\n".join(line for line in lines if line)
    else:
        page = page_count - 1 if appearance.page is None else appearance.page
        box = appearance.box or tuple(
            getattr(settings, "SIGNING_PERSONAL_BOX", None) or DEFAULT_PERSONAL_BOX
        )
        # The signer's signature shows the image only; without one, name and time.
        default_text = "" if appearance.image else f"{signer_name}\n{when}"
    text = default_text if appearance.text is None else appearance.text
    if page < 0:
        page += page_count
    return Placement(page=page, box=tuple(box), text=text, image=appearance.image)


def stamp_style(placement: Placement):
    """A pyHanko stamp style drawing ``placement``'s text (TNR 10, black) over its image."""
    from pyhanko.pdf_utils import layout
    from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
    from pyhanko.pdf_utils.images import PdfImage
    from pyhanko.pdf_utils.text import TextBoxStyle
    from pyhanko.stamp import TextStampStyle

    # No text (an image alone): pyHanko's embedded-font path fails on an empty string.
    font = font_path() if placement.text.strip() else None
    # Text at its true size (10 pt, Decree 30/2020) with a 1 pt margin, shrunk only if it does
    # not fit; pyHanko's default 10 pt margins shrink two lines in a 27 pt box to about 6 pt.
    tight = layout.SimpleBoxLayoutRule(
        x_align=layout.AxisAlignment.ALIGN_MID,
        y_align=layout.AxisAlignment.ALIGN_MID,
        margins=layout.Margins.uniform(1),
        inner_content_scaling=layout.InnerScaling.SHRINK_TO_FIT,
    )
    box_style = (
        TextBoxStyle(
            font=GlyphAccumulatorFactory(font, font_size=10),
            font_size=10,
            leading=12,
            box_layout_rule=tight,
        )
        if font
        else TextBoxStyle(font_size=10, leading=12, box_layout_rule=tight)
    )
    background = None
    if placement.image:
        from PIL import Image

        background = PdfImage(Image.open(BytesIO(placement.image)))
    return TextStampStyle(
        # pyHanko interpolates %(…)s in the text: escape literal percent signs.
        stamp_text=placement.text.replace("%", "%%"),
        text_box_style=box_style,
        border_width=0,
        inner_content_layout=tight,
        background=background,
        background_opacity=1.0,
    )
