"""Dossier intake throughput (issue 3): `run(report)` from bench/run.py.

Threads each with their own connection receive dossiers for one agency and day; afterwards the
codes are checked unique and gap-free. On SQLite writers queue on the single write lock.
"""

import threading
import time
from decimal import Decimal


def _setup():
    from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: F401
    from django.utils import timezone

    from chinhquyen.accounts.choices import Role
    from chinhquyen.directory.choices import OrganisationKind
    from chinhquyen.directory.models import Organisation
    from chinhquyen.procedures.choices import ImplementingLevel, StepAction, VersionStatus
    from chinhquyen.procedures.models import (
        Procedure,
        ProcedureField,
        ProcedureVersion,
        ProcessDefinition,
        ProcessStep,
        ProcessTransition,
    )

    root = Organisation.add_root(
        name="Bench UBND", kind=OrganisationKind.PEOPLES_COMMITTEE, qcvn_code="000.00.99.H99"
    )
    field, _ = ProcedureField.objects.get_or_create(code="BENCH", defaults={"name": "Bench"})
    procedure = Procedure.objects.create(national_code="BENCH.1")
    effective = timezone.now() - timezone.timedelta(days=1)
    ProcedureVersion.objects.create(
        procedure=procedure,
        number=1,
        status=VersionStatus.PUBLISHED,
        effective_from=effective,
        name="Bench",
        field=field,
        level=ImplementingLevel.PROVINCE,
        processing_time=Decimal(5),
    )
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
    return procedure, root


def _run(procedure, agency, writers: int, per_writer: int) -> tuple[float, list[str]]:
    from django.db import connections

    from chinhquyen.dossiers.services import receive_dossier

    codes: list[str] = []
    errors: list[Exception] = []
    lock = threading.Lock()
    barrier = threading.Barrier(writers)

    def work():
        barrier.wait()
        try:
            for _ in range(per_writer):
                dossier = receive_dossier(
                    procedure=procedure,
                    receiving_agency=agency,
                    channel="online",
                    applicant={"name": "Bench", "phone": "0912345678"},
                    acting_user=None,
                )
                with lock:
                    codes.append(dossier.code)
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work) for _ in range(writers)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - start
    if errors:
        raise errors[0]
    return elapsed, codes


def run(report) -> None:
    from django.db import connection

    from chinhquyen.dossiers.models import Dossier

    procedure, agency = _setup()
    for writers, per_writer in ((8, 50), (32, 16)):
        Dossier.objects.filter(procedure=procedure).count()
        elapsed, codes = _run(procedure, agency, writers, per_writer)
        by_day: dict[str, list[int]] = {}
        for code in codes:
            prefix, number = code.rsplit("-", 1)
            by_day.setdefault(prefix, []).append(int(number))
        ok = len(set(codes)) == len(codes) and all(
            sorted(n) == list(range(sorted(n)[0], sorted(n)[0] + len(n))) for n in by_day.values()
        )
        report(
            f"dossier intake, {writers} writers ({connection.vendor})",
            f"{len(codes) / elapsed:.0f} dossiers/s; codes unique and gap-free: {ok}",
        )
