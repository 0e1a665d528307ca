from pathlib import Path

from django.core.management.base import BaseCommand

from chinhquyen.procedures.importing import export_catalogue


class Command(BaseCommand):
    help = "Export the procedure catalogue (latest version of each procedure) to an .xlsx file."

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, **options):
        path = Path(options["file"])
        path.write_bytes(export_catalogue())
        self.stdout.write(self.style.SUCCESS(f"Catalogue written to {path}"))
