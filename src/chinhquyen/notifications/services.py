"""The notification outbox: queue deliveries with the business change, send them after commit.

* :func:`queue_notification` (inside the caller's transaction) turns one dossier
  ``Notification`` into its ``Delivery`` rows — one per channel with an address, each with the
  unique idempotency key ``dossiers.notification:<id>:<channel>``; queueing the same event again
  adds nothing.
* :func:`enqueue_deliveries` (after commit) hands them to the background worker
  (``deliver_task``, django-tasks); when no worker runs, ``chinhquyen send_notifications``
  (cron) sends what is due: :func:`send_due`.
* :func:`deliver` claims one row with a conditional UPDATE (pending/failed and due, or a
  "sending" claim whose lease expired), so two workers never both send it; sends it outside
  any transaction; records sent, or failed with exponential backoff, or dead after
  ``NOTIFICATION_MAX_ATTEMPTS``.
* :func:`retry_delivery` (back office, IT administrator) makes a failed or dead row due now.
"""

import logging
import re
from datetime import datetime, timedelta
from email.utils import make_msgid

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from chinhquyen.audit.services import log_action
from chinhquyen.dossiers.services.access import bilingual
from chinhquyen.dossiers.slips.mapping import status_url
from chinhquyen.notifications import sms
from chinhquyen.notifications.choices import Channel, DeliveryStatus
from chinhquyen.notifications.models import Delivery

logger = logging.getLogger("chinhquyen.notifications")

LEASE = timedelta(minutes=5)  # a claim older than this is taken as a crashed worker's
MAX_BACKOFF = timedelta(hours=6)
RETRYABLE = (DeliveryStatus.FAILED, DeliveryStatus.DEAD)


class DeliveryError(Exception):
    """A refused back-office action (e.g. retrying a message already sent)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def delivery_key(notification_id: int, channel: str) -> str:
    return f"dossiers.notification:{notification_id}:{channel}"


def backoff(attempts: int) -> timedelta:
    """Wait after the ``attempts``-th failed attempt: base × 2^(attempts−1), at most 6 h."""
    base = timedelta(seconds=settings.NOTIFICATION_RETRY_BASE_SECONDS)
    return min(base * (2 ** max(attempts - 1, 0)), MAX_BACKOFF)


# --- Composing ---------------------------------------------------------------------------


def _short(label: str) -> str:
    """A status label without its legal reference: "Received (Art. 17)" → "Received"."""
    return re.sub(r"\s*\([^)]*\)\s*$", "", label)


def _context(notification) -> dict:
    dossier = notification.dossier
    context = {"code": dossier.code, "link": status_url(dossier), "message": notification.message}
    for language in ("vi", "en"):
        with translation.override(language):
            context[f"status_{language}"] = _short(str(dossier.get_status_display()))
            # The headline: the new status, or what happened when it is not a status change
            # (an apology with a new appointment, a supplement request, the result).
            context[f"headline_{language}"] = (
                context[f"status_{language}"]
                if notification.kind == "status_changed"
                else str(notification.get_kind_display())
            )
            context[f"site_{language}"] = str(_("Province public services"))
    return context


def compose_email(notification) -> tuple[str, str, str]:
    """(subject, plain text, HTML): Vietnamese then English; the dossier code, its new status,
    the message of the event and the public tracking link — no other personal data."""
    context = _context(notification)
    with translation.override("vi"):
        subject = str(
            _("Dossier %(code)s: %(status)s")
            % {"code": context["code"], "status": context["headline_vi"]}
        )
    text = render_to_string("notifications/email/status.txt", context)
    html = render_to_string("notifications/email/status.html", context)
    return subject, text, html


def compose_sms(notification) -> str:
    """Vietnamese, short (one or two GSM-7 parts without diacritics): code, status, link."""
    context = _context(notification)
    with translation.override("vi"):
        return str(
            _("Dossier %(code)s: %(status)s. Track it: %(link)s")
            % {"code": context["code"], "status": context["headline_vi"], "link": context["link"]}
        )


# --- Queueing ----------------------------------------------------------------------------


def queue_notification(notification, *, at: datetime | None = None) -> list[Delivery]:
    """The outbox rows of ``notification`` (a ``dossiers.Notification`` to the applicant),
    written in the caller's transaction; an e-mail when it has an address, an SMS when it has
    a phone number. Idempotent: an event already queued adds nothing. Sending is enqueued
    after commit by :func:`enqueue_deliveries` (``dossiers.services.common`` does it)."""
    at = at or timezone.now()
    rows = []
    common = {
        "notification": notification,
        "organisation_id": notification.dossier.receiving_agency_id,
        "created_at": at,
        "next_attempt_at": at,
    }
    if notification.email:
        subject, text, html = compose_email(notification)
        rows.append(
            Delivery(
                key=delivery_key(notification.pk, Channel.EMAIL),
                channel=Channel.EMAIL,
                recipient=notification.email,
                subject=subject[:255],
                body=text,
                html_body=html,
                **common,
            )
        )
    if notification.phone:
        rows.append(
            Delivery(
                key=delivery_key(notification.pk, Channel.SMS),
                channel=Channel.SMS,
                recipient=notification.phone,
                body=compose_sms(notification),
                **common,
            )
        )
    if rows:
        Delivery.objects.bulk_create(rows, ignore_conflicts=True)
    return list(Delivery.objects.filter(key__in=[row.key for row in rows]))


def enqueue_deliveries(*, notification_id: int | None = None, ids=None) -> int:
    """Hand deliveries to the background worker (call it after commit). A failure to enqueue
    is logged and left to ``send_notifications`` (the rows are already durable)."""
    from chinhquyen.notifications.tasks import deliver_task

    if ids is None:
        ids = Delivery.objects.filter(
            notification_id=notification_id, status=DeliveryStatus.PENDING
        ).values_list("pk", flat=True)
    count = 0
    for pk in list(ids):
        try:
            deliver_task.enqueue(delivery_id=pk)
        except Exception:
            logger.exception("Could not enqueue delivery %s; send_notifications will send it", pk)
            continue
        count += 1
    return count


def _schedule_retry(delivery_id: int, when: datetime) -> None:
    from chinhquyen.notifications.tasks import deliver_task

    try:
        if deliver_task.get_backend().supports_defer:
            deliver_task.using(run_after=when).enqueue(delivery_id=delivery_id)
    except Exception:
        logger.exception("Could not schedule the retry of delivery %s", delivery_id)


# --- Sending -----------------------------------------------------------------------------


def due_filter(now: datetime) -> Q:
    """Deliveries to send now: due ones, and claims a crashed worker left behind."""
    return Q(
        status__in=[DeliveryStatus.PENDING, DeliveryStatus.FAILED], next_attempt_at__lte=now
    ) | Q(status=DeliveryStatus.SENDING, claimed_until__lt=now)


def _send(delivery: Delivery) -> str:
    if delivery.channel == Channel.EMAIL:
        message_id = make_msgid(domain=settings.NOTIFICATION_EMAIL_DOMAIN)
        message = EmailMultiAlternatives(
            subject=delivery.subject,
            body=delivery.body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[delivery.recipient],
            headers={"Message-ID": message_id, "X-ChinhQuyen-Delivery": delivery.key},
        )
        if delivery.html_body:
            message.attach_alternative(delivery.html_body, "text/html")
        message.send()
        return message_id
    return sms.send_sms(delivery.recipient, delivery.body, reference=delivery.key)


def deliver(delivery_id: int, *, now: datetime | None = None) -> Delivery | None:
    """Send one delivery if it is due and nobody else holds it; None when it was not claimed
    (already sent, not due, or claimed by another worker)."""
    now = now or timezone.now()
    claimed = Delivery.objects.filter(due_filter(now), pk=delivery_id).update(
        status=DeliveryStatus.SENDING,
        claimed_until=now + LEASE,
        attempts=F("attempts") + 1,
    )
    if not claimed:
        return None
    delivery = Delivery.objects.get(pk=delivery_id)
    try:
        reference = _send(delivery)
    except Exception as exc:
        return _record_failure(delivery, exc, now)
    with transaction.atomic():
        Delivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.SENDING).update(
            status=DeliveryStatus.SENT,
            sent_at=timezone.now(),
            claimed_until=None,
            last_error="",
            provider_reference=reference[:100],
        )
        delivery.refresh_from_db()
        log_action(
            "notifications.sent",
            target=delivery,
            details={"channel": delivery.channel, "attempts": delivery.attempts},
        )
    return delivery


def _record_failure(delivery: Delivery, exc: Exception, now: datetime) -> Delivery:
    error = f"{type(exc).__name__}: {exc}"[:2000]
    dead = delivery.attempts >= settings.NOTIFICATION_MAX_ATTEMPTS
    next_at = now + backoff(delivery.attempts)
    with transaction.atomic():
        Delivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.SENDING).update(
            status=DeliveryStatus.DEAD if dead else DeliveryStatus.FAILED,
            claimed_until=None,
            last_error=error,
            next_attempt_at=next_at,
        )
        delivery.refresh_from_db()
        log_action(
            "notifications.failed",
            target=delivery,
            details={"channel": delivery.channel, "attempts": delivery.attempts, "error": error},
        )
    logger.warning("Delivery %s failed (attempt %s): %s", delivery.key, delivery.attempts, error)
    if not dead:
        transaction.on_commit(lambda: _schedule_retry(delivery.pk, next_at))
    return delivery


def send_due(*, now: datetime | None = None, limit: int = 500) -> dict[str, int]:
    """Send every due delivery (oldest first, at most ``limit``): the cron path. Returns the
    number of rows per resulting status (and "skipped": claimed by someone else meanwhile)."""
    now = now or timezone.now()
    ids = list(
        Delivery.objects.filter(due_filter(now))
        .order_by("next_attempt_at", "id")
        .values_list("pk", flat=True)[:limit]
    )
    counts: dict[str, int] = {}
    for pk in ids:
        result = deliver(pk, now=now)
        status = result.status if result is not None else "skipped"
        counts[status] = counts.get(status, 0) + 1
    return counts


def retry_delivery(delivery: Delivery, *, acting_user) -> Delivery:
    """Make a failed or given-up delivery due now (one more attempt; a dead one gets a new
    round of retries). A sent one is refused: a message is never sent twice."""
    with transaction.atomic():
        now = timezone.now()
        updated = Delivery.objects.filter(pk=delivery.pk, status__in=RETRYABLE).update(
            status=DeliveryStatus.PENDING, next_attempt_at=now, attempts=0
        )
        if not updated:
            raise DeliveryError(bilingual(_("Only a failed or given-up delivery can be retried.")))
        delivery.refresh_from_db()
        log_action("notifications.retry", target=delivery, actor=acting_user)
        transaction.on_commit(lambda: enqueue_deliveries(ids=[delivery.pk]))
    return delivery
