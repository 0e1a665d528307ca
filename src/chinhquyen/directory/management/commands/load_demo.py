from django.core.management.base import BaseCommand, CommandError

from chinhquyen.audit.context import audit_context
from chinhquyen.directory.demo import DemoRefused, load_demo


class Command(BaseCommand):
    help = (
        "Load the demo province (Tuyên Quang): administrative units, the agency tree with "
        "illustrative codes and one account per role. Development only; idempotent."
    )

    def handle(self, *args, **options):
        try:
            with audit_context(source="command", label="load_demo"):
                summary = load_demo(progress=options["verbosity"] > 0)
        except DemoRefused as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo province loaded: {summary['units_created']} new administrative units, "
                f"{summary['organisations']} organisations, {summary['officials']} demo "
                "accounts (see `chinhquyen demo_accounts`)."
            )
        )
