"""``chinhquyen dossiers flag_overdue`` (and ``enqueue_flag_overdue`` for the task queue);
``chinhquyen dossiers score_period --agency CODE --from DATE --to DATE`` (Circular 01/2018
Arts. 13–15 indicators of an agency, printed as a bilingual table)."""

from datetime import date

from django.core.management.base import CommandError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from chinhquyen.audit.commands import AuditedCommand


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        from chinhquyen.dossiers.services.access import bilingual

        raise CommandError(bilingual(_("Not a date (YYYY-MM-DD): %(value)s"), value=value)) from exc


class Command(AuditedCommand):
    help = (
        "One-stop dossiers: flag_overdue (flag dossiers late without an apology); "
        "score_period --agency CODE --from DATE --to DATE (Circular 01/2018 indicators)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "subcommand", choices=["flag_overdue", "enqueue_flag_overdue", "score_period"]
        )
        parser.add_argument("--agency", help="QCVN 102 or Decision 20 code of the agency")
        parser.add_argument("--from", dest="start", help="first day, YYYY-MM-DD")
        parser.add_argument("--to", dest="end", help="last day, YYYY-MM-DD")

    def handle(self, *args, **options):
        if options["subcommand"] == "score_period":
            self.score_period(options)
            return
        if options["subcommand"] == "enqueue_flag_overdue":
            from chinhquyen.dossiers.tasks import flag_overdue_task

            result = flag_overdue_task.enqueue()
            self.stdout.write(f"enqueued {result.id}")
            return
        from chinhquyen.dossiers.services import flag_overdue

        count = flag_overdue()
        self.stdout.write(f"{count} dossier(s) flagged overdue")

    def score_period(self, options) -> None:
        from chinhquyen.accounts.models import User
        from chinhquyen.directory.models import Organisation
        from chinhquyen.dossiers.choices import Indicator
        from chinhquyen.dossiers.exceptions import DossierError
        from chinhquyen.dossiers.services.access import bilingual
        from chinhquyen.dossiers.services.evaluation import GRADE_LABELS, score_period

        missing = [name for name in ("agency", "start", "end") if not options.get(name)]
        if missing:
            raise CommandError(
                bilingual(
                    _("score_period needs --agency, --from and --to (missing: %(names)s)."),
                    names=", ".join(missing),
                )
            )
        start, end = _date(options["start"]), _date(options["end"])
        if end < start:
            raise CommandError(bilingual(_("The period ends before it starts.")))
        code = options["agency"].strip()
        agency = Organisation.objects.filter(Q(qcvn_code=code) | Q(decision20_code=code)).first()
        if agency is None:
            raise CommandError(bilingual(_("No agency has the code %(code)s."), code=code))
        try:
            result = score_period(agency=agency, start=start, end=end)
        except DossierError as exc:
            raise CommandError(exc.message) from exc
        write = self.stdout.write
        write(f"{agency.name} ({code}) {start.isoformat()} – {end.isoformat()}")
        write(bilingual(_("Rule set: %(code)s"), code=result["rule_set"]))
        indicator_heading, points_heading = bilingual(_("Indicator")), bilingual(_("Points"))
        write(f"{indicator_heading:<90} {points_heading}")
        for indicator, points in result["agency"].items():
            if isinstance(indicator, int):
                write(f"{bilingual(Indicator(indicator).label):<90} {points}")
        total_heading = bilingual(_("Total"))
        write(f"{total_heading:<90} {result['agency']['total']}")
        write(
            bilingual(
                _("Agency grade (Art. 15): %(grade)s"),
                grade=GRADE_LABELS[result["agency"]["grade"]],
            )
        )
        users = User.objects.in_bulk(list(result["officials"]))
        if result["officials"]:
            write(bilingual(_("Officers (Art. 14)")))
        for user_id, points_by in result["officials"].items():
            user = users.get(user_id)
            name = (user.get_full_name() or user.username) if user else str(user_id)
            write(
                f"  {name:<40} {points_by['total']:>5}  "
                f"{bilingual(GRADE_LABELS[points_by['grade']])}"
            )
