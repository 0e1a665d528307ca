"""The slips of a dossier download as real PDFs, only in the state they belong to, only for
officials who may see the dossier, and every slip handed out is audited."""

import datetime
import hashlib

import pytest
from django.test import override_settings
from django.utils import translation

from chinhquyen.audit.models import AuditEntry
from chinhquyen.core.testing import LOGIN, assert_permission_matrix
from chinhquyen.dossiers.services import transition
from chinhquyen.dossiers.slips.data import ReturnMethod, SlipComponent, SlipFee, SlipKind
from chinhquyen.dossiers.slips.mapping import register_for, slip_for_dossier
from chinhquyen.dossiers.slips.tests.pdftools import (
    decode_qr_codes,
    needs_poppler,
    needs_weasyprint,
    pdf_text,
)
from chinhquyen.dossiers.tests.conftest import at

CODE = "000.00.12.H37-260205-0001"


def slip_url(dossier, kind: str, query: str = "") -> str:
    return f"/dossiers/{dossier.pk}/slips/{kind}/{query}"


def print_entries(dossier):
    return list(AuditEntry.objects.for_object(dossier).filter(action="dossiers.print_slip"))


def walk_to_refusal(dossier, *, officer_an, specialist_dung, specialist_minh, leader_binh):
    """Forward, ask for a supplement, receive it, apologise, consult department B, refuse."""
    transition(dossier, "forward", acting_user=officer_an, at=at(2026, 2, 5, 10, 0))
    transition(
        dossier,
        "request_supplement",
        acting_user=specialist_dung,
        requested_components=dossier.procedure_version.components.all()[:1],
        note="Bản vẽ mặt bằng móng công trình\nĐơn đề nghị ghi thiếu diện tích sàn",
        at=at(2026, 2, 5, 11, 0),
    )
    transition(dossier, "receive_supplement", acting_user=officer_an, at=at(2026, 2, 9, 9, 0))
    transition(
        dossier,
        "issue_apology",
        acting_user=leader_binh,
        note="Cần lấy ý kiến của Sở B về hiện trạng thửa đất",
        new_due_at=dossier.due_at + datetime.timedelta(days=7),
        at=at(2026, 2, 10, 8, 0),
    )
    transition(dossier, "transfer", acting_user=specialist_dung, at=at(2026, 2, 10, 10, 0))
    transition(dossier, "forward", acting_user=specialist_minh, at=at(2026, 2, 11, 10, 0))
    transition(
        dossier,
        "reject",
        acting_user=leader_binh,
        note="Thửa đất nằm trong khu vực đã có quyết định thu hồi",
        at=at(2026, 2, 12, 9, 0),
    )
    dossier.refresh_from_db()
    return dossier


@pytest.mark.django_db
@override_settings(PUBLIC_BASE_URL="https://dichvucong.example.vn/")
def test_receipt_slip_carries_what_the_counter_received(receive, catalogue, coded_orgs):
    # given a dossier received at department A's counter with two components and one fee
    dossier = receive()

    # when the receipt slip is built without a request
    slip = slip_for_dossier(dossier, SlipKind.RECEIPT)

    # then it carries the agency at receipt, the applicant, the components, the fee, the times
    assert slip.dossier_code == CODE
    assert slip.agency.name == "Sở A"
    assert slip.agency.parent_name == "Ủy ban nhân dân tỉnh Thử Nghiệm"
    assert slip.agency.qcvn_code == "000.00.12.H37"
    assert slip.applicant.name == "Ngô Thị Chi"
    assert slip.applicant.id_number == "037190000123"
    assert slip.components == (
        SlipComponent(name="Đơn đề nghị", originals=1, copies=0),
        SlipComponent(name="Bản sao CCCD", originals=1, copies=0),
    )
    assert slip.fees == (SlipFee(name="Lệ phí cấp phép", amount=75000, paid=False),)
    assert slip.received_at == at(2026, 2, 5, 9, 0)
    assert slip.due_at == dossier.original_due_at
    assert slip.processing_time == 5
    assert slip.return_method == ReturnMethod.COUNTER
    assert slip.officer_name == "Nguyễn Văn An"
    assert slip.status_url == f"https://dichvucong.example.vn/tra-cuu/{CODE}/"


@pytest.mark.django_db
@needs_weasyprint
@needs_poppler
def test_officer_downloads_the_receipt_as_a_pdf_and_the_issue_is_audited(
    client, receive, officer_an, login, settings
):
    # given a dossier received at 09:00 on 5 February 2026, and the portal's public address
    settings.PUBLIC_BASE_URL = "https://dichvucong.example.vn"
    dossier = receive()
    login(officer_an)

    # when the officer opens the receipt slip
    response = client.get(slip_url(dossier, "receipt"))

    # then it is a PDF shown inline under a readable file name
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'inline; filename="giay-tiep-nhan-{CODE}.pdf"'
    assert response["Cache-Control"] == "private, no-store"
    assert response.content.startswith(b"%PDF-")

    # and it prints the code, the receipt time and the appointment
    text = pdf_text(response.content)
    assert f"Mã hồ sơ: {CODE}" in text
    assert "Thời gian nhận hồ sơ: 09 giờ 00 phút, ngày 05 tháng 02 năm 2026" in text
    assert dossier.due_at == at(2026, 2, 12, 9, 0)
    assert "Thời gian trả kết quả giải quyết hồ sơ: 09 giờ 00 phút, ngày 12 tháng 02 năm 2026" in (
        text
    )
    assert "Đơn đề nghị" in text
    assert "Nguyễn Văn An" in text

    # and its QR code opens the public status page of the dossier (not the back-office host)
    assert decode_qr_codes(response.content) == [f"https://dichvucong.example.vn/tra-cuu/{CODE}/"]

    # and the issue is in the audit trail with the SHA-256 of the bytes handed out
    [entry] = print_entries(dossier)
    assert entry.actor_id == officer_an.pk
    assert entry.details == {
        "kind": "receipt",
        "sha256": hashlib.sha256(response.content).hexdigest(),
        "format": "pdf",
        "form_set": "tt01-2018",
    }


@pytest.mark.django_db
def test_slips_of_decisions_not_taken_are_404_and_not_audited(client, receive, officer_an, login):
    # given a dossier just received: no supplement request, no refusal, no apology
    dossier = receive()
    login(officer_an)

    for kind, message in [
        ("supplement_request", "No supplement was requested for this dossier."),
        ("refusal", "This dossier was not refused: there is no refusal slip."),
        ("apology", "No apology was issued for this dossier."),
    ]:
        # when the officer asks for that slip
        response = client.get(slip_url(dossier, kind))

        # then the answer is 404 with a clear message, and nothing is recorded
        assert response.status_code == 404, kind
        assert message in response.content.decode(), kind
    assert client.get(slip_url(dossier, "register")).status_code == 404
    assert client.get(slip_url(dossier, "nonsense")).status_code == 404
    assert print_entries(dossier) == []


@pytest.mark.django_db
@needs_weasyprint
@needs_poppler
def test_supplement_apology_refusal_and_control_sheet_follow_the_events(
    client, receive, officer_an, specialist_dung, specialist_minh, leader_binh, login
):
    # given a dossier sent back for a supplement, apologised for, consulted at B, then refused
    dossier = walk_to_refusal(
        receive(),
        officer_an=officer_an,
        specialist_dung=specialist_dung,
        specialist_minh=specialist_minh,
        leader_binh=leader_binh,
    )
    login(officer_an)

    # when the officer downloads each slip, then each prints what the event recorded
    supplement = client.get(slip_url(dossier, "supplement_request"))
    assert supplement.status_code == 200
    assert supplement["Content-Disposition"] == (
        f'inline; filename="phieu-yeu-cau-bo-sung-{CODE}.pdf"'
    )
    text = pdf_text(supplement.content)
    assert "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ" in text
    assert "Bản vẽ mặt bằng móng công trình" in text
    assert "Đơn đề nghị ghi thiếu diện tích sàn" in text
    assert "Phạm Minh Dũng" in text

    apology = client.get(slip_url(dossier, "apology"))
    text = pdf_text(apology.content)
    assert "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ" in text
    assert "Cần lấy ý kiến của Sở B về hiện trạng thửa đất" in text
    assert "Trần Thị Bình" in text
    assert "GIÁM ĐỐC SỞ" in text  # the leader's position, as signer

    refusal = client.get(slip_url(dossier, "refusal"))
    text = pdf_text(refusal.content)
    assert "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ" in text
    assert "Thửa đất nằm trong khu vực đã có quyết định thu hồi" in text

    control = client.get(slip_url(dossier, "control_sheet"))
    assert control["Content-Disposition"] == f'inline; filename="phieu-kiem-soat-{CODE}.pdf"'
    text = pdf_text(control.content)
    assert "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in text
    assert "Cơ quan phối hợp giải quyết hồ sơ: Sở B" in text
    assert "Chuyển cơ quan khác (liên thông)" in text  # the transfer row's note
    assert "Người nhận: Đặng Văn Minh" in text

    # and each of the four issues is audited once, by kind
    kinds = sorted(entry.details["kind"] for entry in print_entries(dossier))
    assert kinds == ["apology", "control_sheet", "refusal", "supplement_request"]


@pytest.mark.django_db
def test_control_sheet_has_one_row_per_hand_over(
    receive, officer_an, specialist_dung, specialist_minh, leader_binh
):
    # given the refused dossier of the walk
    dossier = walk_to_refusal(
        receive(),
        officer_an=officer_an,
        specialist_dung=specialist_dung,
        specialist_minh=specialist_minh,
        leader_binh=leader_binh,
    )

    # when its control sheet is built
    sheet = slip_for_dossier(dossier, SlipKind.CONTROL_SHEET)

    # then a row hands the dossier into each step run, the supplement goes out and back
    # through the one-stop unit, and the last row hands the result back to the counter
    with translation.override("en"):
        rows = [
            (row.from_unit, row.to_unit, row.giver, row.receiver, row.outcome, str(row.note))
            for row in sheet.rows
        ]
    assert rows == [
        ("Sở A", "Sở A — Receive", "Nguyễn Văn An", "Nguyễn Văn An", "", ""),
        ("Sở A — Receive", "Sở A — Review", "Nguyễn Văn An", "Phạm Minh Dũng", "on_time", ""),
        ("Sở A — Review", "Sở A", "Phạm Minh Dũng", "", "early", "Request a supplement"),
        ("Sở A", "Sở A — Review", "Nguyễn Văn An", "Phạm Minh Dũng", "", "Supplement received"),
        (
            "Sở A — Review",
            "Sở B — Opinion",
            "Phạm Minh Dũng",
            "Đặng Văn Minh",
            "early",
            "Transfer to another agency",
        ),
        ("Sở B — Opinion", "Sở A — Decide", "Đặng Văn Minh", "Trần Thị Bình", "on_time", ""),
        ("Sở A — Decide", "Sở A", "Trần Thị Bình", "", "on_time", ""),
    ]
    assert [row.at for row in sheet.rows] == [
        at(2026, 2, 5, 9, 0),
        at(2026, 2, 5, 10, 0),
        at(2026, 2, 5, 11, 0),
        at(2026, 2, 9, 9, 0),
        at(2026, 2, 10, 10, 0),
        at(2026, 2, 11, 10, 0),
        at(2026, 2, 12, 9, 0),
    ]
    assert sheet.rows[1].due_at == at(2026, 2, 5, 15, 0)  # the receive step's 4 working hours
    assert sheet.processing_agency == "Sở A"
    assert sheet.coordinating_agencies == ("Sở B",)


@pytest.mark.django_db
@needs_weasyprint
def test_slip_downloads_permission_matrix(client, receive, personas):
    # given a dossier of department A
    dossier = receive()

    # then only officials who may see it get its receipt; department B is not told it exists
    assert_permission_matrix(
        client,
        slip_url(dossier, "receipt"),
        {
            "anonymous": LOGIN,
            "officer_an": 200,
            "clerk_hoa": 200,
            "specialist_dung": 200,
            "admin_giang": 200,
            "other_agency_official": 404,
            "citizen_chi": 403,
        },
        personas=personas,
    )
    # and no slip was issued outside the rolled-back requests of the matrix
    assert print_entries(dossier) == []


@pytest.mark.django_db
@needs_weasyprint
def test_html_preview_is_the_same_form_under_a_strict_policy(client, receive, officer_an, login):
    # given a received dossier
    dossier = receive()
    login(officer_an)

    # when the officer reads the receipt as a web page
    response = client.get(slip_url(dossier, "receipt", "?format=html"))

    # then it is the form in HTML, allowed only its own stylesheet and the QR image
    assert response.status_code == 200
    assert response["Content-Type"] == "text/html; charset=utf-8"
    page = response.content.decode()
    assert '<html lang="vi">' in page
    assert CODE in page
    policy = response["Content-Security-Policy"]
    assert "default-src 'none'" in policy
    assert "style-src 'sha256-" in policy
    assert "unsafe-inline" not in policy
    assert "script-src" not in policy
    [entry] = print_entries(dossier)
    assert entry.details["format"] == "html"


@pytest.mark.django_db
def test_register_lists_the_dossiers_of_that_agency_in_the_period(
    receive, coded_orgs, other_agency_official
):
    # given two dossiers at department A in February, one in March, and one at department B
    first = receive()
    second = receive(received_at=at(2026, 2, 6, 14, 0))
    receive(received_at=at(2026, 3, 2, 9, 0))
    receive(receiving_agency=coded_orgs.dept_b, acting_user=other_agency_official)

    # when the register of department A for February is built
    register = register_for(
        coded_orgs.dept_a, datetime.date(2026, 2, 1), datetime.date(2026, 2, 28)
    )

    # then it lists exactly department A's February dossiers, in the order received
    assert [(row.sequence, row.code) for row in register.rows] == [
        (1, first.code),
        (2, second.code),
    ]
    assert register.rows[0].applicant == "Ngô Thị Chi"
    assert register.rows[0].procedure == "Cấp giấy phép xây dựng nhà ở riêng lẻ"
    assert register.totals["open"] == 2


@pytest.mark.django_db
@needs_weasyprint
@needs_poppler
def test_register_download_for_a_period(
    client, receive, coded_orgs, officer_an, other_agency_official, login
):
    # given one dossier at each department
    mine = receive()
    theirs = receive(receiving_agency=coded_orgs.dept_b, acting_user=other_agency_official)
    login(officer_an)
    query = {"agency": coded_orgs.dept_a.pk, "start": "2026-02-01", "end": "2026-02-28"}

    # when the officer of department A downloads the register of February
    assert client.get("/dossiers/slips/register/").status_code == 200
    response = client.get("/dossiers/slips/register/", {**query, "format": "pdf"})

    # then it is an A4 register PDF listing department A's dossier only
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'inline; filename="so-theo-doi-ho-so-000.00.12.H37-20260201-20260228.pdf"'
    )
    text = pdf_text(response.content)
    assert "SỔ THEO DÕI HỒ SƠ" in text
    assert mine.code in text
    assert theirs.code not in text
    [entry] = AuditEntry.objects.for_object(coded_orgs.dept_a).filter(action="dossiers.print_slip")
    assert entry.details["kind"] == "register"
    assert entry.details["rows"] == 1

    # and department A's register is not offered to department B's officer (nothing issued)
    login(other_agency_official)
    refused = client.get("/dossiers/slips/register/", {**query, "format": "pdf"})
    assert refused.status_code == 400
    assert AuditEntry.objects.filter(action="dossiers.print_slip").count() == 1


@pytest.mark.django_db
def test_register_period_must_be_ordered(client, receive, coded_orgs, officer_an, login):
    login(officer_an)
    response = client.get(
        "/dossiers/slips/register/",
        {"agency": coded_orgs.dept_a.pk, "start": "2026-03-01", "end": "2026-02-01"},
    )
    assert response.status_code == 400
    assert "The period must end after it starts" in response.content.decode()
    assert AuditEntry.objects.filter(action="dossiers.print_slip").count() == 0


@pytest.mark.django_db
def test_dossier_page_links_the_slips_and_the_receipt_after_intake(
    client, receive, officer_an, specialist_dung, login
):
    # given a dossier just received, then one with a supplement request
    dossier = receive()
    login(officer_an)

    # when the officer lands on the dossier page
    page = client.get(f"/dossiers/{dossier.pk}/").content.decode()

    # then the receipt slip is offered prominently, and the slips section links each slip
    assert f'class="button" href="/dossiers/{dossier.pk}/slips/receipt/"' in page
    assert f"/dossiers/{dossier.pk}/slips/control_sheet/" in page
    assert "/slips/refusal/" not in page
    assert "/slips/supplement_request/" not in page

    transition(dossier, "forward", acting_user=officer_an, at=at(2026, 2, 5, 10, 0))
    transition(
        dossier,
        "request_supplement",
        acting_user=specialist_dung,
        requested_components=dossier.procedure_version.components.all()[:1],
        note="Bản vẽ",
        at=at(2026, 2, 5, 11, 0),
    )
    event = dossier.events.get(type="supplement_requested")
    page = client.get(f"/dossiers/{dossier.pk}/").content.decode()
    assert f"/dossiers/{dossier.pk}/slips/supplement_request/?event={event.pk}" in page
    assert f'class="button" href="/dossiers/{dossier.pk}/slips/receipt/"' not in page
