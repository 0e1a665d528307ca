"""Numbering throughput of a registration book with 16 concurrent clerks (issue 5):
``run(report)`` from bench/run.py.

Sixteen writer processes (forked; each with its own connection and interpreter) take numbers
from ONE incoming book, each number in its own transaction — first bare ``take_number`` (the
book row lock, the ``BookNumber`` row), then full paper registrations (``register_incoming``:
metadata checks, duplicate look-up, number, document, timeline event, audit entry, search
text). Afterwards the book is checked: numbers 1…N, no gap, no duplicate, ``last_number`` = N.

All clerks queue on the one book's row lock (PostgreSQL) or the database write lock (SQLite):
the figure is the serial rate of one book, which is what an agency's clerks share.

Run alone: ``DATABASE_URL=postgres://…/bench .venv/bin/python bench/bench_documents_numbering.py``
(a throw-away database: it is migrated and written to).
"""

import multiprocessing
import os
import threading
import time

CLERKS = 16
PER_CLERK = 50
REGISTRATIONS_PER_CLERK = 10


def _setup():
    from chinhquyen.accounts.choices import Role
    from chinhquyen.accounts.services import assign_role
    from chinhquyen.directory.choices import OrganisationKind
    from chinhquyen.directory.services import create_official, create_organisation
    from chinhquyen.documents.choices import BookDirection
    from chinhquyen.documents.services import numbering

    stamp = time.time_ns()
    organisation = create_organisation(name=f"Bench Sở {stamp}", kind=OrganisationKind.DEPARTMENT)
    clerk = create_official(
        username=f"bench_vanthu_{stamp}", full_name="Bench Văn Thư", organisation=organisation
    )
    assign_role(official=clerk, role=Role.CLERK, organisation=organisation)
    book = numbering.book_for(organisation, BookDirection.INCOMING)
    return organisation, clerk.user, book


def _clerk(mode, organisation_pk, user_pk, book_pk, index, count, barrier, results) -> None:
    from django.conf import settings
    from django.db import connections, transaction
    from django.utils import timezone

    settings.DEBUG = False  # as in production: no query log
    taken: list[int] = []
    try:
        from chinhquyen.accounts.models import User
        from chinhquyen.directory.models import Organisation
        from chinhquyen.documents.models import RegistrationBook
        from chinhquyen.documents.services import numbering
        from chinhquyen.documents.services.incoming import register_incoming

        user = User.objects.get(pk=user_pk)
        organisation = Organisation.objects.get(pk=organisation_pk)
        book = RegistrationBook.objects.get(pk=book_pk)
        today = timezone.localdate()
        barrier.wait()
        for i in range(count):
            if mode == "take":
                with transaction.atomic():
                    taken.append(numbering.take_number(book, acting_user=user).number)
            else:
                result = register_incoming(
                    organisation=organisation,
                    metadata={
                        "issuer_name": "Ủy ban nhân dân tỉnh Bench",
                        "document_type": "cong-van",
                        "number": str(index * 1000 + i + 1),
                        "notation": "UBND-VP",
                        "issued_date": today,
                        "subject": "V/v báo cáo tình hình thực hiện nhiệm vụ chuyển đổi số",
                        "urgency": "normal",
                        "secrecy": "none",
                    },
                    acting_user=user,
                )
                taken.append(result.document.arrival_number)
        results.put((taken, None))
    except BaseException as exc:  # noqa: BLE001 (reported by the parent)
        if not barrier.broken:
            barrier.abort()
        results.put((taken, repr(exc)))
    finally:
        connections.close_all()


def _run(mode, organisation, user, book, clerks, count) -> tuple[float, list[int]]:
    from django.db import connections

    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(clerks + 1)
    results = context.Queue()
    connections.close_all()  # never share a socket with the children
    processes = [
        context.Process(
            target=_clerk,
            args=(mode, organisation.pk, user.pk, book.pk, n, count, barrier, results),
        )
        for n in range(clerks)
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
    errors = [error for _taken, error in collected if error]
    if errors:
        raise RuntimeError(f"{len(errors)} clerk(s) failed, first: {errors[0]}")
    return elapsed, [number for taken, _error in collected for number in taken]


def check_book(book, numbers: list[int]) -> str:
    from chinhquyen.documents.models import BookNumber, RegistrationBook

    stored = list(
        BookNumber.objects.filter(book=book).order_by("number").values_list("number", flat=True)
    )
    last = RegistrationBook.objects.values_list("last_number", flat=True).get(pk=book.pk)
    if len(set(numbers)) != len(numbers):
        return "DUPLICATES"
    if stored != list(range(1, last + 1)) or not set(numbers) <= set(stored):
        return "GAPS"
    return f"1…{last}, gap-free, no duplicate"


def run(report, clerks: int = CLERKS, per_clerk: int = PER_CLERK) -> None:
    from django.db import connection

    organisation, user, book = _setup()
    vendor = connection.vendor
    for mode, count, label in (
        ("take", per_clerk, "numbers"),
        ("register", REGISTRATIONS_PER_CLERK, "registrations"),
    ):
        elapsed, numbers = _run(mode, organisation, user, book, clerks, count)
        load = f", load {os.getloadavg()[0]:.1f}" if hasattr(os, "getloadavg") else ""
        report(
            f"numbering: {clerks} clerks, one book, {label} ({vendor})",
            f"{len(numbers) / elapsed:.0f} {label}/s ({len(numbers)} in {elapsed:.2f} s{load}); "
            f"book {check_book(book, numbers)}",
        )


if __name__ == "__main__":
    import argparse
    import tempfile

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clerks", type=int, default=CLERKS)
    parser.add_argument("--per-clerk", type=int, default=PER_CLERK)
    options = parser.parse_args()
    os.environ.setdefault("CHINHQUYEN_VAR_DIR", tempfile.mkdtemp(prefix="chinhquyen-bench-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chinhquyen.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    run(
        lambda name, value: print(f"{name:<58} {value}", flush=True),
        clerks=options.clerks,
        per_clerk=options.per_clerk,
    )
