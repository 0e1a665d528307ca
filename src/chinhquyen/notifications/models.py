"""The delivery outbox: one row per (event, channel), sent after commit and retried."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from chinhquyen.core.authz import RestrictedQuerySet
from chinhquyen.notifications.choices import Channel, DeliveryStatus


class Delivery(models.Model):
    """One message on one channel. ``key`` is the idempotency key of the event on that
    channel (``dossiers.notification:<id>:<channel>``): a second enqueue of the same event
    finds the row already there, and only a conditional UPDATE (claim) lets a worker send it.
    """

    key = models.CharField(_("idempotency key"), max_length=200, unique=True)
    notification = models.ForeignKey(
        "dossiers.Notification",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="deliveries",
    )
    organisation = models.ForeignKey(
        "directory.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The agency the message is sent for (scopes the back-office list)."),
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    recipient = models.CharField(_("recipient"), max_length=254)
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    body = models.TextField(_("text"))
    html_body = models.TextField(_("HTML text"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=DeliveryStatus.choices,
        default=DeliveryStatus.PENDING,
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    created_at = models.DateTimeField(_("created at"))
    next_attempt_at = models.DateTimeField(_("next attempt at"))
    claimed_until = models.DateTimeField(_("claimed until"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    provider_reference = models.CharField(_("provider reference"), max_length=100, blank=True)

    objects = RestrictedQuerySet.as_manager()
    restrict_path = "organisation"

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["-created_at", "-id"]
        permissions = [("retry_delivery", "Can retry a notification delivery")]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="delivery_due")]

    def __str__(self) -> str:
        return self.key
