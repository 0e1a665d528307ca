"""Each form renders to a real PDF: right paper size, Vietnamese text intact, fonts embedded."""

import pytest

from chinhquyen.dossiers.slips import samples
from chinhquyen.dossiers.slips.render import render_slip

from .pdftools import needs_poppler, needs_weasyprint, pdf_fonts, pdf_info, pdf_page_sizes, pdf_text

A5 = (419.53, 595.28)
A4_LANDSCAPE = (841.89, 595.28)

pytestmark = [needs_weasyprint, needs_poppler]

FORMS = {
    "01_receipt": (
        "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
        "Giấy tiếp nhận hồ sơ và hẹn trả kết quả",
    ),
    "02_supplement_request": (
        "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ",
        "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ",
    ),
    "03_refusal": (
        "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ",
        "Phiếu từ chối tiếp nhận giải quyết hồ sơ",
    ),
    "04_apology": (
        "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ",
        "Phiếu xin lỗi và hẹn lại ngày trả kết quả",
    ),
    "05_control_sheet": (
        "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ",
        "Phiếu kiểm soát quá trình giải quyết hồ sơ",
    ),
}


@pytest.fixture(scope="module")
def rendered() -> dict[str, bytes]:
    return {name: render_slip(make()) for name, make in samples.ALL.items()}


@pytest.mark.parametrize("name", sorted(FORMS))
def test_dossier_slip_is_a_single_a5_page_with_its_title_and_code(rendered, name):
    # given the sample slip of one form, rendered
    pdf = rendered[name]
    heading, title = FORMS[name]

    # then it is a PDF of one A5 portrait page
    assert pdf.startswith(b"%PDF-")
    assert pdf_page_sizes(pdf) == [A5]

    # and the text, diacritics intact, carries the header, the form title and the dossier code
    text = pdf_text(pdf)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Độc lập - Tự do - Hạnh phúc" in text
    assert "UBND TỈNH TUYÊN QUANG" in text
    assert heading in text
    assert "Mã hồ sơ: 000.00.12.H37-260205-0007" in text
    assert f"Mẫu số {name[:2]}" in text
    assert pdf_info(pdf)["Title"] == f"{title} 000.00.12.H37-260205-0007"


def test_receipt_prints_the_appointment_the_components_and_the_fee(rendered):
    text = pdf_text(rendered["01_receipt"])

    assert "Tuyên Quang, ngày 05 tháng 02 năm 2026" in text
    assert "Thời gian nhận hồ sơ: 09 giờ 00 phút, ngày 05 tháng 02 năm 2026" in text
    assert (
        "Thời gian trả kết quả giải quyết hồ sơ: 09 giờ 00 phút, ngày 05 tháng 3 năm 2026" in text
    )
    assert "Thời gian giải quyết hồ sơ theo quy định là: 15 ngày làm việc" in text
    assert "Nguyễn Thị Chi" in text
    assert "Bản vẽ thiết kế xây dựng (02 bộ)" in text
    assert "Lệ phí cấp giấy phép xây dựng: 75.000 đồng (đã nộp)" in text
    assert "Đăng ký nhận kết quả: Qua dịch vụ bưu chính công ích" in text
    assert "NGƯỜI NỘP HỒ SƠ" in text
    assert "NGƯỜI TIẾP NHẬN HỒ SƠ" in text
    assert "Trần Văn An" in text


def test_apology_prints_the_reason_the_old_and_the_new_date(rendered):
    text = pdf_text(rendered["04_apology"])

    assert "Thời hạn trả kết quả giải quyết hồ sơ: 09 giờ 00 phút, ngày 05 tháng 3 năm 2026" in text
    assert "Lý do: Cần lấy ý kiến phối hợp của Sở Nông nghiệp và Môi trường" in text
    assert "09 giờ 00 phút, ngày 12 tháng 3 năm 2026" in text
    assert "GIÁM ĐỐC" in text
    assert "Lê Thị Bình" in text


def test_supplement_request_lists_each_item_with_its_reason(rendered):
    text = pdf_text(rendered["02_supplement_request"])

    assert "Bản vẽ mặt bằng móng công trình" in text
    assert "Hồ sơ nộp thiếu bản vẽ mặt bằng móng theo quy định" in text
    assert "Chưa ghi diện tích xây dựng tầng 1 và tổng diện tích sàn" in text
    assert "NGƯỜI HƯỚNG DẪN" in text


def test_refusal_gives_every_reason(rendered):
    text = pdf_text(rendered["03_refusal"])

    assert "thông báo không tiếp nhận, giải quyết hồ sơ này" in text
    assert "Công trình thuộc khu vực đã có quyết định thu hồi đất theo quy hoạch." in text
    assert "Thửa đất không thuộc thẩm quyền cấp phép của Sở Xây dựng." in text


def test_register_is_a4_landscape_with_every_row_and_totals(rendered):
    pdf = rendered["06_register"]

    sizes = pdf_page_sizes(pdf)
    assert len(sizes) >= 2
    assert set(sizes) == {A4_LANDSCAPE}
    text = pdf_text(pdf)
    assert "SỔ THEO DÕI HỒ SƠ" in text
    assert "Từ ngày 01 tháng 02 năm 2026 đến ngày 28 tháng 02 năm 2026" in text
    for sequence in range(131, 161):
        assert f" {sequence} " in text
    assert "Tổng số: 30 hồ sơ — trước hạn: 7; đúng hạn: 8; quá hạn: 8; đang giải quyết: 7." in text


@pytest.mark.parametrize("name", sorted(samples.ALL))
def test_every_glyph_comes_from_embedded_liberation_serif(rendered, name):
    # Liberation Serif stands in for Times New Roman (Decree 30/2020); Debian's
    # fonts-liberation 1.x has no Vietnamese, so a fallback font here means
    # fonts-liberation2 is missing.
    fonts = pdf_fonts(rendered[name])

    assert fonts
    assert {font for font, _ in fonts} <= {
        "Liberation-Serif",
        "Liberation-Serif-Bold",
        "Liberation-Serif-Italic",
        "Liberation-Serif-BoldItalic",
    }
    assert all(embedded for _, embedded in fonts)
