"""Work done from a command or a task is attributed to it, not only work done in a request."""

import pytest
from django.core.management import call_command

from chinhquyen.audit.commands import AuditedCommand
from chinhquyen.audit.context import audited_task
from chinhquyen.audit.services import log_action
from chinhquyen.directory.models import AdministrativeUnit

from .conftest import entries_since, last_id

pytestmark = pytest.mark.django_db


class LoadProvinceCommand(AuditedCommand):
    audit_label = "load_province"

    def handle(self, *args, **options):
        AdministrativeUnit.objects.create(
            code="08", name="Tuyên Quang", division_type="tỉnh", level="province"
        )
        log_action("directory.load_units", details={"created": 1})


@audited_task(actor_kwarg="acting_user_id")
def rename_unit(unit_id: int, *, name: str, acting_user_id: int | None = None) -> None:
    unit = AdministrativeUnit.objects.get(pk=unit_id)
    unit.name = name
    unit.save()


def test_entries_made_by_a_command_record_source_command():
    marker = last_id()
    call_command(LoadProvinceCommand())
    created, loaded = entries_since(marker)
    for entry in (created, loaded):
        assert (entry.source, entry.label, entry.actor) == ("command", "load_province", None)
    assert (created.action, loaded.action) == ("create", "directory.load_units")
    assert loaded.details == {"created": 1}


def test_entries_made_by_a_task_record_source_task_and_the_enqueuing_user(officer_an):
    unit = AdministrativeUnit.objects.create(
        code="08", name="Tuyên Quang", division_type="tỉnh", level="province"
    )
    marker = last_id()
    rename_unit(unit.pk, name="Tỉnh Tuyên Quang", acting_user_id=officer_an.pk)
    (entry,) = entries_since(marker)
    assert (entry.source, entry.action, entry.actor) == ("task", "update", officer_an)
    assert entry.label.endswith("test_context_sources.rename_unit")


def test_an_explicit_actor_wins_over_the_context(officer_an, admin_hoa):
    from chinhquyen.audit.context import audit_context

    with audit_context(actor=officer_an, source="web"):
        entry = log_action("test.explicit", actor=admin_hoa)
    assert (entry.actor, entry.actor_label, entry.source) == (admin_hoa, "hoa.tran", "web")
