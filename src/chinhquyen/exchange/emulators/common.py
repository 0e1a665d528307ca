"""What both national emulators share (standard library only, like ``payments/sandbox``).

An emulator is a WSGI application served on loopback by a threaded ``wsgiref`` server in its
own process (``chinhquyen national_portal_emulator`` / ``document_axis_emulator``): tests start
it with ``subprocess`` on a free port and talk to it over real HTTP, exactly as the connector
will talk to the national system. State lives in memory for the life of the process.

Control endpoints (``/_emulator/…``, loopback test harness only, never part of the contract):

* ``POST /_emulator/faults`` ``{"method": "POST", "path": "/dossiers/status",
  "statuses": [503, 503], "mode": "refuse" | "after_store"}`` — the next matching requests are
  answered with these statuses, one each; ``after_store`` first does the work and then answers
  the error (a lost answer: the client retries and must be recognised as a duplicate).
* ``GET /_emulator/stats`` — counters (requests, stored, duplicates …) and the stored data.
* ``POST /_emulator/reset`` — empty everything.
"""

from __future__ import annotations

import json
import secrets
import threading
from dataclasses import dataclass, field
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

MAX_BODY = 16 * 1024 * 1024
REASONS = {
    200: "OK",
    201: "Created",
    202: "Accepted",
    204: "No Content",
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    409: "Conflict",
    413: "Payload Too Large",
    422: "Unprocessable Entity",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
}


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]  # lower-case names
    body: bytes

    def json(self):
        try:
            return json.loads(self.body or b"null")
        except ValueError:
            return None


@dataclass
class Response:
    status: int
    body: bytes = b""
    content_type: str = "application/json"
    headers: list[tuple[str, str]] = field(default_factory=list)


def json_response(status: int, data) -> Response:
    return Response(status, json.dumps(data, ensure_ascii=False).encode("utf-8"))


def error(status: int, code: str, vi: str, en: str) -> Response:
    return json_response(status, {"code": code, "message_vi": vi, "message_en": en})


@dataclass
class Fault:
    method: str
    path: str  # a prefix of the request path
    statuses: list[int]
    mode: str = "refuse"  # or "after_store"


class EmulatorApp:
    """Base WSGI app: routing by :meth:`handle`, fault injection, counters, one lock."""

    name = "emulator"

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.faults: list[Fault] = []
        self.counters: dict[str, int] = {}
        self.requests: list[tuple[str, str, int]] = []

    # --- helpers for subclasses -------------------------------------------------------
    def count(self, name: str, by: int = 1) -> None:
        with self.lock:
            self.counters[name] = self.counters.get(name, 0) + by

    @staticmethod
    def new_id(prefix: str) -> str:
        return f"{prefix}{secrets.token_hex(8)}"

    def handle(self, request: Request) -> Response:  # pragma: no cover - interface
        raise NotImplementedError

    def stats(self) -> dict:
        return {}

    def reset(self) -> None:
        with self.lock:
            self.faults.clear()
            self.counters.clear()
            self.requests.clear()

    # --- WSGI -------------------------------------------------------------------------
    def __call__(self, environ, start_response):
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > MAX_BODY:
            response = error(413, "too_large", "Gói tin quá lớn", "Body too large")
            return self._respond(start_response, response)
        body = environ["wsgi.input"].read(length) if length else b""
        headers = {
            key[5:].replace("_", "-").lower(): value
            for key, value in environ.items()
            if key.startswith("HTTP_")
        }
        if environ.get("CONTENT_TYPE"):
            headers["content-type"] = environ["CONTENT_TYPE"]
        from urllib.parse import parse_qsl

        request = Request(
            method=environ.get("REQUEST_METHOD", "GET").upper(),
            path=environ.get("PATH_INFO", "/"),
            query=dict(parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True)),
            headers=headers,
            body=body,
        )
        response = self._dispatch(request)
        with self.lock:
            self.requests.append((request.method, request.path, response.status))
        return self._respond(start_response, response)

    def _respond(self, start_response, response: Response):
        reason = REASONS.get(response.status, "Status")
        headers = [("Content-Type", response.content_type), *response.headers]
        headers.append(("Content-Length", str(len(response.body))))
        start_response(f"{response.status} {reason}", headers)
        return [response.body]

    def _dispatch(self, request: Request) -> Response:
        if request.path.startswith("/_emulator/"):
            return self._control(request)
        fault = self._take_fault(request)
        if fault is not None and fault[1] == "refuse":
            self.count("faults_answered")
            return error(fault[0], "injected", "Lỗi giả lập", "Injected failure")
        try:
            response = self.handle(request)
        except Exception as exc:  # an emulator bug shows as a 500, like a real server
            return error(500, "internal", "Lỗi hệ thống", f"{type(exc).__name__}: {exc}")
        if fault is not None:  # after_store: the work is done, the answer is lost
            self.count("faults_answered")
            return error(fault[0], "injected", "Lỗi giả lập", "Injected failure after store")
        return response

    def _take_fault(self, request: Request) -> tuple[int, str] | None:
        with self.lock:
            for fault in self.faults:
                if fault.method == request.method and request.path.startswith(fault.path):
                    status = fault.statuses.pop(0)
                    if not fault.statuses:
                        self.faults.remove(fault)
                    return status, fault.mode
        return None

    def _control(self, request: Request) -> Response:
        action = request.path[len("/_emulator/") :].strip("/")
        if action == "faults" and request.method == "POST":
            data = request.json() or {}
            with self.lock:
                self.faults.append(
                    Fault(
                        method=str(data.get("method", "POST")).upper(),
                        path=str(data.get("path", "/")),
                        statuses=[int(s) for s in data.get("statuses", [503])],
                        mode=str(data.get("mode", "refuse")),
                    )
                )
            return json_response(200, {"ok": True})
        if action == "stats" and request.method == "GET":
            with self.lock:
                return json_response(
                    200,
                    {
                        "emulator": self.name,
                        "counters": dict(self.counters),
                        "requests": [list(r) for r in self.requests],
                        **self.stats(),
                    },
                )
        if action == "reset" and request.method == "POST":
            self.reset()
            return json_response(200, {"ok": True})
        return self.control(action, request)

    def control(self, action: str, request: Request) -> Response:
        return error(404, "not_found", "Không tìm thấy", "Not found")


class _ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True
    allow_reuse_address = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 (the base class's signature)
        pass


class EmulatorServer:
    """``EmulatorServer(app, port=0).serve_forever()`` (foreground, for the commands)."""

    def __init__(self, app: EmulatorApp, *, host: str = "127.0.0.1", port: int = 0, quiet=True):
        self.app = app
        self.httpd = make_server(
            host,
            port,
            app,
            server_class=_ThreadingServer,
            handler_class=_QuietHandler if quiet else WSGIRequestHandler,
        )

    @property
    def base_url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def serve_forever(self) -> None:
        try:
            self.httpd.serve_forever()
        finally:
            self.httpd.server_close()
