"""Paying through the sandbox gateway, which runs as its own HTTP server and notifies the
live Django server by real HTTP (pytest-django ``live_server``)."""

import json
from urllib.error import HTTPError
from urllib.parse import urlencode
from urllib.request import Request, urlopen

import pytest
from django.urls import reverse

from chinhquyen.audit.models import AuditEntry
from chinhquyen.dossiers.choices import EventType, PaymentMethod
from chinhquyen.dossiers.models import DossierEvent, Payment
from chinhquyen.payments.choices import OrderStatus, Verdict
from chinhquyen.payments.models import PaymentNotification, PaymentOrder
from chinhquyen.payments.tests.conftest import (
    MERCHANT,
    gateway_params,
    sandbox_form,
    signed,
)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("migration_seeds")]


def http_get(url: str) -> tuple[int, str]:
    try:
        with urlopen(url, timeout=30) as response:  # noqa: S310 (loopback test servers)
            return response.status, response.read().decode()
    except HTTPError as error:
        return error.code, error.read().decode()


def http_post(url: str, data: dict) -> tuple[int, str, str]:
    """POST a form; follows the 303 like a browser. Returns (status, final URL, body)."""
    request = Request(url, data=urlencode(data).encode(), method="POST")  # noqa: S310
    try:
        with urlopen(request, timeout=30) as response:  # noqa: S310
            return response.status, response.url, response.read().decode()
    except HTTPError as error:
        return error.code, error.url, error.read().decode()


def notify(live_server, params: dict) -> dict:
    """Send a notification to the site's IPN URL as a gateway would."""
    url = live_server.url + reverse("payments:ipn") + "?" + urlencode(params)
    status, body = http_get(url)
    assert status == 200
    return json.loads(body)


def pay_in_sandbox(client, dossier, decision: str) -> tuple[int, str, str]:
    """The applicant presses "Pay online", then "Pay" or "Cancel" on the sandbox's page."""
    start = client.post(reverse("payments:start", args=[dossier.code]))
    assert start.status_code == 303
    status, page = http_get(start["Location"])
    assert status == 200
    assert "125.000 VND" in page
    form_url = start["Location"].split("/paymentv2/")[0] + "/paymentv2/decide"
    return http_post(form_url, {"q": sandbox_form(page), "decision": decision})


def snapshot(dossier) -> dict:
    return {
        "lines": list(Payment.objects.filter(dossier=dossier).values_list("paid_at", "method")),
        "orders": list(PaymentOrder.objects.values_list("reference", "status", "paid_at")),
        "events": DossierEvent.objects.filter(dossier=dossier).count(),
    }


def test_paying_in_the_sandbox_marks_the_fees_paid(
    sandbox, live_server, chi_dossier, citizen_chi, login
):
    client = login(citizen_chi)

    status, final_url, page = pay_in_sandbox(client, chi_dossier, "pay")

    # the sandbox notified the site, which confirmed
    [delivery] = sandbox.deliveries
    assert delivery.reply == {"RspCode": "00", "Message": "Confirm Success"}
    order = PaymentOrder.objects.get()
    assert order.status == OrderStatus.PAID
    assert order.paid_at is not None
    assert order.gateway_transaction_no == delivery.params["vnp_TransactionNo"]
    assert order.bank_code == "NCB"
    lines = list(Payment.objects.filter(dossier=chi_dossier).order_by("id"))
    assert [line.method for line in lines] == [PaymentMethod.ONLINE, PaymentMethod.ONLINE]
    assert [line.receipt_number for line in lines] == [order.reference, order.reference]
    assert all(line.paid_at == order.paid_at for line in lines)
    assert (
        DossierEvent.objects.filter(dossier=chi_dossier, type=EventType.PAYMENT_RECORDED).count()
        == 2
    )
    assert AuditEntry.objects.filter(action="dossiers.record_payment").count() == 2
    assert AuditEntry.objects.filter(action="payments.notification_accepted").count() == 1
    assert PaymentNotification.objects.get().verdict == Verdict.ACCEPTED
    # and the browser came back to the return page, which shows the status
    assert status == 200
    assert final_url.startswith(live_server.url + reverse("payments:return"))
    assert 'id="payment-status">Đã thanh toán<' in page


def test_cancelling_in_the_sandbox_leaves_the_fees_unpaid(sandbox, chi_dossier, citizen_chi, login):
    client = login(citizen_chi)

    status, _url, page = pay_in_sandbox(client, chi_dossier, "cancel")

    order = PaymentOrder.objects.get()
    assert order.status == OrderStatus.CANCELLED
    assert order.gateway_response_code == "24"
    assert Payment.objects.filter(dossier=chi_dossier, paid_at__isnull=False).count() == 0
    assert sandbox.deliveries[0].reply == {"RspCode": "00", "Message": "Confirm Success"}
    assert status == 200
    assert "Chưa nộp phí, lệ phí." in page


def test_a_repeated_notification_changes_nothing(
    sandbox, live_server, chi_dossier, citizen_chi, login
):
    client = login(citizen_chi)
    pay_in_sandbox(client, chi_dossier, "pay")
    before = snapshot(chi_dossier)

    # the gateway retries the same notification
    reply = notify(live_server, sandbox.deliveries[0].params)

    assert reply == {"RspCode": "02", "Message": "Order already confirmed"}
    assert snapshot(chi_dossier) == before
    assert list(PaymentNotification.objects.order_by("id").values_list("verdict", flat=True)) == [
        Verdict.ACCEPTED,
        Verdict.DUPLICATE,
    ]
    assert AuditEntry.objects.filter(action="dossiers.record_payment").count() == 2


def test_a_forged_notification_is_refused_and_logged(
    sandbox, live_server, chi_dossier, citizen_chi, login
):
    client = login(citizen_chi)
    client.post(reverse("payments:start", args=[chi_dossier.code]))
    order = PaymentOrder.objects.get()
    before = snapshot(chi_dossier)

    reply = notify(live_server, signed(gateway_params(order), secret="guessed-secret"))

    assert reply == {"RspCode": "97", "Message": "Invalid signature"}
    assert snapshot(chi_dossier) == before
    logged = PaymentNotification.objects.get()
    assert logged.verdict == Verdict.BAD_SIGNATURE
    assert logged.reference == order.reference
    assert logged.params["vnp_Amount"] == "12500000"
    assert logged.remote_addr == "127.0.0.1"
    refused = AuditEntry.objects.get(action="payments.notification_refused")
    assert refused.details["verdict"] == "bad_signature"


def test_a_tampered_amount_is_refused(sandbox, live_server, chi_dossier, citizen_chi, login):
    client = login(citizen_chi)
    client.post(reverse("payments:start", args=[chi_dossier.code]))
    order = PaymentOrder.objects.get()
    genuine = signed(gateway_params(order))
    before = snapshot(chi_dossier)

    # someone lowers the amount in a signed message, and a signed message with another amount
    tampered = notify(live_server, {**genuine, "vnp_Amount": "100"})
    mismatched = notify(live_server, signed(gateway_params(order, amount=1000)))

    assert tampered == {"RspCode": "97", "Message": "Invalid signature"}
    assert mismatched == {"RspCode": "04", "Message": "Invalid amount"}
    assert snapshot(chi_dossier) == before
    assert list(PaymentNotification.objects.order_by("id").values_list("verdict", flat=True)) == [
        Verdict.BAD_SIGNATURE,
        Verdict.AMOUNT_MISMATCH,
    ]


def test_a_notification_for_an_unknown_order_is_refused(sandbox, live_server, chi_dossier):
    params = {**gateway_params(type("O", (), {"amount": 125000, "reference": "CQ000"})())}

    reply = notify(live_server, signed(params))

    assert reply == {"RspCode": "01", "Message": "Order not found"}
    logged = PaymentNotification.objects.get()
    assert logged.verdict == Verdict.UNKNOWN_ORDER
    assert logged.order is None
    assert Payment.objects.filter(paid_at__isnull=False).count() == 0


def test_a_success_replayed_after_a_cancellation_is_refused(
    sandbox, live_server, chi_dossier, citizen_chi, login
):
    client = login(citizen_chi)
    pay_in_sandbox(client, chi_dossier, "cancel")
    order = PaymentOrder.objects.get()
    before = snapshot(chi_dossier)

    reply = notify(live_server, signed(gateway_params(order)))

    assert reply == {"RspCode": "02", "Message": "Order already confirmed"}
    assert snapshot(chi_dossier) == before
    assert PaymentNotification.objects.order_by("-id").first().verdict == Verdict.REPLAY


def test_the_return_page_alone_marks_nothing_paid(
    sandbox, live_server, chi_dossier, citizen_chi, login
):
    client = login(citizen_chi)
    client.post(reverse("payments:start", args=[chi_dossier.code]))
    order = PaymentOrder.objects.get()

    # the browser comes back with a genuine success, but no notification has arrived
    status, page = http_get(
        live_server.url
        + reverse("payments:return")
        + "?"
        + urlencode(signed(gateway_params(order)))
    )

    assert status == 200
    assert 'id="payment-status">Chờ thanh toán<' in page
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING
    assert Payment.objects.filter(paid_at__isnull=False).count() == 0
    assert PaymentNotification.objects.count() == 0


def test_the_sandbox_refuses_a_request_the_merchant_did_not_sign(
    sandbox, chi_dossier, citizen_chi, login
):
    client = login(citizen_chi)
    start = client.post(reverse("payments:start", args=[chi_dossier.code]))
    forged = start["Location"].replace("vnp_Amount=12500000", "vnp_Amount=100")

    status, page = http_get(forged)

    assert status == 400
    assert "Sai chữ ký / Invalid signature" in page
    assert sandbox.deliveries == []
    assert MERCHANT in start["Location"]
