import io
from decimal import Decimal

from openpyxl import Workbook, load_workbook

from chinhquyen.procedures.importing import export_catalogue, import_catalogue
from chinhquyen.procedures.models import ProcedureComponent, ProcedureFee, ProcedureVersion


def _snapshot():
    return (
        list(ProcedureVersion.objects.values_list("procedure__national_code", "number", "status")),
        ProcedureComponent.objects.count(),
        ProcedureFee.objects.count(),
    )


def _workbook(procedure_rows, components=(), fees=()) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Thủ tục"
    for row in procedure_rows:
        sheet.append(row)
    comp = workbook.create_sheet("Thành phần hồ sơ")
    comp.append(["Mã thủ tục", "Tên thành phần", "Bản chính", "Bản sao", "Yêu cầu"])
    for row in components:
        comp.append(row)
    fee_sheet = workbook.create_sheet("Phí, lệ phí")
    fee_sheet.append(["Mã thủ tục", "Loại", "Tên phí, lệ phí", "Số tiền (đồng)"])
    for row in fees:
        fee_sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


HEADER = [
    "Mã thủ tục",
    "Tên thủ tục",
    "Mã lĩnh vực",
    "Lĩnh vực",
    "Cấp thực hiện",
    "Thời hạn giải quyết",
    "Đơn vị thời gian",
    "Dịch vụ công trực tuyến",
]


def test_export_then_import_changes_nothing(judicial_record):
    data = export_catalogue()
    before = _snapshot()
    report = import_catalogue(data, dry_run=False, filename="cat.xlsx")
    assert report.errors == []
    assert report.counts() == {"errors": 0, "create": 0, "update": 0, "unchanged": 1}
    assert _snapshot() == before


def test_import_creates_and_versions(judicial_record):
    sheet = load_workbook(io.BytesIO(export_catalogue()))
    sheet["Thủ tục"]["H2"] = 7  # processing time: 10 → 7 days
    buffer = io.BytesIO()
    sheet.save(buffer)
    report = import_catalogue(buffer.getvalue(), dry_run=False, publish=True, filename="x.xlsx")
    assert report.counts()["update"] == 1
    latest = ProcedureVersion.objects.get(number=2)
    assert (latest.processing_time, latest.status) == (Decimal(7), "published")
    assert latest.fees.get().amount == Decimal(200000)


def test_import_of_a_new_procedure(civil_status):
    data = _workbook(
        [
            HEADER,
            ["1.001193", "Đăng ký khai sinh", "HT", "", "xã", 1, "ngày làm việc", "toàn trình"],
        ],
        components=[["1.001193", "Tờ khai đăng ký khai sinh", 1, 0, "bắt buộc"]],
        fees=[["1.001193", "lệ phí", "Lệ phí khai sinh", 0]],
    )
    dry = import_catalogue(data, dry_run=True, filename="new.xlsx")
    assert dry.counts()["create"] == 1 and ProcedureVersion.objects.count() == 0
    report = import_catalogue(data, dry_run=False, filename="new.xlsx")
    assert report.applied
    version = ProcedureVersion.objects.get()
    assert (version.level, version.online_mode, version.status) == ("commune", "full", "draft")
    assert version.components.get().name == "Tờ khai đăng ký khai sinh"


def test_bad_rows_save_nothing_and_name_row_and_column(judicial_record):
    before = _snapshot()
    data = _workbook(
        [
            HEADER,
            ["not a code!", "Tên", "HT", "", "tỉnh", 1, "", ""],
            ["1.000001", "Tên", "ZZ", "", "tỉnh", -3, "", ""],
        ],
        fees=[["1.000001", "phí", "Phí", -5]],
    )
    report = import_catalogue(data, dry_run=False, filename="bad.xlsx")
    assert not report.applied
    found = {(e.sheet, e.row, e.column) for e in report.errors}
    assert ("Thủ tục", 2, "Mã thủ tục") in found
    assert ("Thủ tục", 3, "Mã lĩnh vực") in found
    assert ("Thủ tục", 3, "Thời hạn giải quyết") in found
    assert ("Phí, lệ phí", 2, "Số tiền (đồng)") in found
    assert _snapshot() == before


def test_wrong_columns_are_reported(judicial_record):
    before = _snapshot()
    data = _workbook([["Mã thủ tục", "Cột lạ"], ["1.000001", "x"]])
    report = import_catalogue(data, dry_run=False, filename="cols.xlsx")
    messages = [e.message for e in report.errors]
    assert any("Cột lạ" in m for m in messages)
    assert any("Tên thủ tục" in m for m in messages)  # required column missing
    assert _snapshot() == before


def test_not_a_workbook(db):
    report = import_catalogue(b"garbage", dry_run=True, filename="x.xlsx")
    assert len(report.errors) == 1 and "xlsx" in report.errors[0].message


def test_english_names_survive_an_export_and_a_reimport(judicial_record):
    # Given a draft whose result and component carry English names, published
    from chinhquyen.procedures import services

    draft = services.draft_new_version(judicial_record.procedure, acting_user=None)
    services.update_draft(draft, acting_user=None, result_type_en="Judicial record card")
    component = draft.components.get()
    services.update_component(component, acting_user=None, name_en="Declaration")
    services.publish_version(
        draft, effective_from=judicial_record.effective_from.replace(year=2027), acting_user=None
    )

    # When the catalogue is exported and imported back, then the English name edited in Excel
    data = export_catalogue()
    unchanged = import_catalogue(data, dry_run=False, filename="cat.xlsx")
    sheet = load_workbook(io.BytesIO(data))
    components = sheet["Thành phần hồ sơ"]
    english_column = [c.value for c in components[1]].index("Tên tiếng Anh") + 1
    components.cell(row=2, column=english_column, value="Application form")
    buffer = io.BytesIO()
    sheet.save(buffer)
    changed = import_catalogue(buffer.getvalue(), dry_run=False, filename="cat.xlsx")

    # Then the first import changed nothing and the second made a draft with the new name
    assert unchanged.counts()["unchanged"] == 1
    assert changed.counts()["update"] == 1
    latest = ProcedureVersion.objects.filter(procedure=judicial_record.procedure).first()
    assert latest.result_type_en == "Judicial record card"
    assert list(latest.components.values_list("name", "name_en")) == [
        ("Tờ khai", "Application form")
    ]
