"""Export of any table of the operations centre to Excel (.xlsx, openpyxl) and PDF (WeasyPrint).

A page builds one :class:`Table` (title, period and scope lines, columns, rows, an optional
total row and notes) and hands it to :func:`xlsx_bytes` or :func:`pdf_bytes`; the views wrap
them in a download (:func:`download`). Numbers stay numbers in the workbook (a rate is written as
a number with a ``0.0`` format, not as text), so a spreadsheet can compute with them; an empty
value (no data: a rate of nothing) is an empty cell, never a zero.

The PDF is A4 landscape, Liberation Sans (Vietnamese diacritics), rendered without network
access (``dossiers.slips.render.local_only_url_fetcher``).
"""

from __future__ import annotations

import datetime
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF_TYPE = "application/pdf"
SHEET_TITLE_MAX = 31  # Excel's limit on a sheet name


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    # "text", "int", "decimal" (one decimal place), "percent" (a value 0–100, one decimal)
    kind: str = "int"


@dataclass
class Table:
    """A table as shown on a page: what it is, for which period and scope, and its rows."""

    title: str
    columns: Sequence[Column]
    rows: list[Sequence[object]]
    subtitle: Sequence[str] = ()
    total: Sequence[object] | None = None
    notes: Sequence[str] = ()
    generated_at: datetime.datetime = field(default_factory=timezone.now)

    def __post_init__(self) -> None:
        for row in [*self.rows, *([self.total] if self.total is not None else [])]:
            if len(row) != len(self.columns):
                raise ValueError(
                    f"A row of {self.title!r} has {len(row)} cells for {len(self.columns)} columns"
                )


def _cell(value: object) -> object:
    if value is None or value == "":
        return None
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, bool | int | float | datetime.date):
        return value
    return str(value)


def xlsx_bytes(table: Table) -> bytes:
    """The table as an .xlsx workbook: title lines, a bold header, the rows, the total, notes."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = re.sub(r"[\[\]:*?/\\]", " ", table.title)[:SHEET_TITLE_MAX] or "Sheet1"
    sheet.append([table.title])
    sheet["A1"].font = Font(bold=True, size=13)
    for line in table.subtitle:
        sheet.append([line])
    sheet.append([f"{timezone.localtime(table.generated_at):%d/%m/%Y %H:%M}"])
    sheet.append([])
    header_row = sheet.max_row + 1
    sheet.append([column.label for column in table.columns])
    for cell in sheet[header_row]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    first_data = header_row + 1
    for row in table.rows:
        sheet.append([_cell(value) for value in row])
    if table.total is not None:
        sheet.append([_cell(value) for value in table.total])
        for cell in sheet[sheet.max_row]:
            cell.font = Font(bold=True)
    last_data = sheet.max_row
    for index, column in enumerate(table.columns, start=1):
        letter = get_column_letter(index)
        if column.kind in ("decimal", "percent"):
            for (cell,) in sheet.iter_rows(
                min_row=first_data, max_row=last_data, min_col=index, max_col=index
            ):
                cell.number_format = "0.0"
        elif column.kind == "int":
            for (cell,) in sheet.iter_rows(
                min_row=first_data, max_row=last_data, min_col=index, max_col=index
            ):
                cell.number_format = "#,##0"
        widest = max(
            [len(str(column.label)) // 2, *(len(str(r[index - 1] or "")) for r in table.rows)],
            default=8,
        )
        sheet.column_dimensions[letter].width = min(max(10, widest + 2), 60)
    sheet.freeze_panes = sheet.cell(row=first_data, column=1)
    if table.notes:
        sheet.append([])
        for note in table.notes:
            sheet.append([note])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _display(value: object, kind: str) -> str:
    from django.utils.formats import number_format

    if value is None or value == "":
        return "—"
    if kind in ("decimal", "percent") and isinstance(value, int | float | Decimal):
        text = number_format(value, decimal_pos=1)
        return f"{text} %" if kind == "percent" else text
    if kind == "int" and isinstance(value, int):
        return number_format(value, force_grouping=True)
    return str(value)


def html_for_pdf(table: Table) -> str:
    columns = list(table.columns)

    def cells(row):
        return [
            (_display(value, column.kind), column.kind)
            for value, column in zip(row, columns, strict=True)
        ]

    return render_to_string(
        "insights/export_pdf.html",
        {
            "table": table,
            "rows": [cells(row) for row in table.rows],
            "total": cells(table.total) if table.total is not None else None,
            "generated_at": timezone.localtime(table.generated_at),
        },
    )


def pdf_bytes(table: Table) -> bytes:
    """The table as an A4 landscape PDF, rendered without network access."""
    import weasyprint

    from chinhquyen.dossiers.slips.render import PACKAGE_DIR, local_only_url_fetcher

    return weasyprint.HTML(
        string=html_for_pdf(table),
        base_url=PACKAGE_DIR.as_uri() + "/",
        url_fetcher=local_only_url_fetcher(),
    ).write_pdf()


FORMATS = {
    "xlsx": (xlsx_bytes, XLSX_TYPE),
    "pdf": (pdf_bytes, PDF_TYPE),
}


def download(table: Table, *, fmt: str, filename: str) -> HttpResponse:
    """An attachment response with the table in ``fmt`` ("xlsx" or "pdf")."""
    render, content_type = FORMATS[fmt]
    safe = re.sub(r"[^A-Za-z0-9._-]+", "-", filename).strip("-") or "bang"
    response = HttpResponse(render(table), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{safe}.{fmt}"'
    return response
