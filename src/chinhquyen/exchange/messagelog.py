"""The message log (nhật ký trao đổi dữ liệu): every exchange call, hash-chained.

One :class:`~chinhquyen.exchange.models.MessageLogEntry` per outbox delivery attempt and per
inbox request (accepted, duplicate or refused): direction, connector, peer, endpoint, status,
latency, SHA-256 of the request and response bodies, idempotency key — never the bodies.

The chain is the audit log's (``chinhquyen.audit.chain``): ``hash = sha256(canonical JSON of
the content fields + prev_hash)``, the same canonical form (sorted keys, UTC timestamps with
microseconds), appends serialised by a transaction-scoped lock (a PostgreSQL advisory lock of
its own key; on SQLite ``BEGIN IMMEDIATE`` already holds the write lock). :func:`verify_log`
(``chinhquyen exchange_verify_log``) names the first broken link.
"""

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from django.db import connections, router, transaction
from django.utils import timezone

from chinhquyen.audit.capture import skip_capture

# The audit chain's canonical form, reused so both logs hash the same way.
from chinhquyen.audit.chain import GENESIS_HASH, _normalise, format_time
from chinhquyen.exchange.models import MessageLogEntry

# pg_advisory_xact_lock key for "the exchange message log" (ASCII "cqxlog").
LOG_LOCK_KEY = 0x63_71_78_6C_6F_67

HASHED_FIELDS = (
    "at",
    "direction",
    "connector",
    "peer",
    "endpoint",
    "method",
    "status_code",
    "latency_ms",
    "request_sha256",
    "response_sha256",
    "idempotency_key",
    "nonce",
    "message_id",
    "outcome",
    "error",
    "prev_hash",
)


def canonical_json(fields: dict[str, Any]) -> str:
    payload = {name: fields.get(name) for name in HASHED_FIELDS}
    payload["at"] = format_time(payload["at"])
    return json.dumps(_normalise(payload), sort_keys=True, separators=(",", ":"), ensure_ascii=True)


def compute_hash(fields: dict[str, Any]) -> str:
    return hashlib.sha256(canonical_json(fields).encode("ascii")).hexdigest()


def _entry_fields(entry: MessageLogEntry) -> dict[str, Any]:
    return {name: getattr(entry, name) for name in HASHED_FIELDS}


def _lock_head(using: str) -> str:
    connection = connections[using]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOG_LOCK_KEY])
    last = MessageLogEntry.objects.using(using).order_by("-id").values_list("hash", flat=True)[:1]
    return next(iter(last), GENESIS_HASH)


def append(
    *,
    direction: str,
    connector: str,
    outcome: str,
    peer: str = "",
    endpoint: str = "",
    method: str = "POST",
    status_code: int | None = None,
    latency_ms: int = 0,
    request_sha256: str = "",
    response_sha256: str = "",
    idempotency_key: str = "",
    nonce: str = "",
    message_id: int | None = None,
    error: str = "",
) -> MessageLogEntry:
    """Append one entry (in the caller's transaction when there is one: rolled-back work
    leaves no entry and no gap)."""
    entry = MessageLogEntry(
        at=timezone.now(),
        direction=direction,
        connector=connector[:50],
        peer=peer[:100],
        endpoint=endpoint[:500],
        method=method[:10],
        status_code=status_code,
        latency_ms=max(int(latency_ms), 0),
        request_sha256=request_sha256,
        response_sha256=response_sha256,
        idempotency_key=idempotency_key[:200],
        nonce=nonce[:64],
        message_id=message_id,
        outcome=outcome[:40],
        error=error[:500],
    )
    using = router.db_for_write(MessageLogEntry)
    # The log is its own hash-chained record: no generic audit entry per row.
    with transaction.atomic(using=using), skip_capture(MessageLogEntry):
        entry.prev_hash = _lock_head(using)
        entry.hash = compute_hash(_entry_fields(entry))
        entry._chain_append = True
        entry.save(using=using)
        del entry._chain_append
    return entry


@dataclass(frozen=True)
class LogVerifyResult:
    ok: bool
    checked: int
    first_broken_id: int | None = None
    reason: str = ""  # content_changed | link_broken
    head_hash: str = GENESIS_HASH

    def describe(self) -> str:
        if self.ok:
            return f"OK: {self.checked} entries, chain intact (head {self.head_hash})."
        return f"BROKEN at entry #{self.first_broken_id}: {self.reason}"


def verify_log(*, batch_size: int = 2000, using: str | None = None) -> LogVerifyResult:
    """Walk the log in id order (bounded memory) and stop at the first broken link: a row
    whose hash no longer matches its content (edited), or whose ``prev_hash`` is not the hash
    of the row before it (a row removed or rows reordered)."""
    using = using or router.db_for_read(MessageLogEntry)
    previous, last_id, checked = GENESIS_HASH, 0, 0
    queryset = MessageLogEntry.objects.using(using).order_by("id")
    while True:
        batch = list(queryset.filter(id__gt=last_id)[:batch_size])
        if not batch:
            break
        for entry in batch:
            checked += 1
            if compute_hash(_entry_fields(entry)) != entry.hash:
                return LogVerifyResult(False, checked, entry.id, "content_changed")
            if entry.prev_hash != previous:
                return LogVerifyResult(False, checked, entry.id, "link_broken")
            previous, last_id = entry.hash, entry.id
    return LogVerifyResult(True, checked, head_hash=previous)
