from django.db import models
from django.utils.translation import gettext_lazy as _


class VerifiedBy(models.TextChoices):
    """How the citizen proved who they are (the last way they signed in with)."""

    NATIONAL_SSO = "national_sso", _("National single sign-on (VNeID)")
    EMAIL_CODE = "email_code", _("One-time code sent by e-mail")
    PHONE_CODE = "phone_code", _("One-time code sent by SMS")


class CodeChannel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    PHONE = "phone", _("Phone (SMS)")


class CodePurpose(models.TextChoices):
    SIGN_IN = "sign_in", _("Sign in")
    CHANGE_EMAIL = "change_email", _("Change e-mail")
    CHANGE_PHONE = "change_phone", _("Change phone")
