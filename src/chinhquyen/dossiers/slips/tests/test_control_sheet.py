"""The control sheet (form 05) has one row per hand-over with its early / on-time / late label."""

import re

from chinhquyen.dossiers.slips import samples
from chinhquyen.dossiers.slips.data import ControlSheet
from chinhquyen.dossiers.slips.render import render_slip, render_slip_html

from .pdftools import needs_poppler, needs_weasyprint, pdf_text


def test_one_row_per_hand_over_with_its_outcome():
    # given a dossier handed over four times: early, on time, late, and still open
    sheet = samples.control_sheet()

    # when the sheet is rendered
    html = render_slip_html(sheet)

    # then there is one table row per hand-over, in order, with its outcome label
    rows = re.findall(r'<tr class="handover">(.*?)</tr>', html, flags=re.S)
    assert len(rows) == 4
    outcomes = [re.search(r'<span class="outcome">(.*?)</span>', row).group(1) for row in rows]
    assert outcomes == ["Trước hạn", "Đúng hạn", "Quá hạn", ""]
    assert "1.1. Giao: Bộ phận tiếp nhận và trả kết quả" in rows[0]
    assert "1.2. Nhận: Phòng Quản lý xây dựng" in rows[0]
    assert "14 giờ 00 phút, ngày 05 tháng 02 năm 2026" in rows[0]
    assert "Người giao: Trần Văn An" in rows[0]
    assert "Người nhận: Phạm Minh Đức" in rows[0]
    assert "Hạn: 26/02/2026 17:00" in rows[2]


def test_a_sheet_without_hand_overs_has_no_rows():
    sheet = ControlSheet(
        dossier_code=samples.CODE,
        procedure_name=samples.PROCEDURE,
        agency=samples.AGENCY,
        applicant=samples.APPLICANT,
        received_at=samples.at(2026, 2, 5, 9, 0),
        due_at=samples.at(2026, 3, 5, 9, 0),
    )

    html = render_slip_html(sheet)

    assert '<tr class="handover">' not in html
    assert "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in html


@needs_weasyprint
@needs_poppler
def test_the_pdf_shows_every_outcome_label():
    text = pdf_text(render_slip(samples.control_sheet()))

    assert "Trước hạn" in text
    assert "Đúng hạn" in text
    assert "Quá hạn" in text
    assert "3.1. Giao:" in text
    assert "4.2. Nhận:" in text
