"""Run the development OpenID Connect provider (stands in for the national SSO)."""

import signal
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand

from chinhquyen.citizens.testing import CLIENT_ID, CLIENT_SECRET, DEMO_ACCOUNTS, DevProvider


class Command(BaseCommand):
    help = (
        "Run the development OpenID Connect provider on 127.0.0.1 (DEVELOPMENT ONLY; "
        "demo accounts, in-memory storage). Needs Node.js and npm."
    )

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8020)
        parser.add_argument(
            "--redirect-uri",
            action="append",
            help="allowed redirect URI (default: PUBLIC_BASE_URL + /cong-dan/oidc/callback/)",
        )

    def handle(self, *args, port: int, redirect_uri: list[str] | None, **options):
        base = settings.PUBLIC_BASE_URL.rstrip("/")
        uris = redirect_uri or [f"{base}/cong-dan/oidc/callback/"]
        signal.signal(signal.SIGTERM, lambda *_args: sys.exit(0))  # stop the provider too
        provider = DevProvider(redirect_uris=uris, port=port).start()
        self.stdout.write(
            f"Development OIDC provider at {provider.issuer} (client {CLIENT_ID} / "
            f"{CLIENT_SECRET}); redirect URIs: {', '.join(uris)}"
        )
        for login, password in DEMO_ACCOUNTS.items():
            self.stdout.write(f"  demo account: {login} / {password}")
        try:
            while provider.process and provider.process.poll() is None:
                time.sleep(1)
        except KeyboardInterrupt:
            pass
        finally:
            provider.stop()
