"""Signing keys (software PKCS#12 and PKCS#11 tokens) and the trust list.

Secrets: a PKCS#12 file and its passphrase are stored only encrypted (``crypto.seal``, a key
derived from ``SIGNING_KEY_ENCRYPTION_KEY`` or ``SECRET_KEY``); a PKCS#11 PIN is never stored,
it is supplied at signing time. Change these rows through ``signing.services`` only.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from chinhquyen.core.authz import RestrictedQuerySet
from chinhquyen.signing.choices import (
    CertificateKind,
    CertificateStatus,
    KeyStorage,
    SignatureRole,
)


class SigningKey(models.Model):
    """A key with its certificate that signs for one official or one organisation."""

    role = models.CharField(_("role"), max_length=20, choices=SignatureRole.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("official"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="signing_keys",
    )
    organisation = models.ForeignKey(
        "directory.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="signing_keys",
    )
    label = models.CharField(_("key name"), max_length=200)
    storage = models.CharField(_("key storage"), max_length=20, choices=KeyStorage.choices)
    # The signer's certificate (DER) and its chain (concatenated PEM, without the trust anchor).
    certificate = models.BinaryField(_("signer certificate"))
    chain_pem = models.TextField(_("certificate chain (PEM)"), blank=True)
    serial_number = models.CharField(_("certificate serial number"), max_length=80)
    issuer = models.CharField(_("certificate issuer"), max_length=500)
    subject = models.CharField(_("certificate subject"), max_length=500)
    valid_from = models.DateTimeField(_("valid from"))
    valid_until = models.DateTimeField(_("valid until"))
    # PKCS#12: the file and its passphrase, each sealed (Fernet) — never in clear.
    pkcs12_sealed = models.BinaryField(_("sealed PKCS#12 file"), null=True, blank=True)
    passphrase_sealed = models.BinaryField(_("sealed passphrase"), null=True, blank=True)
    # PKCS#11: where the key lives; the PIN is given at signing time.
    pkcs11_module = models.CharField(_("PKCS#11 module path"), max_length=500, blank=True)
    pkcs11_token_label = models.CharField(_("token label"), max_length=200, blank=True)
    pkcs11_key_label = models.CharField(_("key label"), max_length=200, blank=True)
    # Decree 30/2020 Appendix I §II: the image shown with the signature — a personal key's
    # handwritten signature (blue), an organisation key's seal (red, real size) — a PNG with a
    # transparent background, checked by services.set_appearance_image.
    appearance_image = models.BinaryField(_("signature or seal image (PNG)"), null=True, blank=True)
    is_active = models.BooleanField(_("in use"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    audit_exclude_fields = ("pkcs12_sealed", "passphrase_sealed", "certificate", "appearance_image")

    class Meta:
        ordering = ["role", "label"]
        verbose_name = _("signing key")
        verbose_name_plural = _("signing keys")
        permissions = [
            ("sign_as_organisation", _("Can apply the organisation's digital signature")),
        ]
        constraints = [
            models.CheckConstraint(
                name="signing_key_owner_matches_role",
                condition=(
                    Q(role=SignatureRole.PERSONAL, user__isnull=False, organisation__isnull=True)
                    | Q(
                        role=SignatureRole.ORGANISATION,
                        user__isnull=True,
                        organisation__isnull=False,
                    )
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.serial_number})"


class TrustAnchor(models.Model):
    """A root (or intermediate) CA certificate that signatures must chain to.

    The administrator adds the Vietnamese government CA roots here; tests add the test root.
    """

    name = models.CharField(_("name"), max_length=200)
    certificate = models.BinaryField(_("CA certificate"))
    subject = models.CharField(_("certificate subject"), max_length=500)
    fingerprint_sha256 = models.CharField(_("SHA-256 fingerprint"), max_length=64, unique=True)
    valid_until = models.DateTimeField(_("valid until"))
    is_active = models.BooleanField(_("in use"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("trust anchor")
        verbose_name_plural = _("trust anchors")

    def __str__(self) -> str:
        return self.name


class Certificate(models.Model):
    """The certificate registry: one row per certificate of an official or an organisation.

    ``organisation`` is the owning agency (for a personal or SIM certificate, the official's
    organisation when it was registered); it scopes the row (``restrict``). A certificate of a
    configured signing key is linked to it. Change rows through ``signing.registry`` only.
    """

    kind = models.CharField(_("kind"), max_length=20, choices=CertificateKind.choices)
    organisation = models.ForeignKey(
        "directory.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="certificates",
    )
    official = models.ForeignKey(
        "directory.Official",
        verbose_name=_("official"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="certificates",
    )
    signing_key = models.OneToOneField(
        SigningKey,
        verbose_name=_("signing key"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="registry_entry",
    )
    certificate = models.BinaryField(_("certificate (DER)"))
    chain_pem = models.TextField(_("certificate chain (PEM)"), blank=True)
    serial_number = models.CharField(_("certificate serial number"), max_length=80)
    issuer = models.CharField(_("certificate issuer"), max_length=500)
    subject = models.CharField(_("certificate subject"), max_length=500)
    common_name = models.CharField(_("name in the certificate"), max_length=300)
    valid_from = models.DateTimeField(_("valid from"))
    valid_until = models.DateTimeField(_("valid until"))
    fingerprint_sha256 = models.CharField(_("SHA-256 fingerprint"), max_length=64, unique=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=CertificateStatus.choices,
        default=CertificateStatus.VALID,
    )
    status_checked_at = models.DateTimeField(_("status checked at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    registered_at = models.DateTimeField(_("registered at"))
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = RestrictedQuerySet.as_manager()
    restrict_path = "organisation"
    audit_exclude_fields = ("certificate",)

    class Meta:
        ordering = ["valid_until", "pk"]
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        indexes = [models.Index(fields=["valid_until"]), models.Index(fields=["kind"])]
        constraints = [
            models.CheckConstraint(
                name="certificate_owner_matches_kind",
                condition=(
                    Q(kind=CertificateKind.ORGANISATIONAL, official__isnull=True)
                    | Q(
                        kind__in=[CertificateKind.PERSONAL, CertificateKind.SIM],
                        official__isnull=False,
                    )
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.common_name} ({self.serial_number})"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("signing:certificate", args=[self.pk])

    @property
    def owner_name(self) -> str:
        return self.official.full_name if self.official_id else self.organisation.name


class ExpiryWarning(models.Model):
    """One expiry warning per certificate and threshold, ever (the unique pair is the lock)."""

    certificate = models.ForeignKey(
        Certificate, on_delete=models.CASCADE, related_name="expiry_warnings"
    )
    threshold_days = models.PositiveSmallIntegerField(_("days ahead"))
    created_at = models.DateTimeField(_("created at"))
    recipients = models.PositiveSmallIntegerField(_("recipients"), default=0)

    class Meta:
        verbose_name = _("expiry warning")
        verbose_name_plural = _("expiry warnings")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["certificate", "threshold_days"], name="one_expiry_warning_per_threshold"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.certificate} -{self.threshold_days}d"


class SigningNotification(models.Model):
    """An in-app notice to one user (certificate expiry warnings); e-mailed too when possible."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="signing_notifications"
    )
    warning = models.ForeignKey(
        ExpiryWarning, on_delete=models.CASCADE, related_name="notifications"
    )
    message = models.TextField(_("message"))
    email = models.EmailField(_("e-mail"), blank=True)
    created_at = models.DateTimeField(_("created at"))
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("signing notification")
        verbose_name_plural = _("signing notifications")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.message[:60]


class VerificationReport(models.Model):
    """A stored result of ``verify_pdf`` for one file, linked to what the file belongs to.

    ``subject`` is any object (a dossier for its result file, a dossier attachment …); it is
    empty for a file checked on the verification page. ``signatures`` is the per-signature
    report (``verification.VerificationReport.as_dict()["signatures"]``).
    """

    content_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    subject = GenericForeignKey("content_type", "object_id")
    file_name = models.CharField(_("file name"), max_length=255, blank=True)
    file_sha256 = models.CharField(_("file SHA-256"), max_length=64)
    verified_at = models.DateTimeField(_("verified at"))
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("checked by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    all_valid = models.BooleanField(_("every signature valid"))
    signature_count = models.PositiveSmallIntegerField(_("signatures"))
    signatures = models.JSONField(_("report per signature"), default=list)

    class Meta:
        verbose_name = _("verification report")
        verbose_name_plural = _("verification reports")
        ordering = ["-verified_at", "-pk"]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.file_name or self.file_sha256[:12]} {self.verified_at:%Y-%m-%d %H:%M}"
