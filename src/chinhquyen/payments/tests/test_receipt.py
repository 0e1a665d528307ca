"""The e-receipt of a paid dossier: page and PDF, for the applicant and the officials who may
see the dossier; nobody else."""

import pytest
from django.urls import reverse

from chinhquyen.audit.models import AuditEntry
from chinhquyen.dossiers.slips.tests.pdftools import (
    needs_poppler,
    needs_weasyprint,
    pdf_fonts,
    pdf_text,
)
from chinhquyen.payments import services
from chinhquyen.payments.receipts import amount_in_words
from chinhquyen.payments.tests.conftest import gateway_params, signed


@pytest.fixture
def paid_order(chi_dossier, citizen_chi):
    order, _url = services.start_payment(dossier=chi_dossier, acting_user=citizen_chi)
    outcome = services.handle_notification(signed(gateway_params(order, number="14000777")))
    assert outcome.verdict == "accepted"
    order.refresh_from_db()
    return order


def test_amounts_are_written_in_vietnamese_words():
    assert amount_in_words(125000) == "Một trăm hai mươi lăm nghìn đồng"
    assert amount_in_words(75000) == "Bảy mươi lăm nghìn đồng"
    assert amount_in_words(1250000) == "Một triệu hai trăm năm mươi nghìn đồng"
    assert amount_in_words(125000, "en") == "One hundred and twenty-five thousand dong"


def test_the_applicant_reads_the_e_receipt(paid_order, citizen_chi, login):
    client = login(citizen_chi)

    response = client.get(reverse("payments:receipt", args=[paid_order.reference]))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Biên lai thu phí, lệ phí điện tử" in page
    assert paid_order.reference in page
    assert "Ngô Thị Chi" in page
    assert paid_order.dossier.code in page
    assert "Lệ phí cấp phép" in page
    assert "Phí thẩm định" in page
    assert 'id="receipt-total">125.000 đồng<' in page
    assert "Một trăm hai mươi lăm nghìn đồng" in page
    assert "14000777" in page
    assert "10 giờ 00 phút, ngày 05 tháng 02 năm 2026" in page
    assert response["Cache-Control"] == "private, no-store"


@needs_weasyprint
@needs_poppler
def test_the_e_receipt_pdf_prints_the_payment(paid_order, citizen_chi, login):
    client = login(citizen_chi)

    response = client.get(reverse("payments:receipt_pdf", args=[paid_order.reference]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="bien-lai-{paid_order.reference}.pdf"'
    )
    text = pdf_text(response.content)
    assert "BIÊN LAI THU PHÍ, LỆ PHÍ ĐIỆN TỬ" in text
    assert f"Số biên lai: {paid_order.reference}" in text
    assert "Người nộp tiền" in text
    assert "Ngô Thị Chi" in text
    assert paid_order.dossier.code in text
    assert "Lệ phí cấp phép 75.000 đồng Phí thẩm định 50.000 đồng" in text
    assert "125.000 đồng Số tiền bằng chữ" in text
    assert "Một trăm hai mươi lăm nghìn đồng" in text
    assert "14000777" in text
    fonts = pdf_fonts(response.content)
    assert fonts
    assert all(name.replace("-", "").startswith("LiberationSerif") for name, _ in fonts)
    assert all(embedded for _name, embedded in fonts)
    assert AuditEntry.objects.filter(action="payments.download_receipt").count() == 1


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("citizen_chi", 200),
        ("officer_an", 200),
        ("leader_binh", 200),
        ("other_agency_official", 404),
        ("other_citizen", 404),
        ("anonymous", 302),
    ],
)
def test_who_may_read_the_e_receipt(paid_order, personas, login, persona, expected):
    client = login(personas[persona])

    response = client.get(reverse("payments:receipt", args=[paid_order.reference]))

    assert response.status_code == expected


def test_an_unpaid_order_has_no_receipt(chi_dossier, citizen_chi, login):
    order, _url = services.start_payment(dossier=chi_dossier, acting_user=citizen_chi)
    client = login(citizen_chi)

    response = client.get(reverse("payments:receipt", args=[order.reference]))

    assert response.status_code == 404


def test_the_fee_page_links_the_receipt_once_paid(paid_order, citizen_chi, login):
    client = login(citizen_chi)

    page = client.get(reverse("payments:start", args=[paid_order.dossier.code])).content.decode()

    assert reverse("payments:receipt", args=[paid_order.reference]) in page
    assert "Thanh toán trực tuyến</button>" not in page
