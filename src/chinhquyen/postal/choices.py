"""Kinds, statuses and channels of postal orders (Decision 45/2016/QĐ-TTg)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OrderKind(models.TextChoices):
    PICKUP = "pickup", _("Dossier pickup")  # thu gom hồ sơ tại nhà
    DELIVERY = "delivery", _("Result delivery")  # phát trả kết quả


class OrderStatus(models.TextChoices):
    RECORDED = "recorded", _("Recorded (no link to the operator)")
    QUEUED = "queued", _("Sent to the operator, awaiting its answer")
    ACCEPTED = "accepted", _("Accepted by the operator")
    REFUSED = "refused", _("Not accepted by the operator")
    PICKED_UP = "picked_up", _("Picked up")
    IN_TRANSIT = "in_transit", _("In transit")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Delivery failed")
    RETURNED = "returned", _("Returned to sender")

    @classmethod
    def terminal(cls) -> frozenset[str]:
        return frozenset({cls.DELIVERED, cls.RETURNED})


# The statuses an operator callback may report (the interim contract).
TRACKING_STATUSES = (
    OrderStatus.PICKED_UP,
    OrderStatus.IN_TRANSIT,
    OrderStatus.DELIVERED,
    OrderStatus.FAILED,
    OrderStatus.RETURNED,
)


class Channel(models.TextChoices):
    PORTAL = "portal", _("Online portal")
    COUNTER = "counter", _("One-stop counter")
    RETURN = "return", _("Result returned by post")


class EventSource(models.TextChoices):
    SYSTEM = "system", _("This system")
    OPERATOR = "operator", _("Postal operator")
