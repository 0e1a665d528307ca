from django.core.management.base import CommandError

from chinhquyen.audit.commands import AuditedCommand
from chinhquyen.procedures.importing import import_catalogue


class Command(AuditedCommand):
    help = (
        "Import the procedure catalogue from an Excel workbook (sheets “Thủ tục”, “Thành phần "
        "hồ sơ”, “Phí, lệ phí”). All or nothing; --dry-run only checks."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true", help="Check only; save nothing.")
        parser.add_argument(
            "--publish", action="store_true", help="Publish the new versions at once."
        )

    def handle(self, *args, **options):
        report = import_catalogue(
            options["file"], dry_run=options["dry_run"], publish=options["publish"]
        )
        for error in report.errors:
            self.stderr.write(str(error))
        if report.errors:
            raise CommandError(
                f"{len(report.errors)} error(s): nothing was imported (không nhập gì)."
            )
        counts = report.counts()
        prefix = "Dry run, nothing saved" if options["dry_run"] else "Imported"
        self.stdout.write(
            self.style.SUCCESS(
                f"{prefix}: {counts['create']} new, {counts['update']} changed, "
                f"{counts['unchanged']} unchanged procedures."
            )
        )
