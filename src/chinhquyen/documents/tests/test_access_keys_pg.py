"""Access keys under real concurrent transactions on PostgreSQL (skipped on SQLite).

Two leaders assign the same document to two units at the same moment, each in its own
transaction: the document ends with the tokens of both units (documents.access_keys.refresh
locks the document before reading its assignments). Rows written one by one are serialised by
the audit chain's lock too; rows written in bulk are not, so the test writes in bulk.
"""

import threading

import pytest
from django.db import connection, connections, transaction

from chinhquyen.documents import access_keys
from chinhquyen.documents.choices import AssignmentRole
from chinhquyen.documents.models import Assignment, IncomingDocument
from chinhquyen.documents.tests.test_search import at, make_incoming

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL row locks"
)


@pytest.fixture(autouse=True)
def seeded(reseeded):
    """What the data migrations seeded, again after a flush (conftest.reseeded)."""


@pytest.mark.django_db(transaction=True)
def test_two_units_assigned_at_once_both_keep_their_access(org_tree, leader_binh):
    document = make_incoming(org_tree.dept_a, "Kế hoạch giao hai đơn vị", arrived=at())
    first_holds_its_lock, second_starts = threading.Event(), threading.Event()
    errors = []

    def assign(unit, before=None, after=None):
        try:
            if before:
                before.wait(10)
            with transaction.atomic():
                if after is second_starts:
                    second_starts.set()
                # In bulk: no audit entry, whose chain lock would serialise the two anyway.
                Assignment.objects.bulk_create(
                    [
                        Assignment(
                            document_id=document.pk,
                            role=AssignmentRole.COOPERATE,
                            unit=unit,
                            assigned_by=leader_binh,
                        )
                    ]
                )
                if after is first_holds_its_lock:
                    # Hold the document locked while the second one reads and writes.
                    first_holds_its_lock.set()
                    second_starts.wait(10)
                    threading.Event().wait(0.5)
        except Exception as exc:  # noqa: BLE001 - asserted below
            errors.append(exc)
        finally:
            connections.close_all()

    first, second = org_tree.division_a1, org_tree.dept_b
    threads = [
        threading.Thread(target=assign, args=(first, None, first_holds_its_lock)),
        threading.Thread(target=assign, args=(second, first_holds_its_lock, second_starts)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    keys = IncomingDocument.objects.get(pk=document.pk).access_keys
    assert f" u{org_tree.division_a1.pk} " in keys and f" u{org_tree.dept_b.pk} " in keys
    assert access_keys.stale(IncomingDocument) == []
