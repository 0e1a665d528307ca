from django.conf import settings
from django.core.management.base import CommandError

from chinhquyen.audit.commands import AuditedCommand
from chinhquyen.procedures.demo import load_demo_procedures


class Command(AuditedCommand):
    help = "Load the demo procedure catalogue with processes (after load_demo). Idempotent."

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError("Demo data cannot be loaded in production.")
        summary = load_demo_procedures()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo catalogue: {summary['created']} new of {summary['procedures']} procedures."
            )
        )
