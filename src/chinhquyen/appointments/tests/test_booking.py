"""A citizen books a counter slot; capacity is never exceeded; cancel up to the slot start."""

import pytest
from django.core.exceptions import PermissionDenied

from chinhquyen.appointments.choices import TicketKind, TicketStatus
from chinhquyen.appointments.exceptions import SlotUnavailable, TicketConflict
from chinhquyen.appointments.models import Slot, Ticket
from chinhquyen.appointments.services import book_ticket, cancel_ticket, configure_slots
from chinhquyen.audit.models import AuditEntry
from chinhquyen.conftest import make_user
from chinhquyen.dossiers.tests.conftest import at

pytestmark = pytest.mark.django_db

NINE = at(2026, 3, 2, 9, 0)


def _book(bookable, agency, user, starts_at=NINE, now=None):
    return book_ticket(
        procedure=bookable.procedure,
        agency=agency,
        starts_at=starts_at,
        acting_user=user,
        now=now or at(2026, 3, 2, 8, 0),
    )


def test_booking_gives_a_numbered_ticket_in_the_slot(bookable, agency, citizen_chi):
    ticket = _book(bookable, agency, citizen_chi)

    assert ticket.label == "A-001"
    assert ticket.kind == TicketKind.BOOKED
    assert ticket.status == TicketStatus.WAITING
    assert ticket.name == "Ngô Thị Chi"
    assert ticket.slot.starts_at == NINE
    assert Slot.objects.get().booked == 1
    assert AuditEntry.objects.filter(action="appointments.book_ticket").count() == 1


def test_a_full_slot_refuses_and_changes_nothing(bookable, agency, officer_an, citizen_chi):
    configure_slots(
        agency=agency, slot_minutes=30, capacity=1, days_ahead=10, prefix="A",
        acting_user=officer_an,
    )  # fmt: skip
    _book(bookable, agency, citizen_chi)
    lan = make_user("lan", kind="citizen", full_name="Bùi Thị Lan")

    with pytest.raises(SlotUnavailable) as refused:
        _book(bookable, agency, lan)

    assert refused.value.status == 409
    assert refused.value.code == "slot_full"
    assert Slot.objects.get().booked == 1
    assert Ticket.objects.count() == 1


def test_one_active_booking_per_citizen_agency_and_day(bookable, agency, citizen_chi):
    _book(bookable, agency, citizen_chi)

    with pytest.raises(TicketConflict):
        _book(bookable, agency, citizen_chi, starts_at=at(2026, 3, 2, 14, 0))

    assert Ticket.objects.count() == 1
    assert list(Slot.objects.values_list("booked", flat=True)) == [1]


@pytest.mark.parametrize(
    ("starts_at", "code"),
    [
        (at(2026, 3, 2, 7, 30), "slot_past"),  # begun at 08:00
        (at(2026, 3, 2, 9, 10), "no_such_slot"),  # not a slot boundary
        (at(2026, 3, 2, 12, 0), "no_such_slot"),  # lunch break
        (at(2026, 3, 1, 9, 0), "day_not_bookable"),  # Sunday
        (at(2026, 4, 1, 9, 0), "day_not_bookable"),  # beyond 10 working days
    ],
)
def test_times_that_are_not_bookable_are_refused(bookable, agency, citizen_chi, starts_at, code):
    with pytest.raises(SlotUnavailable) as refused:
        _book(bookable, agency, citizen_chi, starts_at=starts_at)

    assert refused.value.code == code
    assert Ticket.objects.count() == 0
    assert Slot.objects.count() == 0


def test_an_agency_that_does_not_implement_the_procedure_is_refused(
    bookable, coded_orgs, citizen_chi
):
    with pytest.raises(SlotUnavailable) as refused:
        _book(bookable, coded_orgs.dept_b, citizen_chi)

    assert refused.value.code == "wrong_agency"
    assert Ticket.objects.count() == 0


def test_officials_do_not_book_online(bookable, agency, officer_an):
    with pytest.raises(PermissionDenied):
        _book(bookable, agency, officer_an)
    assert Ticket.objects.count() == 0


def test_cancel_frees_the_place_until_the_slot_begins(bookable, agency, citizen_chi):
    ticket = _book(bookable, agency, citizen_chi)

    cancelled = cancel_ticket(ticket=ticket, acting_user=citizen_chi, now=at(2026, 3, 2, 8, 59))

    assert cancelled.status == TicketStatus.CANCELLED
    assert Slot.objects.get().booked == 0
    # The citizen may book again that day.
    assert _book(bookable, agency, citizen_chi).label == "A-002"


def test_cancel_after_the_start_or_twice_is_refused(bookable, agency, citizen_chi):
    ticket = _book(bookable, agency, citizen_chi)

    with pytest.raises(TicketConflict) as late:
        cancel_ticket(ticket=ticket, acting_user=citizen_chi, now=at(2026, 3, 2, 9, 0))
    assert late.value.code == "too_late"
    assert Ticket.objects.get().status == TicketStatus.WAITING
    assert Slot.objects.get().booked == 1

    cancel_ticket(ticket=ticket, acting_user=citizen_chi, now=at(2026, 3, 2, 8, 0))
    with pytest.raises(TicketConflict) as again:
        cancel_ticket(ticket=ticket, acting_user=citizen_chi, now=at(2026, 3, 2, 8, 1))
    assert again.value.code == "already_cancelled"
    assert Slot.objects.get().booked == 0


def test_another_citizen_cannot_cancel(bookable, agency, citizen_chi, other_citizen):
    ticket = _book(bookable, agency, citizen_chi)

    with pytest.raises(PermissionDenied):
        cancel_ticket(ticket=ticket, acting_user=other_citizen, now=at(2026, 3, 2, 8, 0))

    assert Ticket.objects.get().status == TicketStatus.WAITING
    assert Slot.objects.get().booked == 1
