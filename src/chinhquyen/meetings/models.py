"""Work calendar (lịch công tác) and video-conference endpoints (điểm cầu).

* ``CalendarEntry`` — one item of an agency's or a leader's weekly work calendar: a meeting,
  a visit, a conference; drafted by the clerk, published (then it is on the portal and in the
  iCalendar feed), or cancelled (kept, shown as cancelled).
* ``ConferenceEndpoint`` — the registry of video-conference endpoints per agency and level.
* ``EndpointBooking`` — an endpoint booked for an entry's time. Two active bookings of one
  endpoint never overlap: on PostgreSQL an exclusion constraint (btree_gist, ``tstzrange``
  overlap, migration 0002) refuses it even for concurrent transactions; on SQLite the service
  checks inside the IMMEDIATE transaction, which already holds the database's write lock.

Changes go through ``meetings.services`` (one transaction each, audited).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from chinhquyen.core.authz import RestrictedQuerySet
from chinhquyen.meetings.choices import EndpointLevel, EntryStatus


class CalendarEntry(models.Model):
    """An item of a work calendar (lịch công tác tuần) of an agency or of its leaders."""

    organisation = models.ForeignKey(
        "directory.Organisation",
        on_delete=models.PROTECT,
        related_name="calendar_entries",
        verbose_name=_("agency"),
    )
    title = models.CharField(_("content"), max_length=500)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    all_day = models.BooleanField(_("all day"), default=False)
    place = models.CharField(_("place"), max_length=300, blank=True)
    chair = models.ForeignKey(
        "directory.Official",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="chaired_entries",
        verbose_name=_("chaired by"),
    )
    participants = models.ManyToManyField(
        "directory.Official",
        blank=True,
        related_name="calendar_entries",
        verbose_name=_("participating officials"),
    )
    # Invitees who are not officials on the platform, one per line (thành phần mời).
    invitees = models.TextField(_("other participants"), blank=True)
    preparing_unit = models.ForeignKey(
        "directory.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("preparing unit"),
    )
    notes = models.TextField(_("notes"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=EntryStatus.choices, default=EntryStatus.DRAFT
    )
    # Published entries are on the public portal unless the agency keeps them internal.
    is_public = models.BooleanField(_("show on the public portal"), default=True)
    incoming_document = models.ForeignKey(
        "documents.IncomingDocument",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="calendar_entries",
        verbose_name=_("related incoming document"),
    )
    outgoing_document = models.ForeignKey(
        "documents.OutgoingDocument",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="calendar_entries",
        verbose_name=_("related outgoing document"),
    )
    # iCalendar identity: UID never changes, SEQUENCE grows with each published change.
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField(default=0, editable=False)
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=500, blank=True)
    # None: created by the system (demo data, an import command).
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()
    restrict_path = "organisation"

    class Meta:
        verbose_name = _("calendar entry")
        verbose_name_plural = _("calendar entries")
        ordering = ("starts_at", "pk")
        permissions = [("publish_calendarentry", _("Can publish and cancel calendar entries"))]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="calendar_entry_ends_after_start",
            ),
        ]
        indexes = [
            models.Index(fields=["organisation", "starts_at"], name="calendar_org_start"),
            models.Index(fields=["chair", "starts_at"], name="calendar_chair_start"),
        ]

    def __str__(self) -> str:
        return self.title[:80]

    def get_absolute_url(self) -> str:
        return reverse("meetings:entry", args=[self.pk])

    @property
    def was_published(self) -> bool:
        """Published now, or cancelled after having been published (the public saw it)."""
        return self.published_at is not None and self.status != EntryStatus.DRAFT


class ConferenceEndpoint(models.Model):
    """A video-conference endpoint (điểm cầu truyền hình trực tuyến) of an agency."""

    organisation = models.ForeignKey(
        "directory.Organisation",
        on_delete=models.PROTECT,
        related_name="conference_endpoints",
        verbose_name=_("agency"),
    )
    name = models.CharField(_("name"), max_length=200)
    level = models.CharField(_("level"), max_length=12, choices=EndpointLevel.choices)
    location = models.CharField(_("location or room"), max_length=300, blank=True)
    capacity = models.PositiveIntegerField(_("seats"), null=True, blank=True)
    equipment = models.TextField(_("equipment"), blank=True)
    is_active = models.BooleanField(_("in service"), default=True)
    # When it last went out of service (services keep it with is_active), so the counts of
    # a past date (``services.endpoint_counts``) leave it out only from then on.
    retired_at = models.DateTimeField(_("out of service since"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = RestrictedQuerySet.as_manager()
    restrict_path = "organisation"

    class Meta:
        verbose_name = _("video-conference endpoint")
        verbose_name_plural = _("video-conference endpoints")
        ordering = ("organisation__path", "name")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"], name="unique_endpoint_name_per_agency"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class EndpointBooking(models.Model):
    """An endpoint booked for a calendar entry, for the entry's time (copied, kept in sync).

    A released booking (the entry was cancelled, or the endpoint taken off it) keeps its row
    with ``released_at``; only active bookings take part in the no-overlap rule.
    """

    entry = models.ForeignKey(CalendarEntry, on_delete=models.PROTECT, related_name="bookings")
    endpoint = models.ForeignKey(
        ConferenceEndpoint,
        on_delete=models.PROTECT,
        related_name="bookings",
        verbose_name=_("endpoint"),
    )
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("until"))
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    booked_at = models.DateTimeField(_("booked"), auto_now_add=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    released_at = models.DateTimeField(_("released"), null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()
    restrict_path = "endpoint__organisation"

    class Meta:
        verbose_name = _("endpoint booking")
        verbose_name_plural = _("endpoint bookings")
        ordering = ("starts_at", "pk")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="endpoint_booking_ends_after_start",
            ),
            models.UniqueConstraint(
                fields=["entry", "endpoint"],
                condition=models.Q(released_at__isnull=True),
                name="unique_active_booking_per_entry",
            ),
        ]
        indexes = [
            models.Index(fields=["endpoint", "starts_at"], name="booking_endpoint_start"),
        ]

    def __str__(self) -> str:
        return f"{self.endpoint_id} {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def is_active(self) -> bool:
        return self.released_at is None
