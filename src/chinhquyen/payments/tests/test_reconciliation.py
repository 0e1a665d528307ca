"""Reconciliation fetches the sandbox gateway's settlement list over real HTTP and finds each
kind of difference; it never changes a payment, and a person records their review."""

import datetime as dt

import pytest
import requests
from django.core.management import call_command

from chinhquyen.audit.models import AuditEntry
from chinhquyen.exchange.models import MessageLogEntry
from chinhquyen.payments.models import PaymentOrder
from chinhquyen.payments.models_reconciliation import ReconciliationLine, ReconciliationRun
from chinhquyen.payments.reconciliation import reconcile_day, review_line
from chinhquyen.payments.sandbox import Merchant, SandboxServer
from chinhquyen.payments.tests.conftest import MERCHANT, SECRET, at

DAY = dt.date(2026, 2, 5)

pytestmark = pytest.mark.django_db


@pytest.fixture
def gateway(gateway_settings):
    server = SandboxServer(
        merchants=[Merchant(code=MERCHANT, secret=SECRET, ipn_url="http://127.0.0.1:9/ipn/")]
    )
    base = server.start()
    gateway_settings.PAYMENT_RECONCILIATION_URL = base + "/merchant_webapi/settlements"
    gateway_settings.PAYMENT_GATEWAY_URL = server.payment_url
    yield server
    server.stop()


def order(dossier, reference, *, amount=125000, status="paid", paid=True):
    return PaymentOrder.objects.create(
        dossier=dossier,
        reference=reference,
        amount=amount,
        status=status,
        gateway="vnpay",
        payer_name="Ngô Thị Chi",
        created_at=at(2026, 2, 5, 9, 0),
        paid_at=at(2026, 2, 5, 9, 5) if paid else None,
    )


def ledger(gateway, reference, *, amount=125000, status="00", when="20260205090500"):
    gateway.app.record_transaction(
        merchant=MERCHANT,
        reference=reference,
        amount=amount,
        status=status,
        transaction_no="1400" + reference[-4:],
        pay_date=when,
    )


def snapshot():
    return list(PaymentOrder.objects.order_by("reference").values_list("reference", "status"))


def test_each_kind_of_difference_is_found_and_nothing_is_changed(gateway, chi_dossier):
    # Given: A agrees; B paid at the gateway but its notification never came (pending here);
    # C paid a different amount; X is unknown here; D paid here, unknown at the gateway;
    # E abandoned on the payment page (not a difference); F paid on another day.
    order(chi_dossier, "CQA0001")
    order(chi_dossier, "CQB0002", status="pending", paid=False)
    order(chi_dossier, "CQC0003")
    order(chi_dossier, "CQD0004")
    order(chi_dossier, "CQE0005", status="cancelled", paid=False)
    ledger(gateway, "CQA0001")
    ledger(gateway, "CQB0002")
    ledger(gateway, "CQC0003", amount=100000)
    ledger(gateway, "CQX0009")
    ledger(gateway, "CQF0006", when="20260206080000")
    before = snapshot()

    run = reconcile_day(DAY)

    assert (run.status, run.gateway_count, run.matched_count, run.mismatch_count) == (
        "completed",
        4,
        1,
        4,
    )
    kinds = dict(run.lines.values_list("reference", "kind"))
    assert kinds == {
        "CQA0001": "matched",
        "CQB0002": "status_mismatch",
        "CQC0003": "amount_mismatch",
        "CQX0009": "missing_here",
        "CQD0004": "missing_at_gateway",
    }
    amounts = run.lines.get(reference="CQC0003")
    assert (amounts.our_amount, amounts.gateway_amount) == (125000, 100000)
    assert snapshot() == before  # never changes a payment
    entry = AuditEntry.objects.filter(action="payments.reconcile").get()
    assert entry.details["counts"]["status_mismatch"] == 1
    fetch = MessageLogEntry.objects.get(connector="payment_platform")
    assert (fetch.outcome, fetch.status_code, fetch.method) == ("fetched", 200, "GET")


def test_a_real_payment_whose_notification_was_lost_is_a_status_mismatch(
    gateway, chi_dossier, client, login, citizen_chi
):
    # The citizen pays on the sandbox's page; its notification goes to a closed port.
    login(citizen_chi)
    start = client.post(f"/thanh-toan/ho-so/{chi_dossier.code}/")
    assert start.status_code == 303
    query = start["Location"].split("?", 1)[1]
    decided = requests.post(
        gateway.base_url + "/paymentv2/decide",
        data={"q": query, "decision": "pay"},
        allow_redirects=False,
        timeout=30,
    )
    assert decided.status_code == 303
    pending = PaymentOrder.objects.get()
    assert pending.status == "pending" and gateway.deliveries[0].error

    today = dt.datetime.now(tz=dt.timezone(dt.timedelta(hours=7))).date()
    run = reconcile_day(today)

    line = run.lines.get()
    assert (line.kind, line.order, line.our_status, line.gateway_status) == (
        "status_mismatch",
        pending,
        "pending",
        "00",
    )
    pending.refresh_from_db()
    assert pending.status == "pending"


def test_an_unverifiable_list_fails_the_run_and_records_no_line(gateway, chi_dossier, settings):
    order(chi_dossier, "CQA0001")
    ledger(gateway, "CQA0001")
    gateway.app.merchants[MERCHANT].secret = "another-secret"  # the list's signature breaks

    run = reconcile_day(DAY)

    assert run.status == "failed"
    assert ReconciliationLine.objects.count() == 0
    assert AuditEntry.objects.filter(action="payments.reconcile_failed").exists()
    assert MessageLogEntry.objects.get(connector="payment_platform").outcome == "failed"


def test_the_command_exits_2_on_differences_and_a_person_reviews_one(
    gateway, chi_dossier, officer_an
):
    order(chi_dossier, "CQD0004")
    with pytest.raises(SystemExit) as exited:
        call_command("reconcile_payments", "--date", "2026-02-05")
    assert exited.value.code == 2
    line = ReconciliationRun.objects.get().lines.get()
    assert line.kind == "missing_at_gateway"

    reviewed = review_line(line, acting_user=officer_an, note="Gọi VNPAY: giao dịch treo, chờ.")
    assert reviewed.reviewed_by == officer_an
    assert PaymentOrder.objects.get().status == "paid"
    from chinhquyen.payments.exceptions import PaymentRefused

    with pytest.raises(PaymentRefused):
        review_line(reviewed, acting_user=officer_an, note="again")


def test_pages_list_runs_and_mismatches_for_the_platform_admin(
    gateway, chi_dossier, client, login, admin_giang, officer_an
):
    order(chi_dossier, "CQD0004")
    run = reconcile_day(DAY)
    login(officer_an)
    assert client.get("/thanh-toan/doi-soat/").status_code == 403
    login(admin_giang)
    page = client.get("/thanh-toan/doi-soat/")
    assert page.status_code == 200 and "CQD0004" in page.content.decode()
    detail = client.get(f"/thanh-toan/doi-soat/{run.pk}/")
    assert "CQD0004" in detail.content.decode()
    line = run.lines.get()
    client.post(f"/thanh-toan/doi-soat/dong/{line.pk}/", {"note": "Đã kiểm tra"})
    line.refresh_from_db()
    assert line.review_note == "Đã kiểm tra"
