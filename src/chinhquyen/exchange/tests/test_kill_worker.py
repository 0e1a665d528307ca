"""THE KILL TEST (issue 7 item 3): a worker killed with SIGKILL mid-delivery loses nothing and
duplicates nothing at the receiver.

Sender and receiver share the test database (one installation sending to its own inbox over
real HTTP: the live server). Between them, a relay holds back the receiver's first answer:
the receiver has stored the message, the worker is still waiting. The worker — a separate
OS process (``chinhquyen exchange_worker --once``) on the same database — is killed with
SIGKILL at that moment. Its claim expires after the lease; a new worker re-delivers; the
receiver's inbox recognises the idempotency key and answers with the first message's id.
"""

import json
import os
import signal
import subprocess
import sys
import time
from urllib.parse import quote

import pytest
from django.db import connection, transaction
from django.utils import timezone

from chinhquyen.exchange.inbox import process_pending
from chinhquyen.exchange.messagelog import verify_log
from chinhquyen.exchange.models import InboxMessage, MessageLogEntry, OutboxMessage
from chinhquyen.exchange.outbox import enqueue
from chinhquyen.exchange.tests.conftest import SECRET
from chinhquyen.exchange.tests.loopback import DelayingRelay

LEASE_SECONDS = 2


def database_url() -> str:
    """The test database, as a DATABASE_URL for another process."""
    params = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{params['NAME']}"
    user = quote(params.get("USER") or "")
    password = f":{quote(params['PASSWORD'])}" if params.get("PASSWORD") else ""
    host = params.get("HOST") or "127.0.0.1"
    port = f":{params['PORT']}" if params.get("PORT") else ""
    return f"postgres://{user}{password}@{host}{port}/{params['NAME']}"


def worker(relay_url: str) -> list[str]:
    return [sys.executable, "-m", "chinhquyen", "exchange_worker", "--once"] + [
        "--lease",
        str(LEASE_SECONDS),
    ]


@pytest.fixture
def relay(live_server):
    relay = DelayingRelay(live_server.url, hold_first=60)
    relay.start()
    yield relay
    relay.stop()


@pytest.mark.django_db(transaction=True)
def test_killing_the_worker_mid_delivery_loses_and_duplicates_nothing(relay, peers, note_kind):
    peers.EXCHANGE_PEERS = {"T01": {"url": relay.base_url + "/exchange/inbox/", "secret": SECRET}}
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "EXCHANGE_NODE_CODE": "T01",
        "EXCHANGE_PEERS": json.dumps(peers.EXCHANGE_PEERS),
        "LOG_LEVEL": "WARNING",
    }
    with transaction.atomic():
        message = enqueue(
            connector="peer",
            destination="T01",
            kind="test.note",
            body='{"so": "15/QĐ-UBND"}'.encode(),
            content_type="application/json",
            idempotency_key="decision-15",
        )

    first = subprocess.Popen(worker(relay.base_url), env=env)  # noqa: S603 (our own command)
    try:
        assert relay.forwarded.wait(60), "the first worker never reached the receiver"
        # The receiver has committed the message; the worker waits for the held answer.
        assert InboxMessage.objects.count() == 1
        message.refresh_from_db()
        assert (message.status, message.attempts) == ("sending", 1)
        os.kill(first.pid, signal.SIGKILL)
        assert first.wait(10) == -signal.SIGKILL
    finally:
        if first.poll() is None:
            first.kill()
    message.refresh_from_db()
    assert message.status == "sending"  # the dead worker's claim, until its lease expires

    while timezone.now() <= message.claimed_until:
        time.sleep(0.2)
    second = subprocess.run(  # noqa: S603 (our own command)
        worker(relay.base_url), env=env, timeout=120, capture_output=True, text=True
    )
    assert second.returncode == 0, second.stderr

    message.refresh_from_db()
    received = InboxMessage.objects.get()
    assert (message.status, message.attempts, message.remote_id) == (
        "delivered",
        2,
        str(received.pk),
    )
    assert relay.seen == [("decision-15", 202), ("decision-15", 200)]
    assert list(
        MessageLogEntry.objects.order_by("id").values_list("direction", "outcome", "status_code")
    ) == [("in", "accepted", 202), ("in", "duplicate", 200), ("out", "duplicate", 200)]
    # Processed once by the receiver, whoever runs the processing and how often.
    process_pending()
    process_pending()
    assert note_kind.seen == [(received.pk, '{"so": "15/QĐ-UBND"}'.encode())]
    assert OutboxMessage.objects.count() == 1
    assert verify_log().ok
