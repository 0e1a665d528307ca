"""The periodic IT report: every figure computed from the inventories and the live registries,
as an .xlsx that openpyxl reads and LibreOffice converts, and as a PDF (checked with pdftotext)."""

import datetime
import io
import shutil
import subprocess
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from chinhquyen.directory.choices import OrganisationKind
from chinhquyen.directory.services import create_organisation
from chinhquyen.infrastructure import report_files
from chinhquyen.infrastructure.services import inventory, platform
from chinhquyen.infrastructure.services.report import build_report

from .conftest import YEAR, figures


@pytest.fixture
def province_data(org_tree, it_province, leader_binh, clerk_hoa):
    from chinhquyen.documents.choices import (
        BookDirection,
        IncomingChannel,
        IncomingStatus,
        OutgoingStatus,
        RecipientChannel,
    )
    from chinhquyen.documents.models import (
        DocumentType,
        IncomingDocument,
        OutgoingDocument,
        Recipient,
        RegistrationBook,
    )
    from chinhquyen.meetings.services import create_endpoint
    from chinhquyen.procedures import services as procedures
    from chinhquyen.signing.registry import register_certificate
    from chinhquyen.signing.tests.conftest import certificate_pem

    commune = create_organisation(
        parent=org_tree.province, name="UBND xã Thử", kind=OrganisationKind.COMMUNE_COMMITTEE
    )
    user = it_province

    def entry(org, submit=True, **overrides):
        return inventory.save_inventory(
            organisation=org,
            year=YEAR,
            values=figures(**overrides),
            acting_user=user,
            submit=submit,
        )

    entry(org_tree.dept_a)  # 40 officials, 38 computers, 39 e-mail, LAN, antivirus 30
    entry(
        org_tree.dept_b,
        officials=60,
        computers=54,
        computers_lan=0,
        computers_internet=50,
        has_lan=False,
        officials_with_email=60,
        antivirus_seats=0,
    )
    entry(
        commune,
        officials=25,
        computers=10,
        computers_lan=10,
        computers_internet=10,
        officials_with_email=20,
        antivirus_seats=12,
    )
    entry(org_tree.province, submit=False, officials=999, computers=999)  # draft: not counted

    platform.save_server(
        organisation=org_tree.dept_a, acting_user=user, values={"name": "srv-1", "role": "ứng dụng"}
    )
    platform.save_server(
        organisation=org_tree.dept_a,
        acting_user=user,
        values={
            "name": "srv-old",
            "commissioned_on": datetime.date(2020, 1, 1),
            "retired_on": datetime.date(2021, 1, 1),
        },
    )
    create_endpoint(
        organisation=org_tree.province, name="Điểm cầu tỉnh", level="province", acting_user=user
    )
    create_endpoint(
        organisation=org_tree.division_a1,
        name="Điểm cầu phòng",
        level="department",
        acting_user=user,
    )
    create_endpoint(organisation=commune, name="Điểm cầu xã", level="commune", acting_user=user)
    register_certificate(
        data=certificate_pem(common_name="Sở A", days_left=300),
        kind="organisational",
        organisation=org_tree.dept_a,
    )
    register_certificate(
        data=certificate_pem(common_name="Bình", days_left=300),
        kind="personal",
        official=leader_binh.official,
    )

    field = procedures.get_or_create_field(code="HT", name="Hộ tịch")
    for code, mode in (("1.1", "full"), ("1.2", "full"), ("1.3", "partial"), ("1.4", "none")):
        version = procedures.create_procedure(
            national_code=code,
            acting_user=None,
            name=f"Thủ tục {code}",
            field=field,
            level="commune" if code == "1.4" else "province",
            processing_time=Decimal(5),
            online_mode=mode,
        )
        procedures.publish_version(
            version,
            effective_from=timezone.now() - datetime.timedelta(days=1),
            acting_user=None,
        )

    # Documents this year: 3 received (1 on paper), 1 issued electronically → 3/4 = 75 %.
    moment = max(
        timezone.now() - datetime.timedelta(minutes=5),
        datetime.datetime(YEAR, 1, 1, 0, 1, tzinfo=datetime.UTC),
    )
    document_type = DocumentType.objects.filter(valid_until__isnull=True).first()
    book = RegistrationBook.objects.create(
        organisation=org_tree.dept_a,
        year=YEAR,
        direction=BookDirection.INCOMING,
        code="den",
        name="Sổ đến",
    )
    for number, channel in enumerate(
        (IncomingChannel.PAPER, IncomingChannel.INTERNAL, IncomingChannel.EXCHANGE), start=1
    ):
        IncomingDocument.objects.create(
            document_type=document_type,
            subject="Thử",
            organisation=org_tree.dept_a,
            book=book,
            arrival_number=number,
            arrived_at=moment,
            channel=channel,
            status=IncomingStatus.REGISTERED,
            issuer_name="UBND tỉnh",
        )
    outgoing = OutgoingDocument.objects.create(
        document_type=document_type,
        subject="Trả lời",
        organisation=org_tree.dept_a,
        drafting_unit=org_tree.dept_a,
        status=OutgoingStatus.ISSUED,
        issued_at=moment,
        created_by=clerk_hoa,
    )
    Recipient.objects.create(document=outgoing, name="Sở B", channel=RecipientChannel.EXCHANGE)
    return org_tree, commune


def test_figures_are_computed_from_inventories_and_registries(province_data):
    org_tree, commune = province_data
    data = build_report(YEAR, org_tree.province)
    province, communes, total = data.levels["province"], data.levels["commune"], data.total
    assert (province.agencies, province.submitted) == (3, 2)  # the committee is a draft
    assert (province.officials, province.computers) == (100, 92)
    assert province.computers_per_official == Decimal("0.92")
    assert communes.computers_per_official == Decimal("0.40")
    assert total.computers_per_official == Decimal("0.82")  # 102 / 125
    assert province.email_share == Decimal("99.0")
    assert communes.email_share == Decimal("80.0")
    assert province.lan_share == Decimal("50.0")
    assert total.antivirus_share == Decimal("66.7")  # 2 of 3 agencies
    assert total.antivirus_computer_share == Decimal("39.2")  # (30 + 0 + 10) / 102
    assert total.servers == 1  # the retired one is not counted
    assert data.endpoints_by_level == {"province": 1, "department": 1, "commune": 1}
    assert (province.endpoints, communes.endpoints) == (2, 1)  # the division's counts for A
    assert data.certificates == {"organisational": 1, "personal": 1, "sim": 0}
    assert data.online_totals == {"full": 2, "partial": 1, "none": 1}
    assert data.full_online_share == Decimal("50.0")
    assert data.documents["electronic_share"] == Decimal("75.0")
    assert [row.agency.name for row in data.missing] == ["Ủy ban nhân dân tỉnh Thử Nghiệm"]
    assert data.due_before == datetime.date(YEAR + 1, 2, 1)


def _cells(sheet):
    return {row[1]: row for row in sheet.iter_rows(values_only=True) if row and row[1]}


def test_the_workbook_opens_in_openpyxl_and_libreoffice(province_data, tmp_path):
    from openpyxl import load_workbook

    org_tree, _commune = province_data
    content = report_files.build_workbook(build_report(YEAR, org_tree.province))
    workbook = load_workbook(io.BytesIO(content))
    assert workbook.sheetnames == ["Báo cáo", "Theo cơ quan", "Máy chủ"]
    rows = _cells(workbook["Báo cáo"])
    # STT, label, English, province agencies, communes, total
    assert rows["Tỷ lệ máy tính / cán bộ"][3:6] == (0.92, 0.4, 0.82)
    assert rows["Tỷ lệ cán bộ có thư điện tử công vụ (%)"][3:6] == (99.0, 80.0, 95.2)
    assert rows["Tỷ lệ cơ quan có mạng LAN (%)"][3:6] == (50.0, 100.0, 66.7)
    assert rows["Tỷ lệ văn bản điện tử (%)"][3] == 75.0
    texts = " ".join(
        str(c) for row in workbook["Báo cáo"].iter_rows(values_only=True) for c in row if c
    )
    assert f"trước ngày 01/02/{YEAR + 1}" in texts
    assert "UNCONFIRMED" in texts and "224/2026" in texts and "06/2013" in texts
    agencies = list(workbook["Theo cơ quan"].iter_rows(values_only=True))
    assert agencies[1][1] == "Ủy ban nhân dân tỉnh Thử Nghiệm" and agencies[1][3] == "Đang nhập"

    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice, "LibreOffice (soffice) must be installed"
    source = tmp_path / "report.xlsx"
    source.write_bytes(content)
    subprocess.run(  # noqa: S603 (fixed arguments)
        [
            soffice,
            f"-env:UserInstallation=file://{tmp_path}/lo-profile",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    converted = tmp_path / "report.pdf"
    assert converted.read_bytes().startswith(b"%PDF")
    text = subprocess.run(  # noqa: S603
        ["pdftotext", "-layout", str(converted), "-"], check=True, capture_output=True
    ).stdout.decode()
    assert "Tỷ lệ máy tính / cán bộ" in text
    assert "0.92" in text


def test_the_pdf_shows_the_figures_due_date_and_legal_note(province_data, tmp_path):
    org_tree, _commune = province_data
    pdf = report_files.build_pdf(build_report(YEAR, org_tree.province))
    assert pdf.startswith(b"%PDF")
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(  # noqa: S603
        ["pdftotext", str(path), "-"], check=True, capture_output=True
    ).stdout.decode()
    flat = " ".join(text.split())
    assert f"trước ngày 01/02/{YEAR + 1}" in flat
    assert "Thông tư 06/2013/TT-BTTTT" in flat
    assert "CHƯA XÁC NHẬN" in flat and "UNCONFIRMED" in flat and "224/2026" in flat
    assert "0.92" in flat and "75 %" in flat
    assert "Ủy ban nhân dân tỉnh Thử Nghiệm" in flat  # listed as not submitted


def test_report_downloads_for_the_province_only(province_data, it_province, it_tam, login):
    client = login(it_province)
    page = client.get(reverse("infrastructure:report", args=[YEAR]))
    assert page.status_code == 200
    assert page.context["data"].total.submitted == 3
    xlsx = client.get(reverse("infrastructure:report_xlsx", args=[YEAR]))
    assert xlsx.status_code == 200 and xlsx.content.startswith(b"PK")
    pdf = client.get(reverse("infrastructure:report_pdf", args=[YEAR]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    # An agency's IT officer sees its own inventory, not the province's report.
    assert login(it_tam).get(reverse("infrastructure:report", args=[YEAR])).status_code == 403
