"""Online payment orders and the log of every gateway notification (docs/payments.md)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from chinhquyen.payments.choices import OrderStatus, Verdict


class PaymentOrder(models.Model):
    """One attempt to pay some fee lines of a dossier through an online gateway.

    Only the gateway's signed server-to-server notification (IPN) settles an order; the
    citizen's return to the site only reads its status.
    """

    dossier = models.ForeignKey(
        "dossiers.Dossier",
        on_delete=models.PROTECT,
        related_name="payment_orders",
        verbose_name=_("dossier"),
    )
    fee_lines = models.ManyToManyField(
        "dossiers.Payment", related_name="payment_orders", verbose_name=_("fee lines")
    )
    reference = models.CharField(_("transaction reference"), max_length=40, unique=True)
    amount = models.PositiveBigIntegerField(_("amount (VND)"))
    currency = models.CharField(_("currency"), max_length=3, default="VND")
    status = models.CharField(
        _("status"), max_length=10, choices=OrderStatus.choices, default=OrderStatus.PENDING
    )
    gateway = models.CharField(_("gateway"), max_length=20)
    payer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("payer account"),
    )
    payer_name = models.CharField(_("payer"), max_length=255)
    created_at = models.DateTimeField(_("created at"))
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    settled_at = models.DateTimeField(_("settled at"), null=True, blank=True)
    gateway_transaction_no = models.CharField(
        _("gateway transaction number"), max_length=40, blank=True
    )
    gateway_response_code = models.CharField(_("gateway response code"), max_length=10, blank=True)
    bank_code = models.CharField(_("bank"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("payment order")
        verbose_name_plural = _("payment orders")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_order_positive"),
            models.CheckConstraint(
                condition=Q(status=OrderStatus.PAID, paid_at__isnull=False)
                | ~Q(status=OrderStatus.PAID),
                name="payment_order_paid_has_time",
            ),
        ]
        indexes = [models.Index(fields=["dossier", "status"])]

    def __str__(self) -> str:
        return self.reference

    def get_absolute_url(self) -> str:
        return reverse("payments:receipt", args=[self.reference])

    @property
    def is_paid(self) -> bool:
        return self.status == OrderStatus.PAID


class PaymentNotification(models.Model):
    """Every notification a gateway sent us, as received, with what we decided (append-only)."""

    order = models.ForeignKey(
        PaymentOrder,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name=_("payment order"),
    )
    gateway = models.CharField(_("gateway"), max_length=20)
    received_at = models.DateTimeField(_("received at"))
    remote_addr = models.GenericIPAddressField(_("sender address"), null=True, blank=True)
    reference = models.CharField(_("transaction reference"), max_length=100, blank=True)
    params = models.JSONField(_("raw parameters"))
    verdict = models.CharField(_("verdict"), max_length=20, choices=Verdict.choices)
    reply = models.JSONField(_("reply to the gateway"))

    class Meta:
        verbose_name = _("payment notification")
        verbose_name_plural = _("payment notifications")
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["reference"])]

    def __str__(self) -> str:
        return f"{self.reference or '?'}: {self.verdict}"


# Reconciliation with the gateway (payments/reconciliation.py), registered in this app.
from chinhquyen.payments.models_reconciliation import (  # noqa: E402, F401
    ReconciliationLine,
    ReconciliationRun,
)
