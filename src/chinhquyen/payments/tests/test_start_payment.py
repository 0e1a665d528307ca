"""The applicant starts paying the unpaid fees of a dossier; nobody else can."""

from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from chinhquyen.audit.models import AuditEntry
from chinhquyen.payments.choices import OrderStatus
from chinhquyen.payments.gateways import get_gateway
from chinhquyen.payments.models import PaymentOrder
from chinhquyen.payments.tests.conftest import query_of


def start_url(dossier) -> str:
    return reverse("payments:start", args=[dossier.code])


def test_the_applicant_sees_the_fee_lines_and_the_pay_button(chi_dossier, citizen_chi, login):
    client = login(citizen_chi)

    response = client.get(start_url(chi_dossier))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Lệ phí cấp phép" in page
    assert "Phí thẩm định" in page
    assert "125.000 đồng" in page
    assert f'action="{start_url(chi_dossier)}"' in page
    # the gateway's origin may receive the form's redirect (CSP form-action)
    assert "form-action 'self' http://127.0.0.1:9" in response["Content-Security-Policy"]


def test_paying_opens_one_order_for_the_unpaid_lines_and_redirects_to_the_gateway(
    chi_dossier, citizen_chi, login
):
    client = login(citizen_chi)

    response = client.post(start_url(chi_dossier))

    assert response.status_code == 303
    order = PaymentOrder.objects.get()
    assert order.status == OrderStatus.PENDING
    assert order.amount == 125000
    assert order.currency == "VND"
    assert order.gateway == "vnpay"
    assert order.payer == citizen_chi
    assert order.payer_name == "Ngô Thị Chi"
    assert sorted(order.fee_lines.values_list("name", flat=True)) == [
        "Lệ phí cấp phép",
        "Phí thẩm định",
    ]
    location = response["Location"]
    assert location.startswith("http://127.0.0.1:9/paymentv2/vpcpay.html?")
    params = query_of(location)
    assert params["vnp_TxnRef"] == order.reference
    assert params["vnp_Amount"] == "12500000"
    assert params["vnp_ReturnUrl"] == "http://testserver/thanh-toan/ket-qua/"
    assert get_gateway().verify(params) is True
    entry = AuditEntry.objects.filter(action="payments.start_payment").get()
    assert entry.actor == citizen_chi
    assert entry.details["amount"] == 125000


def test_starting_again_cancels_the_earlier_pending_order(chi_dossier, citizen_chi, login):
    client = login(citizen_chi)
    client.post(start_url(chi_dossier))
    first = PaymentOrder.objects.get()

    client.post(start_url(chi_dossier))

    first.refresh_from_db()
    assert first.status == OrderStatus.CANCELLED
    assert PaymentOrder.objects.filter(status=OrderStatus.PENDING).count() == 1
    assert PaymentOrder.objects.count() == 2


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("other_citizen", 404), ("officer_an", 403), ("anonymous", 302)],
)
def test_only_the_applicant_can_pay(chi_dossier, personas, login, persona, expected):
    client = login(personas[persona])

    get = client.get(start_url(chi_dossier))
    post = client.post(start_url(chi_dossier))

    assert get.status_code == expected
    assert post.status_code == expected
    if persona == "anonymous":
        assert "next=" in post["Location"]
    assert PaymentOrder.objects.count() == 0


def test_a_dossier_whose_fees_are_paid_offers_no_payment(chi_dossier, citizen_chi, login):
    from chinhquyen.dossiers.services.payments import record_payment

    for line in chi_dossier.payments.all():
        record_payment(line, method="cash", receipt_number="BL-1", acting_user=None)
    client = login(citizen_chi)

    page = client.get(start_url(chi_dossier))
    post = client.post(start_url(chi_dossier))

    assert page.status_code == 200
    assert "Pay online" not in page.content.decode()
    assert "Thanh toán trực tuyến" not in page.content.decode()
    assert post.status_code == 409
    assert "Hồ sơ không còn khoản phí, lệ phí nào chưa nộp." in post.content.decode()
    assert PaymentOrder.objects.count() == 0


def test_without_a_configured_gateway_nothing_starts(chi_dossier, citizen_chi, login, settings):
    settings.PAYMENT_HASH_SECRET = ""
    client = login(citizen_chi)

    response = client.post(start_url(chi_dossier))

    assert response.status_code == 503
    assert "Hiện chưa thể thanh toán trực tuyến." in response.content.decode()
    assert PaymentOrder.objects.count() == 0
    assert urlsplit(response.get("Location", "")).netloc == ""


def test_the_fee_page_reads_a_bounded_number_of_queries(
    chi_dossier, citizen_chi, login, django_assert_max_num_queries
):
    client = login(citizen_chi)
    client.get(start_url(chi_dossier))

    with django_assert_max_num_queries(9):
        response = client.get(start_url(chi_dossier))

    assert response.status_code == 200
