"""``chinhquyen exchange_worker [--once] [--interval 5] [--limit 100] [--lease 120]``."""

from datetime import timedelta

from chinhquyen.audit.commands import AuditedCommand
from chinhquyen.exchange import worker


class Command(AuditedCommand):
    help = "Deliver the exchange outbox and process the inbox (loops; --once for one pass)."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="One pass, then exit.")
        parser.add_argument("--interval", type=float, default=5.0, help="Idle sleep (s).")
        parser.add_argument("--limit", type=int, default=100, help="Messages per pass.")
        parser.add_argument(
            "--lease",
            type=int,
            default=None,
            help="Claim lease in seconds (default EXCHANGE_LEASE_SECONDS).",
        )

    def handle(self, *args, **options):
        lease = timedelta(seconds=options["lease"]) if options["lease"] else None
        totals = worker.run(
            once=options["once"],
            interval=options["interval"],
            limit=options["limit"],
            lease=lease,
        )
        self.stdout.write(" ".join(f"{k}={v}" for k, v in sorted(totals.items())) or "idle")
