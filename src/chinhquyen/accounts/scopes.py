"""Which organisations a user may act on, per permission. See chinhquyen.core.authz.

A user's *grants* are the roles they hold today, each with an organisation: their own
``RoleAssignment`` rows (valid today) and the ``Delegation`` rows they received (not revoked,
today within the range). A grant covers its organisation and the whole subtree below it, with
the permissions of the role's group (``roles.py``). Superusers and holders of the system
administrator role see everything (``ALL``).

"Today" is the local date in ``settings.TIME_ZONE`` (Asia/Ho_Chi_Minh). The grants are read
once per user object and day (cached on the instance), so a page costs at most three queries
however many lists it restricts; call :func:`clear_scope_cache` after changing roles of a user
object you keep using.
"""

from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone

from chinhquyen.accounts.choices import Role, UserKind

ALL = object()  # sentinel: no restriction (system administrators, superusers)

_CACHE_ATTR = "_chinhquyen_grants"


@dataclass(frozen=True)
class Grants:
    """Roles a user holds on one day: (role, organisation path) pairs and role permissions."""

    day: date
    pairs: tuple[tuple[str, str], ...] = ()
    permissions: dict[str, frozenset[str]] = field(default_factory=dict)

    @property
    def roles(self) -> set[str]:
        return {role for role, _path in self.pairs}


def _eligible(user) -> bool:
    return (
        user is not None
        and user.is_authenticated
        and user.is_active
        and getattr(user, "kind", UserKind.OFFICIAL) == UserKind.OFFICIAL
    )


def _load_grants(user, day: date) -> Grants:
    from django.contrib.auth.models import Group

    from chinhquyen.accounts.models import Delegation, RoleAssignment
    from chinhquyen.directory.choices import OfficialStatus

    if not _eligible(user):
        return Grants(day=day)
    official_filter = {"official__user": user}
    assignments = (
        RoleAssignment.objects.active_on(day)
        .filter(**official_filter)
        .exclude(official__status=OfficialStatus.LEFT)
        .values_list("role", "organisation__path")
    )
    delegated = (
        Delegation.objects.active_on(day)
        .filter(delegate__user=user)
        .exclude(delegate__status=OfficialStatus.LEFT)
        .values_list("role", "organisation__path")
    )
    pairs = tuple(sorted(set(assignments) | set(delegated)))
    permissions: dict[str, set[str]] = {role: set() for role, _path in pairs}
    if permissions:
        rows = Group.objects.filter(
            name__in=list(permissions), permissions__isnull=False
        ).values_list("name", "permissions__content_type__app_label", "permissions__codename")
        for role, app_label, codename in rows:
            permissions[role].add(f"{app_label}.{codename}")
    return Grants(
        day=day,
        pairs=pairs,
        permissions={role: frozenset(perms) for role, perms in permissions.items()},
    )


def grants_of(user, *, on: date | None = None) -> Grants:
    """The user's grants on ``on`` (default: today), cached on the user object."""
    day = on or timezone.localdate()
    cache: dict[date, Grants] | None = getattr(user, _CACHE_ATTR, None) if user else None
    if cache is not None and day in cache:
        return cache[day]
    grants = _load_grants(user, day)
    if user is not None and user.is_authenticated:
        if cache is None:
            cache = {}
            setattr(user, _CACHE_ATTR, cache)
        cache[day] = grants
    return grants


def clear_scope_cache(user) -> None:
    if user is not None and hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def roles_of(user, *, on: date | None = None) -> set[str]:
    """Role codes the user holds on ``on`` (default today), delegated roles included."""
    return grants_of(user, on=on).roles


def has_role(user, role: str, *, on: date | None = None) -> bool:
    return role in roles_of(user, on=on)


def is_system_admin(user, *, on: date | None = None) -> bool:
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if getattr(user, "kind", UserKind.OFFICIAL) == UserKind.CITIZEN:
        return False
    if user.is_superuser:
        return True
    return has_role(user, Role.SYSTEM_ADMIN, on=on)


def _minimal_prefixes(paths: set[str]) -> list[str]:
    """Drop paths already covered by a shorter prefix (a subtree inside another)."""
    result: list[str] = []
    for path in sorted(paths):
        if not any(path.startswith(prefix) for prefix in result):
            result.append(path)
    return result


def organisation_scope(user, perm: str, *, on: date | None = None):
    """Return ALL, or the list of Organisation ``path`` prefixes where ``user`` holds ``perm``.

    ``[]`` for anonymous, inactive and citizen users and for officials without such a role.
    """
    if user is None or not user.is_authenticated or not user.is_active:
        return []
    if getattr(user, "kind", UserKind.OFFICIAL) == UserKind.CITIZEN:
        return []
    if user.is_superuser:
        return ALL
    grants = grants_of(user, on=on)
    if Role.SYSTEM_ADMIN in grants.roles:
        return ALL
    paths = {
        path for role, path in grants.pairs if perm in grants.permissions.get(role, frozenset())
    }
    return _minimal_prefixes(paths)


def permissions_of(user, *, on: date | None = None) -> set[str]:
    """Every permission the user holds somewhere (unscoped), e.g. to show navigation links."""
    grants = grants_of(user, on=on)
    result: set[str] = set()
    for perms in grants.permissions.values():
        result |= perms
    return result
