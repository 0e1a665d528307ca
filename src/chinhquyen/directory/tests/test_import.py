"""Excel/CSV import of organisations and officials: validated first, then all or nothing."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from chinhquyen.accounts.models import User
from chinhquyen.directory.choices import OrganisationKind
from chinhquyen.directory.importing import build_template, import_directory
from chinhquyen.directory.models import Official, Organisation
from chinhquyen.directory.services import close_organisation, create_organisation

ORG_HEADERS = ["Mã QCVN 102", "Mã QĐ 20/2020", "Tên đơn vị", "Loại đơn vị", "Mã đơn vị cấp trên"]
OFFICIAL_HEADERS = [
    "Tên đăng nhập",
    "Họ và tên",
    "Chức vụ",
    "Mã đơn vị",
    "Điện thoại",
    "Thư điện tử",
]


def workbook(
    org_rows=(),
    official_rows=(),
    *,
    org_headers=ORG_HEADERS,
    official_headers=OFFICIAL_HEADERS,
    org_sheet="Đơn vị",
    official_sheet="Cán bộ",
):
    book = Workbook()
    orgs = book.active
    orgs.title = org_sheet
    orgs.append(org_headers)
    for row in org_rows:
        orgs.append(list(row))
    officials = book.create_sheet(official_sheet)
    officials.append(official_headers)
    for row in official_rows:
        officials.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


PROVINCE_ROWS = [
    ("000.00.00.H99", "H99", "Ủy ban nhân dân tỉnh Thử Nghiệm", "UBND tỉnh", ""),
    ("000.00.03.H99", "H99.03", "Sở Tư pháp", "Sở", "000.00.00.H99"),
    ("000.01.03.H99", "", "Phòng Hành chính tư pháp", "phòng", "000.00.03.H99"),
]
OFFICIAL_ROWS = [
    ("nguyenvana", "Nguyễn Văn A", "Chuyên viên", "000.01.03.H99", "0912345678", "a@example.org"),
]


def snapshot():
    return (
        list(Organisation.objects.order_by("pk").values_list("name", "path", "qcvn_code")),
        list(User.objects.order_by("pk").values_list("username", flat=True)),
    )


def errors_of(report):
    return [(e.sheet, e.row, e.column) for e in report.errors]


def test_a_valid_workbook_creates_the_tree_and_officials(db):
    report = import_directory(
        workbook(PROVINCE_ROWS, OFFICIAL_ROWS),
        dry_run=False,
        acting_user=None,
        filename="danh-ba.xlsx",
    )

    assert report.errors == [] and report.applied
    assert report.counts()["organisations_create"] == 3
    division = Organisation.objects.get(qcvn_code="000.01.03.H99")
    assert division.kind == OrganisationKind.DIVISION
    assert Organisation.objects.get_parent(division).name == "Sở Tư pháp"
    official = Official.objects.get(user__username="nguyenvana")
    assert (official.full_name, official.organisation, official.phone) == (
        "Nguyễn Văn A",
        division,
        "0912345678",
    )
    assert official.user.kind == "official"


def test_a_dry_run_reports_what_would_happen_and_saves_nothing(db):
    before = snapshot()

    report = import_directory(
        workbook(PROVINCE_ROWS, OFFICIAL_ROWS),
        dry_run=True,
        acting_user=None,
        filename="danh-ba.xlsx",
    )

    assert report.ok and not report.applied
    assert [(p.action, p.key) for p in report.organisations] == [
        ("create", "000.00.00.H99"),
        ("create", "000.00.03.H99"),
        ("create", "000.01.03.H99"),
    ]
    assert [(p.action, p.key) for p in report.officials] == [("create", "nguyenvana")]
    assert snapshot() == before


def test_importing_the_same_file_again_changes_nothing_and_updates_names(db):
    import_directory(workbook(PROVINCE_ROWS, OFFICIAL_ROWS), dry_run=False, filename="a.xlsx")
    renamed = [
        PROVINCE_ROWS[0],
        ("000.00.03.H99", "H99.03", "Sở Tư pháp tỉnh", "Sở", "000.00.00.H99"),
        PROVINCE_ROWS[2],
    ]

    report = import_directory(workbook(renamed, OFFICIAL_ROWS), dry_run=False, filename="a.xlsx")

    assert report.applied
    assert [p.action for p in report.organisations] == ["unchanged", "update", "unchanged"]
    assert [p.action for p in report.officials] == ["unchanged"]
    assert Organisation.objects.count() == 3 and Official.objects.count() == 1
    assert Organisation.objects.get(qcvn_code="000.00.03.H99").name == "Sở Tư pháp tỉnh"


def test_english_headers_and_sheet_names_are_accepted(db):
    data = workbook(
        PROVINCE_ROWS[:2],
        org_headers=["QCVN 102 code", "Decision 20 code", "Name", "Kind", "Parent code"],
        org_sheet="Organisations",
        official_sheet="Officials",
        official_headers=[
            "Username",
            "Full name",
            "Position",
            "Organisation code",
            "Phone",
            "E-mail",
        ],
    )

    report = import_directory(data, dry_run=False, filename="directory.xlsx")

    assert report.applied and Organisation.objects.count() == 2


def test_wrong_columns_are_reported_on_the_header_row_and_nothing_is_saved(db):
    data = workbook(PROVINCE_ROWS, org_headers=["Mã QCVN 102", "Tên", "Ghi chú", "Mã cấp trên"])

    report = import_directory(data, dry_run=False, filename="a.xlsx")

    assert errors_of(report) == [
        ("Đơn vị", 1, "Ghi chú"),
        ("Đơn vị", 1, "Mã cấp trên"),
        ("Đơn vị", 1, "Loại đơn vị"),
    ]
    assert "Unknown column “Ghi chú”" in report.errors[0].message
    assert "(cột “Ghi chú” không đúng mẫu)" in report.errors[0].message
    assert "(thiếu cột bắt buộc “Loại đơn vị”)" in report.errors[2].message
    assert Organisation.objects.count() == 0


def test_a_csv_in_another_encoding_is_refused_as_not_utf8(db):
    text = "Mã QCVN 102,Tên đơn vị,Loại đơn vị\n000.00.00.H99,Ủy ban tỉnh,UBND tỉnh\n"
    data = text.encode("utf-16")

    report = import_directory(data, dry_run=False, filename="don-vi.csv")

    assert len(report.errors) == 1
    assert report.errors[0].message.startswith("The CSV file is not UTF-8 encoded")
    assert "không dùng bảng mã UTF-8" in report.errors[0].message
    assert Organisation.objects.count() == 0


def test_a_utf8_csv_with_bom_is_read(db):
    text = (
        "Mã QCVN 102;Tên đơn vị;Loại đơn vị;Mã đơn vị cấp trên\n"
        "000.00.00.H99;Ủy ban nhân dân tỉnh;UBND tỉnh;\n"
        "000.00.05.H99;Sở Khoa học và Công nghệ;Sở;000.00.00.H99\n"
    )

    report = import_directory(text.encode("utf-8-sig"), dry_run=False, filename="don-vi.csv")

    assert report.applied
    assert Organisation.objects.get(qcvn_code="000.00.05.H99").name == "Sở Khoa học và Công nghệ"


def test_an_unreadable_file_is_an_error_not_a_crash(db):
    report = import_directory(b"PK\x03\x04 not really a zip", dry_run=False, filename="x.xlsx")

    assert len(report.errors) == 1 and "(tệp không phải là tệp Excel" in report.errors[0].message


def test_an_invalid_code_is_reported_with_its_row_and_column(db):
    rows = [PROVINCE_ROWS[0], ("000.00.3.H99", "", "Sở Tư pháp", "Sở", "000.00.00.H99")]
    before = snapshot()

    report = import_directory(workbook(rows), dry_run=False, filename="a.xlsx")

    assert errors_of(report) == [("Đơn vị", 3, "Mã QCVN 102")]
    assert "000.00.3.H99" in report.errors[0].message
    assert snapshot() == before


def test_a_code_twice_in_the_file_is_reported_on_the_second_row(db):
    rows = [*PROVINCE_ROWS, ("000.00.03.H99", "", "Sở Trùng", "Sở", "000.00.00.H99")]

    report = import_directory(workbook(rows), dry_run=False, filename="a.xlsx")

    assert errors_of(report) == [("Đơn vị", 5, "Mã QCVN 102")]
    assert "already used on row 3" in report.errors[0].message
    assert Organisation.objects.count() == 0


def test_a_code_held_by_another_organisation_in_the_directory_is_refused(db):
    province = create_organisation(
        name="UBND tỉnh", kind="peoples_committee", qcvn_code="000.00.00.H99"
    )
    create_organisation(
        parent=province,
        name="Sở Y tế",
        kind="department",
        qcvn_code="000.00.09.H99",
        decision20_code="H99.09",
    )
    rows = [("000.00.03.H99", "H99.09", "Sở Tư pháp", "Sở", "000.00.00.H99")]
    before = snapshot()

    report = import_directory(workbook(rows), dry_run=False, filename="a.xlsx")

    assert errors_of(report) == [("Đơn vị", 2, "Mã QĐ 20/2020")]
    assert "H99.09" in report.errors[0].message and "Sở Y tế" in report.errors[0].message
    assert snapshot() == before


def test_the_code_of_a_closed_organisation_is_not_reused(db):
    province = create_organisation(
        name="UBND tỉnh", kind="peoples_committee", qcvn_code="000.00.00.H99"
    )
    district = create_organisation(
        parent=province,
        name="UBND huyện Yên Sơn",
        kind="district_committee",
        qcvn_code="000.00.41.H99",
    )
    close_organisation(district, valid_until=datetime.date(2025, 6, 30))
    rows = [("000.00.41.H99", "", "UBND xã Mới", "UBND xã", "000.00.00.H99")]

    report = import_directory(workbook(rows), dry_run=False, filename="a.xlsx")

    assert errors_of(report) == [("Đơn vị", 2, "Mã QCVN 102")]
    assert "never reused" in report.errors[0].message
    assert Organisation.objects.get(qcvn_code="000.00.41.H99").name == "UBND huyện Yên Sơn"


def test_an_unknown_parent_is_reported(db):
    rows = [("000.00.03.H99", "", "Sở Tư pháp", "Sở", "000.00.00.H42")]

    report = import_directory(workbook(rows), dry_run=False, filename="a.xlsx")

    assert errors_of(report) == [("Đơn vị", 2, "Mã đơn vị cấp trên")]
    assert "000.00.00.H42" in report.errors[0].message
    assert Organisation.objects.count() == 0


def test_a_cycle_among_parents_in_the_file_is_reported(db):
    rows = [
        ("000.00.03.H99", "", "Sở Tư pháp", "Sở", "000.01.03.H99"),
        ("000.01.03.H99", "", "Phòng Hành chính tư pháp", "phòng", "000.00.03.H99"),
    ]

    report = import_directory(workbook(rows), dry_run=False, filename="a.xlsx")

    assert errors_of(report) == [
        ("Đơn vị", 2, "Mã đơn vị cấp trên"),
        ("Đơn vị", 3, "Mã đơn vị cấp trên"),
    ]
    assert "cycle" in report.errors[0].message and "vòng lặp" in report.errors[0].message
    assert Organisation.objects.count() == 0


def test_moving_an_existing_organisation_under_its_descendant_is_a_cycle(org_tree):
    Organisation.objects.filter(pk=org_tree.dept_a.pk).update(qcvn_code="000.00.01.H99")
    Organisation.objects.filter(pk=org_tree.division_a1.pk).update(qcvn_code="000.01.01.H99")
    rows = [("000.00.01.H99", "", "Sở A", "Sở", "000.01.01.H99")]
    before = snapshot()

    report = import_directory(workbook(rows), dry_run=False, filename="a.xlsx")

    assert errors_of(report) == [("Đơn vị", 2, "Mã đơn vị cấp trên")]
    assert snapshot() == before


def test_official_rows_are_checked_and_one_bad_row_saves_nothing(db):
    officials = [
        *OFFICIAL_ROWS,
        ("nguyenvana", "Trùng Tên", "", "000.01.03.H99", "", ""),
        ("tranb", "", "", "000.09.09.H99", "", "not-an-email"),
    ]
    before = snapshot()

    report = import_directory(workbook(PROVINCE_ROWS, officials), dry_run=False, filename="a.xlsx")

    assert errors_of(report) == [
        ("Cán bộ", 3, "Tên đăng nhập"),
        ("Cán bộ", 4, "Họ và tên"),
        ("Cán bộ", 4, "Mã đơn vị"),
        ("Cán bộ", 4, "Thư điện tử"),
    ]
    assert snapshot() == before


def test_the_template_can_be_imported_as_it_is(db):
    report = import_directory(build_template(), dry_run=False, filename="template.xlsx")

    assert report.errors == [] and report.applied
    assert Official.objects.get().organisation.qcvn_code == "000.00.00.H98"


def test_the_command_refuses_a_bad_file_and_imports_a_good_one(db, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_bytes("Mã QCVN 102,Tên\n".encode("cp1252"))  # a Windows code page, not UTF-8
    good = tmp_path / "good.xlsx"
    good.write_bytes(workbook(PROVINCE_ROWS, OFFICIAL_ROWS))

    with pytest.raises(CommandError):
        call_command("import_directory", str(bad))
    call_command("import_directory", str(good), "--dry-run")
    assert Organisation.objects.count() == 0
    call_command("import_directory", str(good))
    assert Organisation.objects.count() == 3


def test_columns_absent_from_the_file_are_left_alone(db):
    province = create_organisation(
        name="UBND tỉnh",
        kind="peoples_committee",
        qcvn_code="000.00.00.H99",
        short_name="UBND",
        phone="0207 111",
    )
    rows = [("000.00.00.H99", "", "Ủy ban nhân dân tỉnh", "UBND tỉnh", "")]

    report = import_directory(workbook(rows), dry_run=False, filename="a.xlsx")

    assert report.applied
    assert report.organisations[0].changes == {"name": "Ủy ban nhân dân tỉnh"}
    province.refresh_from_db()
    assert (province.name, province.short_name, province.phone) == (
        "Ủy ban nhân dân tỉnh",
        "UBND",
        "0207 111",
    )
