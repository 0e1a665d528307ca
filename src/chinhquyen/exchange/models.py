"""The integration platform's durable queues and its message log.

* :class:`OutboxMessage` (hộp thư đi) — one message to the outside, written in the same
  transaction as the change that causes it, delivered by a worker with retries; unique
  idempotency key, so a second enqueue of the same event adds nothing and the receiver can
  refuse a re-delivery.
* :class:`InboxMessage` (hộp thư đến) — one message received; unique per (sender,
  idempotency key), so a message delivered twice is stored and processed once.
* :class:`MessageLogEntry` (nhật ký trao đổi) — one row per HTTP exchange (every outbox
  delivery attempt, every inbox request, accepted or refused), hash-chained like the audit log.
"""

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from chinhquyen.audit.models import AuditEntryQuerySet


class OutboxStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENDING = "sending", _("Sending")
    DELIVERED = "delivered", _("Delivered")
    DEAD = "dead", _("Dead (given up)")


class InboxStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    PROCESSED = "processed", _("Processed")
    FAILED = "failed", _("Processing failed")


class Direction(models.TextChoices):
    OUT = "out", _("Outgoing")
    IN = "in", _("Incoming")


class OutboxMessage(models.Model):
    id = models.BigAutoField(primary_key=True)
    connector = models.CharField(_("connector"), max_length=50)
    destination = models.CharField(_("destination"), max_length=100)
    kind = models.CharField(_("kind"), max_length=100)
    # Small bodies inline; a body above EXCHANGE_INLINE_BODY_MAX_BYTES goes to a private file
    # (never served from a media URL).
    body = models.BinaryField(_("body"), blank=True, default=b"")
    body_file = models.FileField(_("body file"), upload_to="exchange/outbox/%Y/%m/", blank=True)
    body_size = models.PositiveBigIntegerField(_("body size"), default=0)
    body_sha256 = models.CharField(_("body SHA-256"), max_length=64)
    content_type = models.CharField(_("content type"), max_length=100)
    idempotency_key = models.CharField(_("idempotency key"), max_length=200, unique=True)
    related_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    related_id = models.CharField(_("related object id"), max_length=64, blank=True)
    related_ref = models.CharField(_("related object"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=OutboxStatus.choices, default=OutboxStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"))
    last_error = models.TextField(_("last error"), blank=True)
    last_status_code = models.PositiveSmallIntegerField(_("last HTTP status"), null=True)
    latency_ms = models.PositiveIntegerField(_("latency of the last attempt (ms)"), null=True)
    remote_id = models.CharField(_("id at the receiver"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("created at"))
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    claimed_by = models.CharField(_("claimed by"), max_length=100, blank=True)
    claimed_until = models.DateTimeField(_("claimed until"), null=True, blank=True)

    audit_exclude_fields = ("body",)

    class Meta:
        verbose_name = _("outgoing message")
        verbose_name_plural = _("outgoing messages")
        ordering = ["-created_at", "-id"]
        permissions = [("retry_outboxmessage", "Can retry an outgoing exchange message")]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="exchange_outbox_due"),
            models.Index(
                fields=["connector", "destination", "status"], name="exchange_outbox_dest"
            ),
            models.Index(fields=["related_type", "related_id"], name="exchange_outbox_related"),
        ]

    def __str__(self) -> str:
        return f"{self.connector}:{self.destination} {self.kind} [{self.idempotency_key}]"

    def read_body(self) -> bytes:
        if self.body_file:
            with self.body_file.open("rb") as handle:
                return handle.read()
        return bytes(self.body)

    @property
    def related_label(self) -> str:
        if self.related_type_id:
            return f"{self.related_type.app_label}.{self.related_type.model}:{self.related_id}"
        return self.related_ref


class InboxMessage(models.Model):
    id = models.BigAutoField(primary_key=True)
    connector = models.CharField(_("connector"), max_length=50, default="peer")
    sender = models.CharField(_("sender"), max_length=100)
    idempotency_key = models.CharField(_("idempotency key"), max_length=200)
    kind = models.CharField(_("kind"), max_length=100)
    content_type = models.CharField(_("content type"), max_length=100, blank=True)
    body = models.BinaryField(_("body"))
    body_sha256 = models.CharField(_("body SHA-256"), max_length=64)
    body_size = models.PositiveBigIntegerField(_("body size"), default=0)
    received_at = models.DateTimeField(_("received at"))
    processed_at = models.DateTimeField(_("processed at"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=InboxStatus.choices, default=InboxStatus.RECEIVED
    )
    attempts = models.PositiveSmallIntegerField(_("processing attempts"), default=0)
    error = models.TextField(_("error"), blank=True)

    audit_exclude_fields = ("body",)

    class Meta:
        verbose_name = _("incoming message")
        verbose_name_plural = _("incoming messages")
        ordering = ["-received_at", "-id"]
        permissions = [("reprocess_inboxmessage", "Can process an incoming exchange message again")]
        constraints = [
            models.UniqueConstraint(
                fields=["sender", "idempotency_key"], name="exchange_inbox_once_per_sender"
            )
        ]
        indexes = [models.Index(fields=["status", "received_at"], name="exchange_inbox_status")]

    def __str__(self) -> str:
        return f"{self.sender} {self.kind} [{self.idempotency_key}]"


class MessageLogEntry(models.Model):
    """One HTTP exchange. Append-only and hash-chained (see ``exchange.messagelog``): the
    queryset refuses updates and deletes, inserts go through ``messagelog.append``."""

    id = models.BigAutoField(primary_key=True)
    at = models.DateTimeField(_("time"))
    direction = models.CharField(_("direction"), max_length=3, choices=Direction.choices)
    connector = models.CharField(_("connector"), max_length=50)
    peer = models.CharField(_("client / destination"), max_length=100, blank=True)
    endpoint = models.CharField(_("endpoint"), max_length=500, blank=True)
    method = models.CharField(_("method"), max_length=10, blank=True)
    status_code = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    latency_ms = models.PositiveIntegerField(_("latency (ms)"), default=0)
    request_sha256 = models.CharField(_("request body SHA-256"), max_length=64, blank=True)
    response_sha256 = models.CharField(_("response body SHA-256"), max_length=64, blank=True)
    idempotency_key = models.CharField(_("idempotency key"), max_length=200, blank=True)
    nonce = models.CharField(_("nonce"), max_length=64, blank=True)
    message_id = models.BigIntegerField(_("message id"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=40)
    error = models.CharField(_("error"), max_length=500, blank=True)
    prev_hash = models.CharField(_("previous hash"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64, unique=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("message log entry")
        verbose_name_plural = _("message log entries")
        base_manager_name = "objects"
        default_manager_name = "objects"
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["direction", "connector", "peer", "at"], name="exchange_log_peer"),
            models.Index(fields=["at"], name="exchange_log_at"),
            models.Index(fields=["nonce"], name="exchange_log_nonce"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.direction} {self.connector}:{self.peer} {self.outcome}"

    def save(self, *args, **kwargs):
        from chinhquyen.audit.models import AppendOnlyError

        if not self._state.adding or not getattr(self, "_chain_append", False):
            raise AppendOnlyError("save")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        from chinhquyen.audit.models import AppendOnlyError

        raise AppendOnlyError("delete")


# System accounts of the integration API (exchange/api/models.py), registered in this app.
from chinhquyen.exchange.api.models import (  # noqa: E402, F401
    ClientSecret,
    IdempotencyRecord,
    SystemClient,
)
from chinhquyen.exchange.national_models import (  # noqa: E402, F401  (issue 7 item 5)
    NationalDossierSync,
    PortalDossier,
    SyncCursor,
)
