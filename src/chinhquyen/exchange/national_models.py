"""State of the national connectors (issue 7 item 5), registered in the exchange app.

* :class:`NationalDossierSync` — per dossier, what the national public service portal (Cổng
  DVC quốc gia) has confirmed: the last dossier status and version it accepted and when. Written
  by the outbox's "delivered" listener of ``national.dossier_status``, in the transaction that
  records the delivery, so it never claims more than the portal acknowledged. The IOC indicator
  "share of dossiers synchronised to the national portal" (Decision 766) reads it
  (``national_sync.synchronised_share``).
* :class:`PortalDossier` — one online dossier filed on the national portal and pulled here:
  unique per portal dossier id, so pulling twice creates one dossier.
* :class:`SyncCursor` — where the last pull stopped (the portal's opaque cursor).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class NationalDossierSync(models.Model):
    dossier = models.OneToOneField(
        "dossiers.Dossier",
        on_delete=models.CASCADE,
        related_name="national_sync",
        verbose_name=_("dossier"),
    )
    last_status_pushed = models.CharField(_("last status pushed"), max_length=32)
    last_version_pushed = models.PositiveIntegerField(_("dossier version pushed"), default=0)
    evaluation_pushed = models.BooleanField(_("evaluation pushed"), default=False)
    first_pushed_at = models.DateTimeField(_("first synchronised at"))
    pushed_at = models.DateTimeField(_("last synchronised at"))
    outbox_message_id = models.BigIntegerField(_("last outbox message"), null=True, blank=True)

    class Meta:
        verbose_name = _("national portal synchronisation")
        verbose_name_plural = _("national portal synchronisations")
        indexes = [models.Index(fields=["first_pushed_at"], name="exchange_natsync_first")]

    def __str__(self) -> str:
        return f"{self.dossier_id} {self.last_status_pushed} v{self.last_version_pushed}"


class PortalDossierStatus(models.TextChoices):
    RECEIVED = "received", _("Received here")
    REFUSED = "refused", _("Refused at intake")


class PortalDossier(models.Model):
    portal_id = models.CharField(_("national portal dossier id"), max_length=100, unique=True)
    dossier = models.OneToOneField(
        "dossiers.Dossier",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="portal_origin",
        verbose_name=_("dossier"),
    )
    status = models.CharField(_("status"), max_length=10, choices=PortalDossierStatus.choices)
    error_code = models.CharField(_("refusal code"), max_length=40, blank=True)
    error = models.TextField(_("refusal"), blank=True)
    payload_sha256 = models.CharField(_("payload SHA-256"), max_length=64)
    pulled_at = models.DateTimeField(_("pulled at"))

    class Meta:
        verbose_name = _("dossier from the national portal")
        verbose_name_plural = _("dossiers from the national portal")
        ordering = ["-pulled_at", "-id"]

    def __str__(self) -> str:
        return f"{self.portal_id} → {self.dossier_id or self.status}"


class SyncCursor(models.Model):
    name = models.CharField(_("name"), max_length=50, unique=True)
    value = models.CharField(_("cursor"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        verbose_name = _("synchronisation cursor")
        verbose_name_plural = _("synchronisation cursors")

    def __str__(self) -> str:
        return f"{self.name}={self.value}"
