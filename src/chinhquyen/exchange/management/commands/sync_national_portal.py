"""``chinhquyen sync_national_portal [--push-catalogue] [--push-statuses] [--pull] [--axis]
[--deliver] [--loop --interval 60]``.

Synchronisation with the national systems, run by the scheduler (or ``--loop`` as a service):

* ``--push-catalogue`` queue each published procedure version not yet sent to the portal;
* ``--push-statuses`` queue the status of each dossier the portal does not hold at its current
  version (dossiers just received, evaluations, catch-up after the sync was turned on);
* ``--pull`` receive the dossiers filed online on the national portal since the last pull;
* ``--axis`` fetch the packages waiting for us on the national document exchange axis into
  the inbox, and mark them done there;
* ``--deliver`` also deliver the due outbox messages and process the inbox in this process
  (otherwise ``exchange_worker`` does it).

Without a flag: every part that is configured (``NATIONAL_PORTAL_URL``, ``DOCUMENT_AXIS_URL``).
"""

import time

from django.core.management.base import CommandError

from chinhquyen.audit.commands import AuditedCommand
from chinhquyen.exchange.connectors.base import ConnectorError
from chinhquyen.exchange.connectors.national_portal import setting


class Command(AuditedCommand):
    help = "Synchronise with the national public service portal and document exchange axis."

    def add_arguments(self, parser):
        parser.add_argument("--push-catalogue", action="store_true")
        parser.add_argument("--push-statuses", action="store_true")
        parser.add_argument("--pull", action="store_true")
        parser.add_argument("--axis", action="store_true")
        parser.add_argument("--deliver", action="store_true")
        parser.add_argument("--loop", action="store_true", help="Repeat every --interval s.")
        parser.add_argument("--interval", type=float, default=60.0)

    def handle(self, *args, **options):
        parts = [p for p in ("push_catalogue", "push_statuses", "pull", "axis") if options[p]]
        if not parts:
            if setting("NATIONAL_PORTAL_URL"):
                parts += ["push_catalogue", "push_statuses", "pull"]
            if setting("DOCUMENT_AXIS_URL"):
                parts.append("axis")
            if not parts:
                raise CommandError(
                    "Neither NATIONAL_PORTAL_URL nor DOCUMENT_AXIS_URL is configured."
                )
        while True:
            failed = self.run_once(parts, deliver=options["deliver"])
            if not options["loop"]:
                if failed:
                    raise CommandError("Some parts failed; see above.")
                return
            time.sleep(options["interval"])

    def run_once(self, parts: list[str], *, deliver: bool) -> bool:
        from chinhquyen.exchange import inbox, national_sync, outbox
        from chinhquyen.exchange.connectors import document_axis

        failed = False
        for part in parts:
            try:
                if part == "push_catalogue":
                    result = national_sync.push_catalogue()
                elif part == "push_statuses":
                    result = {"queued": national_sync.queue_missing_statuses()}
                elif part == "pull":
                    result = national_sync.pull_online_dossiers()
                else:
                    result = document_axis.poll()
            except ConnectorError as exc:
                failed = True
                self.stderr.write(f"{part}: {type(exc).__name__}: {exc.message}")
                continue
            summary = " ".join(f"{k}={v}" for k, v in sorted(result.items())) or "nothing"
            self.stdout.write(f"{part}: {summary}")
        if deliver:
            sent = outbox.deliver_due()
            processed = inbox.process_pending()
            self.stdout.write(f"outbox: {sent or 'idle'}; inbox: {processed or 'idle'}")
        return failed
