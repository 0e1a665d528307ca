"""restrict(): an official sees their organisation's subtree per role; admins see all."""

from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext

from chinhquyen.accounts.scopes import ALL, has_role, organisation_scope, roles_of
from chinhquyen.directory.models import Official, Organisation

VIEW_ORG = "directory.view_organisation"


def _names(queryset) -> list[str]:
    return sorted(queryset.values_list("name", flat=True))


def test_official_sees_own_organisation_subtree(officer_an, org_tree):
    # Given officer An holds a role in department A
    # Then she sees department A and its division, not the province nor department B
    assert _names(Organisation.objects.restrict(officer_an, "view")) == ["Phòng A1", "Sở A"]
    assert organisation_scope(officer_an, VIEW_ORG) == [org_tree.dept_a.path]


def test_division_role_sees_only_the_division(specialist_dung):
    assert _names(Organisation.objects.restrict(specialist_dung, "view")) == ["Phòng A1"]


def test_other_agency_sees_nothing_of_department_a(other_agency_official, officer_an, org_tree):
    visible = Organisation.objects.restrict(other_agency_official, "view")
    assert _names(visible) == ["Sở B"]
    assert not visible.filter(pk=org_tree.dept_a.pk).exists()
    officials = Official.objects.restrict(other_agency_official, "view")
    assert list(officials.values_list("user__username", flat=True)) == ["officer_khoa"]


def test_system_admin_sees_everything(admin_giang, org_tree):
    assert organisation_scope(admin_giang, VIEW_ORG) is ALL
    assert Organisation.objects.restrict(admin_giang, "view").count() == 4


def test_superuser_sees_everything(db, org_tree):
    from chinhquyen.accounts.models import User

    root = User.objects.create(username="root", is_superuser=True)
    assert organisation_scope(root, "anything.at_all") is ALL


def test_role_without_the_permission_gets_nothing(officer_an):
    # one-stop officers may view organisations but not change them
    assert Organisation.objects.restrict(officer_an, "change").count() == 0
    assert organisation_scope(officer_an, "directory.change_organisation") == []


def test_anonymous_inactive_and_citizens_get_nothing(officer_an, citizen_chi):
    assert organisation_scope(AnonymousUser(), VIEW_ORG) == []
    assert organisation_scope(citizen_chi, VIEW_ORG) == []
    assert Organisation.objects.restrict(citizen_chi, "view").count() == 0
    officer_an.is_active = False
    assert organisation_scope(officer_an, VIEW_ORG) == []


def test_ended_role_gives_nothing(officer_an):
    from datetime import timedelta

    from django.utils import timezone

    from chinhquyen.accounts.services import end_role

    assignment = officer_an.official.role_assignments.get()
    yesterday = timezone.localdate() - timedelta(days=1)
    assignment.valid_from = yesterday - timedelta(days=10)
    assignment.save(update_fields=["valid_from"])
    end_role(assignment, on=yesterday, acting_user=None)
    assert organisation_scope(officer_an, VIEW_ORG, on=yesterday) != []
    assert roles_of(officer_an) == set()
    assert Organisation.objects.restrict(officer_an, "view").count() == 0


def test_nested_scopes_are_merged(officer_an, org_tree):
    from chinhquyen.accounts.choices import Role
    from chinhquyen.accounts.services import assign_role

    assign_role(
        official=officer_an.official, role=Role.SPECIALIST, organisation=org_tree.division_a1
    )
    assert organisation_scope(officer_an, VIEW_ORG, on=None) == [org_tree.dept_a.path]
    assert roles_of(officer_an) == {"one_stop_officer", "specialist"}
    assert has_role(officer_an, "specialist")


def test_scope_is_read_once_per_user_object(officer_an):
    organisation_scope(officer_an, VIEW_ORG)
    with CaptureQueriesContext(connection) as queries:
        organisation_scope(officer_an, VIEW_ORG)
        organisation_scope(officer_an, "directory.view_official")
        roles_of(officer_an)
    assert len(queries) == 0


def test_has_perm_answers_from_roles(officer_an, citizen_chi):
    assert officer_an.has_perm(VIEW_ORG) is True
    assert officer_an.has_perm("directory.change_organisation") is False
    assert citizen_chi.has_perm(VIEW_ORG) is False
