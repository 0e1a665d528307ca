import datetime
from decimal import Decimal

import pytest
from django.utils import translation

from chinhquyen.accounts.choices import Role
from chinhquyen.procedures import services
from chinhquyen.procedures.choices import StepAction, VersionStatus
from chinhquyen.procedures.diagram import render_process_diagram
from chinhquyen.procedures.errors import InvalidState, NoProcessInForce, ProcessInvalid
from chinhquyen.procedures.models import ProcessDefinition

from .conftest import T0, build_process

AT = T0 + datetime.timedelta(days=1)


def _status(definition):
    return ProcessDefinition.objects.get(pk=definition.pk).status


def test_valid_process_is_published(judicial_record):
    definition, _steps = build_process(judicial_record.procedure)
    services.publish_process(definition, effective_from=AT, acting_user=None)
    assert _status(definition) == VersionStatus.PUBLISHED
    with pytest.raises(InvalidState):
        services.add_step(
            definition,
            acting_user=None,
            code="x",
            name="X",
            performer_role=Role.CLERK,
            allotted_hours=1,
        )


def test_steps_longer_than_the_legal_time_are_refused(judicial_record):
    # 10 working days = 75 working hours; the steps take 4 + 64 + 8 = 76.
    definition, _steps = build_process(judicial_record.procedure, hours=(4, 64, 8))
    with pytest.raises(ProcessInvalid) as excinfo, translation.override("en"):
        services.publish_process(definition, effective_from=AT, acting_user=None)
    assert excinfo.value.problems == [
        "The steps take 76 working hours, more than the legal time of 75 working hours "
        "(10 working days) (tổng thời gian các bước 76 giờ làm việc vượt thời hạn giải quyết "
        "75 giờ)."
    ]
    assert _status(definition) == VersionStatus.DRAFT
    assert definition.steps.count() == 3


def test_unreachable_step_is_refused(judicial_record):
    definition, steps = build_process(judicial_record.procedure)
    orphan = services.add_step(
        definition,
        acting_user=None,
        code="orphan",
        name="Mồ côi",
        performer_role=Role.CLERK,
        allotted_hours=1,
    )
    services.set_transition(orphan, action=StepAction.REJECT, next_step=None, acting_user=None)
    with pytest.raises(ProcessInvalid) as excinfo, translation.override("en"):
        services.publish_process(definition, effective_from=AT, acting_user=None)
    assert any("Mồ côi" in p and "cannot be reached" in p for p in excinfo.value.problems)
    assert _status(definition) == VersionStatus.DRAFT


def test_process_without_an_end_is_refused(judicial_record):
    definition, steps = build_process(judicial_record.procedure, ending=False)
    services.set_transition(
        steps[-1], action=StepAction.RETURN, next_step=steps[0], acting_user=None
    )
    with pytest.raises(ProcessInvalid) as excinfo, translation.override("en"):
        services.publish_process(definition, effective_from=AT, acting_user=None)
    assert any("No path ends" in p for p in excinfo.value.problems)


def test_invalid_actions_are_listed(judicial_record, org_tree):
    definition, steps = build_process(judicial_record.procedure)
    services.set_transition(
        steps[0], action=StepAction.RETURN, next_step=steps[2], acting_user=None
    )
    services.set_transition(
        steps[1], action=StepAction.TRANSFER, next_step=steps[2], acting_user=None
    )
    with pytest.raises(ProcessInvalid) as excinfo:
        services.publish_process(definition, effective_from=AT, acting_user=None)
    assert len(excinfo.value.problems) == 2


def test_transition_to_another_process_is_refused(judicial_record):
    first, first_steps = build_process(judicial_record.procedure)
    services.publish_process(first, effective_from=AT, acting_user=None)
    other = services.draft_new_process_version(first, acting_user=None)
    step = other.steps.first()
    with pytest.raises(Exception) as excinfo:
        services.set_transition(
            step, action=StepAction.FORWARD, next_step=first_steps[1], acting_user=None
        )
    assert "next_step" in excinfo.value.message_dict


def test_process_in_force_prefers_the_agency_process(judicial_record, org_tree):
    procedure = judicial_record.procedure
    default, _ = build_process(procedure)
    services.publish_process(default, effective_from=AT, acting_user=None)
    own, _ = build_process(procedure, agency=org_tree.dept_b)
    services.publish_process(own, effective_from=AT + datetime.timedelta(days=1), acting_user=None)

    assert services.process_in_force(procedure, org_tree.dept_a, AT).pk == default.pk
    assert services.process_in_force(procedure, org_tree.dept_b, AT).pk == default.pk
    later = AT + datetime.timedelta(days=2)
    assert services.process_in_force(procedure, org_tree.dept_b, later).pk == own.pk
    assert services.process_in_force(procedure, None, later).pk == default.pk
    with pytest.raises(NoProcessInForce):
        services.process_in_force(procedure, org_tree.dept_a, T0)


def test_new_process_version_copies_steps_and_transitions(judicial_record):
    first, _ = build_process(judicial_record.procedure)
    services.publish_process(first, effective_from=AT, acting_user=None)
    copy = services.draft_new_process_version(first, acting_user=None)
    assert copy.number == 2
    assert list(copy.steps.values_list("code", "allotted_hours")) == [
        ("s1", Decimal(4)),
        ("s2", Decimal(60)),
        ("s3", Decimal(8)),
    ]
    assert services.process_problems(copy, at=AT + datetime.timedelta(days=1)) == []


def test_move_step_swaps_orders(judicial_record):
    definition, steps = build_process(judicial_record.procedure)
    services.move_step(steps[2], offset=-1, acting_user=None)
    assert list(definition.steps.order_by("order").values_list("code", flat=True)) == [
        "s1",
        "s3",
        "s2",
    ]


def test_diagram_shows_every_step(judicial_record):
    definition, steps = build_process(judicial_record.procedure)
    services.set_transition(
        steps[1], action=StepAction.RETURN, next_step=steps[0], acting_user=None
    )
    html = str(render_process_diagram(definition))
    assert html.count('<li id="process-') == 3
    for step in steps:
        assert step.name in html
    assert "<svg" in html and 'aria-hidden="true"' in html
    assert '<ol class="process-steps">' in html
    assert "style=" not in html


def test_working_day_length_defaults_to_seven_and_a_half_hours(db):
    assert services.working_day_hours() == Decimal("7.5")
