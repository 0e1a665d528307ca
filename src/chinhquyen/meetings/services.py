"""Business rules of the work calendar (lịch công tác) and video-conference endpoints (điểm cầu).

Every state change takes keyword arguments and ``acting_user`` (None = the system: demo data,
commands), checks that the user holds the permission for the agency concerned (its role's
organisation subtree), runs in ONE transaction (``audited_atomic``) and records itself with
``log_action``. Bad input raises ``MeetingError`` (400), a wrong state ``InvalidTransition``
(409), a double booking ``BookingConflict`` (409, naming the meeting that holds the endpoint),
a missing permission ``PermissionDenied`` (403).

Entries::

    draft ──publish──▶ published ──cancel──▶ cancelled        (draft ──cancel──▶ cancelled)

A published entry is on the portal and in the iCalendar feed; editing it raises its iCalendar
``SEQUENCE`` so calendar programs replace their copy; a cancelled one stays in the feed as
``STATUS:CANCELLED`` and its endpoints are released.

Double booking: an endpoint's active bookings never overlap (half-open ``[start, end)``). The
service looks for an overlapping booking first, to name it in the message; on PostgreSQL the
exclusion constraint of migration 0002 decides a race between two transactions (the loser's
INSERT waits, then fails, and is answered with the same message); on SQLite the check runs in
the IMMEDIATE transaction, which took the database's single write lock at BEGIN, so no other
writer can book between the check and the insert.

A chairing leader with another entry at the same time is a warning, not an error: leaders
often leave one meeting for another, the clerk decides.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from chinhquyen.accounts.scopes import ALL, organisation_scope
from chinhquyen.audit.services import audited_atomic, log_action
from chinhquyen.directory.models import Organisation
from chinhquyen.dossiers.services.access import bilingual
from chinhquyen.meetings.choices import EndpointLevel, EntryStatus
from chinhquyen.meetings.errors import BookingConflict, InvalidTransition, MeetingError
from chinhquyen.meetings.models import CalendarEntry, ConferenceEndpoint, EndpointBooking
from chinhquyen.worktime.calendar import TZ, DayInfo, WorkCalendar

NO_OVERLAP_CONSTRAINT = "meetings_endpoint_booking_no_overlap"
ENTRY_FIELDS = (
    "title",
    "starts_at",
    "ends_at",
    "all_day",
    "place",
    "chair",
    "invitees",
    "preparing_unit",
    "notes",
    "is_public",
    "incoming_document",
    "outgoing_document",
)
ENDPOINT_FIELDS = ("name", "level", "location", "capacity", "equipment", "is_active")


# --- Permissions --------------------------------------------------------------------------


def holds(user, permission: str) -> bool:
    """``user`` holds ``permission`` for some organisation (to show a page or a link)."""
    scope = organisation_scope(user, permission)
    return scope is ALL or bool(scope)


def may(user, permission: str, organisation: Organisation) -> bool:
    """``user`` (None: the system) holds ``permission`` for ``organisation``."""
    if user is None:
        return True
    scope = organisation_scope(user, permission)
    return scope is ALL or any(organisation.path.startswith(prefix) for prefix in scope)


def _require(user, permission: str, organisation: Organisation) -> None:
    if not may(user, permission, organisation):
        raise PermissionDenied


def organisations_where(user, permission: str):
    """Current organisations where ``user`` holds ``permission`` (with subtrees), tree order."""
    organisations = Organisation.objects.filter(valid_until__isnull=True).order_by("path")
    scope = organisation_scope(user, permission)
    if scope is ALL:
        return organisations
    if not scope:
        return organisations.none()
    condition = Q()
    for prefix in scope:
        condition |= Q(path__startswith=prefix)
    return organisations.filter(condition)


# --- Time helpers -------------------------------------------------------------------------


def local_midnight(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(), tzinfo=TZ)


def _show(moment: datetime.datetime) -> str:
    return moment.astimezone(TZ).strftime("%H:%M %d/%m/%Y")


def _normalise_times(
    starts_at: datetime.datetime, ends_at: datetime.datetime, all_day: bool
) -> tuple[datetime.datetime, datetime.datetime]:
    for value in (starts_at, ends_at):
        if not isinstance(value, datetime.datetime) or timezone.is_naive(value):
            raise MeetingError(
                _("The start and the end must be dates and times with a time zone."),
                field="starts_at",
            )
    if all_day:
        # Whole local days: from midnight of the first day to midnight after the last one.
        first = starts_at.astimezone(TZ).date()
        local_end = ends_at.astimezone(TZ)
        last = local_end.date()
        if local_end.time() != datetime.time() or last <= first:
            last += datetime.timedelta(days=1)
        starts_at, ends_at = local_midnight(first), local_midnight(last)
    if ends_at <= starts_at:
        raise MeetingError(_("The end must be after the start."), field="ends_at")
    return starts_at.astimezone(TZ), ends_at.astimezone(TZ)


# --- Entries ------------------------------------------------------------------------------


@dataclass
class Saved:
    """A saved entry and the warnings the clerk should read (chair already busy …)."""

    entry: CalendarEntry
    warnings: list[str] = field(default_factory=list)


def chair_conflicts(
    chair, starts_at: datetime.datetime, ends_at: datetime.datetime, *, exclude_pk=None
) -> list[CalendarEntry]:
    """Other entries (not cancelled) the chairing official leads at an overlapping time."""
    if chair is None:
        return []
    entries = (
        CalendarEntry.objects.filter(chair=chair, starts_at__lt=ends_at, ends_at__gt=starts_at)
        .exclude(status=EntryStatus.CANCELLED)
        .select_related("organisation")
    )
    if exclude_pk is not None:
        entries = entries.exclude(pk=exclude_pk)
    return list(entries[:5])


def _chair_warnings(entry: CalendarEntry) -> list[str]:
    return [
        bilingual(
            _(
                "%(chair)s already chairs “%(meeting)s” (%(agency)s) from %(start)s to "
                "%(end)s, which overlaps this entry."
            ),
            chair=entry.chair.full_name,
            meeting=other.title,
            agency=other.organisation.name,
            start=_show(other.starts_at),
            end=_show(other.ends_at),
        )
        for other in chair_conflicts(
            entry.chair, entry.starts_at, entry.ends_at, exclude_pk=entry.pk
        )
    ]


def _check_links(entry: CalendarEntry) -> None:
    if not entry.title.strip():
        raise MeetingError(_("Write what the entry is about."), field="title")
    if entry.organisation.valid_until is not None:
        raise MeetingError(_("This agency no longer exists."), field="organisation")
    for document in (entry.incoming_document, entry.outgoing_document):
        if document is not None and document.organisation_id != entry.organisation_id:
            raise MeetingError(
                _("A related document must belong to the same agency as the calendar."),
                field="incoming_document" if document is entry.incoming_document else None,
            )


def _snapshot(entry: CalendarEntry) -> dict:
    return {
        "title": entry.title,
        "starts_at": entry.starts_at,
        "ends_at": entry.ends_at,
        "all_day": entry.all_day,
        "place": entry.place,
        "chair": entry.chair_id,
        "status": entry.status,
        "is_public": entry.is_public,
    }


def create_entry(
    *,
    organisation: Organisation,
    title: str,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    all_day: bool = False,
    place: str = "",
    chair=None,
    participants: Iterable = (),
    invitees: str = "",
    preparing_unit: Organisation | None = None,
    notes: str = "",
    is_public: bool = True,
    incoming_document=None,
    outgoing_document=None,
    acting_user,
) -> Saved:
    """Add a draft entry to ``organisation``'s calendar."""
    _require(acting_user, "meetings.add_calendarentry", organisation)
    starts_at, ends_at = _normalise_times(starts_at, ends_at, all_day)
    entry = CalendarEntry(
        organisation=organisation,
        title=title.strip(),
        starts_at=starts_at,
        ends_at=ends_at,
        all_day=all_day,
        place=place.strip(),
        chair=chair,
        invitees=invitees.strip(),
        preparing_unit=preparing_unit,
        notes=notes.strip(),
        is_public=is_public,
        incoming_document=incoming_document,
        outgoing_document=outgoing_document,
        created_by=acting_user,
        updated_by=acting_user,
    )
    _check_links(entry)
    with audited_atomic():
        entry.save()
        entry.participants.set(list(participants))
        log_action("meetings.create_entry", target=entry, actor=acting_user, after=_snapshot(entry))
    return Saved(entry, _chair_warnings(entry))


def update_entry(entry: CalendarEntry, *, acting_user, participants=None, **changes) -> Saved:
    """Change an entry (not a cancelled one); active endpoint bookings follow its new time."""
    _require(acting_user, "meetings.change_calendarentry", entry.organisation)
    unknown = set(changes) - set(ENTRY_FIELDS)
    if unknown:
        raise TypeError(f"Unknown entry fields: {sorted(unknown)}")
    with audited_atomic():
        entry = CalendarEntry.objects.select_for_update().get(pk=entry.pk)
        if entry.status == EntryStatus.CANCELLED:
            raise InvalidTransition(_("A cancelled entry cannot be changed."))
        before = _snapshot(entry)
        for name, value in changes.items():
            setattr(entry, name, value.strip() if isinstance(value, str) else value)
        entry.starts_at, entry.ends_at = _normalise_times(
            entry.starts_at, entry.ends_at, entry.all_day
        )
        _check_links(entry)
        if entry.status == EntryStatus.PUBLISHED:
            entry.sequence += 1
        entry.updated_by = acting_user
        entry.save()
        if participants is not None:
            entry.participants.set(list(participants))
        if before["starts_at"] != entry.starts_at or before["ends_at"] != entry.ends_at:
            for booking in entry.bookings.filter(released_at__isnull=True).select_related(
                "endpoint"
            ):
                booking.starts_at, booking.ends_at = entry.starts_at, entry.ends_at
                _save_booking(booking, entry)
        log_action(
            "meetings.update_entry",
            target=entry,
            actor=acting_user,
            before=before,
            after=_snapshot(entry),
        )
    return Saved(entry, _chair_warnings(entry))


def publish_entry(entry: CalendarEntry, *, acting_user) -> CalendarEntry:
    """Publish a draft: it appears on the portal and in the iCalendar feed."""
    _require(acting_user, "meetings.publish_calendarentry", entry.organisation)
    with audited_atomic():
        entry = CalendarEntry.objects.select_for_update().get(pk=entry.pk)
        if entry.status != EntryStatus.DRAFT:
            raise InvalidTransition(_("Only a draft entry can be published."))
        entry.status = EntryStatus.PUBLISHED
        entry.published_at = timezone.now()
        entry.sequence += 1
        entry.updated_by = acting_user
        entry.save()
        log_action("meetings.publish_entry", target=entry, actor=acting_user)
    return entry


def cancel_entry(entry: CalendarEntry, *, acting_user, reason: str = "") -> CalendarEntry:
    """Cancel an entry (kept, shown as cancelled if it was published) and free its endpoints."""
    _require(acting_user, "meetings.publish_calendarentry", entry.organisation)
    with audited_atomic():
        entry = CalendarEntry.objects.select_for_update().get(pk=entry.pk)
        if entry.status == EntryStatus.CANCELLED:
            raise InvalidTransition(_("The entry is already cancelled."))
        now = timezone.now()
        entry.status = EntryStatus.CANCELLED
        entry.cancelled_at = now
        entry.cancel_reason = reason.strip()[:500]
        entry.sequence += 1
        entry.updated_by = acting_user
        entry.save()
        released = list(
            entry.bookings.filter(released_at__isnull=True).values_list("endpoint_id", flat=True)
        )
        # One UPDATE for all of them; recorded below (update() bypasses the change capture).
        entry.bookings.filter(released_at__isnull=True).update(
            released_at=now, released_by=acting_user
        )
        log_action(
            "meetings.cancel_entry",
            target=entry,
            actor=acting_user,
            details={"reason": entry.cancel_reason, "released_endpoints": released},
        )
    return entry


# --- Endpoint bookings --------------------------------------------------------------------


def _conflict_error(other: EndpointBooking) -> BookingConflict:
    return BookingConflict(
        _(
            "The endpoint “%(endpoint)s” is already booked from %(start)s to %(end)s for "
            "“%(meeting)s” (%(agency)s). Choose another endpoint or another time."
        ),
        booking=other,
        endpoint=other.endpoint.name,
        start=_show(other.starts_at),
        end=_show(other.ends_at),
        meeting=other.entry.title,
        agency=other.entry.organisation.name,
    )


def overlapping_bookings(
    endpoint_ids: Iterable[int],
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    *,
    exclude_pk=None,
):
    """Active bookings of these endpoints overlapping ``[starts_at, ends_at)``."""
    bookings = EndpointBooking.objects.filter(
        endpoint_id__in=list(endpoint_ids),
        released_at__isnull=True,
        starts_at__lt=ends_at,
        ends_at__gt=starts_at,
    ).select_related("endpoint", "entry__organisation")
    if exclude_pk is not None:
        bookings = bookings.exclude(pk=exclude_pk)
    return bookings.order_by("starts_at", "pk")


def _save_booking(booking: EndpointBooking, entry: CalendarEntry) -> None:
    """Insert or move a booking, refusing an overlap (see the module docstring)."""
    if not connection.in_atomic_block:  # pragma: no cover - a programming error
        raise RuntimeError("Bookings are saved inside the service's transaction.")
    other = overlapping_bookings(
        [booking.endpoint_id], booking.starts_at, booking.ends_at, exclude_pk=booking.pk
    ).first()
    if other is not None:
        raise _conflict_error(other)
    try:
        with transaction.atomic():  # a savepoint: the error below leaves the outer block usable
            booking.save()
    except IntegrityError as exc:
        diag = getattr(getattr(exc, "__cause__", None), "diag", None)
        if getattr(diag, "constraint_name", None) != NO_OVERLAP_CONSTRAINT:
            raise
        # Another transaction booked the endpoint between our check and our INSERT and
        # committed first; read committed: this statement sees its row.
        other = overlapping_bookings(
            [booking.endpoint_id], booking.starts_at, booking.ends_at, exclude_pk=booking.pk
        ).first()
        if other is None:  # pragma: no cover - released again in between
            raise MeetingError(
                _("The endpoint was just booked by someone else; try again.")
            ) from exc
        raise _conflict_error(other) from exc


def book_endpoint(
    entry: CalendarEntry, endpoint: ConferenceEndpoint, *, acting_user
) -> EndpointBooking:
    """Book ``endpoint`` for ``entry``'s time; refused if it is booked for an overlapping time."""
    _require(acting_user, "meetings.change_calendarentry", entry.organisation)
    _require(acting_user, "meetings.add_endpointbooking", endpoint.organisation)
    with audited_atomic():
        entry = CalendarEntry.objects.select_related("organisation").get(pk=entry.pk)
        if entry.status == EntryStatus.CANCELLED:
            raise InvalidTransition(_("A cancelled entry cannot book an endpoint."))
        endpoint = ConferenceEndpoint.objects.select_related("organisation").get(pk=endpoint.pk)
        if not endpoint.is_active:
            raise MeetingError(
                _("The endpoint “%(endpoint)s” is out of service."), endpoint=endpoint.name
            )
        if entry.bookings.filter(endpoint=endpoint, released_at__isnull=True).exists():
            raise MeetingError(
                _("The endpoint “%(endpoint)s” is already booked for this entry."),
                endpoint=endpoint.name,
            )
        booking = EndpointBooking(
            entry=entry,
            endpoint=endpoint,
            starts_at=entry.starts_at,
            ends_at=entry.ends_at,
            booked_by=acting_user,
        )
        _save_booking(booking, entry)
        if entry.status == EntryStatus.PUBLISHED:
            CalendarEntry.objects.filter(pk=entry.pk).update(sequence=entry.sequence + 1)
        log_action(
            "meetings.book_endpoint",
            target=booking,
            actor=acting_user,
            details={"entry": entry.pk, "endpoint": endpoint.pk},
        )
    return booking


def release_endpoint(booking: EndpointBooking, *, acting_user) -> EndpointBooking:
    """Take an endpoint off an entry (the booking row stays, marked released)."""
    _require(acting_user, "meetings.change_calendarentry", booking.entry.organisation)
    with audited_atomic():
        booking = EndpointBooking.objects.select_for_update().get(pk=booking.pk)
        if booking.released_at is not None:
            raise InvalidTransition(_("This booking was already released."))
        booking.released_at = timezone.now()
        booking.released_by = acting_user
        booking.save(update_fields=["released_at", "released_by"])
        log_action("meetings.release_endpoint", target=booking, actor=acting_user)
    return booking


# --- Endpoint registry --------------------------------------------------------------------


def _check_endpoint(endpoint: ConferenceEndpoint) -> None:
    if not endpoint.name.strip():
        raise MeetingError(_("Give the endpoint a name."), field="name")
    if endpoint.level not in EndpointLevel.values:
        raise MeetingError(_("Choose the endpoint's level."), field="level")
    duplicate = ConferenceEndpoint.objects.filter(
        organisation=endpoint.organisation, name=endpoint.name
    ).exclude(pk=endpoint.pk)
    if duplicate.exists():
        raise MeetingError(
            _("This agency already has an endpoint named “%(name)s”."),
            field="name",
            name=endpoint.name,
        )


def create_endpoint(*, organisation: Organisation, acting_user, **values) -> ConferenceEndpoint:
    """Add an endpoint to the registry (IT administrators and clerks of the agency)."""
    _require(acting_user, "meetings.add_conferenceendpoint", organisation)
    unknown = set(values) - set(ENDPOINT_FIELDS)
    if unknown:
        raise TypeError(f"Unknown endpoint fields: {sorted(unknown)}")
    endpoint = ConferenceEndpoint(organisation=organisation, **values)
    endpoint.name = endpoint.name.strip()
    if not endpoint.is_active:
        endpoint.retired_at = timezone.now()
    _check_endpoint(endpoint)
    with audited_atomic():
        endpoint.save()
        log_action("meetings.create_endpoint", target=endpoint, actor=acting_user)
    return endpoint


def update_endpoint(endpoint: ConferenceEndpoint, *, acting_user, **values) -> ConferenceEndpoint:
    """Change an endpoint; taking it out of service keeps its bookings (release them by hand)."""
    _require(acting_user, "meetings.change_conferenceendpoint", endpoint.organisation)
    unknown = set(values) - set(ENDPOINT_FIELDS)
    if unknown:
        raise TypeError(f"Unknown endpoint fields: {sorted(unknown)}")
    with audited_atomic():
        endpoint = ConferenceEndpoint.objects.select_for_update().get(pk=endpoint.pk)
        was_active = endpoint.is_active
        for name, value in values.items():
            setattr(endpoint, name, value.strip() if isinstance(value, str) else value)
        if was_active and not endpoint.is_active:
            endpoint.retired_at = timezone.now()
        elif endpoint.is_active:
            endpoint.retired_at = None
        _check_endpoint(endpoint)
        endpoint.save()
        log_action("meetings.update_endpoint", target=endpoint, actor=acting_user)
    return endpoint


def delete_endpoint(endpoint: ConferenceEndpoint, *, acting_user) -> None:
    """Delete an endpoint entered by mistake; one ever booked is taken out of service instead."""
    _require(acting_user, "meetings.delete_conferenceendpoint", endpoint.organisation)
    with audited_atomic():
        if endpoint.bookings.exists():
            raise InvalidTransition(
                _(
                    "The endpoint “%(endpoint)s” has bookings and is kept for the record; "
                    "take it out of service instead."
                ),
                endpoint=endpoint.name,
            )
        log_action("meetings.delete_endpoint", target=endpoint, actor=acting_user)
        endpoint.delete()


# --- Reading: week view, availability, counts ---------------------------------------------


@dataclass
class WeekDay:
    date: datetime.date
    info: DayInfo
    entries: list[CalendarEntry] = field(default_factory=list)

    @property
    def is_working(self) -> bool:
        return self.info.is_working


@dataclass
class Week:
    organisation: Organisation
    year: int
    week: int
    days: list[WeekDay]

    @property
    def start(self) -> datetime.datetime:
        return local_midnight(self.days[0].date)

    @property
    def end(self) -> datetime.datetime:
        return local_midnight(self.days[-1].date + datetime.timedelta(days=1))

    @property
    def code(self) -> str:
        return f"{self.year}-W{self.week:02d}"

    @property
    def previous_code(self) -> str:
        year, week, _day = (self.days[0].date - datetime.timedelta(days=7)).isocalendar()
        return f"{year}-W{week:02d}"

    @property
    def next_code(self) -> str:
        year, week, _day = (self.days[0].date + datetime.timedelta(days=7)).isocalendar()
        return f"{year}-W{week:02d}"

    @property
    def entry_count(self) -> int:
        return len({entry.pk for day in self.days for entry in day.entries})


def parse_week(code: str | None, *, today: datetime.date | None = None) -> tuple[int, int]:
    """``"2026-W48"`` → (2026, 48); empty → the current ISO week. ValueError if malformed."""
    if not code:
        year, week, _day = (today or timezone.localdate()).isocalendar()
        return year, week
    text = code.strip().upper()
    year_text, sep, week_text = text.partition("-W")
    if not sep or not year_text.isdigit() or not week_text.isdigit():
        raise ValueError(code)
    year, week = int(year_text), int(week_text)
    datetime.date.fromisocalendar(year, week, 1)  # ValueError for week 53 of a 52-week year
    if not 2000 <= year <= 2100:
        raise ValueError(code)
    return year, week


def week_view(organisation: Organisation, *, year: int, week: int, public: bool = False) -> Week:
    """The entries of ``organisation`` in ISO week ``year-Www`` (Monday–Sunday), per day.

    ``public``: only what the portal shows (published and public entries, and those cancelled
    after publication, marked). Each day says whether it is a working day (the working-time
    calendar: holidays, swap days, make-up Saturdays). An entry spanning several days is listed
    on each. Three queries, whatever the number of entries.
    """
    monday = datetime.date.fromisocalendar(year, week, 1)
    calendar = WorkCalendar.current()
    days = [
        WeekDay(
            monday + datetime.timedelta(days=i),
            calendar.day_info(monday + datetime.timedelta(days=i)),
        )
        for i in range(7)
    ]
    start = local_midnight(monday)
    end = local_midnight(monday + datetime.timedelta(days=7))
    entries = (
        CalendarEntry.objects.filter(
            organisation=organisation, starts_at__lt=end, ends_at__gt=start
        )
        .select_related("chair", "preparing_unit")
        .prefetch_related("participants")
        .order_by("starts_at", "pk")
    )
    if public:
        entries = published_entries(entries)
    else:
        entries = entries.prefetch_related(
            _active_bookings_prefetch(),
        )
    for entry in entries:
        first = entry.starts_at.astimezone(TZ).date()
        last = (entry.ends_at - datetime.timedelta(microseconds=1)).astimezone(TZ).date()
        for day in days:
            if first <= day.date <= last:
                day.entries.append(entry)
    return Week(organisation=organisation, year=year, week=week, days=days)


def _active_bookings_prefetch():
    from django.db.models import Prefetch

    return Prefetch(
        "bookings",
        queryset=EndpointBooking.objects.filter(released_at__isnull=True).select_related(
            "endpoint"
        ),
        to_attr="active_bookings",
    )


def published_entries(entries=None):
    """Entries the public may see: published and public, or cancelled after publication."""
    entries = CalendarEntry.objects.all() if entries is None else entries
    return entries.filter(
        is_public=True,
        published_at__isnull=False,
        status__in=[EntryStatus.PUBLISHED, EntryStatus.CANCELLED],
    )


@dataclass
class Availability:
    endpoint: ConferenceEndpoint
    bookings: list[EndpointBooking]

    @property
    def is_free(self) -> bool:
        return not self.bookings


def endpoint_availability(
    endpoints, starts_at: datetime.datetime, ends_at: datetime.datetime
) -> list[Availability]:
    """For each endpoint, the active bookings overlapping ``[starts_at, ends_at)`` (two queries)."""
    endpoints = list(endpoints)
    found: dict[int, list[EndpointBooking]] = {endpoint.pk: [] for endpoint in endpoints}
    for booking in overlapping_bookings(found, starts_at, ends_at):
        found[booking.endpoint_id].append(booking)
    return [Availability(endpoint, found[endpoint.pk]) for endpoint in endpoints]


@dataclass
class EndpointCount:
    """Video-conference endpoints of one agency, by level."""

    organisation_id: int
    name: str
    path: str
    by_level: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.by_level.values())


def endpoint_counts(
    root: Organisation | None = None, *, at: datetime.datetime
) -> list[EndpointCount]:
    """Video-conference endpoints in service at ``at``, per agency and level (điểm cầu).

    Reused by the periodic IT-application report (issue 8). An endpoint counts when it was
    registered at or before ``at`` and was not out of service then (``retired_at`` empty or
    later than ``at``); it counts for the agency that holds it. ``root`` limits the rows to
    that organisation's subtree. Rows in tree order, every level present (0 when none). One
    grouped query and one for the agencies' names.
    """
    if timezone.is_naive(at):
        raise ValueError("at must be timezone-aware")
    endpoints = ConferenceEndpoint.objects.filter(created_at__lte=at).filter(
        Q(retired_at__isnull=True) | Q(retired_at__gt=at)
    )
    if root is not None:
        endpoints = endpoints.filter(organisation__path__startswith=root.path)
    grouped = endpoints.values("organisation", "level").annotate(count=Count("id")).order_by()
    counts: dict[int, dict[str, int]] = {}
    for row in grouped:
        levels = counts.setdefault(row["organisation"], dict.fromkeys(EndpointLevel.values, 0))
        levels[row["level"]] = row["count"]
    agencies = Organisation.objects.filter(pk__in=list(counts)).values("pk", "name", "path")
    return sorted(
        (EndpointCount(a["pk"], a["name"], a["path"], counts[a["pk"]]) for a in agencies),
        key=lambda row: row.path,
    )


def when_text(entry: CalendarEntry) -> str:
    """ "08:00–11:30" or "All day" (local time), for lists and the feed's description."""
    if entry.all_day:
        return str(_("All day"))
    start, end = entry.starts_at.astimezone(TZ), entry.ends_at.astimezone(TZ)
    if start.date() == end.date():
        return f"{start:%H:%M}–{end:%H:%M}"
    return f"{date_format(start, 'd/m H:i')} – {date_format(end, 'd/m H:i')}"
