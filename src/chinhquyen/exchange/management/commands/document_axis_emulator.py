"""``chinhquyen document_axis_emulator [--port 8022] --system ID:SECRET:CODE1,CODE2``.

Serves the national document exchange axis emulator (``exchange.emulators.document_axis``) on
loopback in the foreground, with one mailbox per organisation code of each system. For
development, the demo and the tests (started with ``subprocess``); not for production.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from chinhquyen.exchange.emulators.common import EmulatorServer
from chinhquyen.exchange.emulators.document_axis import DocumentAxisApp, parse_system


class Command(BaseCommand):
    help = "Run the national document exchange axis emulator (interim contract) on loopback."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8022)
        parser.add_argument(
            "--system",
            action="append",
            default=[],
            help="ID:SECRET:CODE1,CODE2 (repeatable): a system and the organisations it serves",
        )

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError("The document axis emulator is for development and tests only.")
        try:
            systems = [parse_system(spec) for spec in options["system"]]
        except ValueError as exc:
            raise CommandError("--system must be ID:SECRET:CODE1,CODE2") from exc
        if not systems:
            raise CommandError("Give at least one --system ID:SECRET:CODE1,CODE2.")
        server = EmulatorServer(
            DocumentAxisApp(systems), host=options["host"], port=options["port"]
        )
        self.stdout.write(f"Document axis emulator on {server.base_url}/api/v1/edocs")
        self.stdout.flush()
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
