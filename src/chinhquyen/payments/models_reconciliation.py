"""Reconciliation (đối soát) of our payment orders with the gateway's settlement list.

A :class:`ReconciliationRun` is one comparison for one day; its :class:`ReconciliationLine`
rows say, per transaction reference, whether both sides agree. A mismatch never changes a
payment: it waits for a person, who records what they found (``review``).
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class RunStatus(models.TextChoices):
    COMPLETED = "completed", _("Completed")
    FAILED = "failed", _("Failed (settlement list not fetched)")


class LineKind(models.TextChoices):
    MATCHED = "matched", _("Matched")
    MISSING_HERE = "missing_here", _("At the gateway, unknown here")
    MISSING_AT_GATEWAY = "missing_at_gateway", _("Paid here, unknown at the gateway")
    AMOUNT_MISMATCH = "amount_mismatch", _("Amounts differ")
    STATUS_MISMATCH = "status_mismatch", _("Statuses differ")


class ReconciliationRun(models.Model):
    day = models.DateField(_("day"))
    gateway = models.CharField(_("gateway"), max_length=20)
    merchant_code = models.CharField(_("merchant code"), max_length=20)
    status = models.CharField(_("status"), max_length=10, choices=RunStatus.choices)
    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"))
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("started by"),
    )
    error = models.TextField(_("error"), blank=True)
    gateway_count = models.PositiveIntegerField(_("gateway transactions"), default=0)
    matched_count = models.PositiveIntegerField(_("matched"), default=0)
    mismatch_count = models.PositiveIntegerField(_("mismatches"), default=0)

    class Meta:
        verbose_name = _("reconciliation run")
        verbose_name_plural = _("reconciliation runs")
        ordering = ["-day", "-started_at", "-id"]
        permissions = [("reconcile_payments", "Can reconcile online payments with the gateway")]

    def __str__(self) -> str:
        return f"{self.day} {self.gateway}: {self.status}"

    def get_absolute_url(self) -> str:
        return reverse("payments:reconciliation_run", args=[self.pk])


class ReconciliationLine(models.Model):
    run = models.ForeignKey(ReconciliationRun, on_delete=models.PROTECT, related_name="lines")
    kind = models.CharField(_("result"), max_length=20, choices=LineKind.choices)
    reference = models.CharField(_("transaction reference"), max_length=100)
    order = models.ForeignKey(
        "payments.PaymentOrder",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reconciliation_lines",
        verbose_name=_("payment order"),
    )
    our_amount = models.PositiveBigIntegerField(_("our amount"), null=True, blank=True)
    gateway_amount = models.PositiveBigIntegerField(_("gateway amount"), null=True, blank=True)
    our_status = models.CharField(_("our status"), max_length=10, blank=True)
    gateway_status = models.CharField(_("gateway status"), max_length=10, blank=True)
    gateway_transaction_no = models.CharField(_("gateway transaction"), max_length=40, blank=True)
    gateway_paid_at = models.DateTimeField(_("paid at the gateway"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    review_note = models.TextField(_("what was found"), blank=True)

    class Meta:
        verbose_name = _("reconciliation line")
        verbose_name_plural = _("reconciliation lines")
        ordering = ["run", "kind", "reference"]
        indexes = [models.Index(fields=["kind", "reviewed_at"], name="payments_recon_open")]

    def __str__(self) -> str:
        return f"{self.reference}: {self.kind}"

    @property
    def is_mismatch(self) -> bool:
        return self.kind != LineKind.MATCHED
