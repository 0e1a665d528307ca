"""Concurrent bookings and calls on PostgreSQL (skipped on SQLite, whose single writer
serialises anyway): capacity is never exceeded and each ticket goes to exactly one counter."""

import threading

import pytest
from django.db import connection, connections

from chinhquyen.appointments.exceptions import SlotUnavailable, TicketConflict
from chinhquyen.appointments.models import Slot, Ticket
from chinhquyen.appointments.services import (
    book_ticket,
    call_next_ticket,
    configure_slots,
    issue_walk_in_ticket,
)
from chinhquyen.conftest import make_user
from chinhquyen.dossiers.tests.conftest import at

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL concurrent transactions"
)

EARLY = at(2026, 3, 2, 8, 0)


@pytest.fixture(autouse=True)
def seeded_hours(reseeded):
    """What the data migrations seeded, again after a flush (conftest.reseeded)."""


def _run_threads(target, count):
    errors, results = [], []
    barrier = threading.Barrier(count)

    def worker(i):
        try:
            barrier.wait()
            results.append(target(i))
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors


@pytest.mark.django_db(transaction=True)
def test_eight_citizens_racing_for_three_places_get_exactly_three(bookable, agency, officer_an):
    configure_slots(
        agency=agency, slot_minutes=30, capacity=3, days_ahead=10, prefix="A",
        acting_user=officer_an,
    )  # fmt: skip
    citizens = [make_user(f"racer{i}", kind="citizen", full_name=f"Racer {i}") for i in range(8)]

    def book(i):
        return book_ticket(
            procedure=bookable.procedure, agency=agency, starts_at=at(2026, 3, 2, 9, 0),
            acting_user=citizens[i], now=EARLY,
        )  # fmt: skip

    results, errors = _run_threads(book, 8)

    assert len(results) == 3
    assert len(errors) == 5
    assert all(isinstance(e, SlotUnavailable) and e.code == "slot_full" for e in errors)
    assert Slot.objects.get().booked == 3
    assert sorted(Ticket.objects.values_list("number", flat=True)) == [1, 2, 3]


@pytest.mark.django_db(transaction=True)
def test_one_citizen_booking_twice_at_once_gets_one_ticket(bookable, agency, citizen_chi):
    def book(i):
        return book_ticket(
            procedure=bookable.procedure, agency=agency, starts_at=at(2026, 3, 2, 9 + i, 0),
            acting_user=citizen_chi, now=EARLY,
        )  # fmt: skip

    results, errors = _run_threads(book, 2)

    assert len(results) == 1
    assert len(errors) == 1 and isinstance(errors[0], TicketConflict)
    assert Ticket.objects.count() == 1
    assert sum(Slot.objects.values_list("booked", flat=True)) == 1


@pytest.mark.django_db(transaction=True)
def test_four_counters_calling_at_once_never_share_a_ticket(agency, officer_an):
    for _ in range(2):
        issue_walk_in_ticket(agency=agency, acting_user=officer_an, now=EARLY)

    def call(i):
        return call_next_ticket(
            agency=agency, counter=f"Quầy {i}", acting_user=officer_an,
            now=at(2026, 3, 2, 8, 5),
        )  # fmt: skip

    results, errors = _run_threads(call, 4)

    assert errors == []
    called = [t for t in results if t is not None]
    assert sorted(t.number for t in called) == [1, 2]
    assert results.count(None) == 2
    assert len(set(Ticket.objects.values_list("counter", flat=True))) == 2
