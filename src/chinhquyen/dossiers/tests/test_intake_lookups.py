"""The intake reads what is in force in one statement and caches the rows per process
(``dossiers/services/in_force.py``): a publication, a new rule set or a calendar change made
after a warm intake — here or by another process — applies to the very next intake."""

import datetime
import threading
import uuid
from decimal import Decimal

import pytest
from django.db import connection, connections

from chinhquyen.dossiers.exceptions import IntakeRefused
from chinhquyen.dossiers.models import DailySequence, Dossier, OneStopRuleSet
from chinhquyen.dossiers.tests.conftest import at, pdf
from chinhquyen.procedures.choices import VersionStatus
from chinhquyen.procedures.models import ProcessDefinition, ProcessStep
from chinhquyen.procedures.services import draft_new_version, publish_version, update_draft
from chinhquyen.worktime.calendar import WorkCalendar
from chinhquyen.worktime.choices import DayKind
from chinhquyen.worktime.models import CalendarException, CalendarRevision
from chinhquyen.worktime.services import add_calendar_exception


def _committed_elsewhere_day_off(day: datetime.date) -> None:
    """What another process's calendar change looks like from here: new rows and a new
    revision token in the database, and nothing done to this process's cache."""
    CalendarException.objects.create(date=day, kind=DayKind.DAY_OFF, reason="Nghỉ đột xuất")
    token = uuid.uuid4().hex
    if not CalendarRevision.objects.filter(pk=1).update(token=token):
        CalendarRevision.objects.create(pk=1, token=token)


@pytest.mark.django_db
def test_a_version_published_after_a_warm_intake_applies_to_the_next_one(
    receive, catalogue, admin_giang
):
    # given a warm intake under version 1 (5 working days)
    first = receive(received_at=at(2026, 3, 2, 9, 0))
    assert first.procedure_version == catalogue.version
    draft = draft_new_version(catalogue.procedure, acting_user=admin_giang)
    update_draft(draft, processing_time=Decimal(10), acting_user=admin_giang)
    publish_version(draft, effective_from=at(2026, 3, 2, 10, 0), acting_user=admin_giang)
    # when dossiers are received after and before the new version's start
    new_parts = [(c, pdf(f"{c.order}.pdf")) for c in draft.components.order_by("order")[:2]]
    after = receive(received_at=at(2026, 3, 2, 11, 0), components=new_parts)
    before = receive(received_at=at(2026, 3, 2, 9, 30))
    # then each gets the version in force at its instant, with its legal time
    assert after.procedure_version == draft
    assert after.legal_due_at == at(2026, 3, 16, 11, 0)
    assert before.procedure_version == catalogue.version
    assert before.legal_due_at == at(2026, 3, 9, 9, 30)


@pytest.mark.django_db
def test_an_agency_process_published_after_a_warm_intake_is_preferred_next(
    receive, catalogue, coded_orgs
):
    from chinhquyen.accounts.choices import Role

    receive(received_at=at(2026, 3, 2, 9, 0))
    own = ProcessDefinition.objects.create(
        procedure=catalogue.procedure,
        agency=coded_orgs.dept_a,
        number=1,
        status=VersionStatus.PUBLISHED,
        effective_from=at(2026, 3, 2, 10, 0),
    )
    step = ProcessStep.objects.create(
        definition=own,
        order=1,
        code="tiep-nhan",
        name="Tiếp nhận",
        performer_role=Role.ONE_STOP_OFFICER,
        allotted_hours=Decimal(2),
    )
    dossier = receive(received_at=at(2026, 3, 2, 10, 30))
    assert dossier.process == own
    assert dossier.current_step == step
    assert receive(received_at=at(2026, 3, 2, 9, 45)).process == catalogue.process


@pytest.mark.django_db
def test_a_new_rule_set_and_an_edit_in_place_are_seen_by_the_next_intake(receive):
    assert receive(received_at=at(2026, 3, 2, 9, 0)).code == "000.00.12.H37-260302-0001"
    rules = OneStopRuleSet.objects.create(
        code="TEST-2026-03",
        name="Quy chế thử",
        legal_basis="Thử nghiệm",
        effective_from=at(2026, 3, 2, 9, 30),
        code_format="{agency}/{yymmdd}/{seq:05d}",
        sequence_digits=5,
    )
    second = receive(received_at=at(2026, 3, 2, 10, 0))
    assert second.rule_set == rules
    assert second.code == "000.00.12.H37/260302/00002"
    OneStopRuleSet.objects.filter(pk=rules.pk).update(code_format="{agency}:{yymmdd}:{seq:05d}")
    assert receive(received_at=at(2026, 3, 2, 10, 5)).code == "000.00.12.H37:260302:00003"


@pytest.mark.django_db
def test_a_calendar_exception_added_through_the_service_moves_the_next_deadline(
    receive, admin_giang
):
    assert receive(received_at=at(2026, 3, 2, 9, 0)).legal_due_at == at(2026, 3, 9, 9, 0)
    add_calendar_exception(
        date=datetime.date(2026, 3, 4),
        kind=DayKind.DAY_OFF,
        reason="Nghỉ đột xuất",
        acting_user=admin_giang,
    )
    assert receive(received_at=at(2026, 3, 2, 9, 0)).legal_due_at == at(2026, 3, 10, 9, 0)


@pytest.mark.django_db
def test_a_calendar_change_committed_by_another_process_moves_the_next_deadline(receive):
    warm = receive(received_at=at(2026, 3, 2, 9, 0))
    assert warm.legal_due_at == at(2026, 3, 9, 9, 0)
    cached = WorkCalendar._cache
    _committed_elsewhere_day_off(datetime.date(2026, 3, 4))
    assert WorkCalendar._cache is cached  # nothing told this process
    dossier = receive(received_at=at(2026, 3, 2, 9, 0))
    assert dossier.legal_due_at == at(2026, 3, 10, 9, 0)
    assert dossier.step_runs.get().due_at == at(2026, 3, 2, 15, 0)  # 4 working hours


@pytest.mark.django_db
def test_a_warm_intake_reads_what_is_in_force_in_one_statement(receive):
    from django.test.utils import CaptureQueriesContext

    receive(received_at=at(2026, 3, 2, 9, 0))
    with CaptureQueriesContext(connection) as queries:
        receive(received_at=at(2026, 3, 2, 9, 5))
    tables = " ".join(q["sql"] for q in queries.captured_queries)
    before_writes = []
    for query in queries.captured_queries:
        if query["sql"].lstrip().upper().startswith(("INSERT", "SAVEPOINT", "BEGIN")):
            break
        before_writes.append(query["sql"])
    assert len(before_writes) == 1
    assert "worktime_calendarrevision" in before_writes[0]
    assert "procedures_procedureversion" in before_writes[0]
    assert "procedures_processdefinition" in before_writes[0]
    assert "dossiers_onestopruleset" in before_writes[0]
    assert tables.count("worktime_calendarrevision") == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a second connection's commit")
@pytest.mark.django_db(transaction=True)
def test_a_day_off_committed_on_another_connection_is_seen_by_the_next_intake(receive):
    import importlib

    from django.apps import apps

    for module, function in (  # flushed by the transactional test; seed them again
        ("chinhquyen.dossiers.migrations.0002_seed_decree61_rule_set", "seed"),
        ("chinhquyen.worktime.migrations.0002_default_working_hours", "create_default"),
    ):
        getattr(importlib.import_module(module), function)(apps, None)
    assert receive(received_at=at(2026, 3, 2, 9, 0)).legal_due_at == at(2026, 3, 9, 9, 0)
    errors = []

    def elsewhere():
        try:
            _committed_elsewhere_day_off(datetime.date(2026, 3, 4))  # autocommit, own connection
        except Exception as exc:  # noqa: BLE001 - asserted below
            errors.append(exc)
        finally:
            connections.close_all()

    thread = threading.Thread(target=elsewhere)
    thread.start()
    thread.join()
    assert errors == []
    assert receive(received_at=at(2026, 3, 2, 9, 0)).legal_due_at == at(2026, 3, 10, 9, 0)


def _rules_from(start, **values) -> OneStopRuleSet:
    return OneStopRuleSet.objects.create(
        code=f"TEST-{start:%H%M}",
        name="Quy chế thử",
        legal_basis="Thử",
        effective_from=start,
        **values,
    )


@pytest.mark.django_db
def test_a_format_the_database_cannot_write_is_formatted_in_python(receive):
    _rules_from(at(2026, 3, 2, 8, 0), code_format="{agency}.{yymmdd}.{seq:x}", sequence_digits=4)
    DailySequence.objects.create(
        agency_code="000.00.12.H37", day=datetime.date(2026, 3, 2), last_number=9
    )
    assert receive(received_at=at(2026, 3, 2, 9, 0)).code == "000.00.12.H37.260302.a"


@pytest.mark.django_db
def test_used_up_numbers_refuse_the_intake_and_keep_nothing(receive):
    _rules_from(at(2026, 3, 2, 8, 0), code_format="{agency}-{seq:02d}", sequence_digits=2)
    DailySequence.objects.create(
        agency_code="000.00.12.H37", day=datetime.date(2026, 3, 2), last_number=98
    )
    assert receive(received_at=at(2026, 3, 2, 9, 0)).code == "000.00.12.H37-99"
    with pytest.raises(IntakeRefused) as refused:
        receive(received_at=at(2026, 3, 2, 9, 5))
    assert refused.value.code == "sequence_exhausted"
    assert Dossier.objects.count() == 1
    assert DailySequence.objects.get(day=datetime.date(2026, 3, 2)).last_number == 99
