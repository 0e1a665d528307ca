"""``chinhquyen exchange_verify_log``: check the message log's hash chain (exit 1 if broken)."""

from django.core.management.base import BaseCommand, CommandError

from chinhquyen.exchange.messagelog import verify_log


class Command(BaseCommand):
    help = "Verify the hash chain of the exchange message log."

    def handle(self, *args, **options):
        result = verify_log()
        if not result.ok:
            raise CommandError(result.describe())
        self.stdout.write(result.describe())
