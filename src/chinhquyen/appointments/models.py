"""Counter time slots, booked and walk-in queue tickets of a one-stop department.

* ``AgencySlotSettings``: how an agency cuts its office hours into slots (length, capacity per
  slot, how many working days ahead citizens may book, the ticket letter). No row: defaults.
* ``Slot``: one bookable slot, created when first booked (its capacity copied from the
  settings then); ``booked`` is raised by a conditional UPDATE so it never passes ``capacity``.
* ``TicketCounter``: the last ticket number given per agency and day (booked and walk-in
  tickets share it).
* ``Ticket``: a place in the queue (``A-017``), booked online for a slot or issued at the
  counter for a walk-in; ``token`` is the secret in the ticket's URL (its QR code).
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from chinhquyen.appointments.choices import ACTIVE_STATUSES, TicketKind, TicketStatus
from chinhquyen.core.authz import RestrictedQuerySet

DEFAULT_SLOT_MINUTES = 30
DEFAULT_CAPACITY = 4
DEFAULT_DAYS_AHEAD = 10
DEFAULT_PREFIX = "A"


def new_token() -> str:
    return secrets.token_urlsafe(18)


class AgencySlotSettings(models.Model):
    agency = models.OneToOneField(
        "directory.Organisation",
        on_delete=models.CASCADE,
        related_name="slot_settings",
        verbose_name=_("agency"),
    )
    slot_minutes = models.PositiveSmallIntegerField(
        _("slot length (minutes)"), default=DEFAULT_SLOT_MINUTES
    )
    capacity = models.PositiveSmallIntegerField(_("tickets per slot"), default=DEFAULT_CAPACITY)
    days_ahead = models.PositiveSmallIntegerField(
        _("bookable working days ahead"), default=DEFAULT_DAYS_AHEAD
    )
    prefix = models.CharField(_("ticket letter"), max_length=3, default=DEFAULT_PREFIX)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = RestrictedQuerySet.as_manager()
    restrict_path = "agency"

    class Meta:
        verbose_name = _("appointment slot settings")
        verbose_name_plural = _("appointment slot settings")

    def __str__(self) -> str:
        return f"{self.agency_id}: {self.slot_minutes} min × {self.capacity}"


class Slot(models.Model):
    agency = models.ForeignKey(
        "directory.Organisation",
        on_delete=models.PROTECT,
        related_name="appointment_slots",
        verbose_name=_("agency"),
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    capacity = models.PositiveSmallIntegerField(_("capacity"))
    booked = models.PositiveSmallIntegerField(_("booked"), default=0)

    objects = RestrictedQuerySet.as_manager()
    restrict_path = "agency"

    class Meta:
        verbose_name = _("appointment slot")
        verbose_name_plural = _("appointment slots")
        ordering = ["agency", "starts_at"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "starts_at"], name="unique_agency_slot"),
            models.CheckConstraint(
                condition=Q(booked__lte=models.F("capacity")), name="slot_booked_within_capacity"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.starts_at:%Y-%m-%d %H:%M}"


class TicketCounter(models.Model):
    agency = models.ForeignKey("directory.Organisation", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agency", "day"], name="unique_ticket_counter")
        ]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.day}: {self.last_number}"


class Ticket(models.Model):
    agency = models.ForeignKey(
        "directory.Organisation",
        on_delete=models.PROTECT,
        related_name="queue_tickets",
        verbose_name=_("agency"),
    )
    day = models.DateField(_("day"))
    number = models.PositiveIntegerField(_("number"))
    prefix = models.CharField(_("ticket letter"), max_length=3)
    kind = models.CharField(_("kind"), max_length=16, choices=TicketKind.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=TicketStatus.choices, default=TicketStatus.WAITING
    )
    slot = models.ForeignKey(
        Slot,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tickets",
        verbose_name=_("slot"),
    )
    procedure = models.ForeignKey(
        "procedures.Procedure",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("procedure"),
    )
    citizen = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="queue_tickets",
        verbose_name=_("citizen"),
    )
    name = models.CharField(_("name"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    token = models.CharField(max_length=40, unique=True, default=new_token, editable=False)
    counter = models.CharField(_("counter"), max_length=20, blank=True)
    called_at = models.DateTimeField(_("called at"), null=True, blank=True)
    called_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    recalls = models.PositiveSmallIntegerField(_("recalls"), default=0)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = RestrictedQuerySet.as_manager()
    restrict_path = "agency"

    class Meta:
        verbose_name = _("queue ticket")
        verbose_name_plural = _("queue tickets")
        ordering = ["agency", "day", "number"]
        permissions = [("call_ticket", _("Can call queue tickets at the counter"))]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "day", "number"], name="unique_ticket_number"
            ),
            models.UniqueConstraint(
                fields=["citizen", "agency", "day"],
                condition=Q(kind=TicketKind.BOOKED, status__in=ACTIVE_STATUSES),
                name="one_active_booking_per_citizen_agency_day",
            ),
        ]
        indexes = [models.Index(fields=["agency", "day", "status"], name="ticket_queue_idx")]

    def __str__(self) -> str:
        return self.label

    def get_absolute_url(self) -> str:
        return reverse("appointments:ticket", args=[self.token])

    @property
    def label(self) -> str:
        return f"{self.prefix}-{self.number:03d}"
