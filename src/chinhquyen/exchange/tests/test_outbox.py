"""The outbox: written with the change, one message per idempotency key, retried, dead-lettered."""

import random
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from chinhquyen.audit.models import AuditEntry
from chinhquyen.exchange.messagelog import verify_log
from chinhquyen.exchange.models import MessageLogEntry, OutboxMessage
from chinhquyen.exchange.outbox import (
    OutboxError,
    backoff,
    claim,
    deliver_due,
    enqueue,
    retry_dead,
    retry_message,
    send_claimed,
)

pytestmark = pytest.mark.django_db


def note(key: str = "doc-1", body: bytes = b'{"n": 1}', **extra) -> OutboxMessage:
    return enqueue(
        connector="peer",
        destination="T02",
        kind="test.note",
        body=body,
        content_type="application/json",
        idempotency_key=key,
        **extra,
    )


def test_a_rolled_back_transaction_sends_nothing(peers, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            note()
            raise RuntimeError("the business change failed")
    assert callbacks == []
    assert not OutboxMessage.objects.exists()
    assert deliver_due() == {}
    assert not MessageLogEntry.objects.exists()


def test_a_committed_enqueue_hands_the_message_to_the_worker(
    peers, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        message = note(related="dossier:000.00.01.H01-260101-0001")
    assert len(callbacks) == 1
    assert (message.status, message.attempts, message.related_ref) == (
        "pending",
        0,
        "dossier:000.00.01.H01-260101-0001",
    )
    assert AuditEntry.objects.filter(action="exchange.enqueue", object_id=str(message.pk)).exists()


def test_the_same_idempotency_key_twice_is_one_message(peers, org_tree):
    first = note(related=org_tree.dept_a)
    second = note()
    assert second.pk == first.pk
    assert OutboxMessage.objects.count() == 1
    assert first.related_label == f"directory.organisation:{org_tree.dept_a.pk}"
    with pytest.raises(OutboxError) as refused:
        note(body=b'{"n": 2}')
    assert refused.value.code == "idempotency_conflict"


def test_enqueue_outside_a_transaction_is_refused(peers, monkeypatch):
    connection = transaction.get_connection()
    monkeypatch.setattr(connection, "in_atomic_block", False)
    with pytest.raises(OutboxError) as refused:
        note()
    assert refused.value.code == "not_in_transaction"


def test_a_large_body_goes_to_a_file(peers, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.EXCHANGE_INLINE_BODY_MAX_BYTES = 1024
    body = b"x" * 5000
    message = note(body=body)
    message.refresh_from_db()
    assert bytes(message.body) == b""
    assert message.body_file.name.startswith("exchange/outbox/")
    assert (message.read_body(), message.body_size) == (body, 5000)


def test_backoff_doubles_is_capped_and_jittered(settings):
    settings.EXCHANGE_RETRY_BASE_SECONDS = 10
    settings.EXCHANGE_RETRY_MAX_SECONDS = 60
    settings.EXCHANGE_RETRY_JITTER = 0.0
    assert [backoff(n).total_seconds() for n in (1, 2, 3, 4, 5)] == [10, 20, 40, 60, 60]
    settings.EXCHANGE_RETRY_JITTER = 0.5
    draws = {backoff(3, rng=random.Random(seed)).total_seconds() for seed in range(20)}
    assert all(20 <= d <= 40 for d in draws) and len(draws) > 1


def test_failures_are_retried_with_backoff_then_dead(peers, settings):
    settings.EXCHANGE_MAX_ATTEMPTS = 3
    settings.EXCHANGE_RETRY_BASE_SECONDS = 10
    message = note()
    waits = []
    for expected in ("pending", "pending", "dead"):
        before = timezone.now()
        assert deliver_due(now=max(before, message.next_attempt_at)) == {expected: 1}
        message.refresh_from_db()
        waits.append(round((message.next_attempt_at - before).total_seconds()))
        assert "ConnectionError" in message.last_error
    assert message.attempts == 3
    assert waits[:2] == [10, 20]
    # Dead: never picked up again by the worker.
    assert deliver_due(now=timezone.now() + timedelta(days=30)) == {}
    log = list(MessageLogEntry.objects.order_by("id").values_list("outcome", "status_code"))
    assert log == [("retry", None), ("retry", None), ("dead", None)]
    assert list(
        AuditEntry.objects.filter(object_id=str(message.pk), action__startswith="exchange.")
        .order_by("id")
        .values_list("action", flat=True)
    ) == ["exchange.enqueue", "exchange.attempt_failed", "exchange.attempt_failed", "exchange.dead"]
    assert verify_log().ok


def test_retry_now_gives_a_dead_message_a_new_round(peers, settings, it_admin_tuan):
    settings.EXCHANGE_MAX_ATTEMPTS = 1
    message = note()
    assert deliver_due() == {"dead": 1}
    message.refresh_from_db()
    retry_message(message, acting_user=it_admin_tuan)
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("pending", 0)
    assert message.next_attempt_at <= timezone.now()
    assert AuditEntry.objects.filter(action="exchange.retry", actor=it_admin_tuan).exists()
    assert deliver_due() == {"dead": 1}


def test_retry_all_dead_of_one_connector(peers, settings, it_admin_tuan):
    settings.EXCHANGE_MAX_ATTEMPTS = 1
    for n in range(3):
        note(key=f"doc-{n}")
    assert deliver_due() == {"dead": 3}
    assert retry_dead(connector="peer", destination="T02", acting_user=it_admin_tuan) == 3
    assert set(OutboxMessage.objects.values_list("status", "attempts")) == {("pending", 0)}
    assert retry_dead(connector="other", acting_user=it_admin_tuan) == 0


def test_a_delivered_or_sending_message_cannot_be_retried(peers, it_admin_tuan):
    message = note()
    [claimed] = claim(worker="w1")
    with pytest.raises(OutboxError):
        retry_message(claimed, acting_user=it_admin_tuan)
    OutboxMessage.objects.filter(pk=message.pk).update(status="delivered")
    with pytest.raises(OutboxError):
        retry_message(message, acting_user=it_admin_tuan)


def test_a_claim_excludes_other_workers_until_its_lease_expires(peers):
    note()
    now = timezone.now()
    [first] = claim(worker="w1", now=now, lease=timedelta(seconds=60))
    assert claim(worker="w2", now=now + timedelta(seconds=59)) == []
    # The first worker died: after the lease another one takes the message over.
    [second] = claim(worker="w2", now=now + timedelta(seconds=61))
    assert (second.pk, second.attempts) == (first.pk, 2)
    # The first worker wakes up and fails: its outcome no longer touches the row.
    send_claimed(first)
    second.refresh_from_db()
    assert (second.status, second.claimed_by) == ("sending", second.claimed_by)
    assert second.claimed_by.startswith("w2:")
    assert MessageLogEntry.objects.get().outcome == "lease_lost"


def test_a_connector_not_configured_yet_keeps_the_message_for_the_administrator(peers):
    message = enqueue(
        connector="future_connector",
        destination="000.00.00.G22",
        kind="edxml.document",
        body=b"<edXMLEnvelope/>",
        content_type="application/xml",
        idempotency_key="edxml:1",
    )
    assert deliver_due() == {"dead": 1}
    message.refresh_from_db()
    assert "Unknown exchange connector 'future_connector'" in message.last_error
