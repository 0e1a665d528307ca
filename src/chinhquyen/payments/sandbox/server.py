"""Serve the sandbox gateway over HTTP on loopback (a thread, or the foreground)."""

from __future__ import annotations

import threading
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from .app import PAY_PATH, Merchant, SandboxApp


class _ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 (the base class's signature)
        pass


class SandboxServer:
    """``SandboxServer(merchants=[Merchant(...)]).start()`` → base URL; ``.stop()``."""

    def __init__(
        self, *, merchants: list[Merchant], host: str = "127.0.0.1", port: int = 0, quiet=True
    ) -> None:
        self.app = SandboxApp(merchants={merchant.code: merchant for merchant in merchants})
        self.httpd = make_server(
            host,
            port,
            self.app,
            server_class=_ThreadingWSGIServer,
            handler_class=_QuietHandler if quiet else WSGIRequestHandler,
        )
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def payment_url(self) -> str:
        """The value for ``PAYMENT_GATEWAY_URL``."""
        return self.base_url + PAY_PATH

    @property
    def deliveries(self):
        return self.app.deliveries

    def start(self) -> str:
        self._thread = threading.Thread(
            target=self.httpd.serve_forever, daemon=True, name="payment-sandbox"
        )
        self._thread.start()
        return self.base_url

    def serve_forever(self) -> None:
        self.httpd.serve_forever()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
