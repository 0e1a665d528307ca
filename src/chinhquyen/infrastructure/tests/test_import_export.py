"""Import from Excel: template, row/column-precise bilingual errors, all or nothing, export."""

import io

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from chinhquyen.audit.models import AuditEntry
from chinhquyen.directory.services import update_organisation
from chinhquyen.infrastructure.importing import COLUMNS, build_workbook, import_inventory
from chinhquyen.infrastructure.models import AgencyInventory
from chinhquyen.infrastructure.services import inventory
from chinhquyen.infrastructure.services.agencies import reporting_agencies

from .conftest import YEAR, figures


@pytest.fixture
def coded(org_tree):
    for org, code in (
        (org_tree.province, "000.00.00.H98"),
        (org_tree.dept_a, "000.00.01.H98"),
        (org_tree.division_a1, "000.01.01.H98"),
        (org_tree.dept_b, "000.00.02.H98"),
    ):
        update_organisation(org, qcvn_code=code)
    return org_tree


def sheet(rows, headers=None) -> bytes:
    workbook = Workbook()
    ws = workbook.active
    ws.title = "Hạ tầng CNTT"
    ws.append(headers or [c.vi for c in COLUMNS])
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def row(code, **overrides):
    values = figures(**overrides)
    cells = [code, "", ""]
    for column in COLUMNS[3:]:
        value = values[column.key]
        cells.append(("Có" if value else "Không") if isinstance(value, bool) else value)
    return cells


def test_a_good_file_is_checked_then_saved_in_one_go(coded, it_province):
    data = sheet([row("000.00.01.H98"), row("000.00.02.h98", computers=50)])
    report = import_inventory(data, year=YEAR, acting_user=it_province, dry_run=True)
    assert report.ok and [p.action for p in report.rows] == ["create", "create"]
    assert AgencyInventory.objects.count() == 0
    report = import_inventory(
        data, year=YEAR, acting_user=it_province, dry_run=False, submit=True, filename="x.xlsx"
    )
    assert report.applied
    assert sorted(AgencyInventory.objects.values_list("computers", "status")) == [
        (38, "submitted"),
        (50, "submitted"),
    ]
    entry = AuditEntry.objects.get(action="infrastructure.import_inventory")
    assert entry.details["rows"] == 2 and entry.actor == it_province
    assert AuditEntry.objects.filter(action="infrastructure.save_inventory").count() == 2


def test_errors_name_their_row_and_column_and_nothing_is_saved(coded, it_province):
    data = sheet(
        [
            row("000.00.01.H98"),  # good, but the file has errors: not saved either
            row("000.00.02.H98", computers_lan=99),  # more on the LAN than computers
            row("000.01.01.H98"),  # a division does not report
            row("999.99.99.H98"),  # unknown code
            row("000.00.01.H98"),  # repeated
            [*row("000.00.00.H98")[:8], "Có lẽ", *row("000.00.00.H98")[9:]],  # bad yes/no
        ]
    )
    report = import_inventory(data, year=YEAR, acting_user=it_province, dry_run=False)
    assert not report.applied
    found = {(e.row, e.column) for e in report.errors}
    assert found == {
        (3, "Máy tính kết nối LAN"),
        (4, "Mã đơn vị"),
        (5, "Mã đơn vị"),
        (6, "Mã đơn vị"),
        (7, "Có mạng LAN"),
    }
    messages = {e.row: e.message for e in report.errors}
    assert "cannot exceed the computers" in messages[3] and "không được lớn hơn" in messages[3]
    assert "không phải đơn vị báo cáo" in messages[4]
    assert "No organisation has the code 999.99.99.H98" in messages[5]
    assert "already on row 2" in messages[6]
    assert "Có or Không" in messages[7]
    assert AgencyInventory.objects.count() == 0
    assert not AuditEntry.objects.filter(action__startswith="infrastructure.").exists()


def test_an_agency_outside_the_scope_is_an_error(coded, it_tam):
    report = import_inventory(
        sheet([row("000.00.02.H98")]), year=YEAR, acting_user=it_tam, dry_run=False
    )
    assert [(e.row, e.column) for e in report.errors] == [(2, "Mã đơn vị")]
    assert "không có quyền" in report.errors[0].message


def test_unknown_column_and_locked_year(coded, it_province):
    bad = sheet([row("000.00.01.H98")], headers=[*[c.vi for c in COLUMNS], "Số máy in"])
    report = import_inventory(bad, year=YEAR, acting_user=it_province, dry_run=True)
    assert [(e.row, e.column) for e in report.errors] == [(1, "Số máy in")]
    inventory.set_year_lock(YEAR, locked=True, acting_user=it_province)
    report = import_inventory(
        sheet([row("000.00.01.H98")]), year=YEAR, acting_user=it_province, dry_run=True
    )
    assert "locked" in report.errors[0].message


def test_template_lists_agencies_and_the_export_imports_back(coded, it_province):
    agencies = reporting_agencies(YEAR)
    template = load_workbook(io.BytesIO(build_workbook(YEAR, agencies, with_values=False)))
    rows = list(template["Hạ tầng CNTT"].iter_rows(values_only=True))
    assert [r[0] for r in rows[1:]] == ["000.00.00.H98", "000.00.01.H98", "000.00.02.H98"]
    assert rows[1][3] == 1  # officials prefilled from the directory (the IT officer)
    inventory.save_inventory(
        organisation=coded.dept_a, year=YEAR, values=figures(), acting_user=it_province
    )
    exported = build_workbook(
        YEAR, [a for a in agencies if a.pk == coded.dept_a.pk], with_values=True
    )
    before = inventory.snapshot(AgencyInventory.objects.get())
    report = import_inventory(exported, year=YEAR, acting_user=it_province, dry_run=False)
    assert report.applied, report.errors
    assert inventory.snapshot(AgencyInventory.objects.get()) == before


def test_import_pages(coded, it_province, login):
    client = login(it_province)
    template = client.get(reverse("infrastructure:template", args=[YEAR]))
    assert template.status_code == 200 and template.content.startswith(b"PK")
    upload = io.BytesIO(sheet([row("000.00.01.H98")]))
    upload.name = "ha-tang.xlsx"
    checked = client.post(reverse("infrastructure:import", args=[YEAR]), {"file": upload})
    assert checked.status_code == 200 and checked.context["report"].ok
    assert AgencyInventory.objects.count() == 0
    done = client.post(reverse("infrastructure:import", args=[YEAR]), {"confirm": "1"})
    assert done.status_code == 302
    assert AgencyInventory.objects.get().computers == 38
    bad = io.BytesIO(sheet([row("000.00.01.H98", it_staff_degrees=5)]))
    bad.name = "bad.xlsx"
    refused = client.post(reverse("infrastructure:import", args=[YEAR]), {"file": bad})
    assert refused.status_code == 400
    assert "Cán bộ CNTT có bằng CNTT" in refused.content.decode()
