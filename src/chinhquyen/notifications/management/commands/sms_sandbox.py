"""``chinhquyen sms_sandbox [--port 8011]``: run the local sandbox SMS gateway (development)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from chinhquyen.notifications.sandbox import SmsSandbox


class Command(BaseCommand):
    help = "Run a local brandname-SMS gateway that records messages instead of sending them."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8011)

    def handle(self, *args, **options) -> None:
        if settings.PRODUCTION:
            raise CommandError("The SMS sandbox is for development only.")
        server = SmsSandbox(
            api_key=settings.SMS_GATEWAY_API_KEY,
            host=options["host"],
            port=options["port"],
            quiet=False,
        )
        self.stdout.write(
            f"Sandbox SMS gateway on {server.sms_url} (messages: {server.base_url}/messages); "
            "Ctrl+C stops it."
        )
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.httpd.server_close()
