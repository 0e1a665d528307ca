"""``chinhquyen documents_access_keys [--repair]``: check the documents' access keys.

Every document stores who may see it as tokens (``documents.access_keys``); the models keep
them true on every write. This compares every stored set with a fresh computation and lists
the documents whose keys differ (exit status 1), e.g. after rows were changed by hand in the
database; ``--repair`` rewrites them (recorded in the audit trail). Safe to run at any time.
"""

from django.core.management.base import CommandError
from django.utils.translation import gettext_lazy as _

from chinhquyen.audit.commands import AuditedCommand
from chinhquyen.audit.services import audited_atomic, log_action
from chinhquyen.documents import access_keys
from chinhquyen.documents.models import IncomingDocument, OutgoingDocument
from chinhquyen.dossiers.services.access import bilingual


class Command(AuditedCommand):
    help = "Check (and with --repair rewrite) the access keys of every document."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--repair", action="store_true", help="rewrite the stale keys")

    def handle(self, *args, **options) -> None:
        repair = options["repair"]
        found = {}
        for kind, model in (("incoming", IncomingDocument), ("outgoing", OutgoingDocument)):
            with audited_atomic():
                found[kind] = access_keys.stale(model, repair=repair)
                if repair and found[kind]:
                    log_action(
                        "documents.repair_access_keys",
                        details={"kind": kind, "documents": found[kind][:1000]},
                    )
        for kind, ids in found.items():
            for pk in ids:
                self.stdout.write(f"{kind} {pk}")
        stale = sum(len(ids) for ids in found.values())
        message = (
            _("Access keys: %(count)s document(s) rewritten.")
            if repair
            else _("Access keys: %(count)s document(s) out of date.")
        )
        self.stdout.write(bilingual(message, count=stale))
        if stale and not repair:
            raise CommandError(bilingual(_("Run it again with --repair to rewrite them.")))
