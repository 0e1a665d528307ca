from django.db import models
from django.utils.translation import gettext_lazy as _


class SignatureRole(models.TextChoices):
    """Whose signature it is (Decree 30/2020 Appendix I §II)."""

    PERSONAL = "personal", _("Personal (competent signer)")
    ORGANISATION = "organisation", _("Organisation")


class KeyStorage(models.TextChoices):
    PKCS12 = "pkcs12", _("Software key (PKCS#12 file, stored encrypted)")
    PKCS11 = "pkcs11", _("Hardware token or HSM (PKCS#11)")


class SignatureLevel(models.TextChoices):
    """PAdES baseline level reached by a signature."""

    B_B = "B-B", "PAdES B-B"
    B_T = "B-T", "PAdES B-T"
    B_LT = "B-LT", "PAdES B-LT"
    B_LTA = "B-LTA", "PAdES B-LTA"


class CertificateKind(models.TextChoices):
    """Kinds of certificate counted in the IT report (personal, organisational, SIM-based)."""

    ORGANISATIONAL = "organisational", _("Organisational")
    PERSONAL = "personal", _("Personal")
    # Remote signing with a key on the SIM card of a mobile phone: recorded, never used here.
    SIM = "sim", _("SIM-based remote signing")


class CertificateStatus(models.TextChoices):
    """The status of a certificate when it was last checked."""

    VALID = "valid", _("Valid")
    EXPIRED = "expired", _("Expired")
    REVOKED = "revoked", _("Revoked")
