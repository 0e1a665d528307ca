"""Importing organisations and officials from an Excel workbook (or CSV), all or nothing.

Provinces keep their agency list and staff list in spreadsheets. ``import_directory`` reads

* a sheet **"Đơn vị"** (or "Organisations"): one organisation per row, matched to an existing
  one by its QCVN 102 or Decision 20 code (then updated) or created;
* a sheet **"Cán bộ"** (or "Officials"): one official per row, matched by username.

Headers may be Vietnamese or English (see ``ORGANISATION_COLUMNS`` and ``OFFICIAL_COLUMNS``;
case, accents and punctuation are ignored). A ``.csv`` file (UTF-8, with or without BOM) holds
one table; which one is told by its headers.

Everything is validated first and every problem is reported with its sheet, row, column and
a bilingual message. Only when there is no error, and it is not a dry run, is the whole file
applied in ONE transaction through the directory services; otherwise nothing is saved.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chinhquyen.audit.services import log_action
from chinhquyen.directory import services
from chinhquyen.directory.choices import OrganisationKind
from chinhquyen.directory.models import Organisation
from chinhquyen.directory.validators import (
    qcvn102_level1,
    validate_decision20_code,
    validate_qcvn102_code,
)

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000


@dataclass(frozen=True)
class Column:
    key: str
    vi: str
    en: str
    required: bool = False
    aliases: tuple[str, ...] = ()

    def matches(self, folded_header: str) -> bool:
        names = (self.key, self.vi, self.en, *self.aliases)
        return folded_header in {_fold_header(name) for name in names}


ORGANISATION_COLUMNS = (
    Column("qcvn_code", "Mã QCVN 102", "QCVN 102 code", aliases=("Mã định danh", "QCVN code")),
    Column(
        "decision20_code",
        "Mã QĐ 20/2020",
        "Decision 20 code",
        aliases=("Mã QĐ 20", "Mã định danh QĐ 20", "Decision 20/2020 code"),
    ),
    Column("name", "Tên đơn vị", "Name", required=True, aliases=("Tên", "Organisation name")),
    Column("kind", "Loại đơn vị", "Kind", required=True, aliases=("Loại", "Type")),
    Column(
        "parent_code",
        "Mã đơn vị cấp trên",
        "Parent code",
        aliases=("Đơn vị cấp trên", "Parent"),
    ),
    Column("short_name", "Tên viết tắt", "Short name"),
    Column("name_en", "Tên tiếng Anh", "English name"),
    Column("address", "Địa chỉ", "Address"),
    Column("phone", "Điện thoại", "Phone"),
    Column("email", "Thư điện tử", "E-mail", aliases=("Email",)),
    Column("valid_from", "Hiệu lực từ ngày", "Valid from", aliases=("Hiệu lực từ",)),
)
OFFICIAL_COLUMNS = (
    Column("username", "Tên đăng nhập", "Username", required=True),
    Column("full_name", "Họ và tên", "Full name", required=True, aliases=("Họ tên",)),
    Column("position", "Chức vụ", "Position"),
    Column(
        "organisation_code",
        "Mã đơn vị",
        "Organisation code",
        required=True,
        aliases=("Đơn vị", "Organization code"),
    ),
    Column("phone", "Điện thoại", "Phone"),
    Column("email", "Thư điện tử", "E-mail", aliases=("Email",)),
)
ORGANISATION_SHEET = ("Đơn vị", "Organisations", "Organizations")
OFFICIAL_SHEET = ("Cán bộ", "Officials")

# Kind cells may hold the value ("department"), the English or the Vietnamese word.
KIND_WORDS = {
    OrganisationKind.PEOPLES_COMMITTEE: ("ubnd tinh", "uy ban nhan dan tinh", "peoples committee"),
    OrganisationKind.OFFICE: ("van phong", "office"),
    OrganisationKind.DEPARTMENT: ("so", "ban", "nganh", "so ban nganh", "department"),
    OrganisationKind.DIVISION: ("phong", "division"),
    OrganisationKind.COMMUNE_COMMITTEE: (
        "ubnd xa",
        "ubnd phuong",
        "ubnd dac khu",
        "uy ban nhan dan xa",
        "uy ban nhan dan phuong",
        "commune committee",
        "commune peoples committee",
    ),
    OrganisationKind.DISTRICT_COMMITTEE: (
        "ubnd huyen",
        "uy ban nhan dan huyen",
        "district committee",
        "district peoples committee",
    ),
    OrganisationKind.PUBLIC_SERVICE_UNIT: (
        "don vi su nghiep",
        "don vi su nghiep cong lap",
        "public service unit",
    ),
    OrganisationKind.OTHER: ("khac", "other"),
}


@dataclass(frozen=True)
class RowError:
    sheet: str
    row: int | None  # the spreadsheet row number (the header is row 1); None: whole file/sheet
    column: str  # the column header as the template writes it, "" for the whole row/file
    message: str

    def __str__(self) -> str:
        where = self.sheet
        if self.row is not None:
            where += f", {_('row')} {self.row}"
        if self.column:
            where += f", {self.column}"
        return f"{where}: {self.message}"


@dataclass
class PlannedChange:
    sheet: str
    row: int
    action: str  # "create" | "update" | "unchanged"
    key: str  # the code or username
    label: str  # the name
    changes: dict[str, Any] = field(default_factory=dict)


@dataclass
class ImportReport:
    dry_run: bool
    errors: list[RowError] = field(default_factory=list)
    organisations: list[PlannedChange] = field(default_factory=list)
    officials: list[PlannedChange] = field(default_factory=list)
    applied: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    def counts(self) -> dict[str, int]:
        result: dict[str, int] = {"errors": len(self.errors)}
        for name, planned in (("organisations", self.organisations), ("officials", self.officials)):
            for action in ("create", "update", "unchanged"):
                result[f"{name}_{action}"] = sum(1 for p in planned if p.action == action)
        return result


class _FileError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


# --- Reading the file -------------------------------------------------------------------


@dataclass
class _Table:
    sheet: str
    headers: list[str]
    rows: list[tuple[int, list[Any]]]  # (row number, cells)


def _fold_header(text: Any) -> str:
    folded = services.fold(str(text or ""))
    return " ".join(re.sub(r"[^0-9a-z]+", " ", folded).split())


def _read_bytes(file: Any) -> tuple[bytes, str]:
    if isinstance(file, (str, Path)):
        path = Path(file)
        try:
            return path.read_bytes(), path.name
        except OSError as exc:
            raise _FileError(
                _("The file cannot be read (không đọc được tệp): %(error)s")
                % {"error": exc.strerror or exc}
            ) from exc
    if isinstance(file, bytes):
        return file, ""
    data = file.read()
    return data, Path(getattr(file, "name", "") or "").name


def _read_tables(data: bytes, filename: str) -> list[_Table]:
    if len(data) > MAX_FILE_BYTES:
        raise _FileError(
            _("The file is larger than %(size)s MB (tệp lớn hơn %(size)s MB).")
            % {"size": MAX_FILE_BYTES // (1024 * 1024)}
        )
    suffix = Path(filename).suffix.lower()
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise _FileError(
            _(
                "This is an old Excel 97-2003 (.xls) file: save it as .xlsx and try again "
                "(tệp Excel cũ .xls: hãy lưu lại dưới dạng .xlsx rồi thử lại)."
            )
        )
    if suffix in {".xlsx", ".xlsm"} or (not suffix and data.startswith(b"PK")):
        return _read_workbook(data)
    if suffix in {".csv", ".txt"} or not suffix:
        return [_read_csv(data, filename or "CSV")]
    raise _FileError(
        _(
            "Unsupported file type %(suffix)s: use the .xlsx template or a UTF-8 .csv file "
            "(định dạng %(suffix)s không được hỗ trợ: dùng mẫu .xlsx hoặc tệp .csv UTF-8)."
        )
        % {"suffix": suffix}
    )


def _read_workbook(data: bytes) -> list[_Table]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise _FileError(
            _(
                "The file is not a readable Excel workbook (.xlsx) (tệp không phải là tệp "
                "Excel .xlsx đọc được)."
            )
        ) from exc
    tables = []
    try:
        for sheet in workbook.worksheets:
            rows = sheet.iter_rows(values_only=True)
            try:
                headers = [_cell_text(value) for value in next(rows)]
            except StopIteration:
                continue
            body = []
            for number, cells in enumerate(rows, start=2):
                if number > MAX_ROWS + 1:
                    raise _FileError(
                        _("More than %(count)s rows (quá %(count)s dòng).") % {"count": MAX_ROWS}
                    )
                body.append((number, list(cells)))
            tables.append(_Table(sheet.title, headers, body))
    finally:
        workbook.close()
    return tables


def _read_csv(data: bytes, name: str) -> _Table:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _FileError(
            _(
                "The CSV file is not UTF-8 encoded (byte %(position)s): save it as “CSV UTF-8” "
                "and try again (tệp CSV không dùng bảng mã UTF-8: hãy lưu lại dạng “CSV "
                "UTF-8” rồi thử lại)."
            )
            % {"position": exc.start + 1}
        ) from exc
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    rows = list(csv.reader(io.StringIO(text), dialect))
    if not rows:
        return _Table(name, [], [])
    return _Table(name, [h.strip() for h in rows[0]], list(enumerate(rows[1:], start=2)))


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).strip()


def _map_columns(
    table: _Table, columns: tuple[Column, ...], errors: list[RowError]
) -> dict[str, int] | None:
    """Map each known column key to its index; report unknown, repeated and missing ones."""
    mapping: dict[str, int] = {}
    ok = True
    for index, header in enumerate(table.headers):
        if not header:
            continue
        folded = _fold_header(header)
        column = next((c for c in columns if c.matches(folded)), None)
        if column is None:
            errors.append(
                RowError(
                    table.sheet,
                    1,
                    header,
                    _(
                        "Unknown column “%(header)s”; expected: %(expected)s (cột “%(header)s” "
                        "không đúng mẫu)."
                    )
                    % {"header": header, "expected": ", ".join(c.vi for c in columns)},
                )
            )
            ok = False
        elif column.key in mapping:
            errors.append(
                RowError(
                    table.sheet,
                    1,
                    header,
                    _("The column “%(header)s” appears twice (cột “%(header)s” bị lặp).")
                    % {"header": header},
                )
            )
            ok = False
        else:
            mapping[column.key] = index
    for column in columns:
        if column.required and column.key not in mapping:
            errors.append(
                RowError(
                    table.sheet,
                    1,
                    column.vi,
                    _(
                        "The required column “%(vi)s” (%(en)s) is missing (thiếu cột bắt buộc "
                        "“%(vi)s”)."
                    )
                    % {"vi": column.vi, "en": column.en},
                )
            )
            ok = False
    if columns is ORGANISATION_COLUMNS and not {"qcvn_code", "decision20_code"} & set(mapping):
        errors.append(
            RowError(
                table.sheet,
                1,
                "",
                _(
                    "A column “Mã QCVN 102” or “Mã QĐ 20/2020” is needed to identify each "
                    "organisation (cần có cột mã QCVN 102 hoặc mã QĐ 20/2020)."
                ),
            )
        )
        ok = False
    return mapping if ok else None


def _records(table: _Table, mapping: dict[str, int]) -> Iterable[tuple[int, dict[str, str]]]:
    for number, cells in table.rows:
        values = {
            key: _cell_text(cells[index]) if index < len(cells) else ""
            for key, index in mapping.items()
        }
        if any(values.values()):
            yield number, values


# --- Validation -------------------------------------------------------------------------


@dataclass
class _OrgRow:
    row: int
    node: tuple  # ("db", pk) for an existing organisation, ("row", n) for a new one
    values: dict[str, Any]
    existing: Organisation | None
    parent_node: tuple | None = None
    parent_given: bool = False
    present: frozenset = frozenset()  # the columns the file has (absent ones are left alone)


class _Validator:
    def __init__(self, acting_user):
        self.acting_user = acting_user
        self.errors: list[RowError] = []
        self.orgs = list(
            Organisation.objects.only(
                "id",
                "path",
                "depth",
                "name",
                "kind",
                "qcvn_code",
                "decision20_code",
                "valid_until",
                "valid_from",
                "short_name",
                "name_en",
                "address",
                "phone",
                "email",
            )
        )
        self.by_pk = {o.pk: o for o in self.orgs}
        by_path = {o.path: o for o in self.orgs}
        step = Organisation.steplen
        self.db_parent: dict[tuple, tuple | None] = {}
        for o in self.orgs:
            parent = by_path.get(o.path[:-step]) if o.depth > 1 else None
            self.db_parent[("db", o.pk)] = ("db", parent.pk) if parent else None
        self.db_codes = {
            "qcvn_code": {o.qcvn_code: o for o in self.orgs if o.qcvn_code},
            "decision20_code": {o.decision20_code: o for o in self.orgs if o.decision20_code},
        }
        self.file_codes: dict[str, _OrgRow] = {}
        self.org_rows: list[_OrgRow] = []
        self.sheet_orgs = ORGANISATION_SHEET[0]
        self.sheet_officials = OFFICIAL_SHEET[0]
        from chinhquyen.accounts.scopes import ALL, organisation_scope

        self.scope = (
            ALL
            if acting_user is None
            else organisation_scope(acting_user, "directory.add_organisation")
        )
        self.scope_all = self.scope is ALL

    def error(self, sheet: str, row: int | None, column: str, message: str) -> None:
        self.errors.append(RowError(sheet, row, column, message))

    # Organisations ---------------------------------------------------------------------

    def organisations(self, records: list[tuple[int, dict[str, str]]], sheet: str) -> None:
        self.sheet_orgs = sheet
        label = {c.key: c.vi for c in ORGANISATION_COLUMNS}
        for number, values in records:
            self._organisation_row(number, values, label)
        rows_by_node = {r.node: r for r in self.org_rows}
        for org_row in self.org_rows:
            self._resolve_parent(org_row, label)
        self._check_cycles(rows_by_node, label)
        for org_row in self.org_rows:
            self._check_consistency(org_row, rows_by_node, label)
            self._check_scope(org_row, rows_by_node, label)

    def _organisation_row(self, number: int, values: dict[str, str], label: dict) -> None:
        sheet = self.sheet_orgs
        codes: dict[str, str | None] = {}
        for key, validate in (
            ("qcvn_code", validate_qcvn102_code),
            ("decision20_code", validate_decision20_code),
        ):
            code = services.normalise_code(values.get(key))
            codes[key] = code
            if code is None:
                continue
            try:
                validate(code)
            except ValidationError as exc:
                self.error(sheet, number, label[key], exc.messages[0])
                codes[key] = None
                continue
            earlier = self.file_codes.get(code)
            if earlier is not None:
                self.error(
                    sheet,
                    number,
                    label[key],
                    _(
                        "The code %(code)s is already used on row %(row)s of this file (mã "
                        "%(code)s đã có ở dòng %(row)s của tệp)."
                    )
                    % {"code": code, "row": earlier.row},
                )
        if not any(values.get(k) for k in ("qcvn_code", "decision20_code")):
            self.error(
                sheet,
                number,
                label["qcvn_code"],
                _(
                    "Each organisation needs a QCVN 102 or a Decision 20/2020 code (mỗi đơn vị "
                    "cần có mã QCVN 102 hoặc mã QĐ 20/2020)."
                ),
            )
        holders = {
            key: self.db_codes[key].get(code) for key, code in codes.items() if code is not None
        }
        distinct = {o.pk: o for o in holders.values() if o is not None}
        existing = None
        if len(distinct) > 1:
            other = holders["decision20_code"]
            self.error(
                sheet,
                number,
                label["decision20_code"],
                _(
                    "The code %(code)s is already held by “%(organisation)s”, another "
                    "organisation than the one with code %(other)s (mã %(code)s đã được cấp "
                    "cho “%(organisation)s”)."
                )
                % {
                    "code": codes["decision20_code"],
                    "organisation": other.name,
                    "other": codes["qcvn_code"],
                },
            )
        elif distinct:
            existing = next(iter(distinct.values()))
            if existing.valid_until is not None:
                code = next(c for c in codes.values() if c)
                self.error(
                    sheet,
                    number,
                    label["qcvn_code" if codes["qcvn_code"] else "decision20_code"],
                    _(
                        "The code %(code)s belongs to “%(organisation)s”, closed on %(until)s; "
                        "codes are never reused (mã %(code)s thuộc đơn vị “%(organisation)s” đã "
                        "hết hiệu lực từ %(until)s, không được dùng lại)."
                    )
                    % {
                        "code": code,
                        "organisation": existing.name,
                        "until": existing.valid_until.isoformat(),
                    },
                )
            matched_key = next(k for k, o in holders.items() if o is not None)
            for key, code in codes.items():
                current = getattr(existing, key)
                if code and current and code != current:
                    self.error(
                        sheet,
                        number,
                        label[matched_key],
                        _(
                            "The code %(code)s already belongs to “%(organisation)s”, whose "
                            "other code is %(current)s, not %(given)s: a code is never reused "
                            "nor rewritten (mã %(code)s đã thuộc về “%(organisation)s” có mã "
                            "%(current)s, không phải %(given)s; không được dùng lại hay sửa mã)."
                        )
                        % {
                            "code": codes[matched_key],
                            "organisation": existing.name,
                            "current": current,
                            "given": code,
                        },
                    )
        name = values.get("name", "")
        if not name:
            self.error(
                sheet, number, label["name"], _("The name is required (tên đơn vị là bắt buộc).")
            )
        kind = _parse_kind(values.get("kind", ""))
        if kind is None:
            self.error(
                sheet,
                number,
                label["kind"],
                _(
                    "“%(value)s” is not a kind of organisation; use one of: %(choices)s (loại "
                    "đơn vị không hợp lệ)."
                )
                % {"value": values.get("kind", ""), "choices": ", ".join(OrganisationKind.values)},
            )
        valid_from = None
        if values.get("valid_from"):
            valid_from = _parse_date(values["valid_from"])
            if valid_from is None:
                self.error(
                    sheet,
                    number,
                    label["valid_from"],
                    _(
                        "“%(value)s” is not a date; write it as 2025-07-01 or 01/07/2025 "
                        "(ngày không hợp lệ)."
                    )
                    % {"value": values["valid_from"]},
                )
        self._check_contact(sheet, number, values, label, phone_max_length=30)
        cleaned = {
            "name": name,
            "kind": kind,
            "qcvn_code": codes["qcvn_code"],
            "decision20_code": codes["decision20_code"],
            "short_name": values.get("short_name", ""),
            "name_en": values.get("name_en", ""),
            "address": values.get("address", ""),
            "phone": values.get("phone", ""),
            "email": values.get("email", ""),
            "valid_from": valid_from,
            "parent_code": services.normalise_code(values.get("parent_code")),
        }
        node = ("db", existing.pk) if existing else ("row", number)
        org_row = _OrgRow(number, node, cleaned, existing, present=frozenset(values))
        org_row.parent_given = bool(cleaned["parent_code"])
        if existing is not None and any(r.node == node for r in self.org_rows):
            self.error(
                sheet,
                number,
                label["qcvn_code"],
                _(
                    "“%(organisation)s” appears on two rows of this file (đơn vị "
                    "“%(organisation)s” xuất hiện hai lần trong tệp)."
                )
                % {"organisation": existing.name},
            )
        for code in codes.values():
            if code and code not in self.file_codes:
                self.file_codes[code] = org_row
        self.org_rows.append(org_row)

    def _check_contact(
        self, sheet: str, number: int, values: dict[str, str], label: dict, *, phone_max_length
    ) -> None:
        """E-mail and phone of a row (organisations and officials alike)."""
        if values.get("email"):
            try:
                validate_email(values["email"])
            except ValidationError:
                self.error(
                    sheet,
                    number,
                    label["email"],
                    _("“%(value)s” is not an e-mail address (thư điện tử không hợp lệ).")
                    % {"value": values["email"]},
                )
        if len(values.get("phone", "")) > phone_max_length:
            self.error(
                sheet,
                number,
                label["phone"],
                _("The phone number is too long (số điện thoại quá dài)."),
            )

    def _find_node(self, code: str) -> tuple | None:
        if code in self.file_codes:
            return self.file_codes[code].node
        for key in ("qcvn_code", "decision20_code"):
            holder = self.db_codes[key].get(code)
            if holder is not None:
                return ("db", holder.pk)
        return None

    def _resolve_parent(self, org_row: _OrgRow, label: dict) -> None:
        code = org_row.values["parent_code"]
        if not code:
            org_row.parent_node = self.db_parent.get(org_row.node) if org_row.existing else None
            return
        node = self._find_node(code)
        if node is None:
            self.error(
                self.sheet_orgs,
                org_row.row,
                label["parent_code"],
                _(
                    "No organisation has the code %(code)s, in this file or in the directory "
                    "(không có đơn vị cấp trên mã %(code)s)."
                )
                % {"code": code},
            )
            org_row.parent_given = False
            org_row.parent_node = self.db_parent.get(org_row.node) if org_row.existing else None
            return
        if node[0] == "db" and self.by_pk[node[1]].valid_until is not None:
            parent = self.by_pk[node[1]]
            self.error(
                self.sheet_orgs,
                org_row.row,
                label["parent_code"],
                _(
                    "The parent “%(parent)s” was closed on %(until)s (đơn vị cấp trên "
                    "“%(parent)s” đã hết hiệu lực từ %(until)s)."
                )
                % {"parent": parent.name, "until": parent.valid_until.isoformat()},
            )
        org_row.parent_node = node

    def _parents(self) -> dict[tuple, tuple | None]:
        parents = dict(self.db_parent)
        for org_row in self.org_rows:
            parents[org_row.node] = org_row.parent_node
        return parents

    def _check_cycles(self, rows_by_node: dict, label: dict) -> None:
        parents = self._parents()
        in_cycle = []
        for org_row in self.org_rows:
            seen = {org_row.node}
            node = parents.get(org_row.node)
            while node is not None and node not in seen:
                seen.add(node)
                node = parents.get(node)
            if node == org_row.node:
                in_cycle.append(org_row)
        for org_row in in_cycle:
            self.error(
                self.sheet_orgs,
                org_row.row,
                label["parent_code"],
                _(
                    "The parent %(code)s makes a cycle: “%(organisation)s” would be under "
                    "itself (đơn vị cấp trên %(code)s tạo thành vòng lặp: “%(organisation)s” "
                    "sẽ nằm dưới chính nó)."
                )
                % {
                    "code": org_row.values["parent_code"],
                    "organisation": org_row.values["name"],
                },
            )
        for org_row in in_cycle:
            org_row.parent_node = None  # so that later checks do not walk the loop

    def _qcvn_of(self, node: tuple | None, rows_by_node: dict) -> tuple[str | None, str]:
        if node is None:
            return None, ""
        if node in rows_by_node:
            values = rows_by_node[node].values
            existing = rows_by_node[node].existing
            code = values["qcvn_code"] or (existing.qcvn_code if existing else None)
            return code, values["name"]
        org = self.by_pk[node[1]]
        return org.qcvn_code, org.name

    def _check_consistency(self, org_row: _OrgRow, rows_by_node: dict, label: dict) -> None:
        code = org_row.values["qcvn_code"]
        parent_code, parent_name = self._qcvn_of(org_row.parent_node, rows_by_node)
        if code and parent_code and qcvn102_level1(code) != qcvn102_level1(parent_code):
            self.error(
                self.sheet_orgs,
                org_row.row,
                label["qcvn_code"],
                _(
                    "The code %(code)s does not belong to the level-1 body %(level1)s of its "
                    "parent “%(parent)s” (mã %(code)s không thuộc mã cấp 1 %(level1)s của đơn "
                    "vị cấp trên “%(parent)s”)."
                )
                % {"code": code, "level1": qcvn102_level1(parent_code), "parent": parent_name},
            )

    def _anchor_path(self, node: tuple | None, rows_by_node: dict) -> str | None:
        """The path of the nearest organisation already in the directory, up from ``node``."""
        parents = self._parents()
        seen = set()
        while node is not None and node not in seen:
            seen.add(node)
            if node[0] == "db":
                return self.by_pk[node[1]].path
            node = parents.get(node)
        return None

    def in_scope(self, path: str | None) -> bool:
        if self.scope_all:
            return True
        return path is not None and any(path.startswith(prefix) for prefix in self.scope)

    def _check_scope(self, org_row: _OrgRow, rows_by_node: dict, label: dict) -> None:
        if self.scope_all:
            return
        paths = [self._anchor_path(org_row.parent_node, rows_by_node)]
        if org_row.existing is not None:
            paths.append(org_row.existing.path)
        if not all(self.in_scope(path) for path in paths):
            self.error(
                self.sheet_orgs,
                org_row.row,
                label["parent_code"],
                _(
                    "You may not add or change organisations there: it is outside the "
                    "organisations you administer (bạn không có quyền quản trị đơn vị này)."
                ),
            )

    # Officials -------------------------------------------------------------------------

    def officials(self, records: list[tuple[int, dict[str, str]]], sheet: str) -> list[dict]:
        self.sheet_officials = sheet
        label = {c.key: c.vi for c in OFFICIAL_COLUMNS}
        User = get_user_model()
        usernames = [v.get("username", "") for _n, v in records if v.get("username")]
        users = {
            u.username.lower(): u
            for u in User.objects.filter(username__in=usernames).select_related("official")
        }
        rows_by_node = {r.node: r for r in self.org_rows}
        seen: dict[str, int] = {}
        cleaned_rows = []
        for number, values in records:
            username = values.get("username", "")
            if not username:
                self.error(
                    sheet,
                    number,
                    label["username"],
                    _("The username is required (tên đăng nhập là bắt buộc)."),
                )
            elif not re.fullmatch(r"[\w.@+-]{1,150}", username):
                self.error(
                    sheet,
                    number,
                    label["username"],
                    _(
                        "“%(value)s” is not a valid username: letters, digits and . @ + - _ "
                        "only (tên đăng nhập không hợp lệ)."
                    )
                    % {"value": username},
                )
            elif username.lower() in seen:
                self.error(
                    sheet,
                    number,
                    label["username"],
                    _(
                        "The username %(username)s is already used on row %(row)s of this file "
                        "(tên đăng nhập %(username)s đã có ở dòng %(row)s)."
                    )
                    % {"username": username, "row": seen[username.lower()]},
                )
            else:
                seen[username.lower()] = number
            user = users.get(username.lower())
            existing = None
            if user is not None:
                existing = getattr(user, "official", None)
                if existing is None:
                    self.error(
                        sheet,
                        number,
                        label["username"],
                        _(
                            "The username %(username)s belongs to an account that is not an "
                            "official (tên đăng nhập %(username)s thuộc tài khoản không phải "
                            "cán bộ)."
                        )
                        % {"username": username},
                    )
            if not values.get("full_name"):
                self.error(
                    sheet,
                    number,
                    label["full_name"],
                    _("The full name is required (họ tên là bắt buộc)."),
                )
            org_code = services.normalise_code(values.get("organisation_code"))
            node = self._find_node(org_code) if org_code else None
            if not org_code:
                self.error(
                    sheet,
                    number,
                    label["organisation_code"],
                    _("The organisation code is required (mã đơn vị là bắt buộc)."),
                )
            elif node is None:
                self.error(
                    sheet,
                    number,
                    label["organisation_code"],
                    _(
                        "No organisation has the code %(code)s, in this file or in the "
                        "directory (không có đơn vị mã %(code)s)."
                    )
                    % {"code": org_code},
                )
            elif node[0] == "db" and self.by_pk[node[1]].valid_until is not None:
                self.error(
                    sheet,
                    number,
                    label["organisation_code"],
                    _("The organisation %(code)s is closed (đơn vị mã %(code)s đã hết hiệu lực).")
                    % {"code": org_code},
                )
            elif not self.in_scope(self._anchor_path(node, rows_by_node)) or (
                existing is not None and not self.in_scope(existing.organisation.path)
            ):
                self.error(
                    sheet,
                    number,
                    label["organisation_code"],
                    _(
                        "You may not add officials there: it is outside the organisations you "
                        "administer (bạn không có quyền quản trị đơn vị này)."
                    ),
                )
            self._check_contact(sheet, number, values, label, phone_max_length=20)
            cleaned_rows.append(
                {
                    "row": number,
                    "username": username,
                    "full_name": values.get("full_name", ""),
                    "position": values.get("position", ""),
                    "phone": values.get("phone", ""),
                    "email": values.get("email", ""),
                    "organisation_node": node,
                    "organisation_code": org_code,
                    "existing": existing,
                    "present": frozenset(values),
                }
            )
        return cleaned_rows


def _parse_kind(value: str) -> str | None:
    if value in OrganisationKind.values:
        return value
    folded = _fold_header(value)
    if not folded:
        return None
    for kind, words in KIND_WORDS.items():
        if folded in words or folded == _fold_header(kind) or folded == _fold_header(kind.label):
            return kind
    return None


def _parse_date(value: str) -> datetime.date | None:
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return datetime.datetime.strptime(value[:10], fmt).date()  # noqa: DTZ007
        except ValueError:
            continue
    return None


# --- Planning and applying --------------------------------------------------------------

_ORG_UPDATABLE = ("name", "kind", "short_name", "name_en", "address", "phone", "email")


def _org_changes(org_row: _OrgRow) -> dict[str, Any]:
    existing = org_row.existing
    values = org_row.values
    changes: dict[str, Any] = {}
    for key in _ORG_UPDATABLE:
        if key in org_row.present and values[key] != getattr(existing, key):
            changes[key] = values[key]
    for key in ("qcvn_code", "decision20_code", "valid_from"):
        if values[key] and values[key] != getattr(existing, key):
            changes[key] = values[key]
    if org_row.parent_given:
        return changes | {"parent": org_row.parent_node}
    return changes


def _topological(org_rows: list[_OrgRow]) -> list[_OrgRow]:
    """File rows ordered so that a parent created from the file comes before its children."""
    by_node = {r.node: r for r in org_rows}
    ordered: list[_OrgRow] = []
    done: set = set()

    def visit(org_row: _OrgRow, trail: set) -> None:
        if org_row.node in done or org_row.node in trail:
            return
        parent = by_node.get(org_row.parent_node)
        if parent is not None:
            visit(parent, trail | {org_row.node})
        done.add(org_row.node)
        ordered.append(org_row)

    for org_row in org_rows:
        visit(org_row, set())
    return ordered


def import_directory(
    file: str | Path | bytes | BinaryIO,
    *,
    dry_run: bool,
    acting_user=None,
    filename: str | None = None,
) -> ImportReport:
    """Validate and (unless ``dry_run``) apply a directory spreadsheet; all or nothing.

    ``file`` is a path, the file's bytes, or an open binary file (an upload). ``filename``
    tells the format when ``file`` is bytes. Returns a report; ``report.applied`` is True only
    when everything was saved.
    """
    report = ImportReport(dry_run=dry_run)
    try:
        data, name = _read_bytes(file)
        tables = _read_tables(data, filename or name)
    except _FileError as exc:
        report.errors.append(RowError(filename or _("file"), None, "", exc.message))
        return report

    org_table, official_table = _pick_tables(tables, report)
    if report.errors:
        return report
    validator = _Validator(acting_user)
    org_records: list = []
    official_records: list = []
    if org_table is not None:
        mapping = _map_columns(org_table, ORGANISATION_COLUMNS, report.errors)
        if mapping is not None:
            org_records = list(_records(org_table, mapping))
    if official_table is not None:
        mapping = _map_columns(official_table, OFFICIAL_COLUMNS, report.errors)
        if mapping is not None:
            official_records = list(_records(official_table, mapping))
    if report.errors:
        return report
    if org_table is not None:
        validator.organisations(org_records, org_table.sheet)
    official_rows = (
        validator.officials(official_records, official_table.sheet) if official_table else []
    )
    report.errors.extend(validator.errors)

    ordered = _topological(validator.org_rows)
    for org_row in ordered:
        values = org_row.values
        key = values["qcvn_code"] or values["decision20_code"] or ""
        if org_row.existing is None:
            report.organisations.append(
                PlannedChange(
                    validator.sheet_orgs,
                    org_row.row,
                    "create",
                    key,
                    values["name"],
                    {"parent": values["parent_code"] or ""},
                )
            )
        else:
            changes = _org_changes(org_row)
            if "parent" in changes and changes["parent"] == validator.db_parent.get(org_row.node):
                changes.pop("parent")
            shown = {k: v for k, v in changes.items() if k != "parent"}
            if "parent" in changes:
                shown["parent"] = values["parent_code"]
            report.organisations.append(
                PlannedChange(
                    validator.sheet_orgs,
                    org_row.row,
                    "update" if changes else "unchanged",
                    key,
                    values["name"],
                    {k: str(v) for k, v in shown.items()},
                )
            )
    for official in official_rows:
        existing = official["existing"]
        changes = {}
        if existing is not None:
            for key in ("full_name", "position", "phone", "email"):
                if key in official["present"] and official[key] != getattr(existing, key):
                    changes[key] = official[key]
            node = official["organisation_node"]
            if node != ("db", existing.organisation_id):
                changes["organisation"] = official["organisation_code"]
        report.officials.append(
            PlannedChange(
                validator.sheet_officials,
                official["row"],
                "create" if existing is None else ("update" if changes else "unchanged"),
                official["username"],
                official["full_name"],
                changes,
            )
        )
    if report.errors or dry_run:
        return report

    try:
        with transaction.atomic():
            _apply(validator, ordered, official_rows, acting_user)
            log_action(
                "directory.import_directory",
                actor=acting_user,
                details={"file": filename or name, **report.counts()},
            )
    except ValidationError as exc:  # a rule the pre-check missed (e.g. a concurrent change)
        for field_name, messages in exc.message_dict.items():
            for message in messages:
                report.errors.append(RowError(_("file"), None, field_name, message))
        return report
    report.applied = True
    return report


def _pick_tables(tables: list[_Table], report: ImportReport) -> tuple[_Table | None, ...]:
    org_names = {_fold_header(n) for n in ORGANISATION_SHEET}
    official_names = {_fold_header(n) for n in OFFICIAL_SHEET}
    if len(tables) == 1 and _fold_header(tables[0].sheet) not in org_names | official_names:
        # A CSV file (or a one-sheet workbook with another name): its headers tell which.
        table = tables[0]
        headers = {_fold_header(h) for h in table.headers}
        is_officials = any(c.matches(h) for c in OFFICIAL_COLUMNS[:2] for h in headers)
        return (None, table) if is_officials else (table, None)
    org_table = next((t for t in tables if _fold_header(t.sheet) in org_names), None)
    official_table = next((t for t in tables if _fold_header(t.sheet) in official_names), None)
    if org_table is None and official_table is None:
        report.errors.append(
            RowError(
                ", ".join(t.sheet for t in tables) or _("file"),
                None,
                "",
                _(
                    "The workbook has no sheet named “Đơn vị” (Organisations) or “Cán bộ” "
                    "(Officials) (tệp không có trang tính “Đơn vị” hoặc “Cán bộ”)."
                ),
            )
        )
    return org_table, official_table


def _apply(validator: _Validator, ordered: list[_OrgRow], official_rows, acting_user) -> None:
    created: dict[tuple, Organisation] = {}

    def organisation_for(node: tuple | None) -> Organisation | None:
        if node is None:
            return None
        if node in created:
            return created[node]
        return Organisation.objects.get(pk=node[1])

    for org_row in ordered:
        values = dict(org_row.values)
        values.pop("parent_code")
        if org_row.existing is None:
            created[org_row.node] = services.create_organisation(
                parent=organisation_for(org_row.parent_node),
                acting_user=acting_user,
                **values,
            )
            continue
        organisation = Organisation.objects.get(pk=org_row.existing.pk)
        changes = _org_changes(org_row)
        new_parent = changes.pop("parent", None) if "parent" in changes else None
        if org_row.parent_given and org_row.parent_node != validator.db_parent.get(org_row.node):
            organisation = services.move_organisation(
                organisation,
                new_parent=organisation_for(new_parent),
                acting_user=acting_user,
            )
        if changes:
            services.update_organisation(organisation, acting_user=acting_user, **changes)
        created[org_row.node] = Organisation.objects.get(pk=organisation.pk)

    for official in official_rows:
        organisation = organisation_for(official["organisation_node"])
        existing = official["existing"]
        if existing is None:
            services.create_official(
                username=official["username"],
                full_name=official["full_name"],
                organisation=organisation,
                position=official["position"],
                phone=official["phone"],
                email=official["email"],
                acting_user=acting_user,
            )
            continue
        changes = {
            key: official[key]
            for key in ("full_name", "position", "phone", "email")
            if key in official["present"] and official[key] != getattr(existing, key)
        }
        if organisation.pk != existing.organisation_id:
            changes["organisation"] = organisation
        if changes:
            services.update_official(existing, acting_user=acting_user, **changes)


# --- Template ---------------------------------------------------------------------------

TEMPLATE_HELP = gettext_lazy(
    "Fill one row per organisation on the sheet “Đơn vị” and one row per official on the "
    "sheet “Cán bộ”, keeping the header row. Each organisation needs its QCVN 102 code "
    "(e.g. 000.00.12.H37) or its Decision 20/2020 code; the parent is given by its code. "
    "The example rows (codes H98) are illustrative: replace them."
)


def build_template() -> bytes:
    """The import template (.xlsx): the two sheets with their headers and one example row."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    orgs = workbook.active
    orgs.title = ORGANISATION_SHEET[0]
    orgs.append([c.vi for c in ORGANISATION_COLUMNS])
    orgs.append(
        [
            "000.00.00.H98",
            "H98",
            "Ủy ban nhân dân tỉnh (ví dụ)",
            "peoples_committee",
            "",
            "UBND tỉnh",
            "Provincial People's Committee",
            "",
            "",
            "",
            "2025-07-01",
        ]
    )
    officials = workbook.create_sheet(OFFICIAL_SHEET[0])
    officials.append([c.vi for c in OFFICIAL_COLUMNS])
    officials.append(
        ["nguyenvana", "Nguyễn Văn A", "Chuyên viên", "000.00.00.H98", "", "a@example.org"]
    )
    guide = workbook.create_sheet("Hướng dẫn")
    guide.append(["Cột (tiếng Việt)", "Column (English)", "Bắt buộc / Required"])
    for column in (*ORGANISATION_COLUMNS, *OFFICIAL_COLUMNS):
        guide.append([column.vi, column.en, "x" if column.required else ""])
    guide.append([])
    guide.append(["Loại đơn vị / Kind", ", ".join(OrganisationKind.values)])
    guide.append([str(TEMPLATE_HELP)])
    for sheet in (orgs, officials, guide):
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for column_cells in sheet.columns:
            sheet.column_dimensions[column_cells[0].column_letter].width = 24
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


__all__ = ["ImportReport", "PlannedChange", "RowError", "build_template", "import_directory"]
