"""Reconciliation (đối soát) of online payments with the gateway's settlement list of a day.

:func:`reconcile_day` fetches the list through the exchange connector ``payment_platform``,
compares it with our :class:`~chinhquyen.payments.models.PaymentOrder` rows by transaction
reference and records a :class:`ReconciliationRun` with one line per reference:

* ``matched`` — both sides agree (amount, paid or not);
* ``missing_here`` — the gateway has a transaction whose reference we do not know;
* ``missing_at_gateway`` — we hold an order as paid that day, the gateway does not list it;
* ``amount_mismatch`` — the amounts differ (checked first: it matters more);
* ``status_mismatch`` — paid on one side only (typically a notification that never came).

Our orders of the day are those paid, or created, between 00:00 and 24:00 GMT+7 (the
gateway's day). An order only created and never paid that the gateway does not list is not a
mismatch (the citizen left the payment page). NOTHING here changes a payment: a mismatch waits
for a person (:func:`review_line`), who settles it through the normal services. A failed fetch
is recorded as a failed run. Every run and review is audited.
"""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chinhquyen.audit.services import audited_atomic, log_action
from chinhquyen.dossiers.services.access import bilingual
from chinhquyen.exchange.connectors import ConnectorError, get_connector
from chinhquyen.payments.choices import OrderStatus
from chinhquyen.payments.exceptions import PaymentRefused
from chinhquyen.payments.models import PaymentOrder
from chinhquyen.payments.models_reconciliation import (
    LineKind,
    ReconciliationLine,
    ReconciliationRun,
    RunStatus,
)

GMT7 = dt.timezone(dt.timedelta(hours=7))


@dataclass(frozen=True)
class _Ours:
    order: PaymentOrder

    @property
    def paid(self) -> bool:
        return self.order.status == OrderStatus.PAID


def day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime.combine(day, dt.time.min, tzinfo=GMT7)
    return start, start + dt.timedelta(days=1)


def reconcile_day(day: dt.date, *, acting_user=None, connector=None) -> ReconciliationRun:
    """Compare the gateway's settlement list of ``day`` with our orders; record the run."""
    started = timezone.now()
    connector = connector or get_connector("payment_platform")
    run = ReconciliationRun(
        day=day,
        gateway=settings.PAYMENT_GATEWAY,
        merchant_code=settings.PAYMENT_MERCHANT_CODE or "",
        started_at=started,
        started_by=acting_user if getattr(acting_user, "is_authenticated", False) else None,
    )
    try:
        settlements = connector.fetch_settlements(day)
    except ConnectorError as exc:
        run.status, run.error = RunStatus.FAILED, exc.message[:2000]
        run.finished_at = timezone.now()
        with audited_atomic():
            run.save()
            log_action(
                "payments.reconcile_failed",
                target=run,
                actor=acting_user,
                details={"day": day.isoformat(), "error": run.error[:500], "code": exc.code},
            )
        return run

    start, end = day_bounds(day)
    ours = {
        order.reference: order
        for order in PaymentOrder.objects.filter(
            Q(paid_at__gte=start, paid_at__lt=end) | Q(created_at__gte=start, created_at__lt=end)
        )
    }
    listed = {s.reference for s in settlements}
    # A transaction of the day may belong to an order created the day before.
    earlier = PaymentOrder.objects.filter(reference__in=listed - set(ours))
    ours.update({order.reference: order for order in earlier})

    lines: list[ReconciliationLine] = []
    for settlement in settlements:
        order = ours.get(settlement.reference)
        line = ReconciliationLine(
            reference=settlement.reference,
            order=order,
            gateway_amount=settlement.amount,
            gateway_status=settlement.status_code,
            gateway_transaction_no=settlement.transaction_no,
            gateway_paid_at=settlement.paid_at,
        )
        if order is None:
            line.kind = LineKind.MISSING_HERE
        else:
            line.our_amount, line.our_status = order.amount, order.status
            if order.amount != settlement.amount:
                line.kind = LineKind.AMOUNT_MISMATCH
            elif (order.status == OrderStatus.PAID) != settlement.paid:
                line.kind = LineKind.STATUS_MISMATCH
            else:
                line.kind = LineKind.MATCHED
        lines.append(line)
    for reference, order in sorted(ours.items()):
        if reference not in listed and order.status == OrderStatus.PAID:
            lines.append(
                ReconciliationLine(
                    reference=reference,
                    order=order,
                    kind=LineKind.MISSING_AT_GATEWAY,
                    our_amount=order.amount,
                    our_status=order.status,
                )
            )

    run.status = RunStatus.COMPLETED
    run.gateway_count = len(settlements)
    run.matched_count = sum(1 for line in lines if line.kind == LineKind.MATCHED)
    run.mismatch_count = len(lines) - run.matched_count
    run.finished_at = timezone.now()
    with audited_atomic():
        run.save()
        for line in lines:
            line.run = run
        ReconciliationLine.objects.bulk_create(lines)
        counts: dict[str, int] = {}
        for line in lines:
            counts[line.kind] = counts.get(line.kind, 0) + 1
        log_action(
            "payments.reconcile",
            target=run,
            actor=acting_user,
            details={"day": day.isoformat(), "counts": counts, "gateway": run.gateway_count},
        )
    return run


def review_line(line: ReconciliationLine, *, acting_user, note: str) -> ReconciliationLine:
    """A person records what they found about a mismatch (the payment itself is settled, if
    at all, through the normal payment or refund procedure, never here)."""
    note = (note or "").strip()
    if not note:
        raise PaymentRefused(
            bilingual(_("Write what you found about this difference.")),
            code="note_required",
            status=400,
        )
    with audited_atomic():
        updated = (
            ReconciliationLine.objects.filter(pk=line.pk, reviewed_at__isnull=True)
            .exclude(kind=LineKind.MATCHED)
            .update(reviewed_at=timezone.now(), reviewed_by=acting_user, review_note=note[:4000])
        )
        if not updated:
            raise PaymentRefused(
                bilingual(_("This line is matched or was already reviewed.")),
                code="not_reviewable",
            )
        line.refresh_from_db()
        log_action(
            "payments.review_reconciliation",
            target=line,
            actor=acting_user,
            details={"reference": line.reference, "kind": line.kind, "note": note[:500]},
        )
    return line
