"""Emulator of the National Public Service Portal (Cổng Dịch vụ công quốc gia) — INTERIM contract.

The portal's real API and message schemas (QCVN 120:2019) are UNCONFIRMED (domain-vn.md §2.4):
this emulator IS the interim contract the connector (``connectors/national_portal.py``) is
written against; docs/exchange.md describes it. Field names follow the dossier code (mã số hồ
sơ, Circular 01/2018 Art. 19) and the dossier statuses of ``dossiers.choices.DossierStatus``.

Authentication: ``X-Client-Id`` + ``Authorization: Bearer <secret>`` of a client registered at
start (``--client ID:SECRET:H37``), bound to a level-1 unit code; it may pull only the online
dossiers filed with an agency under that unit.

Operations (JSON; writes need ``Idempotency-Key``: the same key and body again → 200 with
``"duplicate": true``, another body under a used key → 409)::

    POST /api/v1/catalogue/procedures          a published procedure version → 201 {"id"}
    POST /api/v1/dossiers/status               a dossier status change       → 201 {"id"}
    GET  /api/v1/dossiers/online?after=&limit= dossiers filed online → 200 {"items", "next_cursor"}
    POST /api/v1/dossiers/online/<id>/ack      the province received it (or refused) → 200

Test control: ``POST /_emulator/online-dossiers`` files a dossier as a citizen would on the
portal (answers its ``portal_id``); ``GET /_emulator/stats`` shows everything held.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from dataclasses import dataclass

from .common import EmulatorApp, Request, Response, error, json_response

PREFIX = "/api/v1"
DOSSIER_CODE_RE = re.compile(r"^[0-9A-Z.]{5,35}-\d{6}-\d{3,6}$")
STATUSES = {
    "received",
    "awaiting_supplement",
    "in_processing",
    "transferred",
    "result_ready",
    "rejected",
    "returned",
    "withdrawn",
    "stopped",
}
ONLINE_MODES = {"full", "partial", "none"}


@dataclass
class Client:
    client_id: str
    secret: str
    level1: str  # e.g. "H37": the unit whose agencies' dossiers it may pull


def parse_client(spec: str) -> Client:
    """``ID:SECRET:LEVEL1`` (the command-line form)."""
    client_id, secret, level1 = spec.split(":", 2)
    return Client(client_id, secret, level1)


class NationalPortalApp(EmulatorApp):
    name = "national_portal"

    def __init__(self, clients: list[Client]) -> None:
        super().__init__()
        self.clients = {c.client_id: c for c in clients}
        self._init_state()

    def _init_state(self) -> None:
        self.idempotency: dict[tuple[str, str], tuple[str, dict]] = {}
        self.catalogue: dict[str, dict] = {}  # "code@version" → record
        self.statuses: dict[str, dict] = {}  # dossier code → latest record
        self.status_log: list[dict] = []
        self.online: list[dict] = []  # filed online, in order; cursor = position
        self.acks: dict[str, dict] = {}

    def reset(self) -> None:
        super().reset()
        with self.lock:
            self._init_state()

    def stats(self) -> dict:
        return {
            "catalogue": self.catalogue,
            "statuses": self.statuses,
            "status_log": self.status_log,
            "online": [{k: v for k, v in d.items() if k != "files"} for d in self.online],
            "acks": self.acks,
        }

    # --- routing ----------------------------------------------------------------------
    def handle(self, request: Request) -> Response:
        if not request.path.startswith(PREFIX + "/"):
            return error(404, "not_found", "Không tìm thấy", "Not found")
        client = self._authenticate(request)
        if client is None:
            self.count("unauthorised")
            return error(401, "unauthorised", "Sai thông tin xác thực", "Bad credentials")
        path = request.path[len(PREFIX) :]
        if path == "/catalogue/procedures" and request.method == "POST":
            return self._idempotent(request, client, "catalogue", self._catalogue)
        if path == "/dossiers/status" and request.method == "POST":
            return self._idempotent(request, client, "status", self._status)
        if path == "/dossiers/online" and request.method == "GET":
            return self._list_online(request, client)
        match = re.fullmatch(r"/dossiers/online/([A-Za-z0-9._-]{1,100})/ack", path)
        if match and request.method == "POST":
            return self._idempotent(
                request, client, "ack", lambda data: self._ack(match.group(1), data, client)
            )
        return error(404, "not_found", "Không tìm thấy", "Not found")

    def _authenticate(self, request: Request) -> Client | None:
        client = self.clients.get(request.headers.get("x-client-id", ""))
        token = request.headers.get("authorization", "")
        if client is None or not token.startswith("Bearer "):
            return None
        if not hmac.compare_digest(token[len("Bearer ") :], client.secret):
            return None
        return client

    def _idempotent(self, request: Request, client: Client, name: str, work) -> Response:
        key = request.headers.get("idempotency-key", "")
        if not key or len(key) > 200:
            return error(400, "idempotency_key", "Thiếu Idempotency-Key", "Idempotency-Key missing")
        data = request.json()
        if not isinstance(data, dict):
            self.count("malformed")
            return error(400, "malformed", "JSON không hợp lệ", "Malformed JSON")
        digest = hashlib.sha256(request.body).hexdigest()
        with self.lock:
            seen = self.idempotency.get((client.client_id, key))
            if seen is not None:
                if seen[0] != digest:
                    self.count("conflicts")
                    return error(409, "idempotency_conflict", "Trùng khóa", "Key reused")
                self.count(f"{name}_duplicates")
                self.count("duplicates")
                return json_response(200, {**seen[1], "duplicate": True})
            response = work(data)
            if response.status in (200, 201):
                answer = json.loads(response.body)
                self.idempotency[(client.client_id, key)] = (digest, answer)
                self.count(f"{name}_stored")
            return response

    # --- operations ---------------------------------------------------------------------
    def _catalogue(self, data: dict) -> Response:
        problems = _missing(data, ("procedure_code", "version", "name", "online_mode"))
        if data.get("online_mode") not in ONLINE_MODES:
            problems.append("online_mode")
        for name in ("agencies", "fees"):
            if not isinstance(data.get(name), list):
                problems.append(name)
        if problems:
            return _invalid(problems)
        record_id = self.new_id("TTHC-")
        self.catalogue[f"{data['procedure_code']}@{data['version']}"] = {**data, "id": record_id}
        return json_response(201, {"id": record_id, "duplicate": False})

    def _status(self, data: dict) -> Response:
        problems = _missing(data, ("dossier_code", "status", "version", "updated_at"))
        if not DOSSIER_CODE_RE.match(str(data.get("dossier_code", ""))):
            problems.append("dossier_code")
        if data.get("status") not in STATUSES:
            problems.append("status")
        if problems:
            return _invalid(problems)
        record_id = self.new_id("TT-")
        self.status_log.append({**data, "id": record_id})
        current = self.statuses.get(data["dossier_code"])
        # Deliveries may arrive out of order (retries): an older version never overwrites.
        if current is None or int(current["version"]) < int(data["version"]):
            self.statuses[data["dossier_code"]] = {**data, "id": record_id}
        return json_response(201, {"id": record_id, "duplicate": False})

    def _list_online(self, request: Request, client: Client) -> Response:
        try:
            after = int(request.query.get("after") or 0)
            limit = min(max(int(request.query.get("limit") or 50), 1), 200)
        except ValueError:
            return _invalid(["after", "limit"])
        suffix = "." + client.level1
        with self.lock:
            mine = [
                (position, d)
                for position, d in enumerate(self.online, start=1)
                if position > after and d["agency_code"].endswith(suffix)
            ][:limit]
        self.count("online_listed", len(mine))
        next_cursor = str(mine[-1][0]) if mine else str(after)
        return json_response(200, {"items": [d for _p, d in mine], "next_cursor": next_cursor})

    def _ack(self, portal_id: str, data: dict, client: Client) -> Response:
        dossier = next((d for d in self.online if d["portal_id"] == portal_id), None)
        if dossier is None or not dossier["agency_code"].endswith("." + client.level1):
            return error(404, "unknown_dossier", "Không có hồ sơ", "Unknown dossier")
        if data.get("accepted") and not DOSSIER_CODE_RE.match(str(data.get("dossier_code", ""))):
            return _invalid(["dossier_code"])
        self.acks[portal_id] = data
        dossier["acknowledged"] = True
        return json_response(200, {"id": portal_id, "duplicate": False})

    # --- test control -------------------------------------------------------------------
    def control(self, action: str, request: Request) -> Response:
        if action == "online-dossiers" and request.method == "POST":
            data = request.json()
            if not isinstance(data, dict):
                return _invalid(["body"])
            problems = _missing(data, ("procedure_code", "agency_code", "applicant"))
            if problems:
                return _invalid(problems)
            with self.lock:
                portal_id = data.get("portal_id") or self.new_id("DVC-")
                self.online.append({**data, "portal_id": portal_id, "acknowledged": False})
            return json_response(201, {"portal_id": portal_id})
        return super().control(action, request)


def _missing(data: dict, names) -> list[str]:
    return [name for name in names if data.get(name) in (None, "", [])]


def _invalid(fields: list[str]) -> Response:
    return json_response(
        422,
        {
            "code": "invalid",
            "message_vi": "Dữ liệu không hợp lệ",
            "message_en": "Invalid fields",
            "fields": sorted(set(fields)),
        },
    )
