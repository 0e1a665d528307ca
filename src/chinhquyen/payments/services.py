"""Online payment of dossier fees (Decree 61/2018 Art. 22(c)); docs/payments.md.

* :func:`start_payment` — the applicant starts paying the unpaid fee lines of a dossier: one
  ``PaymentOrder`` and the signed address of the gateway's payment page.
* :func:`handle_notification` — the gateway's server-to-server notification (IPN): the only
  path that settles an order. Signature (constant time), order, merchant and amount are checked;
  a repeated notification changes nothing; every notification is logged with its verdict, and
  refused ones are audited.
* :func:`handle_return` — the citizen's browser coming back: reads the status, changes nothing.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urljoin

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chinhquyen.audit.services import log_action
from chinhquyen.dossiers.choices import DossierStatus, PaymentMethod
from chinhquyen.dossiers.models import Dossier, Payment
from chinhquyen.dossiers.services.access import bilingual, is_citizen
from chinhquyen.dossiers.services.payments import record_payment
from chinhquyen.payments.choices import OrderStatus, Verdict
from chinhquyen.payments.exceptions import PaymentRefused, PermissionDenied
from chinhquyen.payments.gateways import (
    GatewayResult,
    MalformedMessage,
    Outcome,
    PaymentGateway,
    PaymentRequest,
    get_gateway,
)
from chinhquyen.payments.models import PaymentNotification, PaymentOrder

ORDER_LIFETIME = dt.timedelta(minutes=15)
NOT_PAYABLE = frozenset({DossierStatus.REJECTED, DossierStatus.WITHDRAWN, DossierStatus.STOPPED})
MAX_PARAM_LENGTH = 2000


@dataclass(frozen=True)
class NotificationOutcome:
    verdict: str
    order: PaymentOrder | None
    reply: dict  # the body to answer the gateway with (JSON)
    notification: PaymentNotification


@dataclass(frozen=True)
class ReturnOutcome:
    order: PaymentOrder | None
    signature_valid: bool
    gateway_outcome: str  # Outcome.* as the gateway reported it ("" when unreadable)


def owns_dossier(user, dossier: Dossier) -> bool:
    """``user`` is the citizen account the dossier was filed by."""
    return is_citizen(user) and dossier.applicant_user_id == user.pk


def payable_problem(dossier: Dossier, lines: list[Payment]) -> PaymentRefused | None:
    """Why the dossier's fees cannot be paid online now (None: they can)."""
    if dossier.status in NOT_PAYABLE:
        return PaymentRefused(
            bilingual(_("This dossier is closed; its fees cannot be paid.")), code="closed"
        )
    if not lines or sum(int(line.amount) for line in lines) <= 0:
        return PaymentRefused(
            bilingual(_("This dossier has no unpaid fees.")), code="nothing_to_pay"
        )
    return None


def new_reference(at: dt.datetime) -> str:
    """'CQ' + local yymmddHHMMSS + 8 random hex digits: unique, letters and digits only."""
    stamp = timezone.localtime(at).strftime("%y%m%d%H%M%S")
    return f"CQ{stamp}{secrets.token_hex(4).upper()}"


def public_url(name: str, *args) -> str:
    return urljoin(settings.PUBLIC_BASE_URL.rstrip("/") + "/", reverse(name, args=args).lstrip("/"))


def start_payment(
    *,
    dossier: Dossier,
    acting_user,
    client_ip: str = "",
    language: str = "vi",
    gateway: PaymentGateway | None = None,
) -> tuple[PaymentOrder, str]:
    """Open a payment order for every unpaid fee line of ``dossier``; returns the order and
    the gateway address to redirect the applicant to. Earlier pending orders of the dossier
    are cancelled (only the newest can settle). Raises ``PermissionDenied`` (not the
    applicant's citizen account) or :class:`PaymentRefused`."""
    gateway = gateway or get_gateway()
    if not owns_dossier(acting_user, dossier):
        raise PermissionDenied
    if not gateway.is_configured:
        raise PaymentRefused(
            bilingual(_("Online payment is not available at the moment.")),
            code="unavailable",
            status=503,
        )
    now = timezone.now()
    with transaction.atomic():
        locked = Dossier.objects.select_for_update().get(pk=dossier.pk)
        lines = list(
            Payment.objects.select_for_update()
            .filter(dossier=locked, paid_at__isnull=True)
            .order_by("id")
        )
        problem = payable_problem(locked, lines)
        if problem is not None:
            raise problem
        superseded = list(
            PaymentOrder.objects.select_for_update()
            .filter(dossier=locked, status=OrderStatus.PENDING)
            .values_list("reference", flat=True)
        )
        PaymentOrder.objects.filter(reference__in=superseded).update(
            status=OrderStatus.CANCELLED, settled_at=now
        )
        order = PaymentOrder.objects.create(
            dossier=locked,
            reference=new_reference(now),
            amount=sum(int(line.amount) for line in lines),
            gateway=gateway.name,
            payer=acting_user,
            payer_name=locked.applicant_name,
            created_at=now,
        )
        order.fee_lines.set(lines)
        log_action(
            "payments.start_payment",
            target=order,
            actor=acting_user,
            details={
                "dossier": locked.code,
                "amount": order.amount,
                "fee_lines": [line.pk for line in lines],
                "superseded": superseded,
            },
        )
    url = gateway.redirect_url(
        PaymentRequest(
            reference=order.reference,
            amount=order.amount,
            description=f"Thanh toan phi le phi ho so {locked.code}",
            return_url=public_url("payments:return"),
            client_ip=client_ip,
            language=language,
            created_at=now,
            expires_at=now + ORDER_LIFETIME,
        )
    )
    return order, url


def _clean(params: Mapping[str, str]) -> dict[str, str]:
    return {str(k)[:100]: str(v)[:MAX_PARAM_LENGTH] for k, v in list(params.items())[:100]}


def _same_settlement(order: PaymentOrder, result: GatewayResult) -> bool:
    return (
        order.gateway_response_code == result.response_code
        and order.gateway_transaction_no == result.transaction_no
    )


def _settle(order: PaymentOrder, result: GatewayResult, *, now: dt.datetime) -> str:
    """Apply an accepted result to a pending order (inside the caller's transaction)."""
    order.gateway_response_code = result.response_code
    order.gateway_transaction_no = result.transaction_no
    order.bank_code = result.bank_code
    order.settled_at = now
    if result.outcome != Outcome.PAID:
        cancelled = result.outcome == Outcome.CANCELLED
        order.status = OrderStatus.CANCELLED if cancelled else OrderStatus.FAILED
        order.save()
        return Verdict.ACCEPTED
    paid_at = result.paid_at or now
    order.status = OrderStatus.PAID
    order.paid_at = paid_at
    line_ids = list(order.fee_lines.values_list("pk", flat=True))
    lines = list(Payment.objects.select_for_update().filter(pk__in=line_ids).order_by("id"))
    if any(line.paid_at is not None for line in lines):
        # Paid at the counter meanwhile: the money arrived, the lines stay as they are and
        # the agency refunds; the log and the audit trail say so.
        order.save()
        return Verdict.CONFLICT
    for line in lines:
        record_payment(
            line,
            method=PaymentMethod.ONLINE,
            receipt_number=order.reference,
            acting_user=None,  # the gateway, through the system
            paid_at=paid_at,
        )
    order.save()
    return Verdict.ACCEPTED


def _superseded_but_paid(order: PaymentOrder, result: GatewayResult) -> bool:
    """An order we cancelled ourselves (a newer one was started: no gateway answer recorded)
    that the gateway now reports paid."""
    return (
        order.status == OrderStatus.CANCELLED
        and not order.gateway_response_code
        and result.outcome == Outcome.PAID
    )


def _lock_order(reference: str, gateway_name: str) -> PaymentOrder | None:
    """Lock the order's dossier, then the order: the same order as ``start_payment`` takes
    (dossier first), so the two never wait on each other crosswise."""
    found = (
        PaymentOrder.objects.filter(reference=reference, gateway=gateway_name)
        .values_list("pk", "dossier_id")
        .first()
    )
    if found is None:
        return None
    list(Dossier.objects.select_for_update().filter(pk=found[1]).values_list("pk", flat=True))
    return PaymentOrder.objects.select_for_update().get(pk=found[0])


def handle_notification(
    params: Mapping[str, str],
    *,
    remote_addr: str | None = None,
    gateway: PaymentGateway | None = None,
) -> NotificationOutcome:
    """Judge one gateway notification, settle the order when it is accepted, log it.

    The order is locked while it is judged, so two copies of one notification arriving at
    once settle it once: the second sees it settled and answers "already confirmed".
    """
    gateway = gateway or get_gateway()
    params = _clean(params)
    now = timezone.now()
    reference = gateway.reference_of(params)
    order = None
    with transaction.atomic():
        if not gateway.verify(params):
            verdict = Verdict.BAD_SIGNATURE
        else:
            try:
                result = gateway.parse(params)
            except MalformedMessage:
                verdict = Verdict.MALFORMED
            else:
                reference = result.reference[:100]
                order = _lock_order(result.reference, gateway.name)
                if order is None or result.merchant_code != gateway.merchant_code:
                    order, verdict = None, Verdict.UNKNOWN_ORDER
                elif result.amount != order.amount:
                    verdict = Verdict.AMOUNT_MISMATCH
                elif _superseded_but_paid(order, result):
                    # The citizen started a newer order but paid in the older tab: the money
                    # has arrived, so it settles the fees (a second payment of the newer
                    # order then meets paid lines and is recorded as a conflict to refund).
                    verdict = _settle(order, result, now=now)
                elif order.status != OrderStatus.PENDING:
                    same = order.settled_at is not None and _same_settlement(order, result)
                    verdict = Verdict.DUPLICATE if same else Verdict.REPLAY
                else:
                    verdict = _settle(order, result, now=now)
        reply = gateway.reply(verdict)
        notification = PaymentNotification.objects.create(
            order=order,
            gateway=gateway.name,
            received_at=now,
            remote_addr=remote_addr or None,
            reference=reference,
            params=params,
            verdict=verdict,
            reply=reply,
        )
        details = {
            "verdict": verdict,
            "reference": reference,
            "notification": notification.pk,
            "remote_addr": remote_addr or "",
        }
        if order is not None:
            details.update(status=order.status, amount=order.amount, dossier=order.dossier_id)
        if verdict in (Verdict.ACCEPTED, Verdict.DUPLICATE):
            action = f"payments.notification_{verdict}"
        else:
            action = "payments.notification_refused"
        log_action(action, target=order if order is not None else notification, details=details)
    return NotificationOutcome(verdict=verdict, order=order, reply=reply, notification=notification)


def handle_return(
    params: Mapping[str, str], *, gateway: PaymentGateway | None = None
) -> ReturnOutcome:
    """The citizen's browser back from the gateway: find the order and what the gateway said.

    Never settles anything (only the notification does); a bad signature is audited.
    """
    gateway = gateway or get_gateway()
    params = _clean(params)
    if not gateway.verify(params):
        with transaction.atomic():
            log_action(
                "payments.return_refused",
                details={"reference": gateway.reference_of(params)},
            )
        return ReturnOutcome(order=None, signature_valid=False, gateway_outcome="")
    try:
        result = gateway.parse(params)
    except MalformedMessage:
        return ReturnOutcome(order=None, signature_valid=True, gateway_outcome="")
    order = (
        PaymentOrder.objects.select_related("dossier")
        .filter(reference=result.reference, gateway=gateway.name)
        .first()
    )
    return ReturnOutcome(order=order, signature_valid=True, gateway_outcome=result.outcome)


def paid_orders(dossier: Dossier):
    return PaymentOrder.objects.filter(dossier=dossier, status=OrderStatus.PAID).order_by(
        "paid_at", "id"
    )
