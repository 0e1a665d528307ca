"""``chinhquyen postal_emulator``: serve the postal operator emulator on loopback.

Development and tests only. The partner code and secret default to the ``POSTAL_*``
settings (environment), so the site and the emulator agree without more flags.
"""

from django.core.management.base import BaseCommand, CommandError

from chinhquyen.postal import conf
from chinhquyen.postal.emulator import PostalEmulator, make_emulator_server


class Command(BaseCommand):
    help = "Serve the postal operator emulator (interim contract) on loopback."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8020)
        parser.add_argument("--partner", default="")
        parser.add_argument("--secret", default="")
        parser.add_argument("--operator", default="")
        parser.add_argument("--callback-url", default="")
        parser.add_argument(
            "--auto", type=float, default=0.0, help="move accepted orders every N seconds"
        )

    def handle(self, *args, **options):
        partner = options["partner"] or conf.get("PARTNER_CODE")
        secret = options["secret"] or conf.get("SECRET")
        if not (partner and secret):
            raise CommandError("Give --partner and --secret (or POSTAL_PARTNER_CODE/SECRET).")
        if options["host"] not in ("127.0.0.1", "localhost", "::1"):
            raise CommandError("The emulator listens on loopback only.")
        app = PostalEmulator(
            partners={partner: secret},
            operator_code=options["operator"] or conf.get("OPERATOR_CODE"),
            callback_url=options["callback_url"] or conf.get("CALLBACK_URL"),
            auto_seconds=options["auto"],
        )
        httpd = make_emulator_server(app, host=options["host"], port=options["port"])
        host, port = httpd.server_address[:2]
        self.stdout.write(
            f"Postal emulator on http://{host}:{port}/ (partner {partner})", ending="\n"
        )
        self.stdout.flush()
        try:
            httpd.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            httpd.server_close()
