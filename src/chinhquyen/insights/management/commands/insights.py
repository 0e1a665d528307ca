"""``chinhquyen insights``: keep the IOC counters.

chinhquyen insights rebuild [--from 2026-01-01] [--to 2026-12-31] [--feed dossiers …]
    Recompute the counters from the raw tables (whole years covering the range; all time
    by default; every feed by default). Run it nightly for the feeds that are not kept
    incrementally (payments, evaluations, feedback, national_sync, signing), and after a
    change of a definition.
chinhquyen insights generate --dossiers 1000000 [--yes]
    PostgreSQL only: synthetic dossiers for the benchmark (``insights.benchdata``), then a
    rebuild. Refuses a database that already holds dossiers unless ``--yes``.
"""

import datetime

from django.core.management.base import CommandError
from django.db import connection

from chinhquyen.audit.commands import AuditedCommand
from chinhquyen.insights import aggregates


def _date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(
            f"“{text}”: write the date as YYYY-MM-DD (ghi ngày dạng YYYY-MM-DD)."
        ) from exc


class Command(AuditedCommand):
    help = "IOC counters: rebuild them from the raw tables, or generate benchmark data."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True)
        rebuild = sub.add_parser("rebuild", help="Recompute the counters from the raw tables.")
        rebuild.add_argument("--from", dest="start", type=_date, default=None)
        rebuild.add_argument("--to", dest="end", type=_date, default=None)
        rebuild.add_argument(
            "--feed", dest="feeds", action="append", choices=aggregates.FEEDS, default=None
        )
        generate = sub.add_parser("generate", help="Synthetic dossiers (PostgreSQL benchmark).")
        generate.add_argument("--dossiers", type=int, default=1_000_000)
        generate.add_argument("--yes", action="store_true", help="even if dossiers exist")

    def handle(self, *args, **options):
        getattr(self, f"handle_{options['subcommand']}")(**options)

    def handle_rebuild(self, *, start, end, feeds, **options) -> None:
        from chinhquyen.insights.rebuild import rebuild

        if (start is None) != (end is None):
            raise CommandError("Give both --from and --to, or neither (cần cả --from và --to).")
        if start is not None and end < start:
            raise CommandError("--to is before --from (--to trước --from).")
        written = rebuild(feeds=feeds or aggregates.FEEDS, start=start, end=end)
        for feed, rows in written.items():
            self.stdout.write(f"{feed}: {rows} dòng / rows")

    def handle_generate(self, *, dossiers: int, yes: bool, **options) -> None:
        from chinhquyen.dossiers.models import Dossier
        from chinhquyen.insights.benchdata import HASHINT, generate
        from chinhquyen.insights.rebuild import rebuild

        if connection.vendor != "postgresql":
            raise CommandError("PostgreSQL only (chỉ dùng với PostgreSQL).")
        if dossiers < 1:
            raise CommandError("--dossiers must be at least 1 (--dossiers phải ≥ 1).")
        if Dossier.objects.exists() and not yes:
            raise CommandError(
                "The database already holds dossiers; use a throw-away database or --yes "
                "(cơ sở dữ liệu đã có hồ sơ)."
            )
        with connection.cursor() as cursor:
            cursor.execute(HASHINT)

        def report(name, value):
            self.stdout.write(f"{name}: {value}")

        seconds = generate(dossiers, report)
        rows = rebuild(feeds=[aggregates.DOSSIERS])
        self.stdout.write(f"{dossiers} dossiers in {seconds:.0f} s; {rows} counter rows")
