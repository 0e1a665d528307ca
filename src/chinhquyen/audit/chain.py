"""The hash chain: canonical form of an entry, its hash, and the lock that serialises appends.

``hash = sha256(canonical_json(content fields + prev_hash))``. The canonical JSON has sorted
keys, no whitespace, ASCII escapes, timestamps in UTC ISO 8601 with microseconds, and integral
floats written as integers (PostgreSQL's jsonb may return ``1.0`` as ``1``), so the same row
hashes the same whether it was just built in Python or read back from SQLite or PostgreSQL.
"""

import hashlib
import json
import math
from datetime import UTC, datetime
from typing import Any

from django.db import connections

GENESIS_HASH = "0" * 64

# pg_advisory_xact_lock key for "the audit chain" (ASCII "cqaudit" as an integer).
CHAIN_LOCK_KEY = 0x63_71_61_75_64_69_74

# The fields covered by the hash, in the order shown in documentation (the JSON is sorted anyway).
HASHED_FIELDS = (
    "at",
    "actor_id",
    "actor_label",
    "source",
    "label",
    "request_id",
    "ip",
    "action",
    "object_type",
    "object_id",
    "object_repr",
    "before",
    "after",
    "details",
    "prev_hash",
)


def _normalise(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(key): _normalise(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_normalise(item) for item in value]
    if isinstance(value, float):
        if not math.isfinite(value):
            return str(value)
        if value.is_integer():
            return int(value)
    return value


def format_time(at: datetime) -> str:
    return at.astimezone(UTC).isoformat(timespec="microseconds")


def canonical_json(fields: dict[str, Any]) -> str:
    payload = {name: fields.get(name) for name in HASHED_FIELDS}
    payload["at"] = format_time(payload["at"])
    return json.dumps(_normalise(payload), sort_keys=True, separators=(",", ":"), ensure_ascii=True)


def compute_hash(fields: dict[str, Any]) -> str:
    return hashlib.sha256(canonical_json(fields).encode("ascii")).hexdigest()


def entry_fields(entry) -> dict[str, Any]:
    """The hashed fields of a stored ``AuditEntry``."""
    return {name: getattr(entry, name) for name in HASHED_FIELDS}


def lock_chain(using: str) -> None:
    """Serialise appends to the chain until the current transaction ends.

    PostgreSQL: a transaction-scoped advisory lock, so two transactions never read the same
    "last hash" and fork the chain; it is released at commit or rollback. SQLite: the settings
    open every transaction with ``BEGIN IMMEDIATE``, which already holds the database's single
    write lock, so there is nothing more to take.
    """
    connection = connections[using]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK_KEY])
