"""Numbering under real concurrent transactions on PostgreSQL (skipped on SQLite).

Sixteen clerks take numbers from one book at the same moment, each in its own transaction
and connection: the book ends with exactly 1…N, no gap and no duplicate. A transaction that
rolls back after taking a number gives it back.
"""

import threading

import pytest
from django.db import connection, connections, transaction

from chinhquyen.documents.choices import BookDirection, IncomingStatus
from chinhquyen.documents.models import BookNumber, IncomingDocument, RegistrationBook
from chinhquyen.documents.services import numbering

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL row locks"
)

CLERKS = 16
PER_CLERK = 5


@pytest.fixture(autouse=True)
def seeded(reseeded):
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
def test_sixteen_clerks_at_once_get_exactly_one_to_n(org_tree):
    """The year is not open yet: the first clerks race to open it, too (one set of books)."""

    def clerk(i):
        taken = []
        for _ in range(PER_CLERK):
            with transaction.atomic():
                book = numbering.book_for(org_tree.dept_a, BookDirection.INCOMING, year=2026)
                taken.append(numbering.take_number(book).number)
        return taken

    results, errors = _run_threads(clerk, CLERKS)
    assert errors == []
    assert RegistrationBook.objects.filter(organisation=org_tree.dept_a, year=2026).count() == 4
    book = RegistrationBook.objects.get(
        organisation=org_tree.dept_a, year=2026, direction=BookDirection.INCOMING, is_secret=False
    )
    numbers = sorted(n for batch in results for n in batch)
    total = CLERKS * PER_CLERK
    assert numbers == list(range(1, total + 1))
    stored = list(
        BookNumber.objects.filter(book=book).order_by("number").values_list("number", flat=True)
    )
    assert stored == list(range(1, total + 1))
    book.refresh_from_db()
    assert book.last_number == total


@pytest.mark.django_db(transaction=True)
def test_concurrent_registrations_with_some_rolled_back_leave_no_gap(org_tree, clerk_hoa):
    """Whole registrations (document + number + event + audit) race; every third fails after
    taking its number and rolls back: the committed documents hold exactly 1…K."""
    from chinhquyen.documents.services.incoming import register_incoming
    from chinhquyen.documents.tests.test_incoming_registration import metadata

    numbering.open_year_books(org_tree.dept_a, numbering.local_year())

    class Abort(Exception):
        pass

    def clerk(i):
        with transaction.atomic():
            result = register_incoming(
                organisation=org_tree.dept_a,
                metadata=metadata(number=str(100 + i)),
                acting_user=clerk_hoa,
            )
            if i % 3 == 0:
                raise Abort
        return result.document.arrival_number

    results, errors = _run_threads(clerk, CLERKS)
    assert all(isinstance(e, Abort) for e in errors)
    kept = CLERKS - len(errors)
    assert sorted(results) == list(range(1, kept + 1))
    arrivals = sorted(
        IncomingDocument.objects.filter(status=IncomingStatus.REGISTERED).values_list(
            "arrival_number", flat=True
        )
    )
    assert arrivals == list(range(1, kept + 1))
