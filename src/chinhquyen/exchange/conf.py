"""Settings of the exchange app, with their defaults (read at call time, never at import).

Each value is ``settings.EXCHANGE_<NAME>`` when the project settings define it, else the
environment variable of the same name (JSON for ``EXCHANGE_PEERS``), else the default below.
The environment fallback lets a worker started as a separate process (``chinhquyen
exchange_worker``) be configured without a settings module of its own.

``EXCHANGE_PEERS`` — ``{code: {"url": "https://…/exchange/inbox/", "secret": "…"}}``: the
other installations (or any HTTP endpoint speaking the same inbox protocol) this one sends to
and accepts from. INTERIM peer authentication (HMAC-SHA256 shared secret per peer) until the
OAuth2 client-credentials system accounts of issue 7 item 2 land; see ``connectors/peer.py``.
"""

import json
import os
from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    # Who we are, sent as X-CQ-Sender (the QCVN code of the installation's root organisation).
    "NODE_CODE": "",
    "PEERS": {},
    "MAX_ATTEMPTS": 10,  # attempts before a message is dead-lettered
    "RETRY_BASE_SECONDS": 30,  # wait after the 1st failed attempt; doubles each attempt
    "RETRY_MAX_SECONDS": 6 * 3600,
    "RETRY_JITTER": 0.5,  # fraction of the wait drawn at random (spreads a thundering herd)
    "CONNECT_TIMEOUT": 5.0,
    "READ_TIMEOUT": 30.0,
    # A claim older than this is taken as a crashed worker's; must exceed the HTTP timeouts.
    "LEASE_SECONDS": 120,
    "INLINE_BODY_MAX_BYTES": 256 * 1024,  # larger outgoing bodies go to a file
    "INBOX_MAX_BYTES": 10 * 1024 * 1024,
    "TIMESTAMP_WINDOW_SECONDS": 300,  # accepted clock difference of a signed request
}


def get(name: str) -> Any:
    value = getattr(settings, f"EXCHANGE_{name}", None)
    if value is not None:
        return value
    raw = os.environ.get(f"EXCHANGE_{name}")
    default = DEFAULTS[name]
    if raw is None or raw == "":
        return default
    if isinstance(default, dict):
        return json.loads(raw)
    if isinstance(default, bool):
        return raw.lower() in ("1", "true", "yes", "on")
    return type(default)(raw)


def peer(code: str) -> dict | None:
    """The peer entry of ``code``: its own, else the one of its level-1 body (``"*.H38"`` covers
    every organisation code ending in ``.H38``, i.e. a whole other province's installation)."""
    peers = get("PEERS")
    entry = peers.get(code)
    if entry is None and "." in code:
        entry = peers.get("*." + code.rsplit(".", 1)[1])
    return entry if isinstance(entry, dict) else None
