"""The durable outbox (hộp thư đi): enqueue with the change, deliver after commit, retry, give up.

* :func:`enqueue` — inside the caller's transaction; unique idempotency key, so enqueueing the
  same event twice returns the first message. Delivery is handed to the background worker
  after commit (``tasks.deliver_task``); ``chinhquyen exchange_worker`` delivers whatever is
  due, also what a lost task or a crashed worker left behind.
* :func:`claim` — takes due messages with a lease: ``SELECT … FOR UPDATE SKIP LOCKED`` then a
  conditional ``UPDATE`` on PostgreSQL, the conditional ``UPDATE`` alone on SQLite (whose
  ``BEGIN IMMEDIATE`` serialises writers). A message "sending" whose lease expired belongs to
  a worker that died: it is due again. The lease must outlast the HTTP timeouts.
* :func:`deliver_due` / :func:`deliver_message` — send outside any transaction, then record
  the outcome only if the claim is still ours (``claimed_by``): delivered; or pending again
  after an exponential backoff with jitter; or dead after ``EXCHANGE_MAX_ATTEMPTS`` attempts
  or a permanent refusal. Every attempt goes to the message log and the audit log.
* :func:`retry_message` / :func:`retry_dead` — "retry now" of the back office.

A crash between the receiver's commit and ours re-delivers the message: the receiver's inbox
refuses the duplicate by its idempotency key and answers with the first message's id, so the
message ends delivered once (``tests/test_kill_worker.py``).
"""

import hashlib
import logging
import os
import random
import secrets
import socket
import time
from datetime import datetime, timedelta

from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import IntegrityError, connections, models, router, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chinhquyen.audit.capture import skip_capture
from chinhquyen.audit.services import audited_atomic, log_action
from chinhquyen.dossiers.services.access import bilingual
from chinhquyen.exchange import conf, handlers, messagelog
from chinhquyen.exchange.connectors import (
    ConnectorError,
    DeliveryResult,
    PermanentError,
    RetryableError,
    get_connector,
)
from chinhquyen.exchange.models import Direction, OutboxMessage, OutboxStatus

logger = logging.getLogger("chinhquyen.exchange")


class OutboxError(Exception):
    """A refused outbox action, with a bilingual message."""

    def __init__(self, message: str, *, code: str = "outbox_error") -> None:
        super().__init__(message)
        self.message = message
        self.code = code


# --- Enqueueing ----------------------------------------------------------------------------


def enqueue(
    *,
    connector: str,
    destination: str,
    kind: str,
    body: bytes,
    content_type: str,
    idempotency_key: str,
    related: models.Model | str | None = None,
) -> OutboxMessage:
    """Write one outgoing message in the caller's transaction (which MUST be open: the
    message commits or rolls back with the change that causes it). The same idempotency key
    again returns the message already there (a different body under it is refused)."""
    using = router.db_for_write(OutboxMessage)
    if not transaction.get_connection(using).in_atomic_block:
        raise OutboxError(
            "enqueue() must run inside the transaction of the change that causes the message",
            code="not_in_transaction",
        )
    if not isinstance(body, bytes | bytearray | memoryview):
        raise TypeError("body must be bytes")
    body = bytes(body)
    if not idempotency_key or len(idempotency_key) > 200:
        raise ValueError("idempotency_key must be 1 to 200 characters")
    # An unknown connector is not refused here: the message waits durably and is dead-lettered
    # with "unknown connector" at delivery, to be retried once the connector is configured.
    digest = hashlib.sha256(body).hexdigest()
    existing = OutboxMessage.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return _same_message(existing, digest)
    now = timezone.now()
    message = OutboxMessage(
        connector=connector,
        destination=destination,
        kind=kind,
        content_type=content_type,
        idempotency_key=idempotency_key,
        body_size=len(body),
        body_sha256=digest,
        created_at=now,
        next_attempt_at=now,
    )
    if isinstance(related, models.Model):
        message.related_type = ContentType.objects.get_for_model(related)
        message.related_id = str(related.pk)
        message.related_ref = str(related)[:200]
    elif related:
        message.related_ref = str(related)[:200]
    if len(body) > int(conf.get("INLINE_BODY_MAX_BYTES")):
        message.body_file.save(f"{digest}.bin", ContentFile(body), save=False)
    else:
        message.body = body
    try:
        # Recorded by the log_action below (the generic capture would repeat it).
        with transaction.atomic(using=using), skip_capture(OutboxMessage):
            message.save(using=using)
    except IntegrityError:
        # Enqueued concurrently by another transaction that committed first.
        return _same_message(OutboxMessage.objects.get(idempotency_key=idempotency_key), digest)
    log_action(
        "exchange.enqueue",
        target=message,
        details={"connector": connector, "destination": destination, "kind": kind},
    )
    transaction.on_commit(lambda: schedule_delivery(message.pk), using=using)
    return message


def _same_message(existing: OutboxMessage, digest: str) -> OutboxMessage:
    if existing.body_sha256 != digest:
        raise OutboxError(
            bilingual(_("Another message was already queued under this idempotency key.")),
            code="idempotency_conflict",
        )
    return existing


def schedule_delivery(message_id: int, *, when: datetime | None = None) -> None:
    """Hand one message to the background worker (after commit). A failure to enqueue is
    logged and left to ``exchange_worker``: the message is already durable."""
    from chinhquyen.exchange.tasks import deliver_task

    try:
        if when is None:
            deliver_task.enqueue(message_id=message_id)
        elif deliver_task.get_backend().supports_defer:
            deliver_task.using(run_after=when).enqueue(message_id=message_id)
    except Exception:
        logger.exception("Could not enqueue outbox message %s; exchange_worker will", message_id)


# --- Claiming and sending -------------------------------------------------------------------


def backoff(attempts: int, *, rng: random.Random | None = None) -> timedelta:
    """Wait after the ``attempts``-th failed attempt: base × 2^(attempts−1), capped, of which
    the ``EXCHANGE_RETRY_JITTER`` fraction is random (so failed senders do not retry in step)."""
    base = float(conf.get("RETRY_BASE_SECONDS"))
    cap = float(conf.get("RETRY_MAX_SECONDS"))
    jitter = min(max(float(conf.get("RETRY_JITTER")), 0.0), 1.0)
    delay = min(base * (2 ** max(attempts - 1, 0)), cap)
    draw = (rng or random).random()  # noqa: S311 (timing jitter, not security)
    return timedelta(seconds=delay * (1 - jitter) + delay * jitter * draw)


def due_filter(now: datetime) -> Q:
    """Messages to send now: pending and due, or "sending" with an expired lease."""
    return Q(status=OutboxStatus.PENDING, next_attempt_at__lte=now) | Q(
        status=OutboxStatus.SENDING, claimed_until__lt=now
    )


def worker_name() -> str:
    return f"{socket.gethostname()[:60]}:{os.getpid()}"


def claim(
    *,
    worker: str,
    now: datetime | None = None,
    lease: timedelta | None = None,
    limit: int = 1,
    ids: list[int] | None = None,
) -> list[OutboxMessage]:
    """Take up to ``limit`` due messages for ``worker`` until ``now + lease``; each claim
    counts as an attempt. Returns only what this call got (another worker's claims excluded)."""
    now = now or timezone.now()
    lease = lease or timedelta(seconds=int(conf.get("LEASE_SECONDS")))
    token = f"{worker}:{secrets.token_hex(4)}"[:100]
    using = router.db_for_write(OutboxMessage)
    skip_locked = connections[using].features.has_select_for_update_skip_locked
    with transaction.atomic(using=using):
        rows = OutboxMessage.objects.using(using)
        if ids is not None:
            rows = rows.filter(pk__in=ids)
        # The two halves of due_filter() one at a time, each read in the order of the
        # (status, next_attempt_at) index, then merged: with the OR of both in one query
        # PostgreSQL sorted every due message at every claim, O(backlog) per message
        # (1.8 ms per claim with 5,000 waiting; docs/benchmarks.md, issue 7).
        found: list[tuple[datetime, int]] = []
        for branch in (
            Q(status=OutboxStatus.PENDING, next_attempt_at__lte=now),
            Q(status=OutboxStatus.SENDING, claimed_until__lt=now),
        ):
            candidates = rows.filter(branch).order_by("next_attempt_at", "id")
            if skip_locked:
                candidates = candidates.select_for_update(skip_locked=True)
            found.extend(candidates.values_list("next_attempt_at", "pk")[:limit])
        pks = [pk for _at, pk in sorted(found)[:limit]]
        if not pks:
            return []
        OutboxMessage.objects.using(using).filter(due_filter(now), pk__in=pks).update(
            status=OutboxStatus.SENDING,
            claimed_by=token,
            claimed_until=now + lease,
            attempts=F("attempts") + 1,
        )
    return list(
        OutboxMessage.objects.using(using).filter(
            pk__in=pks, claimed_by=token, status=OutboxStatus.SENDING
        )
    )


def send_claimed(message: OutboxMessage) -> OutboxMessage:
    """Send one claimed message and record the outcome (the claim must be ours)."""
    started = time.monotonic()
    error: ConnectorError | None = None
    result: DeliveryResult | None = None
    try:
        result = get_connector(message.connector).deliver(message)
    except ConnectorError as exc:
        error = exc
    except LookupError as exc:
        error = PermanentError(str(exc), code="unknown_connector")
    except Exception as exc:  # a bug in a connector must not kill the worker
        logger.exception("Connector %s crashed on message %s", message.connector, message.pk)
        error = RetryableError(f"{type(exc).__name__}: {exc}", code="internal")
    latency = int((time.monotonic() - started) * 1000)
    if result is not None:
        return _record_delivered(message, result, latency)
    return _record_failure(message, error, latency)


def _record_delivered(message: OutboxMessage, result: DeliveryResult, latency: int):
    with audited_atomic():
        updated = OutboxMessage.objects.filter(
            pk=message.pk, status=OutboxStatus.SENDING, claimed_by=message.claimed_by
        ).update(
            status=OutboxStatus.DELIVERED,
            delivered_at=timezone.now(),
            claimed_by="",
            claimed_until=None,
            last_error="",
            last_status_code=result.status_code,
            latency_ms=latency,
            remote_id=result.remote_id,
        )
        outcome = "duplicate" if result.duplicate else "delivered"
        messagelog.append(
            direction=Direction.OUT,
            connector=message.connector,
            peer=message.destination,
            endpoint=result.endpoint,
            method=result.method,
            status_code=result.status_code,
            latency_ms=latency,
            request_sha256=message.body_sha256,
            response_sha256=result.response_sha256,
            idempotency_key=message.idempotency_key,
            nonce=result.nonce,
            message_id=message.pk,
            outcome=outcome if updated else "lease_lost",
        )
        message.refresh_from_db()
        if updated:
            for listener in handlers.delivered_listeners(message.kind):
                listener(message)
            log_action(
                "exchange.delivered",
                target=message,
                details={
                    "attempts": message.attempts,
                    "remote_id": result.remote_id,
                    "duplicate_at_receiver": result.duplicate,
                },
            )
    return message


def _record_failure(message: OutboxMessage, error: ConnectorError, latency: int):
    now = timezone.now()
    text = f"{type(error).__name__}: {error.message}"[:2000]
    dead = not error.retryable or message.attempts >= int(conf.get("MAX_ATTEMPTS"))
    next_at = now + backoff(message.attempts)
    with audited_atomic():
        updated = OutboxMessage.objects.filter(
            pk=message.pk, status=OutboxStatus.SENDING, claimed_by=message.claimed_by
        ).update(
            status=OutboxStatus.DEAD if dead else OutboxStatus.PENDING,
            claimed_by="",
            claimed_until=None,
            last_error=text,
            last_status_code=error.status_code,
            latency_ms=latency,
            next_attempt_at=next_at,
        )
        messagelog.append(
            direction=Direction.OUT,
            connector=message.connector,
            peer=message.destination,
            endpoint=error.endpoint,
            method=error.method,
            status_code=error.status_code,
            latency_ms=latency,
            request_sha256=message.body_sha256,
            response_sha256=error.response_sha256,
            idempotency_key=message.idempotency_key,
            nonce=error.nonce,
            message_id=message.pk,
            outcome=("dead" if dead else "retry") if updated else "lease_lost",
            error=text,
        )
        message.refresh_from_db()
        if updated and dead:
            for listener in handlers.dead_listeners(message.kind):
                listener(message)
        if updated:
            log_action(
                "exchange.dead" if dead else "exchange.attempt_failed",
                target=message,
                details={"attempts": message.attempts, "error": text, "code": error.code},
            )
    logger.warning("Outbox message %s failed (attempt %s): %s", message.pk, message.attempts, text)
    if updated and not dead:
        schedule_delivery(message.pk, when=next_at)
    return message


def deliver_message(message_id: int, *, now: datetime | None = None) -> OutboxMessage | None:
    """Claim and send one message (the background task); None when it was not due or another
    worker holds it — so a duplicate task sends nothing."""
    claimed = claim(worker=worker_name(), now=now, ids=[message_id])
    return send_claimed(claimed[0]) if claimed else None


def deliver_due(
    *,
    now: datetime | None = None,
    limit: int = 500,
    lease: timedelta | None = None,
    worker: str | None = None,
    should_stop=None,
) -> dict[str, int]:
    """Send due messages one claim at a time (so a lease never waits behind other sends), at
    most ``limit``. Returns the number of messages per resulting status."""
    worker = worker or worker_name()
    counts: dict[str, int] = {}
    for _attempt in range(limit):
        if should_stop is not None and should_stop():
            break
        claimed = claim(worker=worker, now=now, lease=lease)
        if not claimed:
            break
        result = send_claimed(claimed[0])
        counts[result.status] = counts.get(result.status, 0) + 1
    return counts


# --- Back office --------------------------------------------------------------------------


def retry_message(message: OutboxMessage, *, acting_user) -> OutboxMessage:
    """ "Retry now": a dead message gets a new round of attempts; a pending one waiting for
    its backoff becomes due now. A delivered or in-flight one is refused (never sent twice)."""
    now = timezone.now()
    with audited_atomic():
        updated = OutboxMessage.objects.filter(pk=message.pk, status=OutboxStatus.DEAD).update(
            status=OutboxStatus.PENDING, attempts=0, next_attempt_at=now
        ) or OutboxMessage.objects.filter(pk=message.pk, status=OutboxStatus.PENDING).update(
            next_attempt_at=now
        )
        if not updated:
            raise OutboxError(
                bilingual(_("Only a dead or waiting message can be retried.")),
                code="not_retryable",
            )
        message.refresh_from_db()
        log_action("exchange.retry", target=message, actor=acting_user)
        transaction.on_commit(lambda: schedule_delivery(message.pk))
    return message


def retry_dead(*, connector: str, destination: str = "", acting_user) -> int:
    """ "Retry all dead" of one connector (and destination, when given). Returns the count."""
    now = timezone.now()
    rows = OutboxMessage.objects.filter(connector=connector, status=OutboxStatus.DEAD)
    if destination:
        rows = rows.filter(destination=destination)
    with audited_atomic():
        ids = list(rows.values_list("pk", flat=True))
        count = OutboxMessage.objects.filter(pk__in=ids, status=OutboxStatus.DEAD).update(
            status=OutboxStatus.PENDING, attempts=0, next_attempt_at=now
        )
        log_action(
            "exchange.retry_dead",
            actor=acting_user,
            details={"connector": connector, "destination": destination, "count": count},
        )
        # The worker delivers the rest if there are many; tasks for the first ones now.
        transaction.on_commit(lambda: [schedule_delivery(pk) for pk in ids[:200]])
    return count
