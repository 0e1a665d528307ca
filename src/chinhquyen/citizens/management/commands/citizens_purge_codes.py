"""Delete old one-time codes (run daily from cron or the task worker)."""

from chinhquyen.audit.commands import AuditedCommand
from chinhquyen.citizens.codes import purge_codes


class Command(AuditedCommand):
    help = "Delete one-time sign-in codes older than --days days (default 1)."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=1)

    def handle(self, *args, days: int, **options):
        deleted = purge_codes(older_than_days=max(days, 1))
        self.stdout.write(f"{deleted} one-time code(s) deleted.")
