"""A message crosses real HTTP into a real inbox (the live server), once."""

import pytest
from django.db import transaction

from chinhquyen.exchange.inbox import process_pending
from chinhquyen.exchange.messagelog import verify_log
from chinhquyen.exchange.models import InboxMessage, MessageLogEntry, OutboxMessage
from chinhquyen.exchange.outbox import deliver_due, enqueue
from chinhquyen.exchange.tests.conftest import SECRET


def send(key: str, destination: str = "T01") -> OutboxMessage:
    with transaction.atomic():
        return enqueue(
            connector="peer",
            destination=destination,
            kind="test.note",
            body=b'{"so": "12/UBND-VP"}',
            content_type="application/json",
            idempotency_key=key,
        )


@pytest.mark.django_db(transaction=True)
def test_delivery_duplicate_and_refusal_over_http(live_server, peers, note_kind):
    inbox_url = live_server.url + "/exchange/inbox/"
    peers.EXCHANGE_PEERS = {
        "T01": {"url": inbox_url, "secret": SECRET},
        "BAD": {"url": inbox_url, "secret": "a-secret-the-receiver-does-not-share"},
    }
    message = send("doc-1")
    assert deliver_due() == {"delivered": 1}
    message.refresh_from_db()
    received = InboxMessage.objects.get()
    assert (message.remote_id, message.last_status_code) == (str(received.pk), 202)

    # The answer was lost: the sender sends again; the receiver answers with the first id.
    OutboxMessage.objects.filter(pk=message.pk).update(status="pending")
    assert deliver_due() == {"delivered": 1}
    message.refresh_from_db()
    assert (message.remote_id, message.last_status_code) == (str(received.pk), 200)
    assert InboxMessage.objects.count() == 1
    assert process_pending() == {"processed": 1}
    assert len(note_kind.seen) == 1

    # A signature the receiver refuses is permanent: dead at once, not retried for hours.
    refused = send("doc-2", destination="BAD")
    peers.EXCHANGE_NODE_CODE = "T01"
    assert deliver_due() == {"dead": 1}
    refused.refresh_from_db()
    assert refused.last_status_code == 401
    assert "bad_signature" in refused.last_error
    assert InboxMessage.objects.count() == 1

    log = MessageLogEntry.objects.order_by("id").values_list("direction", "outcome", "status_code")
    assert sorted(log) == sorted(
        [
            ("in", "accepted", 202),
            ("out", "delivered", 202),
            ("in", "duplicate", 200),
            ("out", "duplicate", 200),
            ("in", "bad_signature", 401),
            ("out", "dead", 401),
        ]
    )
    assert verify_log().ok
