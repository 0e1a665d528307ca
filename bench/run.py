"""ChinhQuyen benchmarks: `make bench`. Prints figures; not run in CI.

Runs on a throw-away SQLite database in a temporary var dir (or on DATABASE_URL when set, which
must then point at a database that may be wiped) so it never touches the demo data.
"""

import importlib
import os
import statistics
import sys
import tempfile
import time
import tracemalloc
from contextlib import contextmanager

VAR = tempfile.mkdtemp(prefix="chinhquyen-bench-")
os.environ.setdefault("CHINHQUYEN_VAR_DIR", VAR)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chinhquyen.settings")

import django  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402

RESULTS: list[tuple[str, str]] = []


def report(name: str, value: str) -> None:
    RESULTS.append((name, value))
    print(f"{name:<58} {value}", flush=True)


@contextmanager
def timed():
    start = time.perf_counter()
    box = {}
    yield box
    box["seconds"] = time.perf_counter() - start


def bench_units() -> None:
    from chinhquyen.directory.models import AdministrativeUnit

    with timed() as t:
        call_command("load_units", verbosity=0)
    count = AdministrativeUnit.objects.filter(is_historic=False).count()
    report("load current units (34 provinces + communes)", f"{t['seconds']:.2f} s ({count} rows)")
    with timed() as t:
        call_command("load_units", "--historic", verbosity=0)
    count = AdministrativeUnit.objects.filter(is_historic=True).count()
    report("load historic three-level units", f"{t['seconds']:.2f} s ({count} rows)")
    with timed() as t:
        call_command("load_units", verbosity=0)
    report("reload current units (idempotent, nothing new)", f"{t['seconds']:.2f} s")


def bench_audit(n: int = 2000) -> None:
    from chinhquyen.audit.services import log_action, verify_chain

    with timed() as t:
        for i in range(n):
            with transaction.atomic():
                log_action("bench.action", details={"i": i})
    report(f"audit: {n} entries, one transaction each", f"{n / t['seconds']:.0f} entries/s")
    tracemalloc.start()
    with timed() as t:
        result = verify_chain()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert result.ok, result
    report(
        f"audit verify ({result.checked} entries)",
        f"{result.checked / t['seconds']:.0f} entries/s, peak {peak / 1e6:.1f} MB",
    )


def bench_restrict() -> None:
    from chinhquyen.accounts.choices import Role
    from chinhquyen.accounts.scopes import clear_scope_cache
    from chinhquyen.accounts.services import assign_role
    from chinhquyen.directory.choices import OrganisationKind
    from chinhquyen.directory.models import Official, Organisation
    from chinhquyen.directory.services import create_official, create_organisation

    # Through the service, as the import and the back office do (validation + audit per row).
    with timed() as t, transaction.atomic():
        root = create_organisation(name="UBND tỉnh Bench", kind=OrganisationKind.PEOPLES_COMMITTEE)
        departments = []
        for d in range(40):
            dep = create_organisation(
                parent=root, name=f"Sở {d:02d}", kind=OrganisationKind.DEPARTMENT
            )
            departments.append(dep)
            for p in range(12):
                create_organisation(
                    parent=dep, name=f"Phòng {d:02d}.{p:02d}", kind=OrganisationKind.DIVISION
                )
        for c in range(100):
            create_organisation(
                parent=root, name=f"UBND xã {c:03d}", kind=OrganisationKind.COMMUNE_COMMITTEE
            )
    total = Organisation.objects.count()
    report("build an organisation tree", f"{total} organisations in {t['seconds']:.2f} s")

    official = create_official(
        username="bench_leader", full_name="Bench Leader", organisation=departments[7]
    )
    assign_role(official=official, role=Role.AGENCY_LEADER, organisation=departments[7])
    user = Official.objects.get(pk=official.pk).user
    timings = []
    for _ in range(50):
        clear_scope_cache(user)
        start = time.perf_counter()
        visible = list(Organisation.objects.restrict(user, "view"))
        timings.append(time.perf_counter() - start)
    report(
        "restrict(user, 'view') on the tree, leader of one department",
        f"median {statistics.median(timings) * 1000:.1f} ms ({len(visible)} visible)",
    )


def bench_healthz(n: int = 500) -> None:
    client = Client(HTTP_HOST="127.0.0.1")
    client.get("/healthz")
    with timed() as t:
        for _ in range(n):
            response = client.get("/healthz")
    assert response.status_code == 200
    report(
        f"/healthz through the full middleware stack ({n} requests)",
        f"{n / t['seconds']:.0f} req/s",
    )


def main() -> int:
    print(f"database: {connection.vendor}  (var dir {VAR})")
    call_command("migrate", verbosity=0, interactive=False)
    bench_units()
    bench_audit()
    bench_restrict()
    bench_healthz()
    # Benchmarks of later capabilities live beside this file, each exposing run(report).
    for module_name in (
        "bench_worktime",
        "bench_dossiers",
        "bench_signing",
        "bench_documents_numbering",
        # Own PostgreSQL cluster, workers, gunicorn and wrk; sizes from BENCH_EXCHANGE_ARGS.
        "bench_exchange",
        # Own PostgreSQL cluster; size from BENCH_INSIGHTS_DOSSIERS (default 1 000 000).
        "bench_insights",
    ):
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
            continue
        print(f"-- {module_name}", flush=True)
        module.run(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
