"""Operations view (issue 7 item 7): figures per connector and peer, dead letters, retry now."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation

from chinhquyen.exchange import messagelog
from chinhquyen.exchange.models import OutboxMessage
from chinhquyen.exchange.outbox import deliver_due, enqueue
from chinhquyen.exchange.stats import exchange_stats, percentile

pytestmark = pytest.mark.django_db


def dead_messages(settings, count: int = 2) -> list[OutboxMessage]:
    settings.EXCHANGE_MAX_ATTEMPTS = 1
    with transaction.atomic():
        messages = [
            enqueue(
                connector="peer",
                destination="T02",
                kind="test.note",
                body=b"{}",
                content_type="application/json",
                idempotency_key=f"doc-{n}",
            )
            for n in range(count)
        ]
    assert deliver_due() == {"dead": count}
    return messages


def test_percentile_is_nearest_rank():
    assert percentile([], 0.5) is None
    assert percentile([30, 10, 20, 40], 0.5) == 20
    assert percentile(list(range(1, 101)), 0.95) == 95


def test_exchange_stats_per_connector_and_peer(peers, settings):
    dead_messages(settings)
    for latency in (10, 20, 30, 40):
        messagelog.append(
            direction="in", connector="peer", peer="T09", status_code=202,
            latency_ms=latency, outcome="accepted",
        )  # fmt: skip
    messagelog.append(
        direction="in", connector="peer", peer="T09", status_code=401, latency_ms=5,
        outcome="bad_signature", error="bad_signature: The signature does not match",
    )  # fmt: skip
    now = timezone.now()
    rows = exchange_stats(since=now - timedelta(hours=1), until=now + timedelta(seconds=1))
    out, incoming = rows
    assert (out.direction, out.connector, out.peer) == ("out", "peer", "T02")
    assert (out.delivered, out.failed_attempts, out.dead, out.waiting) == (0, 2, 2, 0)
    assert "ConnectionError" in out.last_error
    assert (incoming.direction, incoming.peer, incoming.refused, incoming.requests) == (
        "in",
        "T09",
        1,
        5,
    )
    assert (incoming.p50_ms, incoming.p95_ms) == (20, 40)  # of 5, 10, 20, 30, 40 ms
    assert incoming.last_error.startswith("bad_signature")
    # Outside the window: no attempts counted, the dead ones are still there (current state).
    later = exchange_stats(since=now + timedelta(hours=1), until=now + timedelta(hours=2))
    assert [(r.peer, r.failed_attempts, r.dead) for r in later] == [("T02", 0, 2)]


def test_the_platform_it_admin_sees_the_figures_and_retries(
    client, login, peers, settings, it_admin_tuan
):
    first, second = dead_messages(settings)
    login(it_admin_tuan)
    with translation.override("vi"):
        page = client.get(
            reverse("exchange:operations"), {"hours": "24"}, HTTP_ACCEPT_LANGUAGE="vi"
        )
    assert page.status_code == 200
    assert "T02" in page.content.decode()
    assert "Trao đổi dữ liệu: vận hành" in page.content.decode()
    listing = client.get(reverse("exchange:outbox"), {"status": "dead", "connector": "peer"})
    assert listing.status_code == 200
    html = listing.content.decode()
    assert reverse("exchange:outbox_retry", args=[first.pk]) in html
    assert reverse("exchange:outbox_retry_dead") in html

    response = client.post(reverse("exchange:outbox_retry", args=[first.pk]))
    assert response.status_code == 302
    first.refresh_from_db()
    assert (first.status, first.attempts) == ("pending", 0)

    response = client.post(
        reverse("exchange:outbox_retry_dead"), {"connector": "peer", "destination": "T02"}
    )
    assert response.status_code == 302
    second.refresh_from_db()
    assert second.status == "pending"
    assert client.get(reverse("exchange:inbox_messages")).status_code == 200


@pytest.mark.parametrize("persona", ["it_admin_dept", "officer_an"])
def test_others_may_not_see_or_retry(client, login, peers, settings, persona, request):
    [message] = dead_messages(settings, count=1)
    login(request.getfixturevalue(persona))
    assert client.get(reverse("exchange:operations")).status_code == 403
    assert client.get(reverse("exchange:outbox")).status_code == 403
    assert client.post(reverse("exchange:outbox_retry", args=[message.pk])).status_code == 403
    message.refresh_from_db()
    assert message.status == "dead"


def test_anonymous_is_sent_to_sign_in(client):
    assert client.get(reverse("exchange:operations")).status_code == 302
