from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from chinhquyen.accounts.choices import UserKind


class User(AbstractUser):
    """Any account that can sign in: an official (cán bộ), a citizen (công dân) or a system.

    Officials sign in to the back office with username and password (+ TOTP); citizens use
    the portal (national SSO or a one-time code) and never reach the back office.
    """

    kind = models.CharField(
        _("kind of account"), max_length=16, choices=UserKind.choices, default=UserKind.OFFICIAL
    )
    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def is_official(self) -> bool:
        return self.kind == UserKind.OFFICIAL

    @property
    def is_citizen(self) -> bool:
        return self.kind == UserKind.CITIZEN

    def get_full_name(self) -> str:
        return self.full_name or super().get_full_name() or self.username
