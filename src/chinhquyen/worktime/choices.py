from django.db import models
from django.utils.translation import gettext_lazy as _


class DayKind(models.TextChoices):
    DAY_OFF = "day_off", _("Day off")
    WORKING_DAY = "working_day", _("Working day")


class DaySource(models.TextChoices):
    """Where the status of a day comes from (for listings)."""

    WEEKEND = "weekend", _("Weekend")
    LIBRARY = "library", _("Public holiday (holidays package)")
    ADMINISTRATOR = "administrator", _("Set by the administrator")
    WORKDAY = "workday", _("Ordinary working day")
