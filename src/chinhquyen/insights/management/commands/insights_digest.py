"""``chinhquyen insights_digest``: the daily alert digest to agency leaders (cron, once a day).

Each agency leader (role held today, delegations included) gets one bilingual e-mail through
the notifications outbox listing the dossiers at risk or overdue and the document assignments
and follow-up tasks due soon or overdue in their agency; once per leader, agency and day, so a
second run on the same day queues nothing. See ``insights.alerts``.
"""

from django.utils.translation import gettext_lazy as _

from chinhquyen.audit.commands import AuditedCommand
from chinhquyen.dossiers.services.access import bilingual
from chinhquyen.insights.alerts import send_daily_digest


class Command(AuditedCommand):
    help = "Queue today's alert digest e-mail to every agency leader (idempotent per day)."

    def handle(self, *args, **options) -> None:
        run = send_daily_digest()
        self.stdout.write(
            bilingual(
                _(
                    "Alert digest of %(day)s: %(leaders)s leader(s), %(queued)s e-mail(s) queued, "
                    "%(already)s already sent today, %(nothing_to_report)s with nothing to "
                    "report, %(without_address)s without an e-mail address."
                ),
                **run.as_dict(),
            )
        )
