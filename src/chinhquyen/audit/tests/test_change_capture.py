"""Creating, updating and deleting any domain model leaves an entry with before/after JSON."""

import pytest
from django.contrib.auth.models import Group
from django.test.utils import isolate_apps

from chinhquyen.accounts.models import User
from chinhquyen.audit.context import audit_context
from chinhquyen.audit.serialize import MASK
from chinhquyen.audit.services import entries_for, log_action, verify_chain
from chinhquyen.directory.models import AdministrativeUnit

from .conftest import entries_since, last_id

pytestmark = pytest.mark.django_db


def test_an_organisation_created_updated_and_deleted_is_recorded(make_organisation, officer_an):
    marker = last_id()
    with audit_context(actor=officer_an, source="web", request_id="req-0001-abcd", ip="10.0.0.7"):
        # given an organisation created by officer An in a request
        organisation = make_organisation("Sở Tư pháp")
        # when she renames it, then deletes it
        organisation.name = "Sở Tư pháp tỉnh Tuyên Quang"
        organisation.save()
        organisation_id = organisation.pk
        organisation.delete()

    # then three entries record it, with before/after snapshots and the request's origin
    created, updated, deleted = entries_since(marker)
    assert [created.action, updated.action, deleted.action] == ["create", "update", "delete"]
    for entry in (created, updated, deleted):
        assert entry.object_type == "directory.organisation"
        assert entry.object_id == str(organisation_id)
        assert entry.actor == officer_an
        assert entry.actor_label == "an.nguyen"
        assert (entry.source, entry.request_id, entry.ip) == ("web", "req-0001-abcd", "10.0.0.7")
    assert created.before is None
    assert created.after["name"] == "Sở Tư pháp"
    assert created.after["kind"] == "department"
    assert updated.before["name"] == "Sở Tư pháp"
    assert updated.after["name"] == "Sở Tư pháp tỉnh Tuyên Quang"
    assert updated.details == {"changed": ["name"]}
    assert updated.object_repr == "Sở Tư pháp tỉnh Tuyên Quang"
    assert deleted.before["name"] == "Sở Tư pháp tỉnh Tuyên Quang"
    assert deleted.after is None
    assert verify_chain().ok is True


def test_a_change_without_context_is_recorded_as_the_system():
    marker = last_id()
    unit = AdministrativeUnit.objects.create(
        code="08", name="Tuyên Quang", division_type="tỉnh", level="province"
    )
    (entry,) = entries_since(marker)
    assert (entry.action, entry.actor, entry.actor_label, entry.source) == (
        "create",
        None,
        "",
        "system",
    )
    assert entry.after == {
        "id": unit.pk,
        "code": "08",
        "name": "Tuyên Quang",
        "division_type": "tỉnh",
        "codename": "",
        "level": "province",
        "parent": None,
        "is_historic": False,
        "source": "",
    }


def test_update_fields_records_only_what_was_saved():
    unit = AdministrativeUnit.objects.create(
        code="08", name="Tuyên Quang", division_type="tỉnh", level="province"
    )
    marker = last_id()
    unit.name = "Tỉnh Tuyên Quang"
    unit.codename = "not_saved"
    unit.save(update_fields=["name"])
    (entry,) = entries_since(marker)
    assert entry.details == {"changed": ["name"]}
    assert entry.after["codename"] == ""
    assert entry.after["name"] == "Tỉnh Tuyên Quang"


def test_a_save_that_changes_nothing_writes_no_entry(make_organisation):
    organisation = make_organisation()
    marker = last_id()
    organisation.save()
    assert entries_since(marker) == []


def test_passwords_are_never_stored_but_their_change_is(officer_an):
    marker = last_id()
    officer_an.set_password("Mat-khau-moi-2026")
    officer_an.save()
    (entry,) = entries_since(marker)
    assert entry.object_type == "accounts.user"
    assert entry.before["password"] == MASK
    assert entry.after["password"] == MASK
    assert entry.details == {"changed": ["password"]}
    assert "argon2" not in str(entry.before) + str(entry.after)


def test_user_creation_masks_the_password_hash():
    marker = last_id()
    User.objects.create_user(username="binh.le", password="Mat-khau-binh-2025")
    (entry,) = [e for e in entries_since(marker) if e.object_type == "accounts.user"]
    assert entry.after["password"] == MASK
    assert entry.after["username"] == "binh.le"


def test_group_membership_changes_are_recorded(officer_an):
    group = Group.objects.create(name="clerk-test")
    marker = last_id()
    officer_an.groups.add(group)
    officer_an.groups.remove(group)
    added, removed = entries_since(marker)
    assert (added.action, removed.action) == ("m2m_add", "m2m_remove")
    assert added.object_type == "accounts.user"
    assert added.object_id == str(officer_an.pk)
    assert added.details == {
        "relation": "accounts.user_groups",
        "related_model": "auth.group",
        "related_ids": [group.pk],
    }


def test_entries_for_gives_an_objects_timeline_newest_first(make_organisation):
    organisation = make_organisation("Sở Y tế")
    organisation.name = "Sở Y tế tỉnh Tuyên Quang"
    organisation.save()
    timeline = list(entries_for(organisation))
    assert [entry.action for entry in timeline] == ["update", "create"]


@isolate_apps("chinhquyen.accounts")
def test_entries_for_a_proxy_instance_finds_its_concrete_models_entries(officer_an):
    class StaffUser(User):
        class Meta:
            proxy = True
            app_label = "accounts"

    log_action("test.proxy", target=officer_an)
    proxied = StaffUser(pk=officer_an.pk)

    assert [entry.action for entry in entries_for(proxied)][:1] == ["test.proxy"]
