"""Excel import and export of the procedure catalogue, all or nothing.

The workbook has three sheets (headers in Vietnamese or English, see the column lists):

* **"Thủ tục"** (Procedures): one row per procedure, keyed by its national code;
* **"Thành phần hồ sơ"** (Components): one row per dossier component, with the code;
* **"Phí, lệ phí"** (Fees): one row per fee or charge, with the code.

A row whose data equals the procedure's latest version is left alone; otherwise the latest
draft is updated, or a new draft version is made from the published one (published versions
are never edited). With ``publish`` the new drafts are published at once.

The file reading and the column mapping are the directory import's (``directory.importing``):
same file checks, same header folding, same bilingual per-row errors, same dry run.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, BinaryIO

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from chinhquyen.audit.services import log_action
from chinhquyen.directory.importing import (
    Column,
    RowError,
    _cell_text,
    _FileError,
    _fold_header,
    _map_columns,
    _read_bytes,
    _read_tables,
    _records,
    _Table,
)
from chinhquyen.directory.models import Organisation
from chinhquyen.procedures import services
from chinhquyen.procedures.choices import (
    ComponentRequirement,
    FeeKind,
    ImplementingLevel,
    OnlineMode,
    TimeUnit,
    VersionStatus,
)
from chinhquyen.procedures.models import Procedure, ProcedureField, ProcedureVersion

PROCEDURE_COLUMNS = (
    Column("national_code", "Mã thủ tục", "National code", required=True, aliases=("Mã TTHC",)),
    Column("name", "Tên thủ tục", "Name", required=True),
    Column("name_en", "Tên tiếng Anh", "English name"),
    Column("field_code", "Mã lĩnh vực", "Field code", required=True),
    Column("field_name", "Lĩnh vực", "Field", aliases=("Tên lĩnh vực",)),
    Column("level", "Cấp thực hiện", "Level", required=True),
    Column("agencies", "Cơ quan thực hiện", "Implementing agencies"),
    Column("processing_time", "Thời hạn giải quyết", "Processing time", required=True),
    Column("time_unit", "Đơn vị thời gian", "Time unit"),
    Column("online_mode", "Dịch vụ công trực tuyến", "Online mode"),
    Column("legacy_online_level", "Mức độ DVC cũ", "Historic online level"),
    Column("result_type", "Kết quả", "Result"),
    Column("result_type_en", "Kết quả (tiếng Anh)", "Result (English)"),
    Column("legal_basis", "Căn cứ pháp lý", "Legal basis"),
    Column("where_to_apply", "Nơi tiếp nhận", "Where to apply"),
    Column("applicants", "Đối tượng thực hiện", "Who may apply"),
    Column("notes", "Ghi chú", "Notes"),
    Column("version", "Phiên bản", "Version"),  # informative, ignored on import
    Column("status", "Trạng thái", "Status"),  # informative, ignored on import
)
COMPONENT_COLUMNS = (
    Column("national_code", "Mã thủ tục", "National code", required=True, aliases=("Mã TTHC",)),
    Column("order", "STT", "No."),
    Column("name", "Tên thành phần", "Component", required=True),
    Column("originals", "Bản chính", "Originals"),
    Column("copies", "Bản sao", "Copies"),
    Column("requirement", "Yêu cầu", "Requirement"),
    Column("condition", "Điều kiện", "Condition"),
    Column("name_en", "Tên tiếng Anh", "English name"),
)
FEE_COLUMNS = (
    Column("national_code", "Mã thủ tục", "National code", required=True, aliases=("Mã TTHC",)),
    Column("kind", "Loại", "Kind"),
    Column("name", "Tên phí, lệ phí", "Fee", required=True),
    Column("amount", "Số tiền (đồng)", "Amount (VND)", required=True),
    Column("note", "Ghi chú", "Note"),
    Column("name_en", "Tên tiếng Anh", "English name"),
)
PROCEDURE_SHEET = ("Thủ tục", "Procedures")
COMPONENT_SHEET = ("Thành phần hồ sơ", "Components")
FEE_SHEET = ("Phí, lệ phí", "Fees")
AGENCY_SEPARATOR = ";"

WORDS = {
    "level": {
        ImplementingLevel.PROVINCE: ("tinh", "cap tinh", "province"),
        ImplementingLevel.COMMUNE: ("xa", "cap xa", "commune"),
        ImplementingLevel.DISTRICT: ("huyen", "cap huyen", "district"),
    },
    "time_unit": {
        TimeUnit.WORKING_DAYS: ("ngay", "ngay lam viec", "working days", "days"),
        TimeUnit.WORKING_HOURS: ("gio", "gio lam viec", "working hours", "hours"),
    },
    "online_mode": {
        OnlineMode.FULL: ("toan trinh", "full", "full online"),
        OnlineMode.PARTIAL: ("mot phan", "partial", "partial online"),
        OnlineMode.NONE: ("khong", "none", "not online", ""),
    },
    "requirement": {
        ComponentRequirement.REQUIRED: ("bat buoc", "required", ""),
        ComponentRequirement.CONDITIONAL: ("co dieu kien", "conditional", "neu co"),
        ComponentRequirement.OPTIONAL: ("khong bat buoc", "optional"),
    },
    "kind": {
        FeeKind.FEE: ("phi", "fee", ""),
        FeeKind.CHARGE: ("le phi", "charge"),
    },
}


@dataclass
class PlannedProcedure:
    row: int
    action: str  # "create" | "update" | "unchanged"
    code: str
    name: str


@dataclass
class CatalogueImportReport:
    dry_run: bool
    errors: list[RowError] = field(default_factory=list)
    procedures: list[PlannedProcedure] = field(default_factory=list)
    applied: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    def counts(self) -> dict[str, int]:
        result = {"errors": len(self.errors)}
        for action in ("create", "update", "unchanged"):
            result[action] = sum(1 for p in self.procedures if p.action == action)
        return result


def _choice(kind: str, value: str) -> str | None:
    folded = _fold_header(value)
    for choice, words in WORDS[kind].items():
        if folded == choice or folded in words or folded == _fold_header(choice):
            return choice
    return None


def _whole(value: str) -> int | None:
    try:
        number = Decimal(value.replace(",", ".")) if value else Decimal(0)
    except InvalidOperation:
        return None
    if number != number.to_integral_value() or number < 0:
        return None
    return int(number)


class _Reader:
    def __init__(self) -> None:
        self.errors: list[RowError] = []
        self.fields = {f.code: f for f in ProcedureField.objects.all()}
        self.new_fields: dict[str, str] = {}
        agencies = Organisation.objects.only("id", "qcvn_code", "decision20_code")
        self.agencies: dict[str, Organisation] = {}
        for organisation in agencies:
            for code in (organisation.qcvn_code, organisation.decision20_code):
                if code:
                    self.agencies[code.upper()] = organisation

    def error(self, sheet: str, row: int, column: str, message: str) -> None:
        self.errors.append(RowError(sheet, row, column, message))

    def procedure(self, sheet: str, number: int, values: dict[str, str]) -> dict | None:
        label = {c.key: c.vi for c in PROCEDURE_COLUMNS}
        before = len(self.errors)
        try:
            code = services.normalise_national_code(values.get("national_code"))
        except ValidationError as exc:
            self.error(sheet, number, label["national_code"], exc.messages[0])
            code = ""
        field_code = values.get("field_code", "")
        if field_code not in self.fields and not values.get("field_name"):
            self.error(
                sheet,
                number,
                label["field_code"],
                _(
                    "Unknown field code “%(code)s”: give its name in the column “Lĩnh vực” to "
                    "create it (mã lĩnh vực “%(code)s” chưa có: ghi tên lĩnh vực để tạo mới)."
                )
                % {"code": field_code},
            )
        elif field_code not in self.fields:
            self.new_fields[field_code] = values["field_name"]
        parsed: dict[str, Any] = {}
        for key in ("level", "time_unit", "online_mode"):
            raw = values.get(key, "")
            if key == "time_unit" and not raw:
                parsed[key] = TimeUnit.WORKING_DAYS
                continue
            choice = _choice(key, raw)
            if choice is None:
                self.error(
                    sheet,
                    number,
                    label[key],
                    _("“%(value)s” is not a valid choice (giá trị “%(value)s” không hợp lệ).")
                    % {"value": raw},
                )
            parsed[key] = choice
        try:
            processing_time = Decimal(values.get("processing_time", "").replace(",", "."))
            if not processing_time.is_finite():
                raise InvalidOperation
        except InvalidOperation:
            processing_time = None
        if processing_time is None or processing_time < 0:
            self.error(
                sheet,
                number,
                label["processing_time"],
                _(
                    "The processing time must be a number, 0 or more (thời hạn giải quyết phải "
                    "là số không âm)."
                ),
            )
        legacy = values.get("legacy_online_level", "")
        legacy_level = _whole(legacy) if legacy else None
        if legacy and legacy_level not in (1, 2, 3, 4):
            self.error(
                sheet,
                number,
                label["legacy_online_level"],
                _(
                    "The historic online level must be 1, 2, 3 or 4 (mức độ dịch vụ công cũ "
                    "phải là 1, 2, 3 hoặc 4)."
                ),
            )
        agencies = []
        for agency_code in filter(
            None, (c.strip().upper() for c in values.get("agencies", "").split(AGENCY_SEPARATOR))
        ):
            organisation = self.agencies.get(agency_code)
            if organisation is None:
                self.error(
                    sheet,
                    number,
                    label["agencies"],
                    _(
                        "No organisation has the code “%(code)s” (không có cơ quan nào có mã "
                        "“%(code)s”)."
                    )
                    % {"code": agency_code},
                )
            else:
                agencies.append(organisation)
        if not values.get("name"):
            self.error(
                sheet, number, label["name"], _("The name is required (tên thủ tục là bắt buộc).")
            )
        if len(self.errors) > before:
            return None
        return {
            "row": number,
            "code": code,
            "field_code": field_code,
            "values": {
                "name": values["name"],
                "name_en": values.get("name_en", ""),
                "level": parsed["level"],
                "implementing_agencies": agencies,
                "processing_time": processing_time,
                "time_unit": parsed["time_unit"],
                "online_mode": parsed["online_mode"],
                "legacy_online_level": legacy_level,
                "result_type": values.get("result_type", ""),
                "result_type_en": values.get("result_type_en", ""),
                "legal_basis": values.get("legal_basis", ""),
                "where_to_apply": values.get("where_to_apply", ""),
                "applicants": values.get("applicants", ""),
                "notes": values.get("notes", ""),
            },
            "components": [],
            "fees": [],
        }

    def component(self, sheet: str, number: int, values: dict[str, str]) -> dict | None:
        label = {c.key: c.vi for c in COMPONENT_COLUMNS}
        before = len(self.errors)
        cleaned: dict[str, Any] = {"name": values.get("name", "")}
        for key, default in (("order", ""), ("originals", "1"), ("copies", "0")):
            raw = values.get(key) or default
            if key == "order" and not raw:
                continue
            number_value = _whole(raw)
            if number_value is None:
                self.error(
                    sheet,
                    number,
                    label[key],
                    _(
                        "“%(value)s” must be a whole number, 0 or more (“%(value)s” phải là số "
                        "nguyên không âm)."
                    )
                    % {"value": raw},
                )
            cleaned[key] = number_value
        requirement = _choice("requirement", values.get("requirement", ""))
        if requirement is None:
            self.error(
                sheet,
                number,
                label["requirement"],
                _("“%(value)s” is not a valid choice (giá trị “%(value)s” không hợp lệ).")
                % {"value": values.get("requirement", "")},
            )
        cleaned["requirement"] = requirement
        cleaned["condition"] = values.get("condition", "")
        cleaned["name_en"] = values.get("name_en", "")
        if not cleaned["name"]:
            self.error(
                sheet,
                number,
                label["name"],
                _("The component name is required (tên thành phần hồ sơ là bắt buộc)."),
            )
        return cleaned if len(self.errors) == before else None

    def fee(self, sheet: str, number: int, values: dict[str, str]) -> dict | None:
        label = {c.key: c.vi for c in FEE_COLUMNS}
        before = len(self.errors)
        kind = _choice("kind", values.get("kind", ""))
        if kind is None:
            self.error(
                sheet,
                number,
                label["kind"],
                _("“%(value)s” is not a valid choice (giá trị “%(value)s” không hợp lệ).")
                % {"value": values.get("kind", "")},
            )
        raw = values.get("amount", "").replace(".", "").replace(",", "").replace(" ", "")
        try:
            amount = Decimal(raw)
        except InvalidOperation:
            amount = None
        if amount is None or not amount.is_finite() or amount != amount.to_integral_value():
            self.error(
                sheet,
                number,
                label["amount"],
                _(
                    "The amount “%(value)s” is not a whole number of đồng (số tiền “%(value)s” "
                    "không phải là số nguyên đồng)."
                )
                % {"value": values.get("amount", "")},
            )
        elif amount < 0:
            self.error(
                sheet,
                number,
                label["amount"],
                _("The amount cannot be negative (số tiền không được âm)."),
            )
        if not values.get("name"):
            self.error(
                sheet,
                number,
                label["name"],
                _("The fee name is required (tên khoản phí là bắt buộc)."),
            )
        if len(self.errors) > before:
            return None
        return {
            "kind": kind,
            "name": values["name"],
            "amount": amount,
            "note": values.get("note", ""),
            "name_en": values.get("name_en", ""),
        }


def _pick(tables: list[_Table], names: tuple[str, ...]) -> _Table | None:
    wanted = {_fold_header(n) for n in names}
    return next((t for t in tables if _fold_header(t.sheet) in wanted), None)


def _latest_versions(codes: list[str]) -> dict[str, ProcedureVersion]:
    latest: dict[str, ProcedureVersion] = {}
    versions = (
        ProcedureVersion.objects.filter(procedure__national_code__in=codes)
        .select_related("procedure", "field")
        .prefetch_related("components", "fees", "implementing_agencies")
        .order_by("procedure_id", "-number")
    )
    for version in versions:
        latest.setdefault(version.procedure.national_code, version)
    return latest


def _comparable(version: ProcedureVersion) -> tuple:
    return (
        services.version_snapshot(version)
        | {"processing_time": str(version.processing_time.normalize())},
        sorted(filter(None, (_agency_code(a) for a in version.implementing_agencies.all()))),
        [
            (c.order, c.name, c.originals, c.copies, c.requirement, c.condition, c.name_en)
            for c in version.components.all()
        ],
        [
            (f.kind, f.name, str(f.amount.normalize()), f.note, f.name_en)
            for f in version.fees.all()
        ],
    )


def _planned(entry: dict, field: ProcedureField | None) -> tuple:
    values = entry["values"]
    snapshot = {
        "name": values["name"],
        "name_en": values["name_en"],
        "field": entry["field_code"],
        "level": values["level"],
        "processing_time": str(values["processing_time"].normalize()),
        "time_unit": values["time_unit"],
        "online_mode": values["online_mode"],
        "legacy_online_level": values["legacy_online_level"],
        "result_type": values["result_type"],
        "result_type_en": values["result_type_en"],
        "legal_basis": values["legal_basis"],
        "where_to_apply": values["where_to_apply"],
        "applicants": values["applicants"],
        "notes": values["notes"],
    }
    return (
        snapshot,
        sorted(filter(None, (_agency_code(a) for a in values["implementing_agencies"]))),
        [
            (
                c["order"],
                c["name"],
                c["originals"],
                c["copies"],
                c["requirement"],
                c["condition"],
                c["name_en"],
            )
            for c in entry["components"]
        ],
        [
            (f["kind"], f["name"], str(f["amount"].normalize()), f["note"], f["name_en"])
            for f in entry["fees"]
        ],
    )


def import_catalogue(
    file: str | Path | bytes | BinaryIO,
    *,
    dry_run: bool,
    publish: bool = False,
    acting_user=None,
    filename: str | None = None,
) -> CatalogueImportReport:
    """Validate and (unless ``dry_run``) apply a catalogue workbook; all or nothing."""
    report = CatalogueImportReport(dry_run=dry_run)
    try:
        data, name = _read_bytes(file)
        tables = _read_tables(data, filename or name)
    except _FileError as exc:
        report.errors.append(RowError(filename or _("file"), None, "", exc.message))
        return report
    procedure_table = _pick(tables, PROCEDURE_SHEET)
    if procedure_table is None and len(tables) == 1:
        procedure_table = tables[0]
    if procedure_table is None:
        report.errors.append(
            RowError(
                ", ".join(t.sheet for t in tables) or _("file"),
                None,
                "",
                _(
                    "The workbook has no sheet named “Thủ tục” (Procedures) (tệp không có "
                    "trang tính “Thủ tục”)."
                ),
            )
        )
        return report
    sheets = [(procedure_table, PROCEDURE_COLUMNS)]
    for names, columns in ((COMPONENT_SHEET, COMPONENT_COLUMNS), (FEE_SHEET, FEE_COLUMNS)):
        table = _pick(tables, names)
        if table is not None:
            sheets.append((table, columns))
    mapped = []
    for table, columns in sheets:
        mapping = _map_columns(table, columns, report.errors)
        if mapping is not None:
            mapped.append((table, columns, list(_records(table, mapping))))
    if report.errors:
        return report

    reader = _Reader()
    entries: dict[str, dict] = {}
    seen_codes = {
        _cell_text(values.get("national_code")).upper() for _number, values in mapped[0][2]
    }
    for table, columns, records in mapped:
        for number, values in records:
            if columns is PROCEDURE_COLUMNS:
                entry = reader.procedure(table.sheet, number, values)
                if entry is None:
                    continue
                if entry["code"] in entries:
                    reader.error(
                        table.sheet,
                        number,
                        "Mã thủ tục",
                        _("The procedure %(code)s appears twice (thủ tục %(code)s bị lặp).")
                        % {"code": entry["code"]},
                    )
                    continue
                entries[entry["code"]] = entry
                continue
            code = _cell_text(values.get("national_code")).upper()
            if code not in entries and code in seen_codes:
                # The procedure row has errors (already reported): still check this row.
                check = reader.component if columns is COMPONENT_COLUMNS else reader.fee
                check(table.sheet, number, values)
                continue
            if code not in entries:
                reader.error(
                    table.sheet,
                    number,
                    "Mã thủ tục",
                    _(
                        "The procedure %(code)s is not on the sheet “Thủ tục” (thủ tục "
                        "%(code)s không có trong trang tính “Thủ tục”)."
                    )
                    % {"code": code},
                )
                continue
            if columns is COMPONENT_COLUMNS:
                component = reader.component(table.sheet, number, values)
                if component is not None:
                    entries[code]["components"].append(component)
            else:
                fee = reader.fee(table.sheet, number, values)
                if fee is not None:
                    entries[code]["fees"].append(fee)
    report.errors.extend(reader.errors)
    if report.errors:
        return report

    for entry in entries.values():
        for position, component in enumerate(entry["components"], start=1):
            if component.get("order") is None:
                component["order"] = position
    latest = _latest_versions(list(entries))
    for code, entry in entries.items():
        existing = latest.get(code)
        if existing is None:
            action = "create"
        elif _comparable(existing) == _planned(entry, existing.field):
            action = "unchanged"
        else:
            action = "update"
        entry["action"] = action
        report.procedures.append(
            PlannedProcedure(entry["row"], action, code, entry["values"]["name"])
        )
    if dry_run:
        return report
    try:
        with transaction.atomic():
            _apply(entries, latest, reader, publish=publish, acting_user=acting_user)
            log_action(
                "procedures.import_catalogue",
                actor=acting_user,
                details={"file": filename or name, "publish": publish, **report.counts()},
            )
    except ValidationError as exc:  # a rule the pre-check missed
        for message in exc.messages:
            report.errors.append(RowError(_("file"), None, "", message))
        return report
    report.applied = True
    return report


def _apply(entries, latest, reader: _Reader, *, publish: bool, acting_user) -> None:
    fields = dict(reader.fields)
    for code, field_name in reader.new_fields.items():
        fields[code] = services.get_or_create_field(
            code=code, name=field_name, acting_user=acting_user
        )
    for code, entry in entries.items():
        if entry["action"] == "unchanged":
            continue
        values = dict(entry["values"], field=fields[entry["field_code"]])
        existing = latest.get(code)
        if existing is None:
            version = services.create_procedure(
                national_code=code, acting_user=acting_user, **values
            )
        else:
            version = existing
            if existing.status != VersionStatus.DRAFT:
                version = services.draft_new_version(existing.procedure, acting_user=acting_user)
            version = services.update_draft(version, acting_user=acting_user, **values)
        services.replace_components_and_fees(
            version,
            components=entry["components"],
            fees=entry["fees"],
            acting_user=acting_user,
        )
        if publish:
            services.publish_version(version, acting_user=acting_user)


# --- Export -----------------------------------------------------------------------------


def _agency_code(organisation: Organisation) -> str:
    return organisation.qcvn_code or organisation.decision20_code or ""


def export_catalogue(*, codes: list[str] | None = None) -> bytes:
    """The catalogue as a workbook: the latest version of every procedure (drafts included)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    procedures = Procedure.objects.order_by("national_code")
    if codes is not None:
        procedures = procedures.filter(national_code__in=codes)
    latest = _latest_versions(list(procedures.values_list("national_code", flat=True)))
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = PROCEDURE_SHEET[0]
    components_sheet = workbook.create_sheet(COMPONENT_SHEET[0])
    fees_sheet = workbook.create_sheet(FEE_SHEET[0])
    sheet.append([c.vi for c in PROCEDURE_COLUMNS])
    components_sheet.append([c.vi for c in COMPONENT_COLUMNS])
    fees_sheet.append([c.vi for c in FEE_COLUMNS])
    for code in sorted(latest):
        version = latest[code]
        sheet.append(
            [
                code,
                version.name,
                version.name_en,
                version.field.code,
                version.field.name,
                version.level,
                AGENCY_SEPARATOR.join(
                    sorted(_agency_code(a) for a in version.implementing_agencies.all())
                ),
                float(version.processing_time)
                if version.processing_time != version.processing_time.to_integral_value()
                else int(version.processing_time),
                version.time_unit,
                version.online_mode,
                version.legacy_online_level,
                version.result_type,
                version.result_type_en,
                version.legal_basis,
                version.where_to_apply,
                version.applicants,
                version.notes,
                version.number,
                version.status,
            ]
        )
        for component in version.components.all():
            components_sheet.append(
                [
                    code,
                    component.order,
                    component.name,
                    component.originals,
                    component.copies,
                    component.requirement,
                    component.condition,
                    component.name_en,
                ]
            )
        for fee in version.fees.all():
            fees_sheet.append([code, fee.kind, fee.name, int(fee.amount), fee.note, fee.name_en])
    for each in (sheet, components_sheet, fees_sheet):
        for cell in each[1]:
            cell.font = Font(bold=True)
        for column_cells in each.columns:
            each.column_dimensions[column_cells[0].column_letter].width = 22
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


__all__ = [
    "CatalogueImportReport",
    "PlannedProcedure",
    "export_catalogue",
    "import_catalogue",
]
