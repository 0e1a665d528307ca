"""Each role is a Django group whose permissions follow the matrix in roles.py."""

from django.contrib.auth.models import Group, Permission

from chinhquyen.accounts.choices import Role
from chinhquyen.accounts.roles import ROLE_PERMISSIONS, sync_role_groups


def _perms(group_name: str) -> set[str]:
    return {
        f"{app}.{code}"
        for app, code in Group.objects.get(name=group_name).permissions.values_list(
            "content_type__app_label", "codename"
        )
    }


def test_every_role_has_a_group_after_migrate(db):
    assert set(Group.objects.values_list("name", flat=True)) >= set(Role.values)


def test_group_permissions_follow_the_matrix(db):
    assert _perms(Role.CLERK) == ROLE_PERMISSIONS[Role.CLERK]
    assert "directory.change_organisation" in _perms(Role.IT_ADMIN)
    assert "directory.change_organisation" not in _perms(Role.ONE_STOP_OFFICER)
    assert len(_perms(Role.SYSTEM_ADMIN)) == Permission.objects.count()


def test_sync_is_idempotent_and_repairs_edits(db):
    group = Group.objects.get(name=Role.CLERK)
    group.permissions.add(Permission.objects.get(codename="delete_organisation"))
    sync_role_groups()
    sync_role_groups()
    assert Group.objects.filter(name=Role.CLERK).count() == 1
    assert _perms(Role.CLERK) == ROLE_PERMISSIONS[Role.CLERK]
