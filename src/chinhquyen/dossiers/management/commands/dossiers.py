"""``chinhquyen dossiers flag_overdue`` (and ``enqueue_flag_overdue`` for the task queue)."""

from chinhquyen.audit.commands import AuditedCommand


class Command(AuditedCommand):
    help = "One-stop dossiers: flag_overdue (flag dossiers late without an apology)."

    def add_arguments(self, parser):
        parser.add_argument("subcommand", choices=["flag_overdue", "enqueue_flag_overdue"])

    def handle(self, *args, **options):
        if options["subcommand"] == "enqueue_flag_overdue":
            from chinhquyen.dossiers.tasks import flag_overdue_task

            result = flag_overdue_task.enqueue()
            self.stdout.write(f"enqueued {result.id}")
            return
        from chinhquyen.dossiers.services import flag_overdue

        count = flag_overdue()
        self.stdout.write(f"{count} dossier(s) flagged overdue")
