"""The role → permission matrix, as data.

Each role (``accounts.choices.Role``) is a Django group of the same name. Its permissions are
listed here and written to the group by :func:`sync_role_groups`, which runs after every
``migrate`` (``AccountsConfig.ready`` connects it to ``post_migrate``) and is idempotent.
Where a role applies is not here: that is the organisation of each ``RoleAssignment``.

A new app plugs in its permissions in one of two ways:

* add lines to :data:`ROLE_PERMISSIONS` below (preferred for the core apps), or
* call :func:`extend_role_permissions` from its ``AppConfig.ready()``::

      extend_role_permissions({
          Role.ONE_STOP_OFFICER: {"dossiers.view_dossier", "dossiers.add_dossier"},
          Role.SPECIALIST: {"dossiers.view_dossier", "dossiers.change_dossier"},
      })

Permissions are the usual ``"<app_label>.<codename>"`` strings (``view_<model>``,
``add_<model>`` … or a custom one from ``Meta.permissions``). ``ALL_PERMISSIONS`` grants every
permission known to Django (system administrators).
"""

from collections.abc import Iterable, Mapping

from chinhquyen.accounts.choices import Role

ALL_PERMISSIONS = "__all__"

_DIRECTORY_VIEW = {
    "directory.view_organisation",
    "directory.view_official",
    "directory.view_administrativeunit",
}
_ROLES_VIEW = {"accounts.view_roleassignment", "accounts.view_delegation"}

ROLE_PERMISSIONS: dict[str, set[str] | str] = {
    Role.CLERK: set(_DIRECTORY_VIEW),
    Role.ONE_STOP_OFFICER: set(_DIRECTORY_VIEW),
    Role.SPECIALIST: set(_DIRECTORY_VIEW),
    Role.DIVISION_LEADER: _DIRECTORY_VIEW | _ROLES_VIEW,
    Role.AGENCY_LEADER: _DIRECTORY_VIEW | _ROLES_VIEW,
    Role.IT_ADMIN: _DIRECTORY_VIEW
    | _ROLES_VIEW
    | {
        "directory.add_organisation",
        "directory.change_organisation",
        "directory.add_official",
        "directory.change_official",
        "accounts.add_roleassignment",
        "accounts.change_roleassignment",
        "audit.view_auditentry",
    },
    Role.SYSTEM_ADMIN: ALL_PERMISSIONS,
}

# Roles a holder may hand to a deputy for a while (ủy quyền): the leaders' roles.
DELEGABLE_ROLES: frozenset[str] = frozenset({Role.AGENCY_LEADER, Role.DIVISION_LEADER})


def extend_role_permissions(extra: Mapping[str, Iterable[str]]) -> None:
    """Add permissions to roles (call from an ``AppConfig.ready()``; synced after migrate)."""
    for role, perms in extra.items():
        if role not in Role.values:
            raise ValueError(f"Unknown role {role!r}")
        current = ROLE_PERMISSIONS[role]
        if current == ALL_PERMISSIONS:
            continue
        current.update(perms)


def sync_role_groups(*, using: str = "default", verbosity: int = 0) -> None:
    """Create one group per role and set its permissions exactly to the matrix (idempotent).

    Permissions named in the matrix whose model does not exist (an app not installed yet) are
    skipped, so the matrix may mention later apps.
    """
    from django.apps import apps
    from django.contrib.auth.management import create_permissions
    from django.contrib.auth.models import Group, Permission

    # post_migrate runs per app; make sure every app's permissions exist before syncing.
    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0, using=using)

    all_perms = {
        f"{app_label}.{codename}": pk
        for pk, app_label, codename in Permission.objects.using(using).values_list(
            "pk", "content_type__app_label", "codename"
        )
    }
    for role in Role.values:
        group, _created = Group.objects.using(using).get_or_create(name=role)
        wanted = ROLE_PERMISSIONS.get(role, set())
        if wanted == ALL_PERMISSIONS:
            wanted_ids = set(all_perms.values())
        else:
            wanted_ids = {all_perms[perm] for perm in wanted if perm in all_perms}
        current_ids = set(group.permissions.values_list("pk", flat=True))
        if current_ids != wanted_ids:
            group.permissions.set(wanted_ids)
            if verbosity >= 1:
                print(f"Role group {role}: {len(wanted_ids)} permissions")
