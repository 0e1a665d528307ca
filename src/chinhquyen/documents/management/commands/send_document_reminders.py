"""``chinhquyen send_document_reminders [--list-overdue]``: run it from cron (hourly or daily).

Reminds, once, the people of every open assignment and follow-up task due within
``DOCUMENTS_REMINDER_WORKING_HOURS`` working hours (default 8), by e-mail through the
notifications outbox and on their "My work" page; counts (and with ``--list-overdue`` lists)
what is already overdue. See ``documents.services.reminders``.
"""

from django.utils.translation import gettext_lazy as _

from chinhquyen.audit.commands import AuditedCommand
from chinhquyen.documents.services.reminders import send_document_reminders
from chinhquyen.dossiers.services.access import bilingual


class Command(AuditedCommand):
    help = "Remind officials of document assignments and tasks due soon (idempotent)."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--list-overdue", action="store_true", help="also list every overdue item"
        )

    def handle(self, *args, **options) -> None:
        run = send_document_reminders()
        self.stdout.write(
            bilingual(
                _(
                    "Reminders: %(assignments)s assignment(s) and %(tasks)s task(s) reminded, "
                    "%(emails)s e-mail(s) queued; overdue: %(overdue_assignments)s "
                    "assignment(s), %(overdue_tasks)s task(s)."
                ),
                **run.as_dict(),
            )
        )
        if options["list_overdue"]:
            for line in run.overdue:
                self.stdout.write(line)
