"""Per-client rate limit (giới hạn tần suất): a fixed one-minute window in the Django cache.

``cache.add`` opens the window's counter (expiring with the window), ``cache.incr`` counts;
both are atomic in every Django cache backend that shares state (database, Redis, Memcached).
The default local-memory cache is per process: with several web workers in production set
``CACHES`` to a shared backend, or each worker allows the full limit on its own.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from django.core.cache import cache

WINDOW_SECONDS = 60


def now() -> float:  # a seam for the tests (the window is wall-clock time)
    return time.time()


@dataclass(frozen=True)
class Decision:
    allowed: bool
    count: int
    limit: int
    retry_after: int  # seconds until the window ends


def hit(client_key: str, limit: int) -> Decision:
    """Count one request of ``client_key``; refused when the window already holds ``limit``."""
    current = now()
    window = int(current // WINDOW_SECONDS)
    key = f"exchange-api-rate:{client_key}:{window}"
    cache.add(key, 0, timeout=WINDOW_SECONDS + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # evicted between add and incr: start again
        cache.set(key, 1, timeout=WINDOW_SECONDS + 5)
        count = 1
    retry_after = max(1, math.ceil((window + 1) * WINDOW_SECONDS - current))
    return Decision(count <= limit, count, limit, retry_after)
