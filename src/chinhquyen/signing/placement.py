"""Where a visible signature goes, read from the document (Decree 30/2020 App. I; domain-vn §3.5).

In order (the first that applies wins):

1. **An empty signature field** already in the PDF: the one named by ``Appearance.field_name``,
   else the first empty field whose name is in ``SIGNING_FIELD_NAMES[role]`` (defaults below).
   The signature fills that field; its widget rectangle is the box.
2. **A text anchor**, found with pdfminer.six on the pages from the last one backwards (at
   most ``SIGNING_ANCHOR_MAX_PAGES``, default 10: appendices in the same file follow the
   signer block):
   * personal role: ``Appearance.anchor`` when given (a marker the template prints, e.g.
     ``[[chu-ky]]``: the box is centred on it), else the signer's **full name** in the signer
     block: the box is centred between the name and the line above it (the title/position,
     "CHỦ TỊCH", "GIÁM ĐỐC"), which is where the handwritten signature goes;
   * organisation role **with a seal image** (the main document): over the left third of the
     leader's signature already in the document, at the seal's real size (its PNG's dpi);
   * organisation role **without an image** (attachments, separate files): no search — the top
     right of the first page, as before (``appearance.placement_for``).
3. **Fallback**: the fixed box of ``appearance.placement_for`` (``SIGNING_PERSONAL_BOX`` on the
   last page for the personal role).

``locate(...)`` only reads; it never changes the PDF.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from io import BytesIO

from django.conf import settings

from chinhquyen.signing.choices import SignatureRole

DEFAULT_FIELD_NAMES: dict[str, tuple[str, ...]] = {
    SignatureRole.PERSONAL: ("ChuKyNguoiKy", "SignerSignature"),
    SignatureRole.ORGANISATION: ("ChuKyCoQuan", "OrganisationSignature"),
}
SIGNATURE_SIZE = (160.0, 60.0)  # width, height (points) of a handwritten signature's box
MIN_GAP = 24.0  # below this gap between title and name, the box is drawn above the name
DEFAULT_SEAL_DPI = 96.0
DEFAULT_ANCHOR_PAGES = 10  # the signer block closes the main text; appendices may follow


@dataclass(frozen=True)
class Location:
    """Where to sign. ``field_name``: an existing empty field to fill (else a new field)."""

    page: int
    box: tuple[float, float, float, float]
    source: str  # "field" | "anchor" | "signature" (over the leader's) | "default"
    field_name: str | None = None


@dataclass(frozen=True)
class TextLine:
    page: int
    text: str  # normalised: NFC, case-folded, single spaces
    box: tuple[float, float, float, float]  # x0, y0, x1, y1 (points, origin bottom left)


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip().casefold()


def field_names(role: str) -> tuple[str, ...]:
    configured = getattr(settings, "SIGNING_FIELD_NAMES", None) or {}
    return tuple(configured.get(str(role), DEFAULT_FIELD_NAMES[SignatureRole(role)]))


def empty_field(reader, appearance, role: str) -> Location | None:
    """The empty signature field to fill (named by the appearance or the role's settings)."""
    from pyhanko.sign.fields import enumerate_sig_fields

    from chinhquyen.signing.errors import SigningError

    wanted = appearance.field_name
    empty = {name: ref for name, _value, ref in enumerate_sig_fields(reader, filled_status=False)}
    if wanted:
        if wanted not in empty:
            from django.utils.translation import gettext_lazy as _

            raise SigningError(
                _("The PDF has no empty signature field named %(name)s: nothing was signed."),
                name=wanted,
            )
        names = (wanted,)
    else:
        names = tuple(name for name in field_names(role) if name in empty)
    for name in names:
        location = _field_location(reader, empty[name], name)
        if location is not None:
            return location
    return None


def _field_location(reader, ref, name: str) -> Location | None:
    field = ref.get_object()
    widget = field["/Kids"][0].get_object() if "/Kids" in field else field
    try:
        rect = tuple(float(v) for v in widget["/Rect"])
    except (KeyError, TypeError, ValueError):
        return None
    page = _page_index(reader, widget)
    if page is None:
        return None
    x0, y0, x1, y1 = rect
    return Location(page, (min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)), "field", name)


def _page_index(reader, widget) -> int | None:
    page_ref = widget.get("/P") if hasattr(widget, "get") else None
    pages = _page_refs(reader)
    if page_ref is not None:
        target = page_ref.get_object()
        for index, page in enumerate(pages):
            if page.get_object() is target or page.get_object() == target:
                return index
    # No /P: find the page whose /Annots lists the widget.
    for index, page in enumerate(pages):
        for annot in page.get_object().get("/Annots", ()) or ():
            if annot.get_object() is widget:
                return index
    return None


def _page_refs(reader) -> list:
    out: list = []

    def walk(node) -> None:
        node = node.get_object()
        if node.get("/Type") == "/Pages" or "/Kids" in node:
            for kid in node["/Kids"]:
                walk(kid)
        else:
            out.append(node)

    walk(reader.root["/Pages"])
    return out


def text_lines(pdf: bytes, page: int) -> list[TextLine]:
    """The text lines of ``page`` (0-based) with their boxes, by pdfminer.six."""
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LAParams, LTTextContainer, LTTextLine

    lines: list[TextLine] = []

    def collect(element) -> None:
        if isinstance(element, LTTextLine):
            text = normalise(element.get_text())
            if text:
                lines.append(TextLine(page, text, tuple(element.bbox)))
        elif isinstance(element, LTTextContainer):
            for child in element:
                collect(child)

    for layout in extract_pages(BytesIO(pdf), page_numbers=[page], laparams=LAParams()):
        for element in layout:
            collect(element)
    return lines


def max_pages() -> int:
    """How many pages, from the last one, are searched for an anchor (reading text costs)."""
    return int(getattr(settings, "SIGNING_ANCHOR_MAX_PAGES", DEFAULT_ANCHOR_PAGES))


def find_anchor(pdf: bytes, anchor: str, page_count: int) -> tuple[TextLine, list[TextLine]] | None:
    """The last line containing ``anchor`` (searching from the last page), with its page's lines."""
    wanted = normalise(anchor)
    if not wanted:
        return None
    last_page = max(page_count - max_pages(), 0)
    for page in range(page_count - 1, last_page - 1, -1):
        lines = text_lines(pdf, page)
        hits = [line for line in lines if wanted in line.text]
        if hits:
            # The lowest occurrence on the page: the signer block closes the document.
            return min(hits, key=lambda line: line.box[1]), lines
    return None


def _line_above(line: TextLine, lines: list[TextLine]) -> TextLine | None:
    """The nearest line above ``line`` that overlaps it horizontally (the title/position)."""
    x0, _y0, x1, y1 = line.box
    above = [
        other
        for other in lines
        if other is not line and other.box[1] >= y1 - 1 and other.box[0] < x1 and other.box[2] > x0
    ]
    return min(above, key=lambda other: other.box[1]) if above else None


def _centred(cx: float, cy: float, size: tuple[float, float]) -> tuple[float, float, float, float]:
    w, h = size
    return (round(cx - w / 2, 2), round(cy - h / 2, 2), round(cx + w / 2, 2), round(cy + h / 2, 2))


def signer_block(pdf: bytes, *, name: str, page_count: int) -> Location | None:
    """The handwritten-signature box: between the signer's title line and name line."""
    found = find_anchor(pdf, name, page_count)
    if found is None:
        return None
    line, lines = found
    x0, _y0, x1, top = line.box
    cx = (x0 + x1) / 2
    title = _line_above(line, lines)
    width, height = SIGNATURE_SIZE
    if title is not None and title.box[1] - top >= MIN_GAP:
        gap = title.box[1] - top
        height = min(height, gap - 4)
        cy = top + gap / 2
    else:
        cy = top + 2 + height / 2
    return Location(line.page, _centred(cx, cy, (width, height)), "anchor")


def marker(pdf: bytes, *, anchor: str, page_count: int) -> Location | None:
    """A box of the signature's size centred on the marker text ``anchor``."""
    found = find_anchor(pdf, anchor, page_count)
    if found is None:
        return None
    line, _lines = found
    x0, y0, x1, y1 = line.box
    return Location(line.page, _centred((x0 + x1) / 2, (y0 + y1) / 2, SIGNATURE_SIZE), "anchor")


def seal_size(image: bytes) -> tuple[float, float]:
    """The seal's real size in points from its PNG resolution (96 dpi when it has none)."""
    from PIL import Image

    with Image.open(BytesIO(image)) as picture:
        dpi = picture.info.get("dpi") or (DEFAULT_SEAL_DPI, DEFAULT_SEAL_DPI)
        width, height = picture.size
    dx, dy = (float(d) or DEFAULT_SEAL_DPI for d in dpi[:2])
    return width * 72 / dx, height * 72 / dy


def over_leader_signature(reader, image: bytes) -> Location | None:
    """The seal over the left third of the last personal signature in the document."""
    personal_names = field_names(SignatureRole.PERSONAL)
    personal = [
        sig
        for sig in reader.embedded_signatures
        if SignatureRole.PERSONAL.value in (sig.field_name or "")
        or sig.field_name in personal_names
    ]
    if not personal:
        return None
    field = personal[-1].sig_field
    widget = field["/Kids"][0].get_object() if "/Kids" in field else field
    try:
        x0, y0, x1, y1 = (float(v) for v in widget["/Rect"])
    except (KeyError, TypeError, ValueError):
        return None
    if x1 - x0 <= 0 or y1 - y0 <= 0:
        return None  # an invisible signature
    page = _page_index(reader, widget)
    if page is None:
        return None
    seal_w, seal_h = seal_size(image)
    right = x0 + (x1 - x0) / 3
    cy = (y0 + y1) / 2
    box = (right - seal_w, cy - seal_h / 2, right, cy + seal_h / 2)
    return Location(page, tuple(round(v, 2) for v in box), "signature")


def locate(
    pdf: bytes, reader, appearance, *, role: str, signer_name: str, page_count: int
) -> Location | None:
    """Where the document asks for this signature; ``None``: use the role's default box."""
    if appearance.box is not None:
        return None  # the caller placed it
    found = empty_field(reader, appearance, role)
    if found is not None:
        return found
    if role == SignatureRole.PERSONAL:
        if appearance.anchor:
            return marker(pdf, anchor=appearance.anchor, page_count=page_count)
        if getattr(settings, "SIGNING_FIND_SIGNER_BLOCK", True) and signer_name:
            return signer_block(pdf, name=signer_name, page_count=page_count)
        return None
    if appearance.anchor:
        return marker(pdf, anchor=appearance.anchor, page_count=page_count)
    if appearance.image:
        return over_leader_signature(reader, appearance.image)
    return None
