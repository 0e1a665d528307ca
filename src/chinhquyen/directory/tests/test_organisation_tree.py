"""The organisation tree: moves, refused cycles, search ignoring case and accents."""

import pytest
from django.core.exceptions import ValidationError

from chinhquyen.directory.models import Organisation
from chinhquyen.directory.services import move_organisation, search_organisations


def _paths():
    return list(Organisation.objects.order_by("pk").values_list("pk", "path"))


def test_moving_a_department_under_itself_is_refused(org_tree):
    before = _paths()

    with pytest.raises(ValidationError) as caught:
        move_organisation(org_tree.dept_a, new_parent=org_tree.dept_a)

    message = caught.value.message_dict["parent"][0]
    assert message.startswith("“Sở A” cannot be placed under “Sở A”")
    assert _paths() == before


def test_moving_a_department_under_its_own_division_is_refused(org_tree):
    before = _paths()

    with pytest.raises(ValidationError) as caught:
        move_organisation(org_tree.dept_a, new_parent=org_tree.division_a1)

    assert "Phòng A1" in caught.value.message_dict["parent"][0]
    assert _paths() == before


def test_a_division_moves_with_its_subtree(org_tree):
    moved = move_organisation(org_tree.division_a1, new_parent=org_tree.dept_b)

    assert Organisation.objects.get_parent(moved) == Organisation.objects.get(pk=org_tree.dept_b.pk)
    assert (
        list(Organisation.objects.get_children(Organisation.objects.get(pk=org_tree.dept_a.pk)))
        == []
    )


@pytest.mark.parametrize("query", ["so a", "SỞ A", "Sở a"])
def test_search_ignores_case_and_accents(org_tree, query):
    found = search_organisations(Organisation.objects.all(), query)

    assert [o.name for o in found] == ["Sở A"]


def test_search_finds_a_code(org_tree):
    Organisation.objects.filter(pk=org_tree.dept_b.pk).update(qcvn_code="000.00.02.H99")

    found = search_organisations(Organisation.objects.all(), "00.02.h99")

    assert [o.name for o in found] == ["Sở B"]
