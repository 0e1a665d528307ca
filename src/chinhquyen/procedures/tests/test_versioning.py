import datetime
from decimal import Decimal

import pytest

from chinhquyen.procedures import services
from chinhquyen.procedures.choices import VersionStatus
from chinhquyen.procedures.errors import InvalidState, NoVersionInForce
from chinhquyen.procedures.models import ProcedureVersion

from .conftest import T0


def test_published_version_is_immutable(judicial_record, admin_giang):
    # Given a published version
    # When someone edits it, or adds a component
    with pytest.raises(InvalidState):
        services.update_draft(judicial_record, acting_user=admin_giang, name="Changed")
    with pytest.raises(InvalidState):
        services.add_component(judicial_record, acting_user=admin_giang, name="Extra")
    # Then nothing changed
    stored = ProcedureVersion.objects.get(pk=judicial_record.pk)
    assert stored.name == "Cấp Phiếu lý lịch tư pháp"
    assert stored.components.count() == 1


def test_new_version_copies_components_fees_and_agencies(judicial_record, org_tree, admin_giang):
    draft = services.draft_new_version(judicial_record.procedure, acting_user=admin_giang)
    assert (draft.number, draft.status) == (2, VersionStatus.DRAFT)
    assert list(draft.components.values_list("name", "originals")) == [("Tờ khai", 1)]
    assert list(draft.fees.values_list("amount", flat=True)) == [Decimal(200000)]
    assert list(draft.implementing_agencies.all()) == [org_tree.dept_a]
    services.update_draft(draft, acting_user=admin_giang, processing_time=Decimal(7))
    assert ProcedureVersion.objects.get(pk=judicial_record.pk).processing_time == Decimal(10)
    with pytest.raises(InvalidState):  # one draft at a time
        services.draft_new_version(judicial_record.procedure, acting_user=admin_giang)


def test_version_in_force_follows_effective_dates(judicial_record, admin_giang):
    procedure = judicial_record.procedure
    later = T0 + datetime.timedelta(days=30)
    draft = services.draft_new_version(procedure, acting_user=admin_giang)
    services.update_draft(draft, acting_user=admin_giang, processing_time=Decimal(7))
    services.publish_version(draft, effective_from=later, acting_user=admin_giang)

    with pytest.raises(NoVersionInForce):
        services.version_in_force(procedure, T0 - datetime.timedelta(seconds=1))
    assert services.version_in_force(procedure, T0).number == 1
    assert services.version_in_force(procedure, later - datetime.timedelta(seconds=1)).number == 1
    assert services.version_in_force(procedure, later).number == 2
    # Version 1 was retired when version 2 came into force (published after its date here).
    assert ProcedureVersion.objects.get(pk=judicial_record.pk).status == VersionStatus.RETIRED


def test_publishing_before_the_last_version_is_refused(judicial_record, admin_giang):
    draft = services.draft_new_version(judicial_record.procedure, acting_user=admin_giang)
    with pytest.raises(Exception) as excinfo:
        services.publish_version(draft, effective_from=T0, acting_user=admin_giang)
    assert "effective_from" in excinfo.value.message_dict
    assert ProcedureVersion.objects.get(pk=draft.pk).status == VersionStatus.DRAFT


def test_bad_input_is_refused_with_bilingual_message(civil_status):
    with pytest.raises(Exception) as excinfo:
        services.create_procedure(
            national_code="bad code!",
            acting_user=None,
            name="X",
            field=civil_status,
            level="province",
            processing_time=1,
        )
    assert "không phải là mã thủ tục" in str(excinfo.value)
    assert ProcedureVersion.objects.count() == 0
