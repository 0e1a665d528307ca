"""Recording an agency's inventory: validation, scope, submit/reopen, the year lock, audit."""

import pytest
from django.core.exceptions import PermissionDenied

from chinhquyen.audit.models import AuditEntry
from chinhquyen.infrastructure.errors import InvalidTransition, InventoryInvalid
from chinhquyen.infrastructure.models import AgencyInventory
from chinhquyen.infrastructure.services import inventory as services
from chinhquyen.infrastructure.services.agencies import (
    directory_official_counts,
    reporting_agencies,
)

from .conftest import YEAR, figures


def save(user, organisation, **overrides):
    return services.save_inventory(
        organisation=organisation, year=YEAR, values=figures(**overrides), acting_user=user
    )


def test_the_it_officer_saves_a_draft_with_an_audit_entry(org_tree, it_tam):
    inventory = save(it_tam, org_tree.dept_a)
    assert (inventory.status, inventory.computers, inventory.officials) == ("draft", 38, 40)
    entry = AuditEntry.objects.filter(action="infrastructure.save_inventory").get()
    assert entry.actor == it_tam
    assert entry.after["computers"] == 38
    assert entry.before is None


def test_divisions_are_counted_in_their_agency(org_tree, it_tam, specialist_dung, clerk_hoa):
    # Dept A has the IT officer and the clerk; division A1 (in dept A) has the specialist.
    agencies = [a.name for a in reporting_agencies(YEAR)]
    assert "Phòng A1" not in agencies
    assert directory_official_counts()[org_tree.dept_a.pk] == 3
    with pytest.raises(InvalidTransition):
        save(it_tam, org_tree.division_a1)


@pytest.mark.parametrize(
    ("overrides", "field", "words"),
    [
        ({"computers_lan": 39}, "computers_lan", "cannot exceed the computers (38)"),
        ({"computers_internet": 40}, "computers_internet", "không được lớn hơn tổng số máy"),
        ({"officials_with_email": 41}, "officials_with_email", "cannot exceed the officials"),
        ({"it_staff_degrees": 3}, "it_staff_degrees", "cannot exceed the IT staff"),
        ({"data_network_mbps": 0}, "data_network_mbps", "bandwidth of the specialised"),
        ({"data_network": False}, "data_network", "tick the specialised data network"),
        ({"wifi_access_points": 0}, "wifi_access_points", "Wi-Fi access points"),
        ({"firewall_model": ""}, "firewall_model", "firewall model"),
        ({"firewall_layers": 0}, "firewall_layers", "firewall layers"),
        ({"trainees": 0}, "trainees", "number of trainees"),
        ({"officials_reason": ""}, "officials_reason", "The directory lists 1 officials"),
        ({"has_lan": False}, "has_lan", "tick “local area network”"),
        ({"internet_mbps": 200_000}, "internet_mbps", "from 0 to 100000"),
        ({"computers": -1}, "computers", "from 0 to 1000000"),
    ],
)
def test_bad_figures_are_refused_on_their_field_and_nothing_is_saved(
    org_tree, it_tam, overrides, field, words
):
    with pytest.raises(InventoryInvalid) as caught:
        save(it_tam, org_tree.dept_a, **overrides)
    assert field in caught.value.errors
    assert any(words in message for message in caught.value.errors[field])
    # bilingual: "Vietnamese-in-parentheses" messages carry both languages in one text
    assert AgencyInventory.objects.count() == 0
    assert not AuditEntry.objects.filter(action="infrastructure.save_inventory").exists()


def test_the_directory_number_needs_no_reason(org_tree, it_tam):
    inventory = save(
        it_tam, org_tree.dept_a, officials=1, officials_reason="", officials_with_email=1
    )
    assert inventory.officials_in_directory == 1


def test_an_it_officer_cannot_touch_another_agency(org_tree, it_tam):
    with pytest.raises(PermissionDenied):
        save(it_tam, org_tree.dept_b)
    assert AgencyInventory.objects.count() == 0


def test_a_leader_may_not_enter_figures(org_tree, leader_binh):
    with pytest.raises(PermissionDenied):
        save(leader_binh, org_tree.dept_a)


def test_submitted_is_read_only_until_reopened_with_a_reason(org_tree, it_tam):
    inventory = save(it_tam, org_tree.dept_a)
    services.submit_inventory(inventory, acting_user=it_tam)
    with pytest.raises(InvalidTransition):
        save(it_tam, org_tree.dept_a, computers=50)
    with pytest.raises(InvalidTransition):
        services.submit_inventory(inventory, acting_user=it_tam)
    with pytest.raises(InventoryInvalid):
        services.reopen_inventory(inventory, acting_user=it_tam, reason=" ")
    services.reopen_inventory(inventory, acting_user=it_tam, reason="Sửa số máy tính")
    assert save(it_tam, org_tree.dept_a, computers=50).computers == 50
    actions = list(
        AuditEntry.objects.filter(action__startswith="infrastructure.")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == [
        "infrastructure.save_inventory",
        "infrastructure.submit_inventory",
        "infrastructure.reopen_inventory",
        "infrastructure.save_inventory",
    ]


def test_only_the_province_locks_a_year_and_then_nothing_changes(org_tree, it_tam, it_province):
    inventory = save(it_tam, org_tree.dept_a)
    with pytest.raises(PermissionDenied):
        services.set_year_lock(YEAR, locked=True, acting_user=it_tam)
    services.set_year_lock(YEAR, locked=True, acting_user=it_province, note="Đã gửi Bộ")
    with pytest.raises(InvalidTransition) as caught:
        save(it_tam, org_tree.dept_a, computers=20)
    assert "locked" in caught.value.message and "khóa" in caught.value.message
    with pytest.raises(InvalidTransition):
        services.submit_inventory(inventory, acting_user=it_tam)
    inventory.refresh_from_db()
    assert (inventory.computers, inventory.status) == (38, "draft")
    with pytest.raises(InventoryInvalid):
        services.set_year_lock(YEAR, locked=False, acting_user=it_province)
    services.set_year_lock(YEAR, locked=False, acting_user=it_province, note="Bổ sung số liệu")
    assert save(it_tam, org_tree.dept_a, computers=40).computers == 40


def test_a_future_year_is_refused(org_tree, it_tam):
    with pytest.raises(InvalidTransition):
        services.save_inventory(
            organisation=org_tree.dept_a, year=YEAR + 1, values=figures(), acting_user=it_tam
        )
