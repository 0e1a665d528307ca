"""System accounts of the integration API (tài khoản hệ thống tích hợp).

A :class:`SystemClient` is an outside system (the national public service portal, a
ministry's document system, a district's one-stop software …) bound to one organisation of
the directory. It authenticates with OAuth2 client credentials: the OAuth2 application row
(django-oauth-toolkit) holds its ``client_id``; its secrets are :class:`ClientSecret` rows,
kept as SHA-256 digests only (the secret is shown once). Two secrets may be valid at the same
time, so a key is rotated without downtime: the new one is issued, the old one stays valid
until its ``expires_at``.

Imported by ``exchange.models`` so Django registers them in the ``exchange`` app.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SystemClient(models.Model):
    application = models.OneToOneField(
        settings.OAUTH2_PROVIDER_APPLICATION_MODEL,
        on_delete=models.PROTECT,
        related_name="system_client",
    )
    name = models.CharField(_("name"), max_length=200)
    organisation = models.ForeignKey(
        "directory.Organisation",
        on_delete=models.PROTECT,
        related_name="system_clients",
        verbose_name=_("organisation"),
    )
    scopes = models.JSONField(_("allowed scopes"), default=list, blank=True)
    # Dossier workflow actions this client may perform through the API (a small safe set).
    transition_actions = models.JSONField(_("allowed dossier actions"), default=list, blank=True)
    intake_channel = models.CharField(_("channel of dossiers it submits"), max_length=20)
    rate_limit_per_minute = models.PositiveIntegerField(_("requests per minute"), default=120)
    is_enabled = models.BooleanField(_("enabled"), default=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("system client")
        verbose_name_plural = _("system clients")
        ordering = ["name", "id"]
        permissions = [("manage_systemclient", "Can manage the API's system clients")]

    def __str__(self) -> str:
        return self.name

    @property
    def client_id(self) -> str:
        return self.application.client_id


class ClientSecret(models.Model):
    client = models.ForeignKey(SystemClient, on_delete=models.CASCADE, related_name="secrets")
    secret_sha256 = models.CharField(max_length=64, unique=True)
    # The last characters, so the administrator can tell which secret a system holds.
    hint = models.CharField(_("ends with"), max_length=8)
    created_at = models.DateTimeField(_("issued at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    expires_at = models.DateTimeField(_("valid until"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("client secret")
        verbose_name_plural = _("client secrets")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"…{self.hint}"

    def is_active(self, at=None) -> bool:
        at = at or timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > at)


class IdempotencyRecord(models.Model):
    """A create call made with an ``Idempotency-Key`` header: the same key again from the same
    client returns the object first created (a retry after a timeout never creates two
    dossiers); the same key with another body is refused (409)."""

    client = models.ForeignKey(SystemClient, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(_("idempotency key"), max_length=200)
    request_sha256 = models.CharField(max_length=64)
    object_ref = models.CharField(_("object created"), max_length=100)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")
        constraints = [
            models.UniqueConstraint(fields=["client", "key"], name="exchange_api_key_once")
        ]

    def __str__(self) -> str:
        return f"{self.client_id}:{self.key}"
