"""Signing keys (software PKCS#12 and PKCS#11 tokens) and the trust list.

Secrets: a PKCS#12 file and its passphrase are stored only encrypted (``crypto.seal``, a key
derived from ``SIGNING_KEY_ENCRYPTION_KEY`` or ``SECRET_KEY``); a PKCS#11 PIN is never stored,
it is supplied at signing time. Change these rows through ``signing.services`` only.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from chinhquyen.signing.choices import KeyStorage, SignatureRole


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
    is_active = models.BooleanField(_("in use"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    audit_exclude_fields = ("pkcs12_sealed", "passphrase_sealed", "certificate")

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
