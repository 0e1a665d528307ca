"""The application has no code path that edits or deletes an audit entry."""

import pytest
from django.contrib.admin.sites import site
from django.db import DatabaseError, connection, transaction
from django.test import RequestFactory

from chinhquyen.audit.models import AppendOnlyError, AuditEntry
from chinhquyen.audit.services import log_action, verify_chain

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry() -> AuditEntry:
    return log_action("test.original", details={"note": "kept"})


def assert_unchanged(entry: AuditEntry) -> None:
    stored = AuditEntry.objects.get(pk=entry.pk)
    assert (stored.action, stored.details, stored.hash) == (
        "test.original",
        {"note": "kept"},
        entry.hash,
    )
    assert verify_chain().ok is True


def test_saving_an_existing_entry_is_refused(entry):
    entry.action = "test.forged"
    with pytest.raises(AppendOnlyError):
        entry.save()
    assert_unchanged(entry)


def test_deleting_an_entry_is_refused(entry):
    with pytest.raises(AppendOnlyError):
        entry.delete()
    assert_unchanged(entry)


def test_queryset_update_and_delete_are_refused(entry):
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).update(action="test.forged")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().delete()
    entry.action = "test.forged"
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.bulk_update([entry], ["action"])
    assert_unchanged(AuditEntry.objects.get(pk=entry.pk))


def test_entries_cannot_be_created_outside_the_chain(entry):
    count = AuditEntry.objects.count()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.create(action="test.injected", prev_hash="0" * 64, hash="1" * 64)
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.bulk_create([AuditEntry(action="test.injected")])
    assert AuditEntry.objects.count() == count


def test_the_admin_is_read_only(entry, admin_hoa):
    request = RequestFactory().get("/admin/audit/auditentry/")
    request.user = admin_hoa
    model_admin = site._registry[AuditEntry]
    assert model_admin.has_view_permission(request, entry) is True
    assert model_admin.has_add_permission(request) is False
    assert model_admin.has_change_permission(request, entry) is False
    assert model_admin.has_delete_permission(request, entry) is False


@pytest.mark.postgres_only
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL-only")
def test_postgresql_refuses_raw_update_and_delete(entry):
    for sql in (
        "UPDATE audit_auditentry SET action = 'test.forged' WHERE id = %s",
        "DELETE FROM audit_auditentry WHERE id = %s",
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(sql, [entry.pk])
    assert_unchanged(entry)
