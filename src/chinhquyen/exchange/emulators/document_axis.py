"""Emulator of the national document exchange axis (Trục liên thông văn bản quốc gia, VDXP).

The axis is run by the Government Office and reached through an X-Road-style SDK with a system
id and a secret key (domain-vn.md §4.3); its wire protocol is not public, so the HTTP mapping
below is the INTERIM contract of ``connectors/document_axis.py`` (docs/exchange.md). The
operations are the SDK's: send a package; list received packages by type (document / status)
and status; get one; update its status to "done".

Each system (``--system ID:SECRET:CODE1,CODE2``) owns the mailboxes of its organisations (QCVN
102 codes). A package is sent FROM one of the sender system's organisations TO a code owned by
any registered system, and waits in that mailbox until the receiving system marks it done::

    POST /api/v1/edocs                 edXML body; X-Edoc-From, X-Edoc-To, X-Edoc-Type
                                       (edoc | status), Idempotency-Key → 201 {"doc_id"}
    GET  /api/v1/edocs?type=edoc&status=pending    → 200 {"items": [{doc_id, from, to, …}]}
    GET  /api/v1/edocs/<doc_id>                    → 200 the edXML bytes
    PUT  /api/v1/edocs/<doc_id>/status {"status": "done"} → 200

Every call carries ``X-System-Id`` and ``X-Secret-Key``. The same Idempotency-Key and body
again → 200 ``"duplicate": true`` (counted); another body under it → 409.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import re
from dataclasses import dataclass

from .common import EmulatorApp, Request, Response, error, json_response

PREFIX = "/api/v1/edocs"
TYPES = {"edoc", "status"}


@dataclass
class System:
    system_id: str
    secret: str
    organisations: list[str]


def parse_system(spec: str) -> System:
    """``ID:SECRET:CODE1,CODE2`` (the command-line form)."""
    system_id, secret, codes = spec.split(":", 2)
    return System(system_id, secret, [c for c in codes.split(",") if c])


class DocumentAxisApp(EmulatorApp):
    name = "document_axis"

    def __init__(self, systems: list[System]) -> None:
        super().__init__()
        self.systems = {s.system_id: s for s in systems}
        self._init_state()

    def _init_state(self) -> None:
        self.packages: dict[str, dict] = {}  # doc_id → metadata + body
        self.idempotency: dict[tuple[str, str], tuple[str, str]] = {}  # → (sha, doc_id)

    def reset(self) -> None:
        super().reset()
        with self.lock:
            self._init_state()

    def owner_codes(self) -> set[str]:
        return {code for s in self.systems.values() for code in s.organisations}

    def stats(self) -> dict:
        mailboxes: dict[str, list[dict]] = {}
        for package in self.packages.values():
            meta = {k: v for k, v in package.items() if k != "body"}
            mailboxes.setdefault(package["to"], []).append(meta)
        return {"mailboxes": mailboxes}

    # --- routing ----------------------------------------------------------------------
    def handle(self, request: Request) -> Response:
        if not request.path.startswith(PREFIX):
            return error(404, "not_found", "Không tìm thấy", "Not found")
        system = self._authenticate(request)
        if system is None:
            self.count("unauthorised")
            return error(401, "unauthorised", "Sai mã hệ thống hoặc khóa", "Bad system id or key")
        rest = request.path[len(PREFIX) :]
        if rest in ("", "/"):
            if request.method == "POST":
                return self._store(request, system)
            if request.method == "GET":
                return self._list(request, system)
            return error(405, "method", "Không hỗ trợ", "Method not allowed")
        match = re.fullmatch(r"/([A-Za-z0-9-]{1,64})(/status)?", rest)
        if match is None:
            return error(404, "not_found", "Không tìm thấy", "Not found")
        package = self.packages.get(match.group(1))
        if package is None or package["to"] not in system.organisations:
            return error(404, "unknown_package", "Không có gói tin", "Unknown package")
        if match.group(2) and request.method == "PUT":
            return self._mark(request, package)
        if not match.group(2) and request.method == "GET":
            self.count("fetched")
            return Response(
                200,
                package["body"],
                content_type="application/xml",
                headers=[
                    ("X-Edoc-From", package["from"]),
                    ("X-Edoc-To", package["to"]),
                    ("X-Edoc-Type", package["type"]),
                ],
            )
        return error(405, "method", "Không hỗ trợ", "Method not allowed")

    def _authenticate(self, request: Request) -> System | None:
        system = self.systems.get(request.headers.get("x-system-id", ""))
        key = request.headers.get("x-secret-key", "")
        if system is None or not hmac.compare_digest(key, system.secret):
            return None
        return system

    # --- operations ---------------------------------------------------------------------
    def _store(self, request: Request, system: System) -> Response:
        key = request.headers.get("idempotency-key", "")
        sender = request.headers.get("x-edoc-from", "")
        recipient = request.headers.get("x-edoc-to", "")
        kind = request.headers.get("x-edoc-type", "")
        if not key or len(key) > 200:
            return error(400, "idempotency_key", "Thiếu Idempotency-Key", "Idempotency-Key missing")
        if kind not in TYPES:
            return error(422, "bad_type", "Loại gói tin không hợp lệ", "Unknown package type")
        if sender not in system.organisations:
            self.count("forbidden")
            return error(
                403, "not_your_organisation", "Đơn vị gửi không thuộc hệ thống", "Not your sender"
            )
        if recipient not in self.owner_codes():
            self.count("unknown_recipient")
            return error(404, "unknown_recipient", "Không có đơn vị nhận", "Unknown recipient")
        body = request.body
        if b"edXML" not in body[:4096] or not body.lstrip().startswith(b"<"):
            self.count("malformed")
            return error(422, "not_edxml", "Không phải gói tin edXML", "Not an edXML package")
        digest = hashlib.sha256(body).hexdigest()
        with self.lock:
            seen = self.idempotency.get((system.system_id, key))
            if seen is not None:
                if seen[0] != digest:
                    self.count("conflicts")
                    return error(409, "idempotency_conflict", "Trùng khóa", "Key reused")
                self.count("duplicates")
                return json_response(200, {"doc_id": seen[1], "duplicate": True})
            doc_id = self.new_id("")
            self.packages[doc_id] = {
                "doc_id": doc_id,
                "from": sender,
                "to": recipient,
                "type": kind,
                "status": "pending",
                "sha256": digest,
                "size": len(body),
                "created_at": datetime.datetime.now(datetime.UTC).isoformat(),
                "body": body,
            }
            self.idempotency[(system.system_id, key)] = (digest, doc_id)
            self.count("stored")
        return json_response(201, {"doc_id": doc_id, "duplicate": False})

    def _list(self, request: Request, system: System) -> Response:
        kind = request.query.get("type", "edoc")
        status = request.query.get("status", "pending")
        if kind not in TYPES:
            return error(422, "bad_type", "Loại gói tin không hợp lệ", "Unknown package type")
        with self.lock:
            items = [
                {k: v for k, v in p.items() if k != "body"}
                for p in self.packages.values()
                if p["to"] in system.organisations and p["type"] == kind and p["status"] == status
            ]
        items.sort(key=lambda p: p["created_at"])
        return json_response(200, {"items": items})

    def _mark(self, request: Request, package: dict) -> Response:
        data = request.json()
        if not isinstance(data, dict) or data.get("status") != "done":
            return error(422, "bad_status", "Trạng thái không hợp lệ", "Status must be done")
        with self.lock:
            if package["status"] == "done":
                self.count("done_again")
            package["status"] = "done"
        return json_response(200, {"doc_id": package["doc_id"], "status": "done"})
