"""Dossier intake throughput (issue 3): ``run(report)`` from bench/run.py.

N writer processes (forked; each with its own database connection and its own interpreter, so
the client is not bound by one GIL) receive counter dossiers through ``receive_dossier`` — as a
one-stop officer, so the permission check, the version and process look-ups, the deadline, the
daily sequence, the events, the step run, the fee line and the audit entries are all paid — for
one agency on one day (and for eight agencies, one counter each). Afterwards the
codes of that agency and day are checked unique and gap-free (1…N, and the counter row says N).

On SQLite every write transaction takes the single database write lock (BEGIN IMMEDIATE), so the
writers queue: the figure is that of one writer. On PostgreSQL the writers also queue, on the
daily counter's advisory lock (per agency and day) and on the audit chain's (global).

The writers run with ``DEBUG`` off (as in production) and receive ``--warmup`` untimed
dossiers each first (a server's connections are long-lived); their codes are checked too.

When PostgreSQL runs on this machine (its processes readable in ``/proc``), the CPU time of
the whole server (backends, WAL writer, checkpointer …) is measured too: client + server CPU
per intake is the stable figure on a shared machine, the wall-clock rate is not.

Run alone: ``DATABASE_URL=postgres://…/bench .venv/bin/python bench/bench_dossiers.py`` (the
database is migrated and written to; use a throw-away one), or through ``bench/run.py``;
``--help`` for the options (workloads, repetitions).
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


def _writer(procedure, agencies, user_pk, index, per_writer, warmup, barrier, results) -> None:
    """One writer process: its own connection (opened after the fork), ``warmup`` intakes
    before the clock starts (a server's connections are long-lived: catalogue caches of the
    backend, prepared statements), then ``per_writer`` timed intakes."""
    from django.conf import settings
    from django.db import connections

    from chinhquyen.accounts.models import User
    from chinhquyen.dossiers.services import receive_dossier

    # As in production: with DEBUG on, Django logs every statement with its parameters
    # interpolated client-side (~1 ms of CPU per intake). This forked process only.
    settings.DEBUG = False
    codes: list[str] = []
    try:
        actor = User.objects.get(pk=user_pk)  # this process's connection is opened here
        backend = _backend_pid()

        def intake(i: int) -> str:
            return receive_dossier(
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
            ).code

        warm = [intake(i) for i in range(per_writer, per_writer + warmup)]
        barrier.wait()
        cpu = time.process_time()
        codes.extend(intake(i) for i in range(per_writer))
        cpu = time.process_time() - cpu
        connections.close_all()  # the backend exits now: its CPU time is then counted
        results.put((codes, warm, cpu, backend, None))
    except BaseException as exc:  # noqa: BLE001 (reported by the parent)
        if not barrier.broken:
            barrier.abort()
        results.put((codes, [], 0.0, None, repr(exc)))
    finally:
        connections.close_all()


def _run(
    procedure, agencies, user, writers: int, per_writer: int, warmup: int = 0
) -> tuple[float, float, float | None, list[str], list[str]]:
    """Returns (wall seconds, client CPU seconds summed over the writers, server CPU seconds
    (None when not measurable), timed codes, warm-up codes).

    Writers are separate processes (forked after the parent closed its connections), so the
    client side is not bound by one interpreter's GIL: the figure is that of the server (and of
    the two cores shared by the writers and PostgreSQL).
    """
    from django.db import connections

    postmaster = _server_pids()
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(writers + 1)
    results = context.Queue()
    connections.close_all()  # never share a socket with the children
    processes = [
        context.Process(
            target=_writer,
            args=(procedure, agencies, user.pk, n, per_writer, warmup, barrier, results),
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
    server_before = server_cpu_seconds(postmaster[0]) if postmaster else None
    collected = [results.get(timeout=600) for _process in processes]
    elapsed = time.perf_counter() - start
    for process in processes:
        process.join()
    server = None
    if postmaster:
        # Wait until the writers' backends have exited and been reaped by the postmaster
        # (their CPU time then moves into its cutime/cstime).
        backends = [pid for *_rest, pid, _error in collected if pid]
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and any(
            os.path.exists(f"/proc/{pid}") for pid in backends
        ):
            time.sleep(0.01)
        server = server_cpu_seconds(postmaster[0]) - server_before
    errors = [error for *_rest, error in collected if error]
    if errors:
        raise RuntimeError(f"{len(errors)} writer(s) failed, first: {errors[0]}")
    codes = [code for batch, *_rest in collected for code in batch]
    warm = [code for _codes, batch, *_rest in collected for code in batch]
    cpu = sum(cpu for _codes, _warm, cpu, _pid, _error in collected)
    return elapsed, cpu, server, codes, warm


def _backend_pid() -> int | None:
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def _server_pids() -> tuple[int, ...] | None:
    """(postmaster pid,) when the PostgreSQL server runs on this machine and is readable."""
    backend = _backend_pid()
    if backend is None:
        return None
    try:
        with open(f"/proc/{backend}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return None  # a remote server, or another PID namespace
    return (int(fields[1]),)  # the backend's parent: the postmaster


def server_cpu_seconds(postmaster: int) -> float:
    """CPU time of the PostgreSQL server so far: the postmaster with its reaped children
    (backends that have exited) plus every live child (backends, WAL writer …)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    with open(f"/proc/{postmaster}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    total += sum(int(x) for x in fields[11:15])  # utime stime cutime cstime
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue  # exited meanwhile: counted in the postmaster's cutime/cstime
        if int(fields[1]) == postmaster:
            total += int(fields[11]) + int(fields[12])
    return total / tick


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


def run(
    report, workloads=WORKLOADS, agencies_run=(8, 100), repeat: int = 1, warmup: int = 5
) -> None:
    """``workloads``: (writers, dossiers per writer) for one agency; ``agencies_run``:
    (writers, dossiers per writer) with one agency per writer (None: skip); ``warmup``:
    untimed intakes per writer first (their codes are checked too)."""
    from django.db import connection

    procedure, agency, communes, user = _setup()
    vendor = connection.vendor
    note = ", single write lock" if vendor == "sqlite" else ""
    runs = [(writers, per_writer, [agency], "one agency") for writers, per_writer in workloads]
    if agencies_run:
        writers, per_writer = agencies_run
        runs.append((writers, per_writer, communes[:writers], f"{min(writers, 8)} agencies"))
    report(
        f"dossier intake, SQL statements per intake ({vendor})",
        str(statements_per_intake(procedure, communes[0], user)),
    )
    for writers, per_writer, agencies, where in runs * repeat:
        elapsed, cpu, server, codes, warm = _run(
            procedure, agencies, user, writers, per_writer, warmup
        )
        verdicts = {
            check_codes(a.qcvn_code, [c for c in codes + warm if c.startswith(a.qcvn_code + "-")])
            for a in agencies
        }
        server_text = (
            f", server CPU {server / len(codes) * 1000:.1f} ms/dossier"
            if server is not None
            else ""
        )
        load = f", load {os.getloadavg()[0]:.1f}" if hasattr(os, "getloadavg") else ""
        report(
            f"dossier intake, {writers} writers, {where} ({vendor}{note})",
            f"{len(codes) / elapsed:.0f} dossiers/s ({len(codes)} in {elapsed:.2f} s, client "
            f"CPU {cpu / len(codes) * 1000:.1f} ms/dossier{server_text}{load}); "
            f"codes {' / '.join(sorted(verdicts))}",
        )


def _workload(text: str) -> tuple[int, int]:
    writers, _x, per_writer = text.partition("x")
    return int(writers), int(per_writer)


if __name__ == "__main__":
    import argparse
    import tempfile

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--workloads",
        default=",".join(f"{w}x{n}" for w, n in WORKLOADS),
        help="one-agency runs, WRITERSxDOSSIERS_PER_WRITER comma-separated (default: %(default)s)",
    )
    parser.add_argument(
        "--agencies",
        default="8x100",
        help="run with one agency per writer, WRITERSxPER_WRITER (≤ 8 agencies), or 'none'",
    )
    parser.add_argument("--repeat", type=int, default=1, help="run every workload N times")
    parser.add_argument(
        "--warmup", type=int, default=5, help="untimed intakes per writer first (default: 5)"
    )
    options = parser.parse_args()

    os.environ.setdefault("CHINHQUYEN_VAR_DIR", tempfile.mkdtemp(prefix="chinhquyen-bench-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chinhquyen.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    run(
        lambda name, value: print(f"{name:<58} {value}", flush=True),
        workloads=[_workload(w) for w in options.workloads.split(",") if w],
        agencies_run=None if options.agencies == "none" else _workload(options.agencies),
        repeat=options.repeat,
        warmup=options.warmup,
    )
