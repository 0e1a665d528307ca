"""``chinhquyen payment_sandbox [--port 8010]``: run the local sandbox payment gateway."""

from urllib.parse import urljoin

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from chinhquyen.payments.sandbox import Merchant, SandboxServer


class Command(BaseCommand):
    help = (
        "Run a local VNPAY-style payment gateway for development (no real money): it shows a "
        "pay/cancel page and sends signed notifications to this site."
    )

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8010)
        parser.add_argument(
            "--ipn-url",
            default="",
            help="the merchant's notification URL (default: PUBLIC_BASE_URL + /thanh-toan/ipn/)",
        )

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError("The payment sandbox is for development only.")
        ipn_url = options["ipn_url"] or urljoin(
            settings.PUBLIC_BASE_URL.rstrip("/") + "/", reverse("payments:ipn").lstrip("/")
        )
        merchant = Merchant(
            code=settings.PAYMENT_MERCHANT_CODE,
            secret=settings.PAYMENT_HASH_SECRET,
            ipn_url=ipn_url,
        )
        server = SandboxServer(
            merchants=[merchant], host=options["host"], port=options["port"], quiet=False
        )
        self.stdout.write(
            f"Sandbox payment gateway on {server.payment_url} "
            f"(merchant {merchant.code}, notifications to {ipn_url}); Ctrl+C stops it."
        )
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.httpd.server_close()
