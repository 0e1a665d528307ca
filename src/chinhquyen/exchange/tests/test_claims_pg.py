"""PostgreSQL: concurrent workers claim disjoint messages (FOR UPDATE SKIP LOCKED + lease)."""

import threading

import pytest
from django.db import connection, connections, transaction

from chinhquyen.exchange.outbox import claim, enqueue

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL (row locks)"
)


@pytest.mark.django_db(transaction=True)
def test_four_workers_never_claim_the_same_message(peers):
    with transaction.atomic():
        for n in range(40):
            enqueue(
                connector="peer",
                destination="T02",
                kind="test.note",
                body=str(n).encode(),
                content_type="text/plain",
                idempotency_key=f"k-{n}",
            )
    claimed: dict[str, list[int]] = {}
    start = threading.Barrier(4)

    def work(name: str) -> None:
        mine = claimed.setdefault(name, [])
        start.wait()
        try:
            while batch := claim(worker=name, limit=3):
                mine.extend(m.pk for m in batch)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(f"w{n}",)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    every = [pk for ids in claimed.values() for pk in ids]
    assert len(every) == len(set(every)) == 40
