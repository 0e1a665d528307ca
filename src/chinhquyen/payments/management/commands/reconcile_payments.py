"""``chinhquyen reconcile_payments [--date YYYY-MM-DD]``: reconcile a day with the gateway.

For cron, once a day after the gateway closes the day (default: yesterday, GMT+7). Exits
with status 1 when the settlement list could not be fetched, 2 when mismatches wait for a
person (so a monitoring wrapper can alert); 0 when everything matched.
"""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from chinhquyen.payments.models_reconciliation import RunStatus
from chinhquyen.payments.reconciliation import GMT7, reconcile_day


class Command(BaseCommand):
    help = "Reconcile online payments of a day with the gateway's settlement list."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="YYYY-MM-DD (default: yesterday, GMT+7)")

    def handle(self, *args, **options):
        if options["date"]:
            try:
                day = dt.date.fromisoformat(options["date"])
            except ValueError:
                raise CommandError("--date must be YYYY-MM-DD") from None
        else:
            day = dt.datetime.now(tz=GMT7).date() - dt.timedelta(days=1)
        run = reconcile_day(day)
        if run.status == RunStatus.FAILED:
            self.stderr.write(f"Reconciliation of {day} failed: {run.error}")
            raise SystemExit(1)
        self.stdout.write(
            f"Reconciliation of {day}: {run.gateway_count} gateway transactions, "
            f"{run.matched_count} matched, {run.mismatch_count} mismatches (run #{run.pk})."
        )
        if run.mismatch_count:
            raise SystemExit(2)
