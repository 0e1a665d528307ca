from django.core.management.base import BaseCommand, CommandError

from chinhquyen.audit.context import audit_context
from chinhquyen.directory.importing import import_directory


class Command(BaseCommand):
    help = (
        "Import organisations and officials from an .xlsx workbook (sheets “Đơn vị” and "
        "“Cán bộ”) or a UTF-8 .csv file. All or nothing; --dry-run only reports."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the .xlsx or .csv file")
        parser.add_argument(
            "--dry-run", action="store_true", help="validate and report, save nothing"
        )

    def handle(self, *args, file: str, dry_run: bool, **options):
        with audit_context(source="command", label="import_directory"):
            report = import_directory(file, dry_run=dry_run, acting_user=None)
        for planned in (*report.organisations, *report.officials):
            details = ", ".join(f"{k}={v}" for k, v in planned.changes.items() if v)
            self.stdout.write(
                f"{planned.sheet} row {planned.row}: {planned.action} {planned.key} "
                f"{planned.label}" + (f" ({details})" if details else "")
            )
        if report.errors:
            for error in report.errors:
                self.stderr.write(str(error))
            raise CommandError(
                f"{len(report.errors)} error(s): nothing was imported "
                f"({len(report.errors)} lỗi: không có gì được nhập)."
            )
        counts = report.counts()
        summary = (
            f"organisations: {counts['organisations_create']} new, "
            f"{counts['organisations_update']} updated; officials: "
            f"{counts['officials_create']} new, {counts['officials_update']} updated"
        )
        if dry_run:
            self.stdout.write(self.style.WARNING(f"Dry run, nothing saved — {summary}."))
        else:
            self.stdout.write(self.style.SUCCESS(f"Imported — {summary}."))
