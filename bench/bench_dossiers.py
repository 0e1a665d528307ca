"""Dossier intake throughput (issue 3): ``run(report)`` from bench/run.py.

N writer processes (forked; each with its own database connection and its own interpreter, so
the client is not bound by one GIL) receive counter dossiers through ``receive_dossier`` — as a
one-stop officer, so the permission check, the version and process look-ups, the deadline, the
daily sequence, the events, the step run, the fee line and the audit entries are all paid — for
one agency on one day (and for eight agencies, one counter each). Afterwards the
codes of that agency and day are checked unique and gap-free (1…N, and the counter row says N).

On SQLite every write transaction takes the single database write lock (BEGIN IMMEDIATE), so the
writers queue: the figure is that of one writer. On PostgreSQL the writers also queue, on the
daily-sequence row lock (per agency and day) and on the audit chain's advisory lock (global).

Run alone: ``DATABASE_URL=postgres://…/bench .venv/bin/python bench/bench_dossiers.py`` (the
database is migrated and written to; use a throw-away one), or through ``bench/run.py``.
"""

import multiprocessing
import os
import threading
import time
from decimal import Decimal

WORKLOADS = ((1, 200), (8, 100), (32, 25))  # (writers, dossiers per writer)


def _setup():
    from django.utils import timezone

    from chinhquyen.accounts.choices import Role
    from chinhquyen.accounts.services import assign_role
    from chinhquyen.directory.choices import OrganisationKind
    from chinhquyen.directory.models import Organisation
    from chinhquyen.directory.services import create_official, create_organisation
    from chinhquyen.procedures.choices import ImplementingLevel, StepAction, VersionStatus
    from chinhquyen.procedures.models import (
        Procedure,
        ProcedureFee,
        ProcedureField,
        ProcedureVersion,
        ProcessDefinition,
        ProcessStep,
        ProcessTransition,
    )

    agency = Organisation.objects.filter(qcvn_code="000.00.98.H98").first()
    if agency is None:
        agency = create_organisation(
            name="Bench UBND", kind=OrganisationKind.PEOPLES_COMMITTEE, qcvn_code="000.00.98.H98"
        )
    # Eight communes of it, for the run where each writer has its own agency (own counter).
    communes = []
    for n in range(8):
        code = f"000.00.{60 + n}.H98"
        commune = Organisation.objects.filter(qcvn_code=code).first() or create_organisation(
            parent=agency,
            name=f"Bench UBND xã {n}",
            kind=OrganisationKind.COMMUNE_COMMITTEE,
            qcvn_code=code,
        )
        communes.append(commune)
    officer = create_official(
        username=f"bench_motcua_{time.time_ns()}", full_name="Bench Một Cửa", organisation=agency
    )
    assign_role(official=officer, role=Role.ONE_STOP_OFFICER, organisation=agency)
    field, _ = ProcedureField.objects.get_or_create(code="BENCH", defaults={"name": "Bench"})
    procedure = Procedure.objects.create(national_code=f"BENCH.{time.time_ns()}")
    effective = timezone.now() - timezone.timedelta(days=1)
    version = ProcedureVersion.objects.create(
        procedure=procedure,
        number=1,
        status=VersionStatus.PUBLISHED,
        effective_from=effective,
        name="Bench",
        field=field,
        level=ImplementingLevel.PROVINCE,
        processing_time=Decimal(5),
    )
    ProcedureFee.objects.create(version=version, name="Lệ phí", amount=Decimal(50000))
    process = ProcessDefinition.objects.create(
        procedure=procedure, number=1, status=VersionStatus.PUBLISHED, effective_from=effective
    )
    step = ProcessStep.objects.create(
        definition=process,
        order=1,
        code="s",
        name="S",
        performer_role=Role.ONE_STOP_OFFICER,
        allotted_hours=Decimal(8),
    )
    ProcessTransition.objects.create(step=step, action=StepAction.APPROVE)
    return procedure, agency, communes, officer.user


def _writer(procedure, agencies, user_pk, index, per_writer, barrier, results) -> None:
    """One writer process: its own connection (opened after the fork), ``per_writer`` intakes."""
    from django.db import connections

    from chinhquyen.accounts.models import User
    from chinhquyen.dossiers.services import receive_dossier

    codes: list[str] = []
    try:
        actor = User.objects.get(pk=user_pk)  # this process's connection is opened here
        barrier.wait()
        cpu = time.process_time()
        for i in range(per_writer):
            dossier = receive_dossier(
                procedure=procedure,
                receiving_agency=agencies[index % len(agencies)],
                channel="counter",
                applicant={
                    "name": "Nguyễn Văn Bench",
                    "id_number": f"008090{index:03d}{i:03d}",
                    "phone": "0912345678",
                    "address": "Phường Minh Xuân, tỉnh Tuyên Quang",
                },
                acting_user=actor,
            )
            codes.append(dossier.code)
        results.put((codes, time.process_time() - cpu, None))
    except BaseException as exc:  # noqa: BLE001 (reported by the parent)
        if not barrier.broken:
            barrier.abort()
        results.put((codes, 0.0, repr(exc)))
    finally:
        connections.close_all()


def _run(
    procedure, agencies, user, writers: int, per_writer: int
) -> tuple[float, float, list[str]]:
    """Returns (wall seconds, client CPU seconds summed over the writers, codes).

    Writers are separate processes (forked after the parent closed its connections), so the
    client side is not bound by one interpreter's GIL: the figure is that of the server (and of
    the two cores shared by the writers and PostgreSQL).
    """
    from django.db import connections

    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(writers + 1)
    results = context.Queue()
    connections.close_all()  # never share a socket with the children
    processes = [
        context.Process(
            target=_writer,
            args=(procedure, agencies, user.pk, n, per_writer, barrier, results),
        )
        for n in range(writers)
    ]
    for process in processes:
        process.start()
    try:
        barrier.wait(timeout=120)
    except threading.BrokenBarrierError:
        pass
    start = time.perf_counter()
    collected = [results.get(timeout=600) for _process in processes]
    elapsed = time.perf_counter() - start
    for process in processes:
        process.join()
    errors = [error for _codes, _cpu, error in collected if error]
    if errors:
        raise RuntimeError(f"{len(errors)} writer(s) failed, first: {errors[0]}")
    codes = [code for batch, _cpu, _error in collected for code in batch]
    return elapsed, sum(cpu for _codes, cpu, _error in collected), codes


def statements_per_intake(procedure, agency, user) -> int:
    """SQL statements of one (warm) intake, from the connection's query log."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from chinhquyen.dossiers.services import receive_dossier

    def once():
        return receive_dossier(
            procedure=procedure,
            receiving_agency=agency,
            channel="counter",
            applicant={"name": "Nguyễn Văn Đếm", "phone": "0912345678"},
            acting_user=user,
        )

    once()
    with CaptureQueriesContext(connection) as queries:
        once()
    return len(queries)


def check_codes(agency_code: str, codes: list[str]) -> str:
    """Codes unique, and per day numbered 1…N with the counter row at N (whole day in DB)."""
    from chinhquyen.dossiers.models import DailySequence, Dossier

    if len(set(codes)) != len(codes):
        return "DUPLICATES"
    problems = []
    days = {code.rsplit("-", 2)[1] for code in codes}
    for yymmdd in sorted(days):
        prefix = f"{agency_code}-{yymmdd}-"
        stored = sorted(
            int(code.rsplit("-", 1)[1])
            for code in Dossier.objects.filter(code__startswith=prefix).values_list(
                "code", flat=True
            )
        )
        counter = DailySequence.objects.get(
            agency_code=agency_code,
            day=f"20{yymmdd[:2]}-{yymmdd[2:4]}-{yymmdd[4:]}",
        ).last_number
        if stored != list(range(1, len(stored) + 1)) or counter != len(stored):
            problems.append(yymmdd)
    return "unique and gap-free" if not problems else f"GAPS on {', '.join(problems)}"


def run(report) -> None:
    from django.db import connection

    procedure, agency, communes, user = _setup()
    vendor = connection.vendor
    note = ", single write lock" if vendor == "sqlite" else ""
    runs = [(writers, per_writer, [agency], "one agency") for writers, per_writer in WORKLOADS]
    runs.append((8, 100, communes, "8 agencies"))
    report(
        f"dossier intake, SQL statements per intake ({vendor})",
        str(statements_per_intake(procedure, communes[0], user)),
    )
    for writers, per_writer, agencies, where in runs:
        elapsed, cpu, codes = _run(procedure, agencies, user, writers, per_writer)
        verdicts = {
            check_codes(a.qcvn_code, [c for c in codes if c.startswith(a.qcvn_code + "-")])
            for a in agencies
        }
        report(
            f"dossier intake, {writers} writers, {where} ({vendor}{note})",
            f"{len(codes) / elapsed:.0f} dossiers/s ({len(codes)} in {elapsed:.2f} s, client "
            f"CPU {cpu / len(codes) * 1000:.1f} ms/dossier); codes {' / '.join(sorted(verdicts))}",
        )


if __name__ == "__main__":
    import tempfile

    os.environ.setdefault("CHINHQUYEN_VAR_DIR", tempfile.mkdtemp(prefix="chinhquyen-bench-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chinhquyen.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    run(lambda name, value: print(f"{name:<58} {value}", flush=True))
