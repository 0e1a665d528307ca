"""Operations figures per connector and peer (issue 7 item 7; the IOC dashboard reuses them).

:func:`exchange_stats` answers, for a time window: per outgoing (connector, destination) —
messages delivered, failed attempts, dead now, waiting now, latency p50/p95 of the attempts,
last error; per incoming (connector, sender) — messages received, duplicates refused, requests
refused, processing failures, latency p50/p95 of the requests, last error. Latencies come from
the message log (every HTTP exchange), counts of messages from the outbox and inbox tables.
"""

import math
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count, Q

from chinhquyen.exchange.models import (
    Direction,
    InboxMessage,
    InboxStatus,
    MessageLogEntry,
    OutboxMessage,
    OutboxStatus,
)

# Bounds the latency sample read per peer (the newest ones), so a busy window stays cheap.
LATENCY_SAMPLE = 5000


def percentile(values: list[int], fraction: float) -> int | None:
    """Nearest-rank percentile of ``values`` (None for no values)."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(math.ceil(fraction * len(ordered)), 1)
    return ordered[rank - 1]


@dataclass
class PeerStats:
    direction: str
    connector: str
    peer: str
    delivered: int = 0  # out: delivered in the window
    failed_attempts: int = 0  # out: attempts that failed in the window
    dead: int = 0  # out: dead now
    waiting: int = 0  # out: pending or sending now
    received: int = 0  # in: stored in the window
    duplicates: int = 0  # in: re-deliveries answered with the first message
    refused: int = 0  # in: requests refused with an error code
    processing_failed: int = 0  # in: failed now
    requests: int = 0  # HTTP exchanges in the window
    p50_ms: int | None = None
    p95_ms: int | None = None
    last_error: str = ""
    last_error_at: datetime | None = None
    latencies: list[int] = field(default_factory=list, repr=False)


def exchange_stats(*, since: datetime, until: datetime) -> list[PeerStats]:
    """Figures per (direction, connector, peer) for ``since <= t < until``, outgoing first."""
    rows: dict[tuple[str, str, str], PeerStats] = {}

    def row(direction: str, connector: str, peer: str) -> PeerStats:
        key = (direction, connector, peer)
        if key not in rows:
            rows[key] = PeerStats(direction, connector, peer)
        return rows[key]

    in_window = Q(at__gte=since, at__lt=until)
    log = MessageLogEntry.objects.filter(in_window)
    for entry in log.values("direction", "connector", "peer").annotate(
        requests=Count("id"),
        failed=Count("id", filter=Q(outcome__in=["retry", "dead"])),
        duplicates=Count("id", filter=Q(direction=Direction.IN, outcome="duplicate")),
        refused=Count("id", filter=Q(direction=Direction.IN, status_code__gte=400)),
    ):
        stats = row(entry["direction"], entry["connector"], entry["peer"])
        stats.requests = entry["requests"]
        stats.failed_attempts = entry["failed"]
        stats.duplicates = entry["duplicates"]
        stats.refused = entry["refused"]

    for entry in (
        OutboxMessage.objects.values("connector", "destination")
        .annotate(
            delivered=Count("id", filter=Q(delivered_at__gte=since, delivered_at__lt=until)),
            dead=Count("id", filter=Q(status=OutboxStatus.DEAD)),
            waiting=Count("id", filter=Q(status__in=[OutboxStatus.PENDING, OutboxStatus.SENDING])),
        )
        .filter(Q(delivered__gt=0) | Q(dead__gt=0) | Q(waiting__gt=0))
    ):
        stats = row(Direction.OUT, entry["connector"], entry["destination"])
        stats.delivered, stats.dead, stats.waiting = (
            entry["delivered"],
            entry["dead"],
            entry["waiting"],
        )

    for entry in (
        InboxMessage.objects.values("connector", "sender")
        .annotate(
            received=Count("id", filter=Q(received_at__gte=since, received_at__lt=until)),
            failed=Count("id", filter=Q(status=InboxStatus.FAILED)),
        )
        .filter(Q(received__gt=0) | Q(failed__gt=0))
    ):
        stats = row(Direction.IN, entry["connector"], entry["sender"])
        stats.received, stats.processing_failed = entry["received"], entry["failed"]

    for stats in rows.values():
        peer_log = log.filter(direction=stats.direction, connector=stats.connector, peer=stats.peer)
        sample = list(
            peer_log.filter(status_code__isnull=False)
            .order_by("-id")
            .values_list("latency_ms", flat=True)[:LATENCY_SAMPLE]
        )
        stats.p50_ms, stats.p95_ms = percentile(sample, 0.5), percentile(sample, 0.95)
        last = peer_log.exclude(error="").order_by("-id").values_list("error", "at").first()
        if last:
            stats.last_error, stats.last_error_at = last
    return sorted(rows.values(), key=lambda s: (s.direction != Direction.OUT, s.connector, s.peer))
