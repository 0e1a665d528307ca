"""A postal operator emulator for development and tests (the interim contract of
``exchange/connectors/postal.py``). It runs as its own HTTP server process on loopback
(``chinhquyen postal_emulator``), apart from the Django site:

* ``POST /orders/`` — checks the partner's HMAC signature and timestamp, keeps the order in
  memory and answers 201 with a tracking number (UPU S10, ``EB12345678<check>VN``; the number
  given at the counter when there is a valid one), 200 with the same number for the same
  Idempotency-Key again, or a coded JSON error;
* ``POST /control/advance`` ``{"reference", "status", "location"?, "note"?, "event_id"?}`` —
  sends the signed tracking callback to the order's ``callback_url`` (else ``--callback-url``)
  by real HTTP and answers with what the receiver said; ``{"replay": true}`` sends the last
  callback again byte for byte (same nonce: a replay), ``{"resend": true}`` sends it again
  freshly signed (a retry of the same event id);
* ``GET /orders/<reference>`` — the order as the operator holds it, with the callbacks sent;
* ``--auto SECONDS`` — every accepted order then moves by itself, one step every SECONDS:
  picked up (pickups only), in transit, delivered.

Standard library plus ``requests``; nothing here is for production.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import re
import secrets
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import requests

from chinhquyen.exchange.connectors import peer as protocol
from chinhquyen.exchange.connectors.postal import ORDER_KIND, TRACKING_KIND

S10_RE = re.compile(r"^[A-Z]{2}[0-9]{9}[A-Z]{2}$")
S10_WEIGHTS = (8, 6, 4, 2, 3, 5, 9, 7)
MAX_BODY = 256 * 1024


def s10(prefix: str, serial: int, country: str = "VN") -> str:
    """A UPU S10 item identifier with its check digit."""
    digits = f"{serial:08d}"[-8:]
    total = sum(int(d) * w for d, w in zip(digits, S10_WEIGHTS, strict=True))
    check = 11 - total % 11
    check = 0 if check == 10 else 5 if check == 11 else check
    return f"{prefix}{digits}{check}{country}"


@dataclass
class EmulatedOrder:
    reference: str
    key: str
    body: dict
    tracking_number: str
    callback_url: str
    statuses: list[str] = field(default_factory=list)
    callbacks: list[dict] = field(default_factory=list)


class PostalEmulator:
    """The WSGI application; state in memory, guarded by a lock."""

    def __init__(
        self,
        *,
        partners: dict[str, str],
        operator_code: str = "VNPOST",
        callback_url: str = "",
        auto_seconds: float = 0.0,
        window_seconds: int = 300,
    ) -> None:
        self.partners = partners  # partner code → shared secret
        self.operator_code = operator_code
        self.callback_url = callback_url
        self.auto_seconds = auto_seconds
        self.window_seconds = window_seconds
        self.orders: dict[str, EmulatedOrder] = {}
        self.by_key: dict[tuple[str, str], str] = {}
        self.last_sent: tuple[str, bytes, dict] | None = None
        self.partner_of: dict[str, str] = {}
        self._serial = itertools.count(10000001)
        self._lock = threading.Lock()

    # --- WSGI -----------------------------------------------------------------------------
    def __call__(self, environ, start_response):
        method = environ.get("REQUEST_METHOD", "GET")
        path = environ.get("PATH_INFO", "")
        try:
            if path == "/orders/" and method == "POST":
                status, payload = self.accept_order(environ)
            elif path == "/control/advance" and method == "POST":
                status, payload = self.advance(json.loads(self._body(environ) or b"{}"))
            elif path.startswith("/orders/") and method == "GET":
                status, payload = self.show(path[len("/orders/") :].strip("/"))
            else:
                status, payload = 404, _error("not_found", "Không tìm thấy", "Not found")
        except ValueError:
            status, payload = 400, _error("malformed", "Dữ liệu không hợp lệ", "Malformed body")
        data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        start_response(
            f"{status} {'OK' if status < 400 else 'Error'}",
            [
                ("Content-Type", "application/json; charset=utf-8"),
                ("Content-Length", str(len(data))),
            ],
        )
        return [data]

    @staticmethod
    def _body(environ) -> bytes:
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > MAX_BODY:
            raise ValueError("too large")
        return environ["wsgi.input"].read(length)

    # --- orders -----------------------------------------------------------------------------
    def accept_order(self, environ) -> tuple[int, dict]:
        body = self._body(environ)
        header = {
            name: environ.get("HTTP_" + name.upper().replace("-", "_"), "")
            for name in (
                protocol.H_SENDER,
                protocol.H_KIND,
                protocol.H_KEY,
                protocol.H_TIMESTAMP,
                protocol.H_NONCE,
                protocol.H_SIGNATURE,
            )
        }
        partner = header[protocol.H_SENDER]
        secret = self.partners.get(partner)
        if secret is None:
            return 401, _error("unknown_partner", "Đối tác không hợp lệ", "Unknown partner")
        stamp = header[protocol.H_TIMESTAMP]
        if not stamp.isdigit() or abs(time.time() - int(stamp)) > self.window_seconds:
            return 401, _error("timestamp_expired", "Hết hạn", "Timestamp outside the window")
        expected = protocol.signature(
            secret,
            method="POST",
            path=environ.get("PATH_INFO", ""),
            timestamp=stamp,
            nonce=header[protocol.H_NONCE],
            sender=partner,
            idempotency_key=header[protocol.H_KEY],
            kind=header[protocol.H_KIND],
            body_sha256=hashlib.sha256(body).hexdigest(),
        )
        given = header[protocol.H_SIGNATURE].removeprefix(protocol.SCHEME)
        if not hmac.compare_digest(expected, given):
            return 401, _error("bad_signature", "Sai chữ ký", "Bad signature")
        if header[protocol.H_KIND] != ORDER_KIND:
            return 400, _error("bad_kind", "Loại thông điệp sai", "Unknown kind")
        data = json.loads(body.decode("utf-8"))
        reference = str(data.get("reference") or "")
        person = data.get("person") or {}
        if (
            not reference
            or not person.get("address")
            or data.get("kind")
            not in (
                "pickup",
                "delivery",
            )
        ):
            return 422, _error("invalid_order", "Đơn hàng thiếu thông tin", "Incomplete order")
        with self._lock:
            known = self.by_key.get((partner, header[protocol.H_KEY]))
            if known is not None:
                order = self.orders[known]
                return 200, _answer(order, duplicate=True)
            given_number = str(data.get("tracking_number") or "").upper()
            prefix = "EB" if data["kind"] == "delivery" else "RR"
            number = given_number if S10_RE.match(given_number) else s10(prefix, next(self._serial))
            order = EmulatedOrder(
                reference=reference,
                key=header[protocol.H_KEY],
                body=data,
                tracking_number=number,
                callback_url=str(data.get("callback_url") or self.callback_url),
                statuses=["accepted"],
            )
            self.orders[reference] = order
            self.by_key[(partner, order.key)] = reference
            self.partner_of[reference] = partner
        if self.auto_seconds:
            steps = ["in_transit", "delivered"]
            if data["kind"] == "pickup":
                steps.insert(0, "picked_up")
            threading.Thread(target=self._auto, args=(reference, steps), daemon=True).start()
        return 201, _answer(order, duplicate=False)

    def _auto(self, reference: str, steps: list[str]) -> None:
        for status in steps:
            time.sleep(self.auto_seconds)
            self.advance({"reference": reference, "status": status})

    def show(self, reference: str) -> tuple[int, dict]:
        order = self.orders.get(reference)
        if order is None:
            return 404, _error("unknown_order", "Không có đơn hàng", "Unknown order")
        return 200, {
            **_answer(order, duplicate=False),
            "statuses": order.statuses,
            "callbacks": order.callbacks,
        }

    # --- callbacks --------------------------------------------------------------------------
    def advance(self, command: dict) -> tuple[int, dict]:
        if command.get("replay") or command.get("resend"):
            if self.last_sent is None:
                return 409, _error("nothing_sent", "Chưa gửi gì", "Nothing sent yet")
            url, body, headers = self.last_sent
            if command.get("resend"):
                data = json.loads(body)
                return self._send(self.orders[data["reference"]], data, url)
            return self._post(url, body, headers)
        order = self.orders.get(str(command.get("reference") or ""))
        if order is None:
            return 404, _error("unknown_order", "Không có đơn hàng", "Unknown order")
        status = str(command.get("status") or "")
        data = {
            "event_id": str(command.get("event_id") or f"EV{secrets.token_hex(8).upper()}"),
            "reference": str(command.get("as_reference", order.reference)),
            "tracking_number": order.tracking_number,
            "status": status,
            "at": str(command.get("at") or datetime.now(tz=UTC).isoformat()),
            "location": str(command.get("location") or "Bưu cục Thử Nghiệm"),
            "note": str(command.get("note") or ""),
        }
        with self._lock:
            order.statuses.append(status)
        return self._send(order, data, order.callback_url)

    def _send(self, order: EmulatedOrder, data: dict, url: str) -> tuple[int, dict]:
        if not url:
            return 409, _error("no_callback_url", "Thiếu địa chỉ", "No callback URL")
        secret = self.partners[self.partner_of[order.reference]]
        body = json.dumps(data, ensure_ascii=False, sort_keys=True).encode("utf-8")
        headers = protocol.signed_headers(
            url=url,
            secret=secret,
            sender=self.operator_code,
            kind=TRACKING_KIND,
            idempotency_key=data["event_id"],
            body=body,
            content_type="application/json",
        )
        self.last_sent = (url, body, headers)
        status, payload = self._post(url, body, headers)
        with self._lock:
            order.callbacks.append({"event": data, "status": status, "answer": payload})
        return status, payload

    @staticmethod
    def _post(url: str, body: bytes, headers: dict) -> tuple[int, dict]:
        try:
            response = requests.post(url, data=body, headers=headers, timeout=30)
        except requests.RequestException as exc:
            return 502, _error("callback_failed", "Không gửi được", str(exc)[:200])
        try:
            answer = response.json()
        except ValueError:
            answer = {"raw": response.text[:500]}
        return 200, {"receiver_status": response.status_code, "receiver_answer": answer}


def _answer(order: EmulatedOrder, *, duplicate: bool) -> dict:
    return {
        "reference": order.reference,
        "tracking_number": order.tracking_number,
        "duplicate": duplicate,
    }


def _error(code: str, vi: str, en: str) -> dict:
    return {"code": code, "message_vi": vi, "message_en": en}


class _Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _Quiet(WSGIRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 (the base class's signature)
        pass


def make_emulator_server(app: PostalEmulator, *, host: str = "127.0.0.1", port: int = 0):
    return make_server(host, port, app, server_class=_Server, handler_class=_Quiet)
