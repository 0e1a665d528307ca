from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from chinhquyen.accounts.choices import Role, UserKind
from chinhquyen.core.authz import RestrictedQuerySet


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


class RoleAssignmentQuerySet(RestrictedQuerySet):
    def active_on(self, day):
        """Assignments valid on ``day`` (both ends inclusive)."""
        return self.filter(valid_from__lte=day).filter(
            models.Q(valid_until__isnull=True) | models.Q(valid_until__gte=day)
        )


class RoleAssignment(models.Model):
    """An official holds a role within an organisation (and so over its subtree).

    The role's permissions are those of the Django group of the same name (see ``roles.py``);
    the organisation is the scope. ``valid_until`` is the last day the role is held.
    Rows are created and ended only through ``accounts.services``.
    """

    official = models.ForeignKey(
        "directory.Official",
        on_delete=models.PROTECT,
        related_name="role_assignments",
        verbose_name=_("official"),
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    organisation = models.ForeignKey(
        "directory.Organisation",
        on_delete=models.PROTECT,
        related_name="role_assignments",
        verbose_name=_("organisation (scope)"),
    )
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until (last day)"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = RoleAssignmentQuerySet.as_manager()
    restrict_path = "organisation"

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        ordering = ["official_id", "role", "valid_from"]
        indexes = [models.Index(fields=["official", "valid_from"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_until__isnull=True)
                | models.Q(valid_until__gte=models.F("valid_from")),
                name="role_assignment_validity_ordered",
            )
        ]

    def __str__(self) -> str:
        return f"{self.official} · {self.get_role_display()} · {self.organisation}"


class DelegationQuerySet(RestrictedQuerySet):
    def active_on(self, day):
        """Delegations not revoked whose date range contains ``day`` (inclusive)."""
        return self.filter(revoked_at__isnull=True, starts_on__lte=day, ends_on__gte=day)


class Delegation(models.Model):
    """Ủy quyền: a leader hands one of their roles in an organisation to a deputy for a range
    of days (both inclusive). Created and revoked only through ``accounts.services``."""

    delegator = models.ForeignKey(
        "directory.Official",
        on_delete=models.PROTECT,
        related_name="delegations_given",
        verbose_name=_("delegating official"),
    )
    delegate = models.ForeignKey(
        "directory.Official",
        on_delete=models.PROTECT,
        related_name="delegations_received",
        verbose_name=_("deputy"),
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    organisation = models.ForeignKey(
        "directory.Organisation",
        on_delete=models.PROTECT,
        related_name="delegations",
        verbose_name=_("organisation (scope)"),
    )
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    reason = models.TextField(_("reason"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("revoked by"),
    )

    objects = DelegationQuerySet.as_manager()
    restrict_path = "organisation"

    class Meta:
        verbose_name = _("delegation")
        verbose_name_plural = _("delegations")
        ordering = ["-starts_on", "-id"]
        indexes = [models.Index(fields=["delegate", "starts_on", "ends_on"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="delegation_range_ordered",
            ),
            models.CheckConstraint(
                condition=~models.Q(delegator=models.F("delegate")),
                name="delegation_not_to_self",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.delegator} → {self.delegate} · {self.get_role_display()}"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def is_active_on(self, day) -> bool:
        return not self.is_revoked and self.starts_on <= day <= self.ends_on
