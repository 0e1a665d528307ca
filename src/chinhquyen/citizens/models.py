from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from chinhquyen.citizens.choices import CodeChannel, CodePurpose, VerifiedBy


class CitizenProfile(models.Model):
    """What the portal knows about a citizen account (``accounts.User`` of kind citizen).

    Created at the first sign-in (national SSO or a one-time code) and changed only through
    ``citizens.services``. ``id_number`` is the 12-digit personal identification number (số
    định danh cá nhân); it is empty for local accounts that never came through the national SSO.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="citizen_profile",
        verbose_name=_("user"),
    )
    id_number = models.CharField(
        _("personal identification number"), max_length=12, null=True, blank=True, unique=True
    )
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    address = models.CharField(_("address"), max_length=500, blank=True)
    unit = models.ForeignKey(
        "directory.AdministrativeUnit",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("commune / ward"),
    )
    oidc_issuer = models.CharField(_("SSO issuer"), max_length=255, blank=True)
    oidc_subject = models.CharField(
        _("SSO subject"), max_length=255, null=True, blank=True, unique=True
    )
    verified_by = models.CharField(
        _("verified by"), max_length=20, choices=VerifiedBy.choices, blank=True
    )
    last_sign_in_at = models.DateTimeField(_("last sign-in"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("citizen profile")
        verbose_name_plural = _("citizen profiles")
        indexes = [models.Index(fields=["email"]), models.Index(fields=["phone"])]

    def __str__(self) -> str:
        return str(self.user)


class OneTimeCode(models.Model):
    """A 6-digit code sent to an e-mail address or a phone; only its hash is stored.

    ``destination`` is the normalised address (lower-case e-mail, phone in 0xxxxxxxxx form).
    A code is good until ``expires_at``, for ``CITIZEN_CODE_MAX_ATTEMPTS`` tries, once.
    The rows also serve as the send log for throttling (per destination and per IP).
    """

    channel = models.CharField(_("sent by"), max_length=8, choices=CodeChannel.choices)
    destination = models.CharField(_("sent to"), max_length=254)
    purpose = models.CharField(_("code purpose"), max_length=16, choices=CodePurpose.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("user"),
    )
    code_hash = models.CharField(_("code hash"), max_length=128)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"))
    expires_at = models.DateTimeField(_("expires at"))
    attempts = models.PositiveSmallIntegerField(_("wrong tries"), default=0)
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    audit_mask_fields = ("code_hash",)

    class Meta:
        verbose_name = _("one-time code")
        verbose_name_plural = _("one-time codes")
        indexes = [
            models.Index(fields=["destination", "created_at"]),
            models.Index(fields=["ip", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.channel}:{self.destination}"
