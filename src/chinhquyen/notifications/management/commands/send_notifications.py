"""``chinhquyen send_notifications``: send the due outbox deliveries (cron, or no worker).

``--retry-failed`` first makes every failed delivery due now (the dead ones stay given up:
retry them one by one in the back office). ``--enqueue`` hands the due rows to the background
worker instead of sending them in this process.
"""

from django.utils import timezone

from chinhquyen.audit.commands import AuditedCommand
from chinhquyen.notifications.choices import DeliveryStatus
from chinhquyen.notifications.models import Delivery
from chinhquyen.notifications.services import due_filter, enqueue_deliveries, send_due


class Command(AuditedCommand):
    help = "Send the e-mail and SMS notifications that are due (retries included)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--limit", type=int, default=500, help="at most this many")
        parser.add_argument(
            "--retry-failed", action="store_true", help="make failed deliveries due now"
        )
        parser.add_argument(
            "--enqueue", action="store_true", help="enqueue for the worker instead of sending"
        )

    def handle(self, *args, **options) -> None:
        now = timezone.now()
        if options["retry_failed"]:
            count = Delivery.objects.filter(status=DeliveryStatus.FAILED).update(
                next_attempt_at=now
            )
            self.stdout.write(f"{count} failed delivery(ies) made due")
        if options["enqueue"]:
            ids = (
                Delivery.objects.filter(due_filter(now))
                .order_by("next_attempt_at", "id")
                .values_list("pk", flat=True)[: options["limit"]]
            )
            self.stdout.write(f"{enqueue_deliveries(ids=ids)} delivery(ies) enqueued")
            return
        counts = send_due(now=now, limit=options["limit"])
        summary = (
            ", ".join(f"{status}: {n}" for status, n in sorted(counts.items())) or "nothing due"
        )
        self.stdout.write(summary)
