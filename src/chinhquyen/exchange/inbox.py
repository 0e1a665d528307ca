"""The inbox (hộp thư đến): store each incoming message once, process it exactly once.

* :func:`accept` — stores a message unless the sender already delivered one under the same
  idempotency key (then returns the first one, ``created=False``); processing is handed to the
  background worker after commit.
* :func:`process_message` — marks the message processed and runs its kind's handler
  (``exchange.handlers``) in ONE transaction: a crash rolls both back (the message stays
  "received" and is processed later), a second processor finds it already processed. A handler
  that raises leaves the message "failed" with the error, for the administrator.
"""

import hashlib
import logging

from django.db import IntegrityError, router, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chinhquyen.audit.capture import skip_capture
from chinhquyen.audit.services import audited_atomic, log_action
from chinhquyen.dossiers.services.access import bilingual
from chinhquyen.exchange import handlers
from chinhquyen.exchange.models import InboxMessage, InboxStatus

logger = logging.getLogger("chinhquyen.exchange")


class InboxConflict(Exception):
    """The same sender and idempotency key with a different body: refused."""

    code = "idempotency_conflict"

    def __init__(self, existing: InboxMessage) -> None:
        self.existing = existing
        self.message = bilingual(
            _("A different message was already received under this idempotency key.")
        )
        super().__init__(self.message)


def accept(
    *,
    sender: str,
    idempotency_key: str,
    kind: str,
    body: bytes,
    content_type: str = "",
    connector: str = "peer",
) -> tuple[InboxMessage, bool]:
    """Store an incoming message once per (sender, idempotency key): ``(message, created)``."""
    body = bytes(body)
    digest = hashlib.sha256(body).hexdigest()
    using = router.db_for_write(InboxMessage)
    with transaction.atomic(using=using):
        existing = InboxMessage.objects.filter(sender=sender, idempotency_key=idempotency_key)
        first = existing.first()
        if first is None:
            message = InboxMessage(
                connector=connector,
                sender=sender,
                idempotency_key=idempotency_key,
                kind=kind,
                content_type=content_type[:100],
                body=body,
                body_sha256=digest,
                body_size=len(body),
                received_at=timezone.now(),
            )
            try:
                with transaction.atomic(using=using), skip_capture(InboxMessage):
                    message.save(using=using)
            except IntegrityError:
                first = existing.get()
            else:
                log_action(
                    "exchange.received",
                    target=message,
                    details={"sender": sender, "kind": kind, "size": len(body)},
                )
                transaction.on_commit(lambda: schedule_processing(message.pk), using=using)
                return message, True
        if first.body_sha256 != digest or first.kind != kind:
            raise InboxConflict(first)
        return first, False


def schedule_processing(message_id: int) -> None:
    from chinhquyen.exchange.tasks import process_inbox_task

    try:
        process_inbox_task.enqueue(message_id=message_id)
    except Exception:
        logger.exception("Could not enqueue inbox message %s; exchange_worker will", message_id)


def process_message(message_id: int) -> InboxMessage | None:
    """Process one received message; None when it is not waiting (already done, or failed),
    or when this process has no handler for its kind (left for a process that has one: the
    inbox refuses kinds nobody handles, so that is a deployment gap, not a bad message)."""
    kind = InboxMessage.objects.filter(pk=message_id).values_list("kind", flat=True).first()
    handler = handlers.get_handler(kind) if kind else None
    if handler is None:
        if kind:
            logger.warning(
                "No handler for %r here; inbox message %s left waiting", kind, message_id
            )
        return None
    with audited_atomic():
        claimed = InboxMessage.objects.filter(pk=message_id, status=InboxStatus.RECEIVED).update(
            status=InboxStatus.PROCESSED,
            processed_at=timezone.now(),
            attempts=F("attempts") + 1,
            error="",
        )
        if not claimed:
            return None
        message = InboxMessage.objects.get(pk=message_id)
        try:
            with transaction.atomic():  # a savepoint: a failing handler leaves nothing
                handler(message)
        except Exception as exc:
            error = f"{type(exc).__name__}: {exc}"[:2000]
            logger.warning("Inbox message %s failed: %s", message_id, error)
            InboxMessage.objects.filter(pk=message_id).update(
                status=InboxStatus.FAILED, processed_at=None, error=error
            )
            message.refresh_from_db()
            log_action("exchange.processing_failed", target=message, details={"error": error})
            return message
        log_action("exchange.processed", target=message, details={"kind": message.kind})
    return message


def process_pending(*, limit: int = 500, should_stop=None) -> dict[str, int]:
    """Process received messages, oldest first (the worker's recovery path)."""
    ids = list(
        InboxMessage.objects.filter(status=InboxStatus.RECEIVED)
        .order_by("received_at", "id")
        .values_list("pk", flat=True)[:limit]
    )
    counts: dict[str, int] = {}
    for pk in ids:
        if should_stop is not None and should_stop():
            break
        result = process_message(pk)
        status = result.status if result is not None else "skipped"
        counts[status] = counts.get(status, 0) + 1
    return counts


def reprocess(message: InboxMessage, *, acting_user) -> InboxMessage:
    """Make a failed message wait for processing again (after its handler was fixed)."""
    with audited_atomic():
        updated = InboxMessage.objects.filter(pk=message.pk, status=InboxStatus.FAILED).update(
            status=InboxStatus.RECEIVED
        )
        if not updated:
            from chinhquyen.exchange.outbox import OutboxError

            raise OutboxError(
                bilingual(_("Only a message whose processing failed can be processed again.")),
                code="not_retryable",
            )
        message.refresh_from_db()
        log_action("exchange.reprocess", target=message, actor=acting_user)
        transaction.on_commit(lambda: schedule_processing(message.pk))
    return message
