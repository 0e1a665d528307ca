"""The access keys stay true whatever writes the rows (documents.access_keys).

Each test changes something the access rule depends on — through ``save()``, a queryset
``update``/``delete`` or ``bulk_create`` — then checks that every stored key set equals
a fresh computation and that the search's restriction still equals ``services.access`` for
every persona. The services are covered by every other test of the app: ``conftest.py`` checks
after each one that no stored key set is out of date.
"""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from chinhquyen.audit.models import AuditEntry
from chinhquyen.directory.models import Official
from chinhquyen.documents import access_keys
from chinhquyen.documents.choices import (
    AssignmentRole,
    OutgoingStatus,
    ReviewerRole,
    Secrecy,
)
from chinhquyen.documents.models import (
    Assignment,
    IncomingDocument,
    OutgoingDocument,
    ReviewStep,
)
from chinhquyen.documents.services.access import (
    incoming_visible,
    incoming_visible_to,
    outgoing_visible,
    outgoing_visible_to,
)
from chinhquyen.documents.tests.test_search import at, make_incoming
from chinhquyen.documents.tests.test_search_access import PERSONAS, make_scenario

pytestmark = pytest.mark.django_db


@pytest.fixture
def documents(org_tree, personas):
    return make_scenario(org_tree, personas)


def assert_keys_true_and_rule_kept(personas):
    assert access_keys.stale(IncomingDocument) == []
    assert access_keys.stale(OutgoingDocument) == []
    from django.contrib.auth.models import AnonymousUser

    for persona in PERSONAS:
        user = personas[persona] or AnonymousUser()
        user.__dict__.pop("_documents_access_keys", None)  # a new request
        assert set(incoming_visible(user, IncomingDocument.objects.all())) == set(
            incoming_visible_to(user)
        ), persona
        assert set(outgoing_visible(user, OutgoingDocument.objects.all())) == set(
            outgoing_visible_to(user)
        ), persona


def test_the_keys_of_a_document_name_who_may_see_it(documents, org_tree, personas):
    named = documents["secret_named"]
    specialist = Official.objects.get(user=personas["specialist_dung"])
    unit = org_tree.division_a1.pk
    assert named.__class__.objects.get(pk=named.pk).access_keys == access_keys.pack(
        {f"s{org_tree.dept_a.pk}", f"t{unit}", f"p{specialist.pk}"}
    )
    open_doc = IncomingDocument.objects.get(pk=documents["open_b_to_a1"].pk)
    assert open_doc.access_keys == access_keys.pack({f"o{org_tree.dept_b.pk}", f"u{unit}"})
    approved = OutgoingDocument.objects.get(pk=documents["out_secret_issued"].pk)
    assert f" c{org_tree.dept_a.pk} " in approved.access_keys  # clerks number it once approved
    draft = OutgoingDocument.objects.get(pk=documents["out_secret_draft"].pk)
    assert f" c{org_tree.dept_a.pk} " not in draft.access_keys
    assert_keys_true_and_rule_kept(personas)


def test_assignments_written_in_bulk_refresh_the_documents(documents, personas, org_tree):
    deputy = personas["deputy_cuong"]
    late = make_incoming(org_tree.dept_b, "Kế hoạch Sở B giao muộn", arrived=at(13))
    Assignment.objects.bulk_create(
        [
            Assignment(
                document=late,
                role=AssignmentRole.LEAD,
                unit=org_tree.division_a1,
                assigned_by=personas["leader_binh"],
            )
        ]
    )
    assert late in set(incoming_visible(deputy, IncomingDocument.objects.all()))
    assert_keys_true_and_rule_kept(personas)


def test_moving_and_deleting_assignments_takes_the_access_away(documents, personas, org_tree):
    specialist = personas["specialist_dung"]
    document = documents["open_b_to_a1"]
    assert document in set(incoming_visible(specialist, IncomingDocument.objects.all()))
    Assignment.objects.filter(document=document).update(unit=org_tree.dept_b)
    specialist.__dict__.pop("_documents_access_keys", None)
    assert document not in set(incoming_visible(specialist, IncomingDocument.objects.all()))
    assert_keys_true_and_rule_kept(personas)

    named = Assignment.objects.get(document=documents["secret_named"])
    named.delete()
    Assignment.objects.filter(document=documents["secret_unit"]).delete()
    assert_keys_true_and_rule_kept(personas)
    assert documents["secret_named"] not in set(
        incoming_visible(specialist, IncomingDocument.objects.all())
    )


def test_making_a_document_secret_hides_it_however_it_is_written(documents, personas):
    clerk = personas["clerk_hoa"]
    through_save = documents["open_a"]
    through_save.secrecy = Secrecy.SECRET
    through_save.save(update_fields=["secrecy"])
    in_bulk = documents["out_open"]
    OutgoingDocument.objects.filter(pk=in_bulk.pk).update(secrecy=Secrecy.CONFIDENTIAL)
    assert through_save not in set(incoming_visible(clerk, IncomingDocument.objects.all()))
    assert_keys_true_and_rule_kept(personas)


def test_approval_and_review_steps_change_who_sees_an_outgoing_draft(documents, personas):
    clerk = personas["clerk_hoa"]
    draft = documents["out_secret_draft"]
    assert draft not in set(outgoing_visible(clerk, OutgoingDocument.objects.all()))
    OutgoingDocument.objects.filter(pk=draft.pk).update(status=OutgoingStatus.APPROVED)
    assert draft in set(outgoing_visible(clerk, OutgoingDocument.objects.all()))

    deputy = personas["deputy_cuong"]
    assert draft not in set(outgoing_visible(deputy, OutgoingDocument.objects.all()))
    ReviewStep.objects.bulk_create(
        [
            ReviewStep(
                document=draft,
                order=1,
                reviewer_role=ReviewerRole.DIVISION_LEADER,
                reviewer=deputy,
            )
        ]
    )
    assert draft in set(outgoing_visible(deputy, OutgoingDocument.objects.all()))
    assert_keys_true_and_rule_kept(personas)
    ReviewStep.objects.filter(document=draft).delete()
    assert_keys_true_and_rule_kept(personas)


def test_documents_created_in_bulk_carry_their_keys(documents, personas, org_tree):
    template = IncomingDocument.objects.get(pk=documents["open_a"].pk)
    template.pk = None
    template.book = None
    template.arrival_number = None
    template.status = "received"
    template.access_keys = ""
    (created,) = IncomingDocument.objects.bulk_create([template])
    assert IncomingDocument.objects.get(pk=created.pk).access_keys == access_keys.pack(
        {f"o{org_tree.dept_a.pk}"}
    )
    assert_keys_true_and_rule_kept(personas)


def test_the_check_command_finds_and_repairs_keys_changed_behind_its_back(documents, personas):
    document = documents["open_a"]
    # A hand-made change in the database: nothing refreshed the keys.
    IncomingDocument.objects.filter(pk=document.pk).update_keys(" o999999 ")
    with pytest.raises(CommandError):
        call_command("documents_access_keys")
    call_command("documents_access_keys", "--repair", stdout=(out := io.StringIO()))
    assert "Khóa truy cập: đã ghi lại 1 văn bản. / Access keys: 1 document(s) rewritten." in (
        out.getvalue()
    )
    assert access_keys.stale(IncomingDocument) == []
    assert AuditEntry.objects.filter(action="documents.repair_access_keys").count() == 1
    call_command("documents_access_keys")  # nothing left: no error
    assert_keys_true_and_rule_kept(personas)


def test_the_migration_fills_the_keys_the_models_would_store(documents, personas):
    """Migration 0008 computes the keys of the documents already there (over its historical
    models) exactly as the models do."""
    import importlib
    from types import SimpleNamespace

    from django.apps import apps
    from django.db import connection

    expected = {
        model: dict(model.objects.values_list("pk", "access_keys"))
        for model in (IncomingDocument, OutgoingDocument)
    }
    IncomingDocument.objects.update(access_keys="")
    OutgoingDocument.objects.update(access_keys="")
    migration = importlib.import_module("chinhquyen.documents.migrations.0008_access_keys")
    # Only the editor's connection is used (a schema editor cannot open inside the test's
    # transaction on SQLite).
    migration.fill(apps, SimpleNamespace(connection=connection))
    for model, keys in expected.items():
        assert dict(model.objects.values_list("pk", "access_keys")) == keys
        assert all(keys.values())
