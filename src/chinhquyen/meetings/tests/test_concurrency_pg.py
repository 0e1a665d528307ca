"""Two clerks book the same endpoint for overlapping times at once: exactly one wins
(PostgreSQL exclusion constraint; skipped on SQLite, whose single writer serialises anyway)."""

import threading

import pytest
from django.db import connection, connections

from chinhquyen.meetings import services
from chinhquyen.meetings.errors import BookingConflict
from chinhquyen.meetings.models import CalendarEntry, ConferenceEndpoint, EndpointBooking
from chinhquyen.meetings.tests.conftest import at

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs the PostgreSQL exclusion constraint"
)


@pytest.fixture(autouse=True)
def seeded(reseeded):
    """What the data migrations seeded, again after a flush (conftest.reseeded)."""


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("skip_precheck", [False, True], ids=["as-is", "constraint-only"])
def test_two_concurrent_bookings_of_one_endpoint_exactly_one_wins(
    make_entry, endpoint_a, clerk_hoa, monkeypatch, skip_precheck
):
    if skip_precheck:
        # Both transactions pass the service's own look-up (as when they run it at the same
        # instant), so only the exclusion constraint can stop the second INSERT.
        real = services.overlapping_bookings
        seen = threading.local()

        def first_look_finds_nothing(*args, **kwargs):
            found = real(*args, **kwargs)
            if not getattr(seen, "looked", False):
                seen.looked = True
                return found.none()
            return found

        monkeypatch.setattr(services, "overlapping_bookings", first_look_finds_nothing)
    first = make_entry("Họp của văn thư 1", start=at(2026, 12, 1, 8), end=at(2026, 12, 1, 10))
    second = make_entry("Họp của văn thư 2", start=at(2026, 12, 1, 9), end=at(2026, 12, 1, 11))
    entries = [first.pk, second.pk]
    barrier = threading.Barrier(2)
    results, errors = [], []

    def book(i):
        try:
            entry = CalendarEntry.objects.get(pk=entries[i])
            endpoint = ConferenceEndpoint.objects.get(pk=endpoint_a.pk)
            barrier.wait()
            results.append(services.book_endpoint(entry, endpoint, acting_user=clerk_hoa))
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=book, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(results) == 1, errors
    assert len(errors) == 1 and isinstance(errors[0], BookingConflict)
    winner = results[0].entry.title
    assert winner in errors[0].message  # the loser is told which meeting holds the endpoint
    assert EndpointBooking.objects.filter(released_at__isnull=True).count() == 1
