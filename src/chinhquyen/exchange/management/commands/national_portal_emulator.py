"""``chinhquyen national_portal_emulator [--port 8021] --client ID:SECRET:H37``.

Serves the National Public Service Portal emulator (``exchange.emulators.national_portal``) on
loopback in the foreground, for development, the demo and the tests (which start it with
``subprocess``). Not for production: it keeps everything in memory and trusts its callers.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from chinhquyen.exchange.emulators.common import EmulatorServer
from chinhquyen.exchange.emulators.national_portal import NationalPortalApp, parse_client


class Command(BaseCommand):
    help = "Run the national public service portal emulator (interim contract) on loopback."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8021)
        parser.add_argument(
            "--client",
            action="append",
            default=[],
            help="ID:SECRET:LEVEL1 (repeatable), e.g. cq-h37:secret:H37",
        )

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError("The national portal emulator is for development and tests only.")
        try:
            clients = [parse_client(spec) for spec in options["client"]]
        except ValueError as exc:
            raise CommandError("--client must be ID:SECRET:LEVEL1") from exc
        if not clients:
            raise CommandError("Give at least one --client ID:SECRET:LEVEL1.")
        server = EmulatorServer(
            NationalPortalApp(clients), host=options["host"], port=options["port"]
        )
        self.stdout.write(f"National portal emulator on {server.base_url}/api/v1/", ending="\n")
        self.stdout.flush()
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
