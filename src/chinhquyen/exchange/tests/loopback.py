"""A delaying HTTP relay on loopback, put between a sender and a real receiver in tests.

It forwards each POST unchanged (path, body, signed headers) to the receiver and relays the
answer; with ``hold_first`` it keeps the FIRST answer back until released — the receiver has
stored the message, the sender is still waiting: the moment a worker can die.
"""

import threading
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import requests

FORWARDED = ("Content-Type", "Idempotency-Key")


class _Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _Quiet(WSGIRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 (the base class's signature)
        pass


class DelayingRelay:
    def __init__(self, target_base: str, *, hold_first: float = 0.0) -> None:
        self.target_base = target_base.rstrip("/")
        self.hold_first = hold_first
        self.forwarded = threading.Event()  # the first request reached the receiver
        self.release = threading.Event()
        self.seen: list[tuple[str, int]] = []  # (idempotency key, receiver's status)
        self._lock = threading.Lock()
        self.httpd = make_server(
            "127.0.0.1", 0, self._app, server_class=_Server, handler_class=_Quiet
        )
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def _app(self, environ, start_response):
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length)
        headers = {
            key[5:].replace("_", "-").title(): value
            for key, value in environ.items()
            if key.startswith("HTTP_X_CQ_") or key == "HTTP_IDEMPOTENCY_KEY"
        }
        headers["Content-Type"] = environ.get("CONTENT_TYPE", "")
        answer = requests.post(
            self.target_base + environ["PATH_INFO"], data=body, headers=headers, timeout=30
        )
        with self._lock:
            self.seen.append((headers.get("Idempotency-Key", ""), answer.status_code))
            first = len(self.seen) == 1
        if first and self.hold_first:
            self.forwarded.set()
            self.release.wait(self.hold_first)
        start_response(
            f"{answer.status_code} {answer.reason}",
            [("Content-Type", answer.headers.get("Content-Type", "application/json"))],
        )
        return [answer.content]

    def start(self) -> str:
        self._thread.start()
        return self.base_url

    def stop(self) -> None:
        self.release.set()
        self.httpd.shutdown()
        self.httpd.server_close()
        self._thread.join(timeout=5)
