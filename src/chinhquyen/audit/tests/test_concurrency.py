"""Concurrent writers never fork the chain (PostgreSQL: the advisory lock serialises them)."""

import threading

import pytest
from django.db import connection, connections, transaction

from chinhquyen.audit.models import AuditEntry
from chinhquyen.audit.services import log_action, verify_chain

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
]

WRITERS = 8
ENTRIES_PER_WRITER = 10


def test_concurrent_transactions_append_one_unforked_chain():
    start = threading.Barrier(WRITERS)
    errors: list[BaseException] = []

    def writer(number: int) -> None:
        try:
            start.wait()
            for step in range(ENTRIES_PER_WRITER):
                with transaction.atomic():
                    log_action("test.concurrent", details={"writer": number, "step": step})
                    log_action("test.concurrent.second", details={"writer": number})
        except BaseException as error:  # noqa: BLE001 - reported by the main thread
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    written = AuditEntry.objects.filter(action__startswith="test.concurrent").count()
    assert written == WRITERS * ENTRIES_PER_WRITER * 2
    prev_hashes = list(AuditEntry.objects.values_list("prev_hash", flat=True))
    assert len(prev_hashes) == len(set(prev_hashes))  # no two entries share a parent
    result = verify_chain(batch_size=7)
    assert result.ok is True
    assert result.checked == AuditEntry.objects.count()
