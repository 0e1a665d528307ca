from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from chinhquyen.audit.context import audit_context
from chinhquyen.directory.demo import DemoRefused, load_demo


class Command(BaseCommand):
    help = (
        "Load the demo province (Tuyên Quang): administrative units, the agency tree with "
        "illustrative codes, one account per role, the demo procedure catalogue and a few "
        "hundred demo dossiers in every state. Development only; idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dossiers",
            type=int,
            default=300,
            help="How many demo dossiers to create (default 300; 0 for none).",
        )
        parser.add_argument("--seed", type=int, default=2026, help="Random seed of the dossiers.")
        parser.add_argument(
            "--documents",
            type=int,
            default=3000,
            help="How many demo official documents to create (default 3000; 0 for none).",
        )

    def handle(self, *args, **options):
        from chinhquyen.appointments.demo import load_demo_appointments
        from chinhquyen.documents.demo import load_demo_documents
        from chinhquyen.dossiers.demo import load_demo_dossiers
        from chinhquyen.eforms.demo import load_demo_forms
        from chinhquyen.infrastructure.demo import load_demo_infrastructure
        from chinhquyen.meetings.demo import load_demo_meetings
        from chinhquyen.news.demo import load_demo_news
        from chinhquyen.portal.demo import load_demo_contacts
        from chinhquyen.procedures.demo import load_demo_procedures
        from chinhquyen.signing.demo import load_demo_signing

        progress = options["verbosity"] > 0
        try:
            with audit_context(source="command", label="load_demo"):
                summary = load_demo(progress=progress)
                catalogue = load_demo_procedures()
                load_demo_forms()
                load_demo_contacts()
                load_demo_appointments()
                load_demo_news()
                dossiers = (
                    load_demo_dossiers(options["dossiers"], seed=options["seed"], progress=progress)
                    if options["dossiers"] > 0
                    else {"created": 0}
                )
                signing = load_demo_signing(progress=progress)
                documents = load_demo_documents(
                    options["documents"], seed=options["seed"], progress=progress
                )
                load_demo_meetings()
                load_demo_infrastructure()
                # The demo dossiers and documents are partly written in bulk: count them for
                # the operations centre from the raw tables, as the nightly rebuild does.
                call_command("insights", "rebuild", verbosity=0)
        except DemoRefused as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo province loaded: {summary['units_created']} new administrative units, "
                f"{summary['organisations']} organisations, {summary['officials']} demo "
                f"accounts (see `chinhquyen demo_accounts`), {catalogue['created']} new "
                f"procedures ({catalogue['procedures']} in the demo catalogue), "
                f"{dossiers['created']} new demo dossiers, {documents['created']} new demo "
                f"official documents, {signing['keys']} new demo signing "
                f"keys and {signing['certificates']} other demo certificates."
            )
        )
