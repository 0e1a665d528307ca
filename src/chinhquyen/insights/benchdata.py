"""Synthetic dossiers at scale for the IOC benchmark (``chinhquyen insights generate``).

PostgreSQL only: ``generate(total, report)`` creates 130 agencies (a province, 30 departments,
99 communes) and 50 procedures through the ORM, then inserts ``total`` dossiers spread over
two years (from ``START``) with ``INSERT … SELECT generate_series`` in batches of a million:
channels, lead agencies, procedures, resolution (90 %) and its time drawn by a hash of the
row number, so a run is reproducible. Secondary indexes are dropped for the load and rebuilt
after it; FK triggers are off during the load (rows consistent by construction). Never run it
on a database that matters: it is for a throw-away benchmark database.
"""

from __future__ import annotations

import datetime
import os
import time

BATCH = 1_000_000
AGENCIES_DEPARTMENTS = 30
AGENCIES_COMMUNES = 99
PROCEDURES = 50
START = datetime.date(2025, 1, 1)
DAYS = 730
PROVINCE_CODE = "000.00.00.H99"

HASHINT = """
CREATE OR REPLACE FUNCTION hashint(bigint) RETURNS bigint LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT abs(hashint8($1)) $$;
"""


def _setup_reference_data():
    """Organisations, procedures (versions, processes) and the rule set, through the ORM."""
    from decimal import Decimal

    from django.utils import timezone

    from chinhquyen.accounts.choices import Role
    from chinhquyen.directory.choices import OrganisationKind
    from chinhquyen.directory.services import create_organisation
    from chinhquyen.dossiers.models import OneStopRuleSet
    from chinhquyen.procedures.choices import ImplementingLevel, OnlineMode, VersionStatus
    from chinhquyen.procedures.models import (
        Procedure,
        ProcedureField,
        ProcedureVersion,
        ProcessDefinition,
        ProcessStep,
    )

    province = create_organisation(
        name="UBND tỉnh Bench", kind=OrganisationKind.PEOPLES_COMMITTEE, qcvn_code=PROVINCE_CODE
    )
    agencies = [province]
    for n in range(AGENCIES_DEPARTMENTS):
        agencies.append(
            create_organisation(
                parent=province,
                name=f"Sở {n:02d}",
                kind=OrganisationKind.DEPARTMENT,
                qcvn_code=f"000.00.{n + 1:02d}.H99",
            )
        )
    for n in range(AGENCIES_COMMUNES):
        agencies.append(
            create_organisation(
                parent=province,
                name=f"UBND xã {n:02d}",
                kind=OrganisationKind.COMMUNE_COMMITTEE,
                qcvn_code=f"000.{n + 1:02d}.99.H99",
            )
        )
    field, _ = ProcedureField.objects.get_or_create(code="BENCH", defaults={"name": "Bench"})
    effective = timezone.now() - datetime.timedelta(days=3 * 365)
    modes = [OnlineMode.FULL, OnlineMode.PARTIAL, OnlineMode.NONE]
    procedures = []
    for n in range(PROCEDURES):
        procedure = Procedure.objects.create(national_code=f"BENCH.{n:03d}")
        version = ProcedureVersion.objects.create(
            procedure=procedure,
            number=1,
            status=VersionStatus.PUBLISHED,
            effective_from=effective,
            name=f"Thủ tục {n:03d}",
            field=field,
            level=ImplementingLevel.PROVINCE,
            processing_time=Decimal(10),
            online_mode=modes[n % 3],
        )
        version.implementing_agencies.set(agencies[1:])
        process = ProcessDefinition.objects.create(
            procedure=procedure, number=1, status=VersionStatus.PUBLISHED, effective_from=effective
        )
        ProcessStep.objects.create(
            definition=process,
            order=1,
            code="s",
            name="S",
            performer_role=Role.ONE_STOP_OFFICER,
            allotted_hours=Decimal(8),
        )
        procedures.append((procedure.pk, version.pk, process.pk))
    rule_set = OneStopRuleSet.objects.order_by("effective_from").first()
    return province, agencies, procedures, rule_set


def _fillers(cursor) -> dict[str, str]:
    """A SQL expression for every NOT NULL column without default of dossiers_dossier, so the
    generator survives columns added by later issues; the meaningful ones are overridden."""
    cursor.execute(
        "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = "
        "'dossiers_dossier' AND is_nullable = 'NO' AND column_default IS NULL"
    )
    by_type = {
        "integer": "0",
        "bigint": "0",
        "smallint": "0",
        "boolean": "false",
        "numeric": "0",
        "timestamp with time zone": "r.received_at",
        "date": "r.received_at::date",
        "jsonb": "'{}'::jsonb",
    }
    return {name: by_type.get(kind, "''") for name, kind in cursor.fetchall() if name != "id"}


def generate(total: int, report) -> float:
    """Insert ``total`` dossiers with generate_series; returns seconds."""
    from django.db import connection

    province, agencies, procedures, rule_set = _setup_reference_data()
    ids = [a.pk for a in agencies[1:]]
    codes = {a.pk: a.qcvn_code for a in agencies}
    proc_ids = ",".join(str(p[0]) for p in procedures)
    version_ids = ",".join(str(p[1]) for p in procedures)
    process_ids = ",".join(str(p[2]) for p in procedures)
    agency_ids = ",".join(str(i) for i in ids)
    agency_codes = ",".join(f"'{codes[i]}'" for i in ids)
    start = time.perf_counter()
    with connection.cursor() as cursor:
        columns = _fillers(cursor)
        columns.update(
            {
                "code": "'B' || r.g",
                "procedure_id": f"(ARRAY[{proc_ids}])[r.p]",
                "procedure_version_id": f"(ARRAY[{version_ids}])[r.p]",
                "process_id": f"(ARRAY[{process_ids}])[r.p]",
                "rule_set_id": str(rule_set.pk),
                "receiving_agency_id": f"(ARRAY[{agency_ids}])[r.a]",
                "receiving_agency_code": f"(ARRAY[{agency_codes}])[r.a]",
                "lead_agency_id": f"(ARRAY[{agency_ids}])[r.a]",
                "current_agency_id": f"(ARRAY[{agency_ids}])[r.a]",
                "channel": "(ARRAY['counter','online','national_portal','post'])[1 + r.g % 4]",
                "status": "CASE WHEN r.done THEN 'returned' ELSE 'in_processing' END",
                "received_at": "r.received_at",
                "handed_over_at": "r.received_at",
                "clock_started_at": "r.received_at",
                "legal_due_at": "r.received_at + interval '10 days'",
                "original_due_at": "r.received_at + interval '10 days'",
                "due_at": "r.received_at + interval '10 days'",
                "result_ready_at": "CASE WHEN r.done THEN r.ready_at END",
                "finished_at": "CASE WHEN r.done THEN r.ready_at END",
                "outcome": (
                    "CASE WHEN NOT r.done THEN '' "
                    "WHEN r.ready_at::date < (r.received_at + interval '10 days')::date "
                    "THEN 'early' WHEN r.ready_at <= r.received_at + interval '10 days' "
                    "THEN 'on_time' ELSE 'late' END"
                ),
                "applicant_name": "'Nguyễn Văn ' || r.g",
                "applicant_kind": "'individual'",
                "version": "1",
                "created_at": "r.received_at",
                "is_demo": "false",
            }
        )
        # Bulk-load the way a DBA would: secondary indexes dropped and rebuilt afterwards, FK
        # triggers off (the rows are consistent by construction). Same indexes in the end.
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'dossiers_dossier' "
            "AND indexname NOT IN (SELECT conname FROM pg_constraint "
            "WHERE conrelid = 'dossiers_dossier'::regclass)"
        )
        indexes = cursor.fetchall()
        for name, _definition in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        cursor.execute("SET session_replication_role = replica")
        names = ", ".join(columns)
        exprs = ", ".join(columns.values())
        days = DAYS * 86400
        for first in range(1, total + 1, BATCH):
            last = min(total, first + BATCH - 1)
            cursor.execute(
                f"INSERT INTO dossiers_dossier ({names}) SELECT {exprs} FROM ("  # noqa: S608
                "SELECT g, 1 + (hashint(g) % {p}) AS p, 1 + (hashint(g + 7) % {a}) AS a, "
                "hashint(g + 13) % 10 <> 0 AS done, received_at, "
                "received_at + (hashint(g + 17) % (20 * 86400)) * interval '1 second' AS ready_at "
                "FROM (SELECT g, timestamptz '{start} 00:00+07' + (hashint(g + 3) % {days}) "
                "* interval '1 second' AS received_at FROM generate_series({first}, {last}) g) s"
                ") r".format(
                    p=len(procedures),
                    a=len(ids),
                    start=START.isoformat(),
                    days=days,
                    first=first,
                    last=last,
                ),
            )
            report(
                "insights bench: dossiers generated",
                f"{last} ({time.perf_counter() - start:.0f} s, load {os.getloadavg()[0]:.1f})",
            )
        cursor.execute("SET session_replication_role = origin")
        t0 = time.perf_counter()
        for _name, definition in indexes:
            cursor.execute(definition)
        report(
            "insights bench: dossier indexes rebuilt",
            f"{len(indexes)} in {time.perf_counter() - t0:.0f} s",
        )
        cursor.execute("ANALYZE dossiers_dossier")
    return time.perf_counter() - start
