"""Data of the working-time calendar: the administrator's exceptions and versioned hours.

Public holidays and weekends come from the ``holidays`` package (country ``VN``); this app
stores only what the province adds on top (announced swap days, make-up Saturdays, provincial
days off) and the office hours, as versions with an effective date. Change them through
``worktime.services`` only (they invalidate the cached calendar and write the audit trail).
"""

import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from chinhquyen.worktime.choices import DayKind


class CalendarException(models.Model):
    """A date whose status the administrator sets, overriding weekends and library holidays."""

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=DayKind.choices)
    reason = models.CharField(_("reason"), max_length=255)
    legal_reference = models.CharField(_("legal reference"), max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("calendar exception")
        verbose_name_plural = _("calendar exceptions")

    def __str__(self) -> str:
        return f"{self.date.isoformat()} {self.get_kind_display()}: {self.reason}"


class WorkingHours(models.Model):
    """Office hours in force from ``valid_from`` until the next version (Asia/Ho_Chi_Minh)."""

    valid_from = models.DateField(_("valid from"), unique=True)
    morning_start = models.TimeField(_("morning start"), default=datetime.time(7, 30))
    morning_end = models.TimeField(_("morning end"), default=datetime.time(11, 30))
    afternoon_start = models.TimeField(_("afternoon start"), default=datetime.time(13, 30))
    afternoon_end = models.TimeField(_("afternoon end"), default=datetime.time(17, 0))
    legal_reference = models.CharField(_("legal reference"), max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["valid_from"]
        verbose_name = _("working hours")
        verbose_name_plural = _("working hours")

    def __str__(self) -> str:
        return (
            f"{self.valid_from.isoformat()}: {self.morning_start:%H:%M}–{self.morning_end:%H:%M}, "
            f"{self.afternoon_start:%H:%M}–{self.afternoon_end:%H:%M}"
        )


class CalendarRevision(models.Model):
    """One row whose token changes with every change of the calendar data.

    ``WorkCalendar.current()`` compares it (one indexed query) with the token of its cached
    calendar and reloads when they differ, so every process sees a change at once, and a
    change that was rolled back is forgotten too.
    """

    token = models.CharField(max_length=32)
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("calendar revision")
        verbose_name_plural = _("calendar revisions")

    def __str__(self) -> str:
        return self.token
