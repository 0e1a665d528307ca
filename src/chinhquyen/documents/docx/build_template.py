"""Build ``outgoing.docx``, the docxtpl template of outgoing documents (Decree 30/2020 App. I).

Layout (Appendix I, domain-vn §3.4): A4 portrait; margins top/bottom 20 mm, left 30 mm, right
15 mm; Times New Roman; a two-column header — the superior agency (capitals) and the issuing
agency (capitals, bold), "Số: …/…" and, for a công văn, "V/v …" on the left; the national line
"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" / "Độc lập - Tự do - Hạnh phúc" and the place and date on
the right —; type name and summary (not for a công văn, which has "Kính gửi:"); the body
justified with a 1 cm first-line indent, 6 pt after each paragraph; at the foot "Nơi nhận:"
(12, bold italic) with the list (11, "- …;", last "- Lưu: VT, <unit>.") on the left and the
signer block (competence prefix, position in capitals bold, the name bold) on the right; page
numbers centred in the top margin from page 2.

Two kinds of place holder:

* ``{{ … }}`` / ``{%p … %}`` — docxtpl, filled when the first version of a draft is made;
* ``[[SO_VB]]`` and ``[[NGAY_VB]]`` — left in every version (an edited .docx must keep them) and
  filled only at numbering with the number and the date (``services.drafting.fill_number``).

Run: ``.venv/bin/python -m chinhquyen.documents.docx.build_template``.
"""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt

FONT = "Times New Roman"
CENTER = WD_ALIGN_PARAGRAPH.CENTER
JUSTIFY = WD_ALIGN_PARAGRAPH.JUSTIFY
LEFT = WD_ALIGN_PARAGRAPH.LEFT


def _para(
    container,
    text: str = "",
    *,
    size: float = 14,
    bold: bool = False,
    italic: bool = False,
    align=CENTER,
    after: float = 0,
    indent_cm: float | None = None,
):
    paragraph = container.add_paragraph()
    paragraph.alignment = align
    fmt = paragraph.paragraph_format
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(after)
    fmt.line_spacing = 1.0
    if indent_cm is not None:
        fmt.first_line_indent = Cm(indent_cm)
    if text:
        run = paragraph.add_run(text)
        run.font.size = Pt(size)
        run.font.bold = bold
        run.font.italic = italic
        run.font.name = FONT
    return paragraph


def _tag(container, tag: str):
    """A paragraph holding only a docxtpl block tag (removed when rendered)."""
    return _para(container, tag, size=2)


def _no_borders(table) -> None:
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    table._tbl.tblPr.append(borders)


def _two_columns(document, left_cm: float, right_cm: float):
    table = document.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _no_borders(table)
    left, right = table.rows[0].cells
    left.width, right.width = Cm(left_cm), Cm(right_cm)
    for column, width in zip(table.columns, (left_cm, right_cm), strict=True):
        column.width = Cm(width)
    # python-docx leaves one empty paragraph in each cell: reuse it as the first line.
    return left, right


def _first(cell, text: str, **kwargs):
    paragraph = cell.paragraphs[0]
    paragraph.alignment = kwargs.pop("align", CENTER)
    fmt = paragraph.paragraph_format
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)
    run = paragraph.add_run(text)
    run.font.size = Pt(kwargs.get("size", 13))
    run.font.bold = kwargs.get("bold", False)
    run.font.italic = kwargs.get("italic", False)
    run.font.name = FONT
    return paragraph


def _page_number_header(section) -> None:
    """Page numbers centred in the top margin, not on page 1 (Appendix I)."""
    section.different_first_page_header_footer = True
    paragraph = section.header.paragraphs[0]
    paragraph.alignment = CENTER
    run = paragraph.add_run()
    run.font.name = FONT
    run.font.size = Pt(13)
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    instruction = OxmlElement("w:instrText")
    instruction.set(qn("xml:space"), "preserve")
    instruction.text = " PAGE "
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run._r.append(begin)
    run._r.append(instruction)
    run._r.append(end)


def build(target: Path) -> Path:
    document = Document()
    style = document.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(14)
    # East-Asian and complex-script slots too, so Word does not fall back to another font.
    fonts = style.element.rPr.rFonts
    for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attribute), FONT)
    language = OxmlElement("w:lang")
    language.set(qn("w:val"), "vi-VN")
    style.element.rPr.append(language)

    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = section.bottom_margin = Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    section.header_distance = Mm(10)
    _page_number_header(section)
    document.core_properties.title = "{{ subject }}"
    document.core_properties.author = "{{ agency_name }}"

    # Header: agency on the left, national line on the right.
    left, right = _two_columns(document, 6.5, 10.0)
    _first(left, "{%p if superior_name %}", size=2)
    _para(left, "{{ superior_name }}", size=12)
    _tag(left, "{%p endif %}")
    _para(left, "{{ agency_name }}", size=12, bold=True)
    _para(left, "")
    _para(left, "Số: [[SO_VB]]/{{ notation }}", size=13)
    _tag(left, "{%p if is_official_letter %}")
    _para(left, "V/v {{ subject }}", size=12)
    _tag(left, "{%p endif %}")
    _tag(left, "{%p for mark in marks %}")
    _para(left, "{{ mark }}", size=13, bold=True)
    _tag(left, "{%p endfor %}")
    _first(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", size=12, bold=True)
    _para(right, "Độc lập - Tự do - Hạnh phúc", size=13, bold=True)
    _para(right, "")
    _para(right, "{{ place }}, [[NGAY_VB]]", size=13, italic=True)

    _para(document, "")
    _tag(document, "{%p if is_official_letter %}")
    _para(document, "Kính gửi: {{ addressees }}", size=14, after=6)
    _tag(document, "{%p else %}")
    _para(document, "{{ type_name }}", size=14, bold=True)
    _para(document, "{{ subject }}", size=14, bold=True, after=12)
    _tag(document, "{%p endif %}")
    _tag(document, "{%p for para in paragraphs %}")
    _para(document, "{{ para }}", size=14, align=JUSTIFY, after=6, indent_cm=1.0)
    _tag(document, "{%p endfor %}")
    _para(document, "")

    # Foot: recipients on the left, signer block on the right.
    left, right = _two_columns(document, 8.0, 8.5)
    _first(left, "Nơi nhận:", size=12, bold=True, italic=True, align=LEFT)
    _tag(left, "{%p for name in recipient_lines %}")
    _para(left, "- {{ name }};", size=11, align=LEFT)
    _tag(left, "{%p endfor %}")
    _para(left, "- Lưu: VT, {{ unit_abbreviation }}.", size=11, align=LEFT)
    _first(right, "{%p if competence_line %}", size=2)
    _para(right, "{{ competence_line }}", size=14, bold=True)
    _tag(right, "{%p endif %}")
    _para(right, "{{ position_line }}", size=14, bold=True)
    for _blank in range(4):
        _para(right, "", size=14)
    _para(right, "{{ signer_name }}", size=14, bold=True)

    document.save(target)
    return target


if __name__ == "__main__":
    from chinhquyen.documents.docx import TEMPLATE_PATH

    print(build(TEMPLATE_PATH))
