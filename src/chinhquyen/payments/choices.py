"""Statuses and verdicts of online payments."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OrderStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting payment")
    PAID = "paid", _("Paid")
    FAILED = "failed", _("Payment failed")
    CANCELLED = "cancelled", _("Cancelled")


class Verdict(models.TextChoices):
    """What the merchant decided about one gateway notification (IPN)."""

    ACCEPTED = "accepted", _("Accepted")
    DUPLICATE = "duplicate", _("Duplicate (already confirmed, nothing changed)")
    BAD_SIGNATURE = "bad_signature", _("Refused: bad signature")
    AMOUNT_MISMATCH = "amount_mismatch", _("Refused: amount does not match the order")
    UNKNOWN_ORDER = "unknown_order", _("Refused: unknown order")
    REPLAY = "replay", _("Refused: replayed for an order already settled")
    CONFLICT = "conflict", _("Money received but the fees were already paid otherwise")
    MALFORMED = "malformed", _("Refused: malformed notification")
