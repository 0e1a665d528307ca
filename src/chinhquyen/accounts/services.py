"""Roles, delegations and sign-in factors: the only code that changes them.

Every function runs in one transaction and records the call in the audit trail. Bad input
raises ``ValidationError`` with a translated message (Vietnamese by default, English by the
language switch) naming the field, and saves nothing.
"""

from datetime import date

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chinhquyen.accounts.choices import Role, UserKind
from chinhquyen.accounts.models import Delegation, RoleAssignment, User
from chinhquyen.accounts.roles import DELEGABLE_ROLES
from chinhquyen.audit.services import log_action
from chinhquyen.directory.choices import OfficialStatus
from chinhquyen.directory.models import Official, Organisation


def _check_role(role: str, field: str = "role") -> None:
    if role not in Role.values:
        raise ValidationError(
            {
                field: ValidationError(
                    _("Unknown role “%(role)s”."), code="unknown_role", params={"role": role}
                )
            }
        )


def _is_active_official(official: Official) -> bool:
    user = official.user
    return (
        official.status == OfficialStatus.ACTIVE
        and user.is_active
        and user.kind == UserKind.OFFICIAL
    )


def assign_role(
    *,
    official: Official,
    role: str,
    organisation: Organisation,
    valid_from: date | None = None,
    valid_until: date | None = None,
    acting_user: User | None = None,
) -> RoleAssignment:
    """Give ``official`` the ``role`` within ``organisation`` (and its subtree).

    Idempotent: if the official already holds this role there (an assignment not ended before
    today), that assignment is returned unchanged and nothing is recorded.
    """
    _check_role(role)
    today = timezone.localdate()
    valid_from = valid_from or today
    if valid_until is not None and valid_until < valid_from:
        raise ValidationError(
            {"valid_until": _("The last day must not be before the first day.")},
            code="range_reversed",
        )
    with transaction.atomic():
        existing = (
            RoleAssignment.objects.filter(official=official, role=role, organisation=organisation)
            .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))
            .order_by("valid_from", "pk")
            .first()
        )
        if existing is not None:
            return existing
        if official.user.kind != UserKind.OFFICIAL:
            raise ValidationError(
                {"official": _("Only official accounts can hold a role.")}, code="not_official"
            )
        assignment = RoleAssignment.objects.create(
            official=official,
            role=role,
            organisation=organisation,
            valid_from=valid_from,
            valid_until=valid_until,
        )
        log_action(
            "accounts.assign_role",
            target=assignment,
            actor=acting_user,
            details={
                "official": official.pk,
                "role": role,
                "organisation": organisation.pk,
                "valid_from": valid_from.isoformat(),
                "valid_until": valid_until.isoformat() if valid_until else None,
            },
        )
    return assignment


def end_role(assignment: RoleAssignment, *, on: date, acting_user: User | None) -> RoleAssignment:
    """End a role assignment: ``on`` is the last day the role is held.

    Delegations of that role given by the same official there, running past ``on``, are
    revoked in the same transaction (a deputy cannot hold more than the leader has).
    """
    with transaction.atomic():
        assignment = RoleAssignment.objects.select_for_update().get(pk=assignment.pk)
        if on < assignment.valid_from:
            raise ValidationError(
                {"on": _("The last day must not be before the first day.")},
                code="range_reversed",
            )
        if assignment.valid_until is not None and assignment.valid_until <= on:
            raise ValidationError(
                {"on": _("This role assignment has already ended.")}, code="already_ended"
            )
        assignment.valid_until = on
        assignment.save(update_fields=["valid_until"])
        log_action(
            "accounts.end_role",
            target=assignment,
            actor=acting_user,
            details={"valid_until": on.isoformat()},
        )
        running = Delegation.objects.filter(
            delegator=assignment.official,
            role=assignment.role,
            organisation=assignment.organisation,
            revoked_at__isnull=True,
            ends_on__gt=on,
        )
        for delegation in running:
            _revoke(delegation, acting_user=acting_user, reason="role_ended")
    return assignment


def delegate_role(
    *,
    delegator: Official,
    delegate: Official,
    role: str,
    organisation: Organisation,
    starts_on: date,
    ends_on: date,
    reason: str,
    acting_user: User | None,
) -> Delegation:
    """Ủy quyền: ``delegator`` hands ``role`` in ``organisation`` to ``delegate`` for the days
    ``starts_on`` … ``ends_on`` (inclusive).

    Rules: a leader's role only (``roles.DELEGABLE_ROLES``); not to oneself; the delegator
    holds that role in that organisation for the whole range; the deputy is an active official
    of that organisation or below it; the range starts today or later; no other running
    delegation of the same role there overlaps it; a reason is given.
    """
    _check_role(role)
    errors: dict[str, list] = {}
    today = timezone.localdate()
    if role not in DELEGABLE_ROLES:
        errors.setdefault("role", []).append(
            _("Only a leader's role can be delegated."),
        )
    if ends_on < starts_on:
        errors.setdefault("ends_on", []).append(_("The last day must not be before the first day."))
    if starts_on < today:
        errors.setdefault("starts_on", []).append(_("A delegation cannot start in the past."))
    if delegator.pk == delegate.pk:
        errors.setdefault("delegate", []).append(_("You cannot delegate a role to yourself."))
    elif not _is_active_official(delegate):
        errors.setdefault("delegate", []).append(_("The deputy must be an active official."))
    elif not delegate.organisation.path.startswith(organisation.path):
        errors.setdefault("delegate", []).append(
            _("The deputy must work in the organisation the role is held in.")
        )
    if not (reason or "").strip():
        errors.setdefault("reason", []).append(_("Please give the reason for the delegation."))
    if errors:
        raise ValidationError(errors)

    with transaction.atomic():
        # Serialise delegations of one official so two overlapping requests cannot both pass.
        Official.objects.select_for_update().filter(pk=delegator.pk).first()
        holds = (
            RoleAssignment.objects.filter(
                official=delegator, role=role, organisation=organisation, valid_from__lte=starts_on
            )
            .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=ends_on))
            .exists()
        )
        if not holds:
            raise ValidationError(
                {
                    "role": _(
                        "The delegating official does not hold this role in this organisation "
                        "for the whole period."
                    )
                },
                code="role_not_held",
            )
        overlapping = Delegation.objects.filter(
            delegator=delegator,
            role=role,
            organisation=organisation,
            revoked_at__isnull=True,
            starts_on__lte=ends_on,
            ends_on__gte=starts_on,
        ).exists()
        if overlapping:
            raise ValidationError(
                {
                    "starts_on": _(
                        "This role is already delegated for part of this period; revoke that "
                        "delegation first."
                    )
                },
                code="overlapping",
            )
        delegation = Delegation.objects.create(
            delegator=delegator,
            delegate=delegate,
            role=role,
            organisation=organisation,
            starts_on=starts_on,
            ends_on=ends_on,
            reason=reason.strip(),
            created_by=acting_user,
        )
        log_action(
            "accounts.delegate_role",
            target=delegation,
            actor=acting_user,
            details={
                "delegator": delegator.pk,
                "delegate": delegate.pk,
                "role": role,
                "organisation": organisation.pk,
                "starts_on": starts_on.isoformat(),
                "ends_on": ends_on.isoformat(),
                "reason": delegation.reason,
            },
        )
    return delegation


def _revoke(delegation: Delegation, *, acting_user: User | None, reason: str) -> None:
    delegation.revoked_at = timezone.now()
    delegation.revoked_by = acting_user
    delegation.save(update_fields=["revoked_at", "revoked_by"])
    log_action(
        "accounts.revoke_delegation",
        target=delegation,
        actor=acting_user,
        details={"reason": reason},
    )


def revoke_delegation(delegation: Delegation, *, acting_user: User | None) -> Delegation:
    """End a delegation now: from this moment the deputy no longer holds the role."""
    with transaction.atomic():
        delegation = Delegation.objects.select_for_update().get(pk=delegation.pk)
        if delegation.revoked_at is not None:
            raise ValidationError(
                _("This delegation has already been revoked."), code="already_revoked"
            )
        _revoke(delegation, acting_user=acting_user, reason="revoked")
    return delegation


def change_password(*, user: User, new_password: str, acting_user: User | None) -> None:
    """Set a new password (validated against the password rules) and record it."""
    try:
        validate_password(new_password, user=user)
    except ValidationError as exc:
        raise ValidationError({"new_password1": exc.messages}) from exc
    with transaction.atomic():
        user.set_password(new_password)
        user.save(update_fields=["password"])
        log_action("accounts.change_password", target=user, actor=acting_user, details={})


def confirm_totp_device(*, user: User, key: str, token: str, acting_user: User | None):
    """Enrol a TOTP device with the hex ``key`` shown to the user, if ``token`` matches it.

    Returns the confirmed ``TOTPDevice``; raises ``ValidationError`` on a wrong code (and then
    nothing is saved).
    """
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice(user=user, name="TOTP", key=key, confirmed=True)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    token = (token or "").strip().replace(" ", "")
    if not token.isdigit() or not totp.verify(int(token), tolerance=device.tolerance):
        raise ValidationError(
            {"token": _("The code is not correct. Check the time on your phone and try again.")},
            code="wrong_code",
        )
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        device.last_t = totp.t()
        device.save()
        log_action("accounts.enrol_totp", target=user, actor=acting_user, details={})
    return device
