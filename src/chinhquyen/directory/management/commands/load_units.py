from django.core.management.base import BaseCommand, CommandError

from chinhquyen.audit.context import audit_context
from chinhquyen.directory.units import load_units


class Command(BaseCommand):
    help = (
        "Load the current two-level administrative units from the vietnam-provinces package, "
        "or with --historic the three-level units before 1 July 2025. Idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--historic",
            action="store_true",
            help="load the historic units (vendored vietnam-provinces 0.6.0 data)",
        )
        parser.add_argument(
            "--province", metavar="CODE", help="only this province (GSO code, e.g. 08)"
        )

    def handle(self, *args, historic: bool, province: str | None, **options):
        if province is not None and not province.isdigit():
            raise CommandError(
                f"--province expects a numeric code such as 08, not {province!r} "
                "(mã tỉnh phải là số, ví dụ 08)."
            )
        try:
            with audit_context(source="command", label="load_units"):
                counts = load_units(
                    historic=historic,
                    province_code=province,
                    progress=options["verbosity"] > 0,
                )
        except LookupError as exc:
            raise CommandError(
                f"No province with code {province} (không có tỉnh mã {province})."
            ) from exc
        levels = ", ".join(
            f"{counts[level]} {level}"
            for level in ("province", "district", "commune")
            if level in counts
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"{'Historic' if historic else 'Current'} units: {levels}; "
                f"{counts['created']} created, {counts['updated']} updated, "
                f"{counts['unchanged']} unchanged."
            )
        )
