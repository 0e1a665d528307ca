"""Queue tickets: slots from the working-time calendar, online booking, walk-in tickets and the
counter's "call next". Every change is one transaction (``audited_atomic``) with an audit entry.

Capacity is kept by the database, not by a read-then-write: a booking raises ``Slot.booked``
with ``UPDATE … SET booked = booked + 1 WHERE booked < capacity`` and fails when no row was
updated; a counter takes a ticket with ``UPDATE … SET status = 'called' WHERE status =
'waiting'``, so under concurrency exactly one officer gets each ticket (both on SQLite and on
PostgreSQL, where the second UPDATE waits for the first and re-checks the condition).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Case, F, IntegerField, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chinhquyen.accounts.choices import UserKind
from chinhquyen.accounts.scopes import ALL, organisation_scope
from chinhquyen.appointments.choices import ACTIVE_STATUSES, TicketKind, TicketStatus
from chinhquyen.appointments.exceptions import SlotUnavailable, TicketConflict
from chinhquyen.appointments.models import (
    DEFAULT_CAPACITY,
    DEFAULT_DAYS_AHEAD,
    DEFAULT_PREFIX,
    DEFAULT_SLOT_MINUTES,
    AgencySlotSettings,
    Slot,
    Ticket,
    TicketCounter,
)
from chinhquyen.audit.services import audited_atomic, log_action
from chinhquyen.core.authz import filter_in_scope
from chinhquyen.directory.models import Organisation
from chinhquyen.dossiers.services.access import bilingual
from chinhquyen.procedures.errors import NoVersionInForce
from chinhquyen.worktime.calendar import WorkCalendar

CALL_PERMISSION = "appointments.call_ticket"
CONFIGURE_PERMISSION = "appointments.change_agencyslotsettings"
MAX_DAYS_AHEAD = 60
SLOT_MINUTES_RANGE = (5, 240)
CAPACITY_RANGE = (1, 200)


# --- Scope ------------------------------------------------------------------------------


def agencies_for(user, permission: str):
    """Organisations with a QCVN code where ``user`` holds ``permission`` (their subtree)."""
    agencies = Organisation.objects.exclude(qcvn_code__isnull=True).exclude(qcvn_code="")
    return filter_in_scope(agencies, user, permission).order_by("path")


def may_act(user, agency: Organisation, permission: str) -> bool:
    scope = organisation_scope(user, permission)
    if scope is ALL:
        return True
    return any(agency.path.startswith(path) for path in scope or ())


def _require(user, agency: Organisation, permission: str) -> None:
    if user is None or not may_act(user, agency, permission):
        raise PermissionDenied


# --- Slots ------------------------------------------------------------------------------


@dataclass(frozen=True)
class SlotInfo:
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    capacity: int
    booked: int
    is_past: bool

    @property
    def remaining(self) -> int:
        return max(self.capacity - self.booked, 0)

    @property
    def bookable(self) -> bool:
        return not self.is_past and self.remaining > 0


def settings_for(agency: Organisation) -> AgencySlotSettings:
    """The agency's slot settings, or unsaved defaults."""
    return settings_for_many([agency])[agency.pk]


def settings_for_many(agencies) -> dict[int, AgencySlotSettings]:
    """``settings_for`` of several agencies in one query, keyed by agency id."""
    agencies = list(agencies)
    saved = {s.agency_id: s for s in AgencySlotSettings.objects.filter(agency__in=agencies)}
    return {agency.pk: saved.get(agency.pk) or _default_settings(agency) for agency in agencies}


def _default_settings(agency: Organisation) -> AgencySlotSettings:
    return AgencySlotSettings(
        agency=agency,
        slot_minutes=DEFAULT_SLOT_MINUTES,
        capacity=DEFAULT_CAPACITY,
        days_ahead=DEFAULT_DAYS_AHEAD,
        prefix=DEFAULT_PREFIX,
    )


def _local_now(now: datetime.datetime | None) -> datetime.datetime:
    return timezone.localtime(now or timezone.now())


def bookable_days(
    agency: Organisation,
    *,
    now: datetime.datetime | None = None,
    calendar: WorkCalendar | None = None,
    slot_settings: AgencySlotSettings | None = None,
) -> list[datetime.date]:
    """Today (if a working day) and the next ``days_ahead`` working days."""
    calendar = calendar or WorkCalendar.current()
    slot_settings = slot_settings or settings_for(agency)
    today = _local_now(now).date()
    days = [today] if calendar.is_working_day(today) else []
    day = today
    while len(days) < slot_settings.days_ahead + (1 if days else 0):
        day += datetime.timedelta(days=1)
        if calendar.is_working_day(day):
            days.append(day)
    return days


def slot_times(
    day: datetime.date, slot_minutes: int, *, calendar: WorkCalendar | None = None
) -> list[tuple[datetime.datetime, datetime.datetime]]:
    """The slots of ``day`` cut from its office hours (none on a day off); a slot never
    crosses the midday break or the end of the day."""
    calendar = calendar or WorkCalendar.current()
    if not calendar.is_working_day(day):
        return []
    hours = calendar.hours_on(day)
    tz = timezone.get_default_timezone()
    length = datetime.timedelta(minutes=slot_minutes)
    result = []
    for start_time, end_time in (
        (hours.morning_start, hours.morning_end),
        (hours.afternoon_start, hours.afternoon_end),
    ):
        start = datetime.datetime.combine(day, start_time, tzinfo=tz)
        end = datetime.datetime.combine(day, end_time, tzinfo=tz)
        while start + length <= end:
            result.append((start, start + length))
            start += length
    return result


def day_slots(
    agency: Organisation,
    day: datetime.date,
    *,
    now: datetime.datetime | None = None,
    calendar: WorkCalendar | None = None,
    slot_settings: AgencySlotSettings | None = None,
) -> list[SlotInfo]:
    """Every slot of ``day`` with its remaining capacity (two queries)."""
    slot_settings = slot_settings or settings_for(agency)
    times = slot_times(day, slot_settings.slot_minutes, calendar=calendar)
    if not times:
        return []
    now = now or timezone.now()
    stored = {
        slot.starts_at: slot
        for slot in Slot.objects.filter(
            agency=agency, starts_at__gte=times[0][0], starts_at__lte=times[-1][0]
        )
    }
    infos = []
    for start, end in times:
        slot = stored.get(start)
        infos.append(
            SlotInfo(
                starts_at=start,
                ends_at=slot.ends_at if slot else end,
                capacity=slot.capacity if slot else slot_settings.capacity,
                booked=slot.booked if slot else 0,
                is_past=start <= now,
            )
        )
    return infos


def configure_slots(
    *,
    agency: Organisation,
    slot_minutes: int,
    capacity: int,
    days_ahead: int,
    prefix: str,
    acting_user,
) -> AgencySlotSettings:
    """Set how ``agency`` cuts its office hours into bookable slots. Slots already booked keep
    their capacity and times."""
    _require(acting_user, agency, CONFIGURE_PERMISSION)
    errors = {}
    if not SLOT_MINUTES_RANGE[0] <= slot_minutes <= SLOT_MINUTES_RANGE[1]:
        errors["slot_minutes"] = bilingual(
            _("A slot lasts from %(low)s to %(high)s minutes."),
            low=SLOT_MINUTES_RANGE[0],
            high=SLOT_MINUTES_RANGE[1],
        )
    if not CAPACITY_RANGE[0] <= capacity <= CAPACITY_RANGE[1]:
        errors["capacity"] = bilingual(
            _("A slot takes from %(low)s to %(high)s tickets."),
            low=CAPACITY_RANGE[0],
            high=CAPACITY_RANGE[1],
        )
    if not 1 <= days_ahead <= MAX_DAYS_AHEAD:
        errors["days_ahead"] = bilingual(
            _("Citizens may book from 1 to %(high)s working days ahead."), high=MAX_DAYS_AHEAD
        )
    prefix = (prefix or "").strip().upper()
    if not (1 <= len(prefix) <= 3 and prefix.isascii() and prefix.isalpha()):
        errors["prefix"] = bilingual(_("The ticket letter is one to three letters A–Z."))
    if errors:
        raise ValidationError(errors)
    with audited_atomic():
        before = (
            AgencySlotSettings.objects.filter(agency=agency)
            .values("slot_minutes", "capacity", "days_ahead", "prefix")
            .first()
        )
        row, _created = AgencySlotSettings.objects.update_or_create(
            agency=agency,
            defaults={
                "slot_minutes": slot_minutes,
                "capacity": capacity,
                "days_ahead": days_ahead,
                "prefix": prefix,
            },
        )
        log_action(
            "appointments.configure_slots",
            target=row,
            actor=acting_user,
            before=before,
            after={
                "slot_minutes": slot_minutes,
                "capacity": capacity,
                "days_ahead": days_ahead,
                "prefix": prefix,
            },
        )
    return row


# --- Booking ----------------------------------------------------------------------------


def booking_agencies(procedure):
    """The implementing agencies of the procedure's version in force (where one may book)."""
    from chinhquyen.procedures.services import version_in_force

    try:
        version = version_in_force(procedure)
    except NoVersionInForce:  # nowhere to book
        return Organisation.objects.none()
    return (
        version.implementing_agencies.exclude(qcvn_code__isnull=True)
        .exclude(qcvn_code="")
        .order_by("path")
    )


def _next_number(agency: Organisation, day: datetime.date) -> int:
    counter, _created = TicketCounter.objects.get_or_create(agency=agency, day=day)
    TicketCounter.objects.filter(pk=counter.pk).update(last_number=F("last_number") + 1)
    return TicketCounter.objects.values_list("last_number", flat=True).get(pk=counter.pk)


def _create_ticket(**values) -> Ticket:
    try:
        with transaction.atomic():
            return Ticket.objects.create(**values)
    except IntegrityError as exc:
        raise TicketConflict(
            bilingual(_("You already have a ticket at this agency on that day.")),
            code="already_booked",
        ) from exc


def book_ticket(
    *,
    procedure,
    agency: Organisation,
    starts_at: datetime.datetime,
    acting_user,
    name: str = "",
    phone: str = "",
    now: datetime.datetime | None = None,
) -> Ticket:
    """Book a place in the slot of ``agency`` starting at ``starts_at`` for ``procedure``.

    Refused with ``SlotUnavailable`` (409) when the slot is full, past, not a slot of a
    bookable day, or the agency does not implement the procedure; ``TicketConflict`` (409)
    when the citizen already holds an active booking at the agency that day;
    ``PermissionDenied`` for anyone but an active citizen.
    """
    if (
        acting_user is None
        or getattr(acting_user, "kind", None) != UserKind.CITIZEN
        or not acting_user.is_active
    ):
        raise PermissionDenied
    now = now or timezone.now()
    if not booking_agencies(procedure).filter(pk=agency.pk).exists():
        raise SlotUnavailable(
            bilingual(_("This agency does not receive dossiers of this procedure.")),
            code="wrong_agency",
        )
    calendar = WorkCalendar.current()
    slot_settings = settings_for(agency)
    local_start = timezone.localtime(starts_at)
    day = local_start.date()
    if day not in bookable_days(agency, now=now, calendar=calendar, slot_settings=slot_settings):
        raise SlotUnavailable(
            bilingual(_("Appointments cannot be booked on that day.")), code="day_not_bookable"
        )
    times = dict(slot_times(day, slot_settings.slot_minutes, calendar=calendar))
    if local_start not in times:
        raise SlotUnavailable(bilingual(_("There is no such slot.")), code="no_such_slot")
    if local_start <= now:
        raise SlotUnavailable(bilingual(_("This slot has already begun.")), code="slot_past")
    name = (name or acting_user.get_full_name() or "").strip()[:200]
    phone = (phone or acting_user.phone or "").strip()[:20]
    with audited_atomic():
        if Ticket.objects.filter(
            citizen=acting_user,
            agency=agency,
            day=day,
            kind=TicketKind.BOOKED,
            status__in=ACTIVE_STATUSES,
        ).exists():
            raise TicketConflict(
                bilingual(_("You already have a ticket at this agency on that day.")),
                code="already_booked",
            )
        slot, _created = Slot.objects.get_or_create(
            agency=agency,
            starts_at=local_start,
            defaults={"ends_at": times[local_start], "capacity": slot_settings.capacity},
        )
        taken = Slot.objects.filter(pk=slot.pk, booked__lt=F("capacity")).update(
            booked=F("booked") + 1
        )
        if not taken:
            raise SlotUnavailable(
                bilingual(_("This slot is full. Please choose another time.")), code="slot_full"
            )
        ticket = _create_ticket(
            agency=agency,
            day=day,
            number=_next_number(agency, day),
            prefix=slot_settings.prefix,
            kind=TicketKind.BOOKED,
            slot=slot,
            procedure=procedure,
            citizen=acting_user,
            name=name,
            phone=phone,
            created_at=now,
            created_by=acting_user,
        )
        log_action(
            "appointments.book_ticket",
            target=ticket,
            actor=acting_user,
            details={
                "ticket": ticket.label,
                "agency": agency.pk,
                "day": day.isoformat(),
                "slot": local_start.isoformat(),
                "procedure": procedure.national_code,
            },
        )
    return ticket


def may_cancel(ticket: Ticket, *, now: datetime.datetime | None = None) -> bool:
    now = now or timezone.now()
    return (
        ticket.kind == TicketKind.BOOKED
        and ticket.status == TicketStatus.WAITING
        and ticket.slot is not None
        and now < ticket.slot.starts_at
    )


def cancel_ticket(*, ticket: Ticket, acting_user, now: datetime.datetime | None = None) -> Ticket:
    """The citizen who booked cancels, up to the slot's start; the place is freed."""
    if acting_user is None or ticket.citizen_id != acting_user.pk:
        raise PermissionDenied
    now = now or timezone.now()
    with audited_atomic():
        ticket = Ticket.objects.select_related("slot").get(pk=ticket.pk)
        if ticket.status == TicketStatus.CANCELLED:
            raise TicketConflict(
                bilingual(_("This ticket was already cancelled.")), code="already_cancelled"
            )
        if not may_cancel(ticket, now=now):
            raise TicketConflict(
                bilingual(_("A ticket can be cancelled only before its slot begins.")),
                code="too_late",
            )
        changed = Ticket.objects.filter(pk=ticket.pk, status=TicketStatus.WAITING).update(
            status=TicketStatus.CANCELLED, finished_at=now
        )
        if not changed:
            raise TicketConflict(
                bilingual(_("This ticket was already cancelled.")), code="already_cancelled"
            )
        Slot.objects.filter(pk=ticket.slot_id, booked__gt=0).update(booked=F("booked") - 1)
        ticket.refresh_from_db()
        log_action(
            "appointments.cancel_ticket",
            target=ticket,
            actor=acting_user,
            details={"ticket": ticket.label, "day": ticket.day.isoformat()},
        )
    return ticket


# --- At the counter ---------------------------------------------------------------------


def issue_walk_in_ticket(
    *,
    agency: Organisation,
    acting_user,
    procedure=None,
    name: str = "",
    now: datetime.datetime | None = None,
) -> Ticket:
    """A one-stop officer gives a walk-in visitor the next number of the day."""
    _require(acting_user, agency, CALL_PERMISSION)
    now = now or timezone.now()
    day = timezone.localtime(now).date()
    with audited_atomic():
        ticket = _create_ticket(
            agency=agency,
            day=day,
            number=_next_number(agency, day),
            prefix=settings_for(agency).prefix,
            kind=TicketKind.WALK_IN,
            procedure=procedure,
            name=(name or "").strip()[:200],
            created_at=now,
            created_by=acting_user,
        )
        log_action(
            "appointments.issue_walk_in_ticket",
            target=ticket,
            actor=acting_user,
            details={"ticket": ticket.label, "agency": agency.pk, "day": day.isoformat()},
        )
    return ticket


def queue_order(agency: Organisation, *, now: datetime.datetime | None = None):
    """Today's waiting tickets in the order "call next" takes them:

    1. booked tickets whose slot is in progress (one slot runs at a time), by number;
    2. walk-in tickets, and booked tickets whose slot has ended (late arrivals), by number.

    Booked tickets whose slot has not begun wait for their time.
    """
    now = now or timezone.now()
    day = timezone.localtime(now).date()
    return (
        Ticket.objects.filter(agency=agency, day=day, status=TicketStatus.WAITING)
        .filter(Q(kind=TicketKind.WALK_IN) | Q(slot__starts_at__lte=now))
        .annotate(
            priority=Case(
                When(kind=TicketKind.BOOKED, slot__ends_at__gt=now, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("priority", "number")
    )


def _clean_counter(counter: str) -> str:
    counter = (counter or "").strip()
    if not counter or len(counter) > 20:
        raise ValidationError(
            {"counter": bilingual(_("Enter the name of your counter (at most 20 characters)."))}
        )
    return counter


def call_next_ticket(
    *, agency: Organisation, counter: str, acting_user, now: datetime.datetime | None = None
) -> Ticket | None:
    """Take the next ticket of today for ``counter``; None when nobody is waiting.

    Claimed with a conditional UPDATE (status still waiting), so two officers calling at the
    same moment never get the same ticket.
    """
    _require(acting_user, agency, CALL_PERMISSION)
    counter = _clean_counter(counter)
    now = now or timezone.now()
    for _attempt in range(20):
        with audited_atomic():
            candidate = queue_order(agency, now=now).values_list("pk", flat=True).first()
            if candidate is None:
                return None
            claimed = Ticket.objects.filter(pk=candidate, status=TicketStatus.WAITING).update(
                status=TicketStatus.CALLED, counter=counter, called_at=now, called_by=acting_user
            )
            if not claimed:
                continue  # another counter took it first: try the next one
            ticket = Ticket.objects.get(pk=candidate)
            log_action(
                "appointments.call_ticket",
                target=ticket,
                actor=acting_user,
                details={"ticket": ticket.label, "counter": counter, "kind": ticket.kind},
            )
            return ticket
    return None


def _called_ticket(ticket: Ticket) -> Ticket:
    ticket = Ticket.objects.get(pk=ticket.pk)
    if ticket.status != TicketStatus.CALLED:
        raise TicketConflict(
            bilingual(_("Only a ticket that has been called can be marked or called again.")),
            code="not_called",
        )
    return ticket


def finish_ticket(
    *, ticket: Ticket, outcome: str, acting_user, now: datetime.datetime | None = None
) -> Ticket:
    """Mark a called ticket served or no-show (``outcome`` "served" / "no_show")."""
    _require(acting_user, ticket.agency, CALL_PERMISSION)
    if outcome not in (TicketStatus.SERVED, TicketStatus.NO_SHOW):
        raise ValidationError({"outcome": bilingual(_("Unknown outcome."))})
    now = now or timezone.now()
    with audited_atomic():
        ticket = _called_ticket(ticket)
        changed = Ticket.objects.filter(pk=ticket.pk, status=TicketStatus.CALLED).update(
            status=outcome, finished_at=now
        )
        if not changed:
            raise TicketConflict(
                bilingual(_("Only a ticket that has been called can be marked or called again.")),
                code="not_called",
            )
        ticket.refresh_from_db()
        log_action(
            "appointments.finish_ticket",
            target=ticket,
            actor=acting_user,
            details={"ticket": ticket.label, "outcome": outcome},
        )
    return ticket


def recall_ticket(*, ticket: Ticket, acting_user, now: datetime.datetime | None = None) -> Ticket:
    """Call a called ticket again (it comes back to the top of the display)."""
    _require(acting_user, ticket.agency, CALL_PERMISSION)
    now = now or timezone.now()
    with audited_atomic():
        ticket = _called_ticket(ticket)
        Ticket.objects.filter(pk=ticket.pk, status=TicketStatus.CALLED).update(
            called_at=now, recalls=F("recalls") + 1
        )
        ticket.refresh_from_db()
        log_action(
            "appointments.recall_ticket",
            target=ticket,
            actor=acting_user,
            details={"ticket": ticket.label, "recalls": ticket.recalls},
        )
    return ticket


def display_board(agency: Organisation, *, now: datetime.datetime | None = None, size: int = 8):
    """Today's called tickets of ``agency``, most recently (re)called first."""
    now = now or timezone.now()
    return list(
        Ticket.objects.filter(
            agency=agency,
            day=timezone.localtime(now).date(),
            status__in=(TicketStatus.CALLED, TicketStatus.SERVED),
            called_at__isnull=False,
        )
        .order_by("-called_at", "-number")
        .only("prefix", "number", "counter", "status", "called_at")[:size]
    )
