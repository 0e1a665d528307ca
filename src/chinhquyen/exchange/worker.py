"""The exchange worker loop (``chinhquyen exchange_worker``): deliver the outbox, process the
inbox, sleep, repeat. Several workers may run at once (claims are exclusive); SIGTERM/SIGINT
finish the message in hand and stop. A worker killed outright (``kill -9``) leaves its claim
to expire after the lease, then another worker re-delivers (the receiver deduplicates)."""

import logging
import signal
import threading
from datetime import timedelta

from django.db import close_old_connections

from chinhquyen.exchange import inbox, outbox

logger = logging.getLogger("chinhquyen.exchange")


def run(
    *,
    once: bool = False,
    interval: float = 5.0,
    limit: int = 100,
    lease: timedelta | None = None,
    stop: threading.Event | None = None,
    handle_signals: bool = True,
) -> dict[str, int]:
    """Loop until stopped (or one pass with ``once``); returns the totals per status."""
    stop = stop or threading.Event()
    if handle_signals and threading.current_thread() is threading.main_thread():
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: stop.set())
    worker = outbox.worker_name()
    totals: dict[str, int] = {}
    while not stop.is_set():
        close_old_connections()
        counts = outbox.deliver_due(
            limit=limit, lease=lease, worker=worker, should_stop=stop.is_set
        )
        for status, count in inbox.process_pending(limit=limit, should_stop=stop.is_set).items():
            counts[f"inbox_{status}"] = count
        for status, count in counts.items():
            totals[status] = totals.get(status, 0) + count
        if counts:
            logger.info("exchange worker %s: %s", worker, counts)
        if once:
            break
        if not counts:
            stop.wait(interval)
    return totals
