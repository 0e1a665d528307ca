"""The inventory as a spreadsheet: template, import (all or nothing) and export.

One sheet **"Hạ tầng CNTT"** (or "IT inventory"), one row per agency, identified by its
organisation code (QCVN 102 or Decision 20/2020); headers in Vietnamese or English (case,
accents and punctuation ignored). The reading, header mapping and row/column-precise error
report are the directory import's (``directory.importing``: ``Column``, ``RowError`` and its
readers); the figures are checked by the same rules as the entry form
(``services.inventory.validate_values``), each error placed on its row and column.

Only when no row has an error, and it is not a dry run, are all rows saved in ONE transaction
through ``services.inventory.save_inventory`` (each audited) plus one audit entry for the
import; otherwise nothing is saved. Export writes the same sheet with the year's figures, so
an exported file imports back unchanged.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from chinhquyen.audit.services import audited_atomic, log_action
from chinhquyen.directory.importing import (
    Column,
    RowError,
    _FileError,
    _fold_header,
    _map_columns,
    _read_bytes,
    _read_tables,
    _records,
)
from chinhquyen.directory.models import Organisation
from chinhquyen.directory.services import normalise_code
from chinhquyen.dossiers.services.access import bilingual
from chinhquyen.infrastructure.choices import InventoryStatus
from chinhquyen.infrastructure.errors import InfrastructureError, InventoryInvalid
from chinhquyen.infrastructure.models import AgencyInventory
from chinhquyen.infrastructure.services.agencies import (
    Agency,
    directory_official_counts,
    in_scope,
    reporting_agencies,
)
from chinhquyen.infrastructure.services.inventory import (
    BOOLEAN_FIELDS,
    CHANGE,
    INPUT_FIELDS,
    INTEGER_FIELDS,
    SUBMIT,
    blank_values,
    is_year_locked,
    save_inventory,
    validate_values,
)

SHEET_NAMES = ("Hạ tầng CNTT", "IT inventory")
COLUMNS = (
    Column(
        "code",
        "Mã đơn vị",
        "Organisation code",
        required=True,
        aliases=("Mã QCVN 102", "Mã định danh", "Code"),
    ),
    Column("name", "Tên cơ quan", "Agency", aliases=("Tên đơn vị", "Name")),
    Column("status", "Trạng thái", "Status"),
    Column("officials", "Số cán bộ, công chức, viên chức", "Officials", aliases=("Số cán bộ",)),
    Column("officials_reason", "Lý do khác danh bạ", "Reason the officials differ"),
    Column("computers", "Tổng số máy tính", "Computers"),
    Column("computers_lan", "Máy tính kết nối LAN", "Computers on the LAN"),
    Column("computers_internet", "Máy tính kết nối Internet", "Computers on the Internet"),
    Column("has_lan", "Có mạng LAN", "LAN"),
    Column("internet_mbps", "Băng thông Internet (Mbps)", "Internet bandwidth (Mbps)"),
    Column("data_network", "Kết nối mạng TSLCD", "Specialised data network"),
    Column("data_network_mbps", "Băng thông TSLCD (Mbps)", "Data network bandwidth (Mbps)"),
    Column("firewall_model", "Tường lửa (chủng loại)", "Firewall model"),
    Column("firewall_layers", "Số lớp tường lửa", "Firewall layers"),
    Column("antivirus_seats", "Số bản quyền diệt virus", "Licensed antivirus seats"),
    Column("has_wifi", "Có Wi-Fi", "Wi-Fi"),
    Column("wifi_access_points", "Số điểm truy cập Wi-Fi", "Wi-Fi access points"),
    Column("officials_with_email", "Cán bộ có thư điện tử công vụ", "Officials with e-mail"),
    Column("it_staff", "Cán bộ chuyên trách CNTT", "IT staff"),
    Column("it_staff_degrees", "Cán bộ CNTT có bằng CNTT", "IT staff with an IT degree"),
    Column("training_sessions", "Số lớp đào tạo CNTT", "IT training sessions"),
    Column("trainees", "Số lượt người được đào tạo", "Trainees"),
    Column("note", "Ghi chú", "Note"),
)
LABELS = {c.key: c.vi for c in COLUMNS}
YES = {"co", "yes", "x", "1", "true", "c", "y"}
NO = {"khong", "no", "0", "false", "k", "n", ""}


@dataclass
class PlannedRow:
    row: int
    agency: Agency
    action: str  # "create" | "update"
    values: dict[str, Any] = field(default_factory=dict)
    directory_count: int = 0


@dataclass
class InventoryImportReport:
    year: int
    dry_run: bool
    errors: list[RowError] = field(default_factory=list)
    rows: list[PlannedRow] = field(default_factory=list)
    applied: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors


def _parse_int(text: str) -> int | None:
    cleaned = text.replace(" ", "").replace("\u00a0", "")
    if cleaned.endswith(".0"):
        cleaned = cleaned[:-2]
    if cleaned.isdigit():
        return int(cleaned)
    return None


def _parse_bool(text: str) -> bool | None:
    folded = _fold_header(text)
    if folded in YES:
        return True
    if folded in NO:
        return False
    return None


def import_inventory(
    file: str | Path | bytes | BinaryIO,
    *,
    year: int,
    acting_user,
    dry_run: bool,
    submit: bool = False,
    filename: str | None = None,
) -> InventoryImportReport:
    """Validate and (unless ``dry_run``) save a spreadsheet of inventories for ``year``."""
    report = InventoryImportReport(year=year, dry_run=dry_run)
    try:
        data, name = _read_bytes(file)
        tables = _read_tables(data, filename or name)
    except _FileError as exc:
        report.errors.append(RowError(filename or _("file"), None, "", exc.message))
        return report
    sheet_names = {_fold_header(n) for n in SHEET_NAMES}
    table = next((t for t in tables if _fold_header(t.sheet) in sheet_names), None)
    if table is None and len(tables) == 1:
        table = tables[0]
    if table is None:
        report.errors.append(
            RowError(
                ", ".join(t.sheet for t in tables) or _("file"),
                None,
                "",
                bilingual(
                    "The workbook has no sheet “Hạ tầng CNTT” (IT inventory) (tệp không có "
                    "trang tính “Hạ tầng CNTT”)."
                ),
            )
        )
        return report
    if is_year_locked(year):
        report.errors.append(
            RowError(
                table.sheet,
                None,
                "",
                bilingual(
                    "The year %(year)s is locked: nothing can be imported (năm %(year)s đã "
                    "khóa số liệu).",
                    year=year,
                ),
            )
        )
        return report
    mapping = _map_columns(table, COLUMNS, report.errors)
    if mapping is None:
        return report
    agencies = reporting_agencies(year)
    by_code: dict[str, Agency] = {}
    for agency in agencies:
        for code in (agency.qcvn_code, agency.decision20_code):
            if code:
                by_code[code.upper()] = agency
    known_codes = set(
        code.upper()
        for pair in Organisation.objects.values_list("qcvn_code", "decision20_code")
        for code in pair
        if code
    )
    existing = {inv.organisation_id: inv for inv in AgencyInventory.objects.filter(year=year)}
    directory = directory_official_counts()
    seen: dict[int, int] = {}
    sheet = table.sheet

    def error(row: int, key: str, message: str) -> None:
        report.errors.append(RowError(sheet, row, LABELS.get(key, key), message))

    for number, cells in _records(table, mapping):
        code = normalise_code(cells.get("code")) or ""
        agency = by_code.get(code)
        if not code:
            error(
                number,
                "code",
                bilingual("The organisation code is required (mã đơn vị là bắt buộc)."),
            )
            continue
        if agency is None:
            if code in known_codes:
                message = bilingual(
                    "%(code)s is not an agency that reports for %(year)s (a division or a "
                    "closed organisation) (%(code)s không phải đơn vị báo cáo năm %(year)s).",
                    code=code,
                    year=year,
                )
            else:
                message = bilingual(
                    "No organisation has the code %(code)s (không có đơn vị mã %(code)s).",
                    code=code,
                )
            error(number, "code", message)
            continue
        if agency.pk in seen:
            error(
                number,
                "code",
                bilingual(
                    "%(code)s is already on row %(row)s (mã %(code)s bị lặp, đã có ở dòng "
                    "%(row)s).",
                    code=code,
                    row=seen[agency.pk],
                ),
            )
            continue
        seen[agency.pk] = number
        if not in_scope(acting_user, CHANGE, agency.path) or (
            submit and not in_scope(acting_user, SUBMIT, agency.path)
        ):
            error(
                number,
                "code",
                bilingual(
                    "You may not enter the inventory of %(name)s (bạn không có quyền kê khai "
                    "cho %(name)s).",
                    name=agency.name,
                ),
            )
            continue
        current = existing.get(agency.pk)
        if current is not None and current.status == InventoryStatus.SUBMITTED:
            error(
                number,
                "code",
                bilingual(
                    "The inventory of %(name)s is already submitted: reopen it first (bản kê "
                    "khai của %(name)s đã gửi: hãy mở lại trước).",
                    name=agency.name,
                ),
            )
            continue
        count = directory[agency.pk]
        values: dict[str, Any] = blank_values(Organisation(pk=agency.pk), directory_count=count)
        row_ok = True
        for key in INPUT_FIELDS:
            if key not in mapping:
                if current is not None:
                    values[key] = getattr(current, key)
                continue
            text = cells.get(key, "")
            if key in INTEGER_FIELDS:
                if text == "":
                    if key != "officials":
                        values[key] = 0
                    continue
                parsed = _parse_int(text)
                if parsed is None:
                    error(
                        number,
                        key,
                        bilingual(
                            "“%(value)s” is not a whole number (“%(value)s” không phải số nguyên).",
                            value=text,
                        ),
                    )
                    row_ok = False
                else:
                    values[key] = parsed
            elif key in BOOLEAN_FIELDS:
                parsed = _parse_bool(text)
                if parsed is None:
                    error(
                        number,
                        key,
                        bilingual(
                            "Write Có or Không, not “%(value)s” (ghi Có hoặc Không).", value=text
                        ),
                    )
                    row_ok = False
                else:
                    values[key] = parsed
            else:
                values[key] = text
        if not row_ok:
            continue
        for key, messages in validate_values(values, directory_count=count).items():
            for message in messages:
                error(number, key, message)
        report.rows.append(
            PlannedRow(
                row=number,
                agency=agency,
                action="update" if current else "create",
                values=values,
                directory_count=count,
            )
        )
    if not report.rows and not report.errors:
        report.errors.append(
            RowError(
                sheet,
                None,
                "",
                bilingual("The sheet has no agency row (không có dòng số liệu nào)."),
            )
        )
    if report.errors or dry_run:
        return report
    try:
        with audited_atomic():
            for planned in report.rows:
                save_inventory(
                    organisation=Organisation.objects.get(pk=planned.agency.pk),
                    year=year,
                    values=planned.values,
                    acting_user=acting_user,
                    submit=submit,
                    directory_count=planned.directory_count,
                )
            log_action(
                "infrastructure.import_inventory",
                actor=acting_user,
                details={
                    "file": filename or name,
                    "year": year,
                    "rows": len(report.rows),
                    "submit": submit,
                },
            )
    except InventoryInvalid as exc:  # changed since the check (a concurrent edit)
        for key, messages in exc.errors.items():
            for message in messages:
                report.errors.append(RowError(sheet, None, LABELS.get(key, key), message))
        return report
    except (InfrastructureError, PermissionDenied) as exc:
        report.errors.append(RowError(sheet, None, "", getattr(exc, "message", str(exc))))
        return report
    report.applied = True
    return report


def build_workbook(year: int, agencies: list[Agency], *, with_values: bool) -> bytes:
    """The template (``with_values=False``: agencies listed, officials prefilled from the
    directory) or the export of ``year`` (the figures entered)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    inventories = {
        inv.organisation_id: inv
        for inv in AgencyInventory.objects.filter(
            year=year, organisation_id__in=[a.pk for a in agencies]
        )
    }
    directory = directory_official_counts()
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET_NAMES[0]
    sheet.append([c.vi for c in COLUMNS])
    status_vi = {InventoryStatus.DRAFT: "Đang nhập", InventoryStatus.SUBMITTED: "Đã gửi"}
    for agency in agencies:
        inventory = inventories.get(agency.pk) if with_values else None
        row: list[Any] = [agency.code, agency.name]
        row.append(status_vi.get(inventory.status, "") if inventory else "")
        for column in COLUMNS[3:]:
            key = column.key
            if inventory is not None:
                value = getattr(inventory, key)
                row.append(("Có" if value else "Không") if key in BOOLEAN_FIELDS else value)
            elif key == "officials":
                row.append(directory[agency.pk])
            else:
                row.append(None)
        sheet.append(row)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.column_dimensions["A"].width = 18
    sheet.column_dimensions["B"].width = 42
    sheet.freeze_panes = "C2"
    guide = workbook.create_sheet("Hướng dẫn")
    guide.append(["Cột (tiếng Việt)", "Column (English)"])
    for column in COLUMNS:
        guide.append([column.vi, column.en])
    guide.append([])
    guide.append(
        [
            f"Năm {year}. Mỗi dòng một cơ quan, nhận biết theo mã đơn vị. Cột Có/Không: ghi Có "
            "hoặc Không. Số cán bộ để trống thì lấy theo danh bạ; nếu khác danh bạ phải ghi lý do. "
            "Điểm cầu truyền hình và chứng thư số được lấy từ sổ đăng ký, không kê khai ở đây."
        ]
    )
    guide.append(
        [
            f"Year {year}. One row per agency, identified by its code. Yes/no columns: Có or "
            "Không. Officials left empty take the directory's number; a different number needs a "
            "reason. Video-conference endpoints and certificates come from their registries."
        ]
    )
    guide.column_dimensions["A"].width = 60
    guide.column_dimensions["B"].width = 40
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
