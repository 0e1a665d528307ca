from django.db import models
from django.utils.translation import gettext_lazy as _


class TicketKind(models.TextChoices):
    BOOKED = "booked", _("Booked online")
    WALK_IN = "walk_in", _("Walk-in")


class TicketStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting")
    CALLED = "called", _("Called")
    SERVED = "served", _("Served")
    NO_SHOW = "no_show", _("Did not come")
    CANCELLED = "cancelled", _("Cancelled")


# A citizen holds at most one of these per agency and day.
ACTIVE_STATUSES = (TicketStatus.WAITING, TicketStatus.CALLED)
