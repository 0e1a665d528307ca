"""IOC dashboard at scale (issue 8): the province-wide dashboard from the counters against the
naive aggregate over the raw dossier table, on the same data.

Generates ``--dossiers`` dossiers (default 20 000 000; state the number you ran) spread over two
years, 130 agencies (province → 30 departments + 99 communes) and 50 procedures, with ``INSERT …
SELECT generate_series`` in batches (channels, outcomes and resolution times drawn at random,
90 % resolved), then builds the counters with ``insights.rebuild`` — the same numbers the
incremental hooks keep (proved by ``insights/tests/test_aggregates_rebuild.py``) — and times:

* **dashboard**: ``kpis.dashboard(root=province, start, end)`` for the counter KPIs (all tiles
  plus one row per department/commune), best of several runs, year and a custom range;
* **naive**: the same figures straight from ``dossiers_dossier`` (received, online, full online,
  resolved early/on time/late, resolution time) grouped by agency over the period.

Both give the same totals (checked). PostgreSQL only: run alone it starts its own throw-away
cluster (``initdb`` into a temporary directory, port ``--port``) unless DATABASE_URL points at
PostgreSQL; from ``bench/run.py`` on SQLite it runs itself that way in a subprocess.

    .venv/bin/python bench/bench_insights.py --dossiers 2000000
"""

from __future__ import annotations

import datetime
import os
import shutil
import subprocess
import sys
import tempfile
import time

PG_BIN = "/usr/lib/postgresql/15/bin"
DEFAULT_DOSSIERS = 20_000_000


# --- a throw-away PostgreSQL ------------------------------------------------------------------


def start_postgres(port: int) -> tuple[str, callable]:
    """initdb + start a cluster in a temporary directory; returns (DATABASE_URL, stop)."""
    base = tempfile.mkdtemp(prefix="chinhquyen-bench-pg-")
    data = os.path.join(base, "data")
    as_postgres = os.geteuid() == 0
    if as_postgres:
        shutil.chown(base, "postgres")

    def run(*args):
        command = " ".join(args)
        if as_postgres:
            subprocess.run(  # noqa: S603
                ["su", "postgres", "-c", command],  # noqa: S607
                check=True,
                capture_output=True,
            )
        else:
            subprocess.run(command, shell=True, check=True, capture_output=True)  # noqa: S602

    run(
        f"{PG_BIN}/initdb",
        "-D",
        data,
        "-A",
        "trust",
        "-U",
        "postgres",
        "-E",
        "UTF8",
        "--locale=C.UTF-8",
    )
    options = (
        f"-p {port} -k {base} -c listen_addresses=127.0.0.1 -c fsync=off "
        "-c synchronous_commit=off -c full_page_writes=off -c shared_buffers=1GB "
        "-c work_mem=256MB -c maintenance_work_mem=1GB -c max_wal_size=8GB "
        "-c max_parallel_workers_per_gather=2"
    )
    run(f"{PG_BIN}/pg_ctl", "-D", data, "-o", f"'{options}'", "-l", f"{base}/log", "-w", "start")
    run(f"{PG_BIN}/createdb", "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "bench")

    def stop():
        try:
            run(f"{PG_BIN}/pg_ctl", "-D", data, "-m", "fast", "stop")
        finally:
            shutil.rmtree(base, ignore_errors=True)

    return f"postgres://postgres@127.0.0.1:{port}/bench", stop


NAIVE = """
SELECT d.lead_agency_id,
       COUNT(*) FILTER (WHERE d.received_at >= %(lo)s AND d.received_at < %(hi)s),
       COUNT(*) FILTER (WHERE d.received_at >= %(lo)s AND d.received_at < %(hi)s
                        AND d.channel IN ('online', 'national_portal')),
       COUNT(*) FILTER (WHERE d.received_at >= %(lo)s AND d.received_at < %(hi)s
                        AND d.channel IN ('online', 'national_portal') AND v.online_mode = 'full'),
       COUNT(*) FILTER (WHERE d.result_ready_at >= %(lo)s AND d.result_ready_at < %(hi)s
                        AND d.outcome = 'early'),
       COUNT(*) FILTER (WHERE d.result_ready_at >= %(lo)s AND d.result_ready_at < %(hi)s
                        AND d.outcome = 'on_time'),
       COUNT(*) FILTER (WHERE d.result_ready_at >= %(lo)s AND d.result_ready_at < %(hi)s
                        AND d.outcome = 'late'),
       SUM(FLOOR(EXTRACT(EPOCH FROM (d.result_ready_at - d.received_at))))
           FILTER (WHERE d.result_ready_at >= %(lo)s AND d.result_ready_at < %(hi)s
                   AND d.outcome <> '')
FROM dossiers_dossier d
JOIN procedures_procedureversion v ON v.id = d.procedure_version_id
JOIN directory_organisation o ON o.id = d.lead_agency_id
WHERE o.path LIKE %(root)s
  AND ((d.received_at >= %(lo)s AND d.received_at < %(hi)s)
       OR (d.result_ready_at >= %(lo)s AND d.result_ready_at < %(hi)s))
GROUP BY d.lead_agency_id
"""


def naive(root, start: datetime.date, end: datetime.date) -> dict[str, int]:
    from django.db import connection

    from chinhquyen.insights.periods import bounds

    lo, hi = bounds(start, end)
    totals = dict.fromkeys(("received", "online", "full", "early", "on_time", "late", "seconds"), 0)
    with connection.cursor() as cursor:
        cursor.execute(NAIVE, {"lo": lo, "hi": hi, "root": root.path + "%"})
        for row in cursor.fetchall():
            for key, value in zip(totals, row[1:], strict=True):
                totals[key] += int(value or 0)
    return totals


def best_of(runs: int, function):
    times = []
    result = None
    for _ in range(runs):
        t0 = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - t0)
    return min(times), sorted(times)[len(times) // 2], result


def run(report, dossiers: int | None = None) -> None:
    """From bench/run.py: in-process on PostgreSQL, else in a subprocess with its own cluster
    (size: ``BENCH_INSIGHTS_DOSSIERS``, default 1 000 000 there — the full 20 M is a manual
    run of this file)."""
    from django.db import connection

    size = dossiers or int(os.environ.get("BENCH_INSIGHTS_DOSSIERS", "1000000"))
    if connection.vendor != "postgresql":
        env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        process = subprocess.run(  # noqa: S603 — this very file, by path
            [sys.executable, os.path.abspath(__file__), "--dossiers", str(size)],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        for line in process.stdout.splitlines():
            if line.startswith("insights"):
                name, _sep, value = line.partition("  ")
                report(name.strip(), value.strip())
        if process.returncode:
            report("insights bench", f"FAILED: {process.stderr[-500:]}")
        return
    _bench(report, size)


def _bench(report, size: int) -> None:
    from django.core.management import call_command
    from django.db import connection

    from chinhquyen.insights import kpis
    from chinhquyen.insights.rebuild import rebuild

    call_command("migrate", verbosity=0, interactive=False)
    from chinhquyen.insights.benchdata import HASHINT, PROVINCE_CODE, generate

    with connection.cursor() as cursor:
        cursor.execute(HASHINT)
    seconds = generate(size, report)
    report("insights bench: generated", f"{size} dossiers in {seconds:.0f} s")
    t0 = time.perf_counter()
    rows = rebuild(feeds=["dossiers"])
    from chinhquyen.insights.models import Counter

    counters = Counter.objects.count()
    report(
        "insights bench: counters rebuilt from raw",
        f"{time.perf_counter() - t0:.0f} s, {rows['dossiers']} day rows, {counters} rows in all",
    )
    with connection.cursor() as cursor:
        # What autovacuum does soon after a rebuild: past days' pages become all-visible.
        cursor.execute("VACUUM ANALYZE insights_counter")
        cursor.execute(
            "SELECT pg_size_pretty(pg_total_relation_size('dossiers_dossier')), "
            "pg_size_pretty(pg_total_relation_size('insights_counter'))"
        )
        raw_size, counter_size = cursor.fetchone()
    report("insights bench: table sizes", f"dossiers {raw_size}, counters {counter_size}")
    from chinhquyen.directory.models import Organisation

    province = Organisation.objects.get(qcvn_code=PROVINCE_CODE)
    codes = [k.code for k in kpis.COUNTER_KPIS]
    for label, start, end in (
        ("year 2025", datetime.date(2025, 1, 1), datetime.date(2025, 12, 31)),
        ("custom 15/03/2025–10/02/2026", datetime.date(2025, 3, 15), datetime.date(2026, 2, 10)),
    ):
        fast, fast_median, board = best_of(
            7, lambda s=start, e=end: kpis.dashboard(root=province, start=s, end=e, codes=codes)
        )
        slow, _median, totals = best_of(2, lambda s=start, e=end: naive(province, s, e))
        tiles = board.tiles
        same = (
            tiles["received"].numerator == totals["received"]
            and tiles["online_share"].numerator == totals["online"]
            and tiles["full_online_share"].numerator == totals["full"]
            and tiles["resolved_early"].numerator == totals["early"]
            and tiles["resolved_on_time"].numerator == totals["on_time"]
            and tiles["resolved_late"].numerator == totals["late"]
            and tiles["average_resolution_days"].numerator == totals["seconds"]
        )
        report(
            f"insights dashboard, province, {label} ({len(codes)} KPIs, "
            f"{len(board.by_agency)} agency rows)",
            f"{fast * 1000:.1f} ms (median {fast_median * 1000:.1f} ms)",
        )
        report(
            f"insights naive aggregate over {size} raw dossiers, {label}",
            f"{slow * 1000:.0f} ms",
        )
        report(
            f"insights ratio naive / dashboard, {label}",
            f"{slow / fast:.0f}x; same totals: {'yes' if same else 'NO'}; "
            f"load {os.getloadavg()[0]:.1f}",
        )


def _standalone() -> int:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dossiers", type=int, default=DEFAULT_DOSSIERS)
    parser.add_argument("--port", type=int, default=55454)
    args = parser.parse_args()
    stop = None
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        url, stop = start_postgres(args.port)
        os.environ["DATABASE_URL"] = url
    os.environ.setdefault("CHINHQUYEN_VAR_DIR", tempfile.mkdtemp(prefix="chinhquyen-bench-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chinhquyen.settings")
    try:
        import django

        django.setup()

        def report(name, value):
            print(f"{name:<72}  {value}", flush=True)

        _bench(report, args.dossiers)
    finally:
        if stop is not None:
            from django.db import connections

            connections.close_all()
            stop()
    return 0


if __name__ == "__main__":
    sys.exit(_standalone())
