"""Postal orders with the public postal operator (bưu chính công ích, Decision 45/2016/QĐ-TTg).

* :class:`Order` — one pickup (the operator collects a citizen's paper dossier and brings it to
  the one-stop unit) or delivery (the operator carries a result to the applicant's address).
  The ONLY record of the operator's side: tracking number, status, history.
* :class:`OrderEvent` — its history (append-only): what we did and every tracking callback of
  the operator, unique by the operator's event id (a callback repeated changes nothing).

``dossiers.PostalOrder`` stays the dossier's return record (the result left by post, to this
address, at this time — what the slips print). A delivery order points at it (``return_record``)
and is created in the same transaction; the tracking number of the return record is written
only by ``postal.services`` (from the counter, or from the operator's answer), so the two never
disagree.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from chinhquyen.core.authz import RestrictedQuerySet
from chinhquyen.postal.choices import Channel, EventSource, OrderKind, OrderStatus


class Order(models.Model):
    kind = models.CharField(_("kind"), max_length=10, choices=OrderKind.choices)
    reference = models.CharField(_("our reference"), max_length=40, unique=True)
    status = models.CharField(
        _("status"), max_length=12, choices=OrderStatus.choices, default=OrderStatus.RECORDED
    )
    status_at = models.DateTimeField(_("status since"))
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    # The one-stop unit: where a pickup brings the dossier, who sends a result.
    organisation = models.ForeignKey(
        "directory.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("one-stop unit"),
    )
    dossier = models.ForeignKey(
        "dossiers.Dossier",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="postal_orders",
        verbose_name=_("dossier"),
    )
    return_record = models.OneToOneField(
        "dossiers.PostalOrder",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="delivery",
        verbose_name=_("return record of the dossier"),
    )
    procedure_name = models.CharField(_("procedure"), max_length=500, blank=True)
    person_name = models.CharField(_("applicant"), max_length=255)
    phone = models.CharField(_("phone"), max_length=20)
    address = models.CharField(_("address"), max_length=500)
    note = models.TextField(_("note"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    tracking_number = models.CharField(_("tracking number"), max_length=40, blank=True)
    outbox_message_id = models.BigIntegerField(_("outgoing message"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"))

    objects = RestrictedQuerySet.as_manager()
    restrict_path = "organisation"

    class Meta:
        verbose_name = _("postal order")
        verbose_name_plural = _("postal orders")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind=OrderKind.PICKUP) | Q(dossier__isnull=False),
                name="postal_delivery_has_dossier",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "kind"], name="postal_order_status"),
            # Not unique: a number typed at the counter may be wrong; callbacks find orders
            # by our reference first.
            models.Index(fields=["tracking_number"], name="postal_order_tracking"),
        ]

    def __str__(self) -> str:
        return self.reference

    def get_absolute_url(self) -> str:
        return reverse("postal:detail", args=[self.pk])


class OrderEvent(models.Model):
    """One fact in an order's history (append-only)."""

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="events")
    source = models.CharField(_("source"), max_length=10, choices=EventSource.choices)
    # The operator's event id (idempotency of callbacks); empty for our own events.
    event_id = models.CharField(_("operator event id"), max_length=100, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=OrderStatus.choices)
    at = models.DateTimeField(_("at"))
    received_at = models.DateTimeField(_("recorded at"))
    location = models.CharField(_("place"), max_length=255, blank=True)
    note = models.TextField(_("note"), blank=True)
    body_sha256 = models.CharField(_("callback body SHA-256"), max_length=64, blank=True)
    applied = models.BooleanField(_("changed the status"), default=True)

    class Meta:
        verbose_name = _("postal order event")
        verbose_name_plural = _("postal order events")
        ordering = ["order", "at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["event_id"], condition=~Q(event_id=""), name="postal_event_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.order_id} {self.status} {self.at:%Y-%m-%d %H:%M}"
