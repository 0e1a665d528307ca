"""The counter calls the next ticket: booked tickets of the current slot first, then walk-ins."""

import pytest
from django.core.exceptions import PermissionDenied

from chinhquyen.appointments.choices import TicketKind, TicketStatus
from chinhquyen.appointments.exceptions import TicketConflict
from chinhquyen.appointments.models import Ticket
from chinhquyen.appointments.services import (
    book_ticket,
    call_next_ticket,
    display_board,
    finish_ticket,
    issue_walk_in_ticket,
    recall_ticket,
)
from chinhquyen.dossiers.tests.conftest import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def morning(bookable, agency, citizen_chi, other_citizen, officer_an):
    """At 08:00: walk-in A-001, Chi booked 09:00 (A-002), walk-in A-003, Lan booked 08:30
    (A-004)."""
    early = at(2026, 3, 2, 8, 0)
    walk_1 = issue_walk_in_ticket(agency=agency, acting_user=officer_an, now=early)
    chi = book_ticket(
        procedure=bookable.procedure, agency=agency, starts_at=at(2026, 3, 2, 9, 0),
        acting_user=citizen_chi, now=early,
    )  # fmt: skip
    walk_3 = issue_walk_in_ticket(agency=agency, acting_user=officer_an, name="Ông Tư", now=early)
    lan = book_ticket(
        procedure=bookable.procedure, agency=agency, starts_at=at(2026, 3, 2, 8, 30),
        acting_user=other_citizen, now=early,
    )  # fmt: skip
    return walk_1, chi, walk_3, lan


def test_walk_ins_share_the_numbering_and_are_marked(morning):
    walk_1, chi, walk_3, lan = morning

    assert [t.label for t in morning] == ["A-001", "A-002", "A-003", "A-004"]
    assert [t.kind for t in morning] == [
        TicketKind.WALK_IN, TicketKind.BOOKED, TicketKind.WALK_IN, TicketKind.BOOKED,
    ]  # fmt: skip
    assert walk_3.name == "Ông Tư"


def test_call_order_booked_in_their_slot_first_then_walk_ins(morning, agency, officer_an):
    walk_1, chi, walk_3, lan = morning
    call = lambda now: call_next_ticket(  # noqa: E731
        agency=agency, counter="Quầy 2", acting_user=officer_an, now=now
    )

    # 08:40: Lan's 08:30 slot is running; Chi's 09:00 has not begun.
    assert call(at(2026, 3, 2, 8, 40)) == lan
    assert call(at(2026, 3, 2, 8, 41)) == walk_1
    # 09:05: Chi's slot is running: she goes before the remaining walk-in.
    assert call(at(2026, 3, 2, 9, 5)) == chi
    assert call(at(2026, 3, 2, 9, 6)) == walk_3
    assert call(at(2026, 3, 2, 9, 7)) is None

    called = Ticket.objects.get(pk=lan.pk)
    assert (called.status, called.counter, called.called_by) == (
        TicketStatus.CALLED, "Quầy 2", officer_an,
    )  # fmt: skip


def test_late_booked_tickets_queue_with_walk_ins_by_number(morning, agency, officer_an):
    walk_1, chi, walk_3, lan = morning
    # 09:40: Lan's 08:30 slot is over (late arrival), Chi's 09:00–09:30 too.
    order = [
        call_next_ticket(
            agency=agency, counter="1", acting_user=officer_an, now=at(2026, 3, 2, 9, 40)
        )
        for _ in range(4)
    ]
    assert order == [walk_1, chi, walk_3, lan]


def test_served_no_show_and_recall(morning, agency, officer_an):
    now = at(2026, 3, 2, 8, 40)
    first = call_next_ticket(agency=agency, counter="1", acting_user=officer_an, now=now)

    recalled = recall_ticket(ticket=first, acting_user=officer_an, now=at(2026, 3, 2, 8, 45))
    assert (recalled.recalls, recalled.called_at) == (1, at(2026, 3, 2, 8, 45))
    assert finish_ticket(ticket=first, outcome="no_show", acting_user=officer_an).status == (
        TicketStatus.NO_SHOW
    )
    second = call_next_ticket(agency=agency, counter="1", acting_user=officer_an, now=now)
    assert finish_ticket(ticket=second, outcome="served", acting_user=officer_an).status == (
        TicketStatus.SERVED
    )
    with pytest.raises(TicketConflict):
        finish_ticket(ticket=second, outcome="no_show", acting_user=officer_an)
    assert Ticket.objects.get(pk=second.pk).status == TicketStatus.SERVED


def test_a_waiting_ticket_cannot_be_marked(morning, officer_an):
    walk_1 = morning[0]
    with pytest.raises(TicketConflict):
        finish_ticket(ticket=walk_1, outcome="served", acting_user=officer_an)
    assert Ticket.objects.get(pk=walk_1.pk).status == TicketStatus.WAITING


def test_an_officer_of_another_agency_cannot_call_or_issue(morning, agency, other_agency_official):
    with pytest.raises(PermissionDenied):
        call_next_ticket(
            agency=agency, counter="9", acting_user=other_agency_official,
            now=at(2026, 3, 2, 8, 40),
        )  # fmt: skip
    with pytest.raises(PermissionDenied):
        issue_walk_in_ticket(agency=agency, acting_user=other_agency_official)
    assert Ticket.objects.count() == 4
    assert set(Ticket.objects.values_list("status", flat=True)) == {TicketStatus.WAITING}


def test_the_display_shows_the_most_recent_calls_first(morning, agency, officer_an):
    call_next_ticket(agency=agency, counter="1", acting_user=officer_an, now=at(2026, 3, 2, 8, 40))
    call_next_ticket(agency=agency, counter="2", acting_user=officer_an, now=at(2026, 3, 2, 8, 41))

    board = display_board(agency, now=at(2026, 3, 2, 8, 42))

    assert [(t.label, t.counter) for t in board] == [("A-001", "2"), ("A-004", "1")]
