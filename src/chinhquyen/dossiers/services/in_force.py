"""What applies to an intake at an instant, read in ONE statement (the intake's hot path).

``receive_dossier`` needs the procedure version in force, the internal process in force at
the processing agency (its own, else the default one), the one-stop rule set in force and the
working-time calendar. Read one by one that is six statements per intake (version, process
×2, rule set, the calendar's revision token ×2); here it is one, which returns

* the calendar's revision token — the calendar itself is cached per process and reloaded when
  the token changed (``WorkCalendar.for_token``), so a calendar change committed by any
  process is seen by the next intake;
* the *ids* of the version, process and rule set in force at the instant (the same rules as
  ``procedures.services.version_in_force`` / ``process_in_force`` and ``rule_set_in_force``),
  with a fingerprint of each row: the instances come from a per-process cache keyed by id and
  fingerprint. A publication (or a withdrawal) elsewhere changes *which* id is in force, so the
  next intake sees it at once; a published version or process does not change afterwards
  (only drafts are edited; publishing retires the older one, a label the intake does not
  use), and the rule set's fingerprint is its whole row, so even an edit in place is seen.

Nothing is cached between the statement and the intake's transaction beyond what a plain
read would give: the values are those committed when the statement ran.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db import connection

from chinhquyen.dossiers.models import OneStopRuleSet
from chinhquyen.worktime.calendar import WorkCalendar


@dataclass(frozen=True)
class InForce:
    version: object  # procedures.ProcedureVersion
    process: object  # procedures.ProcessDefinition
    rule_set: OneStopRuleSet
    calendar: WorkCalendar


_SQL: dict[str, str] = {}
_INSTANCES: dict[tuple, object] = {}
_INSTANCES_SIZE = 1024


def _sql() -> str:
    """The statement, built once per database vendor from the models' tables and columns."""
    found = _SQL.get(connection.vendor)
    if found is not None:
        return found
    from chinhquyen.procedures.models import ProcedureVersion, ProcessDefinition
    from chinhquyen.worktime.models import CalendarRevision

    q = connection.ops.quote_name

    def table(model) -> str:
        return q(model._meta.db_table)

    def col(model, name: str) -> str:
        return q(model._meta.get_field(name).column)

    version, process, rules, revision = (
        ProcedureVersion,
        ProcessDefinition,
        OneStopRuleSet,
        CalendarRevision,
    )
    rule_columns = ", ".join(f"r.{q(f.column)}" for f in rules._meta.concrete_fields)
    sql = (  # noqa: S608 (identifiers from the models, values as parameters)
        "SELECT t.token, v.{v_id}, v.{v_created}, p.{p_id}, p.{p_created}, {rule_columns} "
        "FROM (SELECT "
        # the calendar's revision token (one row, pk 1, absent until the first change)
        "(SELECT c.{c_token} FROM {revision} c WHERE c.{c_id} = 1) AS token, "
        # version_in_force(): published or retired, greatest effective_from, then number
        "(SELECT v1.{v_id} FROM {version} v1 WHERE v1.{v_procedure} = %s "
        "AND v1.{v_status} IN (%s, %s) AND v1.{v_from} <= %s "
        "ORDER BY v1.{v_from} DESC, v1.{v_number} DESC LIMIT 1) AS version_id, "
        # process_in_force(): the agency's own process first, else the default (no agency)
        "(SELECT p1.{p_id} FROM {process} p1 WHERE p1.{p_procedure} = %s "
        "AND p1.{p_status} IN (%s, %s) AND p1.{p_from} <= %s "
        "AND (p1.{p_agency} = %s OR p1.{p_agency} IS NULL) "
        "ORDER BY CASE WHEN p1.{p_agency} IS NULL THEN 1 ELSE 0 END, "
        "p1.{p_from} DESC, p1.{p_number} DESC LIMIT 1) AS process_id, "
        # rule_set_in_force(): greatest effective_from not after the instant
        "(SELECT r1.{r_id} FROM {rules} r1 WHERE r1.{r_from} <= %s "
        "ORDER BY r1.{r_from} DESC, r1.{r_id} DESC LIMIT 1) AS rule_set_id"
        ") t "
        "LEFT JOIN {version} v ON v.{v_id} = t.version_id "
        "LEFT JOIN {process} p ON p.{p_id} = t.process_id "
        "LEFT JOIN {rules} r ON r.{r_id} = t.rule_set_id"
    ).format(
        rule_columns=rule_columns,
        revision=table(revision),
        c_token=col(revision, "token"),
        c_id=col(revision, "id"),
        version=table(version),
        v_id=col(version, "id"),
        v_created=col(version, "created_at"),
        v_procedure=col(version, "procedure"),
        v_status=col(version, "status"),
        v_from=col(version, "effective_from"),
        v_number=col(version, "number"),
        process=table(process),
        p_id=col(process, "id"),
        p_created=col(process, "created_at"),
        p_procedure=col(process, "procedure"),
        p_status=col(process, "status"),
        p_from=col(process, "effective_from"),
        p_number=col(process, "number"),
        p_agency=col(process, "agency"),
        rules=table(rules),
        r_id=col(rules, "id"),
        r_from=col(rules, "effective_from"),
    )
    _SQL[connection.vendor] = sql
    return sql


def _instance(key: tuple, load):
    found = _INSTANCES.get(key)
    if found is None:
        if len(_INSTANCES) >= _INSTANCES_SIZE:
            _INSTANCES.clear()
        found = _INSTANCES[key] = load()
    return found


def forget() -> None:
    """Empty the per-process cache (never needed for correctness; for tests and benchmarks)."""
    _INSTANCES.clear()


def in_force_for_intake(procedure, agency, at: datetime) -> InForce:
    """Version, process (at ``agency``: its own, else the default one), rule set and calendar
    in force at ``at``. One statement; raises ``NoVersionInForce`` / ``NoProcessInForce`` /
    ``IntakeRefused`` (no rule set) like the functions it stands for."""
    from chinhquyen.procedures.models import ProcedureVersion, ProcessDefinition
    from chinhquyen.procedures.services import PUBLISHED_STATUSES

    statuses = [str(s) for s in PUBLISHED_STATUSES]
    moment = connection.ops.adapt_datetimefield_value(at)
    agency_id = agency.pk if agency is not None else None
    with connection.cursor() as cursor:
        cursor.execute(
            _sql(),
            [procedure.pk, *statuses, moment, procedure.pk, *statuses, moment, agency_id, moment],
        )
        row = cursor.fetchone()
    token, version_id, version_created, process_id, process_created = row[:5]
    rule_row = tuple(row[5:])

    if version_id is None:
        from chinhquyen.procedures.services import version_in_force

        version = version_in_force(procedure, at)  # raises NoVersionInForce
    else:
        version = _instance(
            ("version", version_id, version_created),
            lambda: ProcedureVersion.objects.select_related("procedure", "field").get(
                pk=version_id
            ),
        )
    if process_id is None:
        from chinhquyen.procedures.services import process_in_force

        process = process_in_force(procedure, agency, at)  # raises NoProcessInForce
    else:
        process = _instance(
            ("process", process_id, process_created),
            lambda: ProcessDefinition.objects.select_related("agency").get(pk=process_id),
        )
    if rule_row[0] is None:
        from chinhquyen.dossiers.services.intake import rule_set_in_force

        rule_set = rule_set_in_force(at)  # raises IntakeRefused
    else:
        rule_set = _instance(
            ("rule_set", *rule_row),
            lambda: OneStopRuleSet.objects.get(pk=rule_row[0]),
        )
    return InForce(
        version=version,
        process=process,
        rule_set=rule_set,
        calendar=WorkCalendar.for_token(token),
    )
