"""Claims take due messages oldest first across both kinds of "due" (pending and due; sending
with an expired lease), and on PostgreSQL without sorting the whole backlog at each claim."""

import json
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from chinhquyen.exchange.models import OutboxMessage
from chinhquyen.exchange.outbox import claim, enqueue

pytestmark = pytest.mark.django_db


def _queue(keys: list[str]) -> list[OutboxMessage]:
    with transaction.atomic():
        return [
            enqueue(
                connector="peer",
                destination="T02",
                kind="test.note",
                body=key.encode(),
                content_type="text/plain",
                idempotency_key=key,
            )
            for key in keys
        ]


def test_pending_and_expired_claims_are_taken_oldest_first(peers):
    now = timezone.now()
    old, mid, new, later = _queue(["old", "mid", "new", "later"])
    OutboxMessage.objects.filter(pk=old.pk).update(next_attempt_at=now - timedelta(minutes=30))
    OutboxMessage.objects.filter(pk=mid.pk).update(next_attempt_at=now - timedelta(minutes=20))
    OutboxMessage.objects.filter(pk=new.pk).update(next_attempt_at=now - timedelta(minutes=10))
    OutboxMessage.objects.filter(pk=later.pk).update(next_attempt_at=now + timedelta(minutes=5))
    # "mid" was claimed by a worker that died: its lease expired a minute ago.
    OutboxMessage.objects.filter(pk=mid.pk).update(
        status="sending", claimed_by="dead:1", claimed_until=now - timedelta(minutes=1)
    )

    first = claim(worker="w1", now=now, limit=2)
    assert {m.idempotency_key for m in first} == {"old", "mid"}
    assert all(m.claimed_by.startswith("w1:") for m in first)
    rest = claim(worker="w2", now=now, limit=5)
    assert [m.idempotency_key for m in rest] == ["new"]  # "later" is not due yet
    assert claim(worker="w3", now=now, limit=5) == []
    assert OutboxMessage.objects.get(pk=mid.pk).attempts == 1  # its first claim was faked


def test_a_limit_of_one_takes_the_expired_lease_when_it_is_older(peers):
    now = timezone.now()
    pending, stuck = _queue(["pending", "stuck"])
    OutboxMessage.objects.filter(pk=pending.pk).update(next_attempt_at=now - timedelta(minutes=1))
    OutboxMessage.objects.filter(pk=stuck.pk).update(
        status="sending",
        claimed_by="dead:2",
        claimed_until=now - timedelta(seconds=1),
        next_attempt_at=now - timedelta(hours=1),
    )
    assert [m.pk for m in claim(worker="w1", now=now, limit=1)] == [stuck.pk]
    assert [m.pk for m in claim(worker="w1", now=now, limit=1)] == [pending.pk]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL query plans")
def test_the_pending_claim_reads_the_index_in_order_not_the_whole_backlog(peers):
    """With a backlog (and the history of delivered messages beside it), the pending half of
    a claim must not sort every due message: the plan reads the (status, next_attempt_at)
    index in order and stops after the limit."""
    now = timezone.now()
    # Rows written directly: the plan depends on the table's shape, not on how rows came.
    OutboxMessage.objects.bulk_create(
        OutboxMessage(
            connector="peer",
            destination="T02",
            kind="test.note",
            content_type="text/plain",
            idempotency_key=f"b-{n}",
            body=b"x",
            body_size=1,
            body_sha256="0" * 64,
            status="delivered" if n % 4 else "pending",
            created_at=now,
            next_attempt_at=now - timedelta(seconds=n),
        )
        for n in range(8000)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE exchange_outboxmessage")
    with CaptureQueriesContext(connection) as queries:
        claimed = claim(worker="w1", now=now, limit=1)
    assert [m.idempotency_key for m in claimed] == ["b-7996"]  # the oldest pending one
    selects = [q["sql"] for q in queries.captured_queries if "SKIP LOCKED" in q["sql"]]
    assert selects
    for sql in selects:
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}")
            plan = cursor.fetchone()[0]
        # A handful of index entries read for one message, not the 2,000 waiting.
        rows_read = list(_index_rows(plan[0]["Plan"]))
        assert rows_read and max(rows_read) < 100, json.dumps(plan)


def _index_rows(node: dict):
    """Rows each index scan of the plan returned."""
    if node.get("Index Name"):
        yield node.get("Actual Rows", 0)
    for child in node.get("Plans", []):
        yield from _index_rows(child)
