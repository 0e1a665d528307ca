"""The sandbox SMS gateway: a small WSGI app served on loopback (a thread, or the foreground)."""

from __future__ import annotations

import json
import threading
from dataclasses import asdict, dataclass
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

SMS_PATH = "/sms"


@dataclass
class SandboxMessage:
    id: str
    phone: str
    content: str
    brandname: str
    request_id: str


class _ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 (the base class's signature)
        pass


class SmsSandbox:
    """``SmsSandbox(api_key="k").start()`` → base URL; ``.messages``; ``.stop()``."""

    def __init__(
        self, *, api_key: str, host: str = "127.0.0.1", port: int = 0, quiet: bool = True
    ) -> None:
        self.api_key = api_key
        self.messages: list[SandboxMessage] = []
        self._failures = 0
        self._lock = threading.Lock()
        self.httpd = make_server(
            host,
            port,
            self._app,
            server_class=_ThreadingWSGIServer,
            handler_class=_QuietHandler if quiet else WSGIRequestHandler,
        )
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def sms_url(self) -> str:
        """The value for ``SMS_GATEWAY_URL``."""
        return self.base_url + SMS_PATH

    def fail_next(self, count: int) -> None:
        with self._lock:
            self._failures = count

    def _app(self, environ, start_response):
        method = environ["REQUEST_METHOD"]
        path = environ.get("PATH_INFO", "")
        if method == "GET" and path == "/messages":
            return self._json(start_response, "200 OK", [asdict(m) for m in self.messages])
        if method != "POST" or path != SMS_PATH:
            return self._json(start_response, "404 Not Found", {"error": "not found"})
        length = int(environ.get("CONTENT_LENGTH") or 0)
        try:
            data = json.loads(environ["wsgi.input"].read(length) or b"{}")
        except ValueError:
            return self._json(start_response, "400 Bad Request", {"CodeResult": "104"})
        with self._lock:
            if self._failures > 0:
                self._failures -= 1
                return self._json(start_response, "503 Service Unavailable", {"CodeResult": "99"})
            if data.get("ApiKey") != self.api_key:
                return self._json(
                    start_response,
                    "200 OK",
                    {"CodeResult": "101", "ErrorMessage": "Authorize Failed"},
                )
            phone = str(data.get("Phone", ""))
            content = str(data.get("Content", ""))
            if not phone.isdigit() or not content:
                return self._json(
                    start_response, "200 OK", {"CodeResult": "104", "ErrorMessage": "Bad request"}
                )
            request_id = str(data.get("RequestId", ""))
            for message in self.messages:
                if request_id and message.request_id == request_id:
                    return self._json(
                        start_response, "200 OK", {"CodeResult": "100", "SMSID": message.id}
                    )
            message = SandboxMessage(
                id=f"SBX{len(self.messages) + 1:06d}",
                phone=phone,
                content=content,
                brandname=str(data.get("Brandname", "")),
                request_id=request_id,
            )
            self.messages.append(message)
        return self._json(start_response, "200 OK", {"CodeResult": "100", "SMSID": message.id})

    @staticmethod
    def _json(start_response, status: str, body) -> list[bytes]:
        payload = json.dumps(body, ensure_ascii=False).encode()
        start_response(
            status,
            [
                ("Content-Type", "application/json; charset=utf-8"),
                ("Content-Length", str(len(payload))),
            ],
        )
        return [payload]

    def start(self) -> str:
        self._thread = threading.Thread(
            target=self.httpd.serve_forever, daemon=True, name="sms-sandbox"
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
