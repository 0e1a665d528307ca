"""Fees (Decree 61/2018 Art. 22): lines copied from the procedure at intake, paid later.

The online gateway (national payment platform) is the portal issue's; it will call
``record_payment(..., method=PaymentMethod.ONLINE)``.
"""

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chinhquyen.audit.services import log_action
from chinhquyen.dossiers.choices import EventType, PaymentMethod
from chinhquyen.dossiers.exceptions import DossierError, InvalidTransition, PermissionDenied
from chinhquyen.dossiers.models import Dossier, Payment
from chinhquyen.dossiers.services.access import bilingual, holds_permission
from chinhquyen.dossiers.services.common import actor_or_none, add_event
from chinhquyen.insights.aggregates import payment_recorded as insights_payment


def record_payment(
    payment: Payment,
    *,
    method: str,
    receipt_number: str,
    acting_user,
    paid_at: datetime | None = None,
) -> Payment:
    """Mark one fee line as paid, with the receipt number; refuses paying twice."""
    paid_at = paid_at or timezone.now()
    if method not in PaymentMethod.values:
        raise DossierError(bilingual(_("Choose the payment method.")), code="method_invalid")
    if not receipt_number.strip():
        raise DossierError(bilingual(_("The receipt number is required.")), code="receipt_required")
    with transaction.atomic():
        dossier = Dossier.objects.select_for_update().get(pk=payment.dossier_id)
        if acting_user is not None and not holds_permission(
            acting_user, "dossiers.return_dossier", dossier.receiving_agency
        ):
            raise PermissionDenied
        locked = Payment.objects.select_for_update().get(pk=payment.pk)
        if locked.paid_at is not None:
            raise InvalidTransition(bilingual(_("This fee is already paid.")), code="already_paid")
        locked.method = method
        locked.receipt_number = receipt_number.strip()[:50]
        locked.paid_at = paid_at
        locked.recorded_by = actor_or_none(acting_user)
        locked.save()
        insights_payment(locked, lead_agency_id=dossier.lead_agency_id)  # IOC counters
        add_event(
            dossier,
            EventType.PAYMENT_RECORDED,
            at=paid_at,
            acting_user=acting_user,
            data={
                "payment": locked.pk,
                "amount": str(locked.amount),
                "method": method,
                "receipt": locked.receipt_number,
            },
        )
        log_action(
            "dossiers.record_payment",
            target=dossier,
            actor=acting_user,
            details={"payment": locked.pk, "amount": str(locked.amount), "method": method},
        )
    return locked


def is_paid(dossier: Dossier) -> bool:
    return not dossier.payments.filter(paid_at__isnull=True).exists()
