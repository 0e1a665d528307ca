"""Judging gateway notifications (the service the IPN view calls), case by case."""

from chinhquyen.audit.models import AuditEntry
from chinhquyen.dossiers.models import Payment
from chinhquyen.dossiers.services.payments import record_payment
from chinhquyen.payments import services
from chinhquyen.payments.choices import OrderStatus, Verdict
from chinhquyen.payments.models import PaymentNotification
from chinhquyen.payments.tests.conftest import gateway_params, signed


def test_a_declined_payment_fails_the_order_and_pays_nothing(chi_dossier, citizen_chi):
    order, _url = services.start_payment(dossier=chi_dossier, acting_user=citizen_chi)

    outcome = services.handle_notification(signed(gateway_params(order, code="51")))

    assert outcome.verdict == Verdict.ACCEPTED
    assert outcome.reply == {"RspCode": "00", "Message": "Confirm Success"}
    order.refresh_from_db()
    assert order.status == OrderStatus.FAILED
    assert order.gateway_response_code == "51"
    assert Payment.objects.filter(paid_at__isnull=False).count() == 0


def test_fees_paid_at_the_counter_meanwhile_are_left_alone_and_flagged(chi_dossier, citizen_chi):
    order, _url = services.start_payment(dossier=chi_dossier, acting_user=citizen_chi)
    first = chi_dossier.payments.order_by("id").first()
    record_payment(first, method="cash", receipt_number="BL-7", acting_user=None)

    outcome = services.handle_notification(signed(gateway_params(order)))

    assert outcome.verdict == Verdict.CONFLICT
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    lines = list(Payment.objects.filter(dossier=chi_dossier).order_by("id"))
    assert [(line.method, line.receipt_number) for line in lines] == [("cash", "BL-7"), ("", "")]
    entry = AuditEntry.objects.get(action="payments.notification_refused")
    assert entry.details["verdict"] == "conflict"


def test_a_signed_but_malformed_notification_is_refused(chi_dossier, citizen_chi):
    order, _url = services.start_payment(dossier=chi_dossier, acting_user=citizen_chi)
    params = gateway_params(order)
    params["vnp_Amount"] = "12.5"

    outcome = services.handle_notification(signed(params))

    assert outcome.verdict == Verdict.MALFORMED
    assert outcome.reply == {"RspCode": "99", "Message": "Unknown error"}
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING
    assert PaymentNotification.objects.get().reference == order.reference


def test_paying_in_the_tab_of_a_superseded_order_still_settles_the_fees(chi_dossier, citizen_chi):
    # Given a citizen who started a payment, then started it again (the first order is
    # cancelled by us), but paid in the first gateway tab
    old, _url = services.start_payment(dossier=chi_dossier, acting_user=citizen_chi)
    new, _url = services.start_payment(dossier=chi_dossier, acting_user=citizen_chi)

    outcome = services.handle_notification(signed(gateway_params(old)))

    # Then the money counts: the older order is paid and the fee lines with it
    assert outcome.verdict == Verdict.ACCEPTED
    old.refresh_from_db()
    assert old.status == OrderStatus.PAID
    assert set(
        Payment.objects.filter(paid_at__isnull=False).values_list("receipt_number", flat=True)
    ) == {old.reference}
    # and paying the newer order as well is recorded as a conflict (to refund), not applied.
    second = services.handle_notification(signed(gateway_params(new)))
    assert second.verdict == Verdict.CONFLICT
    assert set(
        Payment.objects.filter(paid_at__isnull=False).values_list("receipt_number", flat=True)
    ) == {old.reference}
