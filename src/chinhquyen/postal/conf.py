"""Settings of the postal link, with their defaults (read at call time, never at import).

Each value is ``settings.POSTAL_<NAME>`` when the project settings define it, else the
environment variable of the same name, else the default below (so ``chinhquyen
exchange_worker`` and the emulator can be configured from the environment alone).

The operator's protocol is UNCONFIRMED (Decision 45/2016/QĐ-TTg names the service, not the
interface): ``exchange/connectors/postal.py`` documents the interim JSON contract.
"""

import os
from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    # Base URL of the operator's order API, e.g. "https://api.buudien.example/cq/v1/".
    # Empty: no link with the operator; orders are recorded only (handed over at the counter).
    "BASE_URL": "",
    # Our partner code at the operator (sent as X-CQ-Sender on orders).
    "PARTNER_CODE": "",
    # The operator's code (the outbox destination; X-CQ-Sender of its callbacks).
    "OPERATOR_CODE": "VNPOST",
    # Shared HMAC-SHA256 secret, both directions.
    "SECRET": "",
    # Accepted clock difference of a signed callback, seconds.
    "TIMESTAMP_WINDOW_SECONDS": 300,
    # Where the operator sends tracking callbacks (given in each order).
    "CALLBACK_URL": "",
    "MAX_CALLBACK_BYTES": 64 * 1024,
}


def get(name: str) -> Any:
    value = getattr(settings, f"POSTAL_{name}", None)
    if value is not None:
        return value
    raw = os.environ.get(f"POSTAL_{name}")
    default = DEFAULTS[name]
    if raw is None or raw == "":
        return default
    return type(default)(raw)


def linked() -> bool:
    """Orders go to the operator only when its URL, our partner code and the secret are set."""
    return bool(get("BASE_URL") and get("PARTNER_CODE") and get("SECRET"))
