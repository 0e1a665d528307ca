"""TWO INSTALLATIONS FOR REAL (issue 7 item 6): two provinces, two processes, two databases.

Province A (``H37``) and province B (``H38``) each run ChinhQuyen as a separate OS process (a
WSGI server on its own loopback port) on its own database (two SQLite files under two var
dirs, or two PostgreSQL databases when the suite runs on PostgreSQL), migrated and seeded
with a minimal province, each with its own test CA: each installation's trust list holds
both CAs, its organisation key is its own. They are peers of each other (EXCHANGE_NODE_CODE,
EXCHANGE_PEERS, HMAC peer authentication). The test drives them only through commands run in
each installation's environment (``exchange_worker --once`` and ``twoinst_tool``) and reads
back their JSON; no Python object is shared.

a) A issues a sealed document to B's Department of Justice → A's worker delivers the edXML
   package → B's worker files it in B's queue (metadata, PDF signature and XML signature
   intact, re-verified in B) → B's clerk registers it → B's worker sends 01 and 03 → A's
   worker applies them: A's recipient row says "accepted".
b) A transfers a dossier (liên thông) to B's Department of Construction: B creates it under
   the SAME code with A's events as history (marked as from A) and the files byte for byte;
   B takes three steps (to result ready); each comes back to A's timeline, and A's dossier
   is "result ready" for A's one-stop unit to return. The same transfer and the same status
   sent again under new idempotency keys change nothing on either side.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings

from chinhquyen.exchange.edxml.testing import P12_PASSPHRASE, make_ca
from chinhquyen.exchange.edxml.testing import organisation_pkcs12 as org_p12
from chinhquyen.exchange.tests.twoinst_tool import codes

TOOL = "chinhquyen.exchange.tests.twoinst_tool"
SECRET = "two-installations-H37-H38-shared-secret"  # noqa: S105 (test fixture)
LEVEL1 = {"A": "H37", "B": "H38"}
PROVINCE = {"A": "Thử Nghiệm A", "B": "Thử Nghiệm B"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Installation:
    """One ChinhQuyen installation: a var dir, a database, a server process, commands."""

    def __init__(self, name: str, root: Path, database_url: str) -> None:
        self.name = name
        self.level1 = LEVEL1[name]
        self.codes = codes(self.level1)
        self.var_dir = root / f"var-{name}"
        self.var_dir.mkdir(parents=True)
        self.database_url = database_url
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.server: subprocess.Popen | None = None
        self.peers: dict = {}

    @property
    def node(self) -> str:
        return self.codes["ubnd"]

    def env(self) -> dict[str, str]:
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("EXCHANGE_", "PYTEST_", "DATABASE_URL"))
        }
        env.update(
            {
                "DJANGO_SETTINGS_MODULE": "chinhquyen.settings",
                "CHINHQUYEN_VAR_DIR": str(self.var_dir),
                "DATABASE_URL": self.database_url,
                "EXCHANGE_NODE_CODE": self.node,
                "EXCHANGE_PEERS": json.dumps(self.peers),
                "EXCHANGE_RETRY_JITTER": "0",
                "EXCHANGE_CONNECT_TIMEOUT": "5",
                "EXCHANGE_READ_TIMEOUT": "30",
                "LOG_LEVEL": "WARNING",
                "PROVINCE_NAME": PROVINCE[self.name],
            }
        )
        return env

    def run(self, *argv: str, timeout: float = 120) -> str:
        done = subprocess.run(  # noqa: S603 (our own commands)
            [sys.executable, *argv],
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        assert done.returncode == 0, f"{self.name} {argv[:3]}:\n{done.stdout}\n{done.stderr}"
        return done.stdout

    def tool(self, command: str, args: dict | None = None):
        out = self.run("-m", TOOL, command, json.dumps(args or {}))
        return json.loads(out.strip().splitlines()[-1])

    def batch(self, *steps) -> list:
        return self.tool("batch", {"steps": [list(s) for s in steps]})["results"]

    def worker(self) -> str:
        return self.run("-m", "chinhquyen", "exchange_worker", "--once").strip()

    def start(self) -> None:
        self.server = subprocess.Popen(  # noqa: S603 (our own command)
            [sys.executable, "-m", TOOL, "serve", json.dumps({"port": self.port})],
            env=self.env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert self.server.poll() is None, self.server.stderr.read()
            try:
                with urllib.request.urlopen(self.url + "/exchange/inbox/", timeout=2):  # noqa: S310
                    pass
                return
            except urllib.error.HTTPError:
                return  # the inbox answers (405 to a GET): the server is up
            except OSError:
                time.sleep(0.2)
        raise AssertionError(f"installation {self.name} did not start")

    def stop(self) -> None:
        if self.server is not None and self.server.poll() is None:
            self.server.terminate()
            try:
                self.server.wait(10)
            except subprocess.TimeoutExpired:
                self.server.kill()


# --- databases: two SQLite files, or two PostgreSQL databases on the suite's server ----------


def _pg_params() -> dict | None:
    db = settings.DATABASES["default"]
    if db["ENGINE"] != "django.db.backends.postgresql":
        return None
    return {
        "host": db.get("HOST") or "127.0.0.1",
        "port": db.get("PORT") or 5432,
        "user": db.get("USER") or "",
        "password": db.get("PASSWORD") or "",
    }


def _pg_url(params: dict, name: str) -> str:
    password = f":{quote(params['password'])}" if params["password"] else ""
    return f"postgres://{quote(params['user'])}{password}@{params['host']}:{params['port']}/{name}"


def _pg_admin(params: dict, *statements: str) -> None:
    import psycopg

    with psycopg.connect(
        host=params["host"],
        port=params["port"],
        user=params["user"],
        password=params["password"] or None,
        dbname="postgres",
        autocommit=True,
    ) as conn:
        for statement in statements:
            conn.execute(statement)


@pytest.fixture
def installations(tmp_path):
    """A and B, migrated (once: B's database is a copy of A's), seeded, trusting each other,
    serving."""
    pg = _pg_params()
    names = {n: f"cq_twoinst_{n.lower()}_{os.getpid()}" for n in ("A", "B")}
    if pg:
        _pg_admin(pg, *(f'DROP DATABASE IF EXISTS "{d}"' for d in names.values()))
        _pg_admin(pg, f'CREATE DATABASE "{names["A"]}"')
        urls = {n: _pg_url(pg, d) for n, d in names.items()}
    else:
        urls = {n: f"sqlite:///{tmp_path / f'var-{n}' / 'chinhquyen.sqlite3'}" for n in "AB"}
    a = Installation("A", tmp_path, urls["A"])
    b = Installation("B", tmp_path, urls["B"])
    a.peers = {
        code: {"url": b.url + "/exchange/inbox/", "secret": SECRET} for code in b.codes.values()
    }
    b.peers = {
        code: {"url": a.url + "/exchange/inbox/", "secret": SECRET} for code in a.codes.values()
    }
    try:
        a.run("-m", "chinhquyen", "migrate", "--noinput", timeout=300)
        if pg:
            _pg_admin(pg, f'CREATE DATABASE "{names["B"]}" TEMPLATE "{names["A"]}"')
        else:
            shutil.copyfile(a.var_dir / "chinhquyen.sqlite3", b.var_dir / "chinhquyen.sqlite3")
        # Each province its own CA and organisation keys; each trusts both CAs.
        pki = tmp_path / "pki"
        pki.mkdir()
        trust = []
        for inst in (a, b):
            ca = make_ca(f"CA thử nghiệm {inst.level1}")
            trust.append(str(pki / f"ca-{inst.level1}.pem"))
            Path(trust[-1]).write_bytes(ca.pem())
            inst.keys = {}
            for key in ("stp", "sxd"):
                path = pki / f"{inst.level1}-{key}.p12"
                path.write_bytes(
                    org_p12(
                        ca, common_name=f"{key} {inst.level1}", organisation_code=inst.codes[key]
                    )
                )
                inst.keys[key] = str(path)
        seeding = [
            subprocess.Popen(  # noqa: S603 (our own command)
                [
                    sys.executable,
                    "-m",
                    TOOL,
                    "seed",
                    json.dumps(
                        {
                            "level1": inst.level1,
                            "province": PROVINCE[inst.name],
                            "keys": inst.keys,
                            "trust": trust,
                            "passphrase": P12_PASSPHRASE,
                        }
                    ),
                ],
                env=inst.env(),
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for inst in (a, b)
        ]
        for process in seeding:
            out, err = process.communicate(timeout=120)
            assert process.returncode == 0, out + err
        a.start()
        b.start()
        yield a, b
    finally:
        a.stop()
        b.stop()
        if pg:
            # The servers are gone; drop what they leave (connections closed by then).
            _pg_admin(pg, *(f'DROP DATABASE IF EXISTS "{d}" WITH (FORCE)' for d in names.values()))


def _events(dossier: dict, **match) -> list[dict]:
    return [
        e
        for e in dossier["events"]
        if all(e["data"].get(k) == v for k, v in match.items() if k != "type")
        and ("type" not in match or e["type"] == match["type"])
    ]


def test_a_document_and_a_dossier_cross_between_two_installations(installations):
    a, b = installations

    # A: a sealed document to B's Justice; a dossier received, then transferred to B's
    # Construction (its whole history and the application form go with it).
    issued, received, transferred = a.batch(
        ("issue", {"sender_code": a.codes["stp"], "recipient_code": b.codes["stp"]}),
        ("receive_dossier", {"agency_code": a.codes["stp"]}),
        (
            "transfer",
            {"agency_code": b.codes["sxd"], "agency_name": "Sở Xây dựng tỉnh Thử Nghiệm B"},
        ),
    )
    code = received["code"]
    assert code.startswith(a.codes["stp"] + "-")
    assert transferred["status"] == "transferred" and transferred["step"] is None
    assert a.worker()  # delivers the edXML package and the dossier to B's inbox

    # B: its worker files both; the document is in B's queue as sent, signatures intact.
    assert "inbox_processed=2" in b.worker()
    incoming, registered, b_dossier = b.batch(
        ("incoming", {}), ("register", {}), ("dossier", {"code": code})
    )
    [document] = incoming["documents"]
    assert document["organisation"] == b.codes["stp"]
    assert (document["channel"], document["status"]) == ("exchange", "received")
    assert (document["issuer_code"], document["number"], document["notation"]) == (
        a.codes["stp"],
        "07",
        "STP-HCTP",
    )
    assert document["subject"] == "Về việc phối hợp giải quyết hồ sơ liên thông"
    assert document["signer_name"] == "Hoàng Văn Đạo"
    [pdf] = document["files"]
    assert pdf["sha256"] == pdf["stored_sha256"] == issued["pdf_sha256"]  # byte for byte
    assert pdf["pdf_signed"] and pdf["pdf_valid"], pdf  # PAdES seal verifies in B (trusts A)
    [package] = incoming["packages"]
    assert package["from"] == a.codes["stp"]
    assert package["signature_sha256"]  # the XML signature verified again on parsing in B
    assert package["attachments"] == [issued["pdf_sha256"]]
    assert len(registered["registered"]) == 1

    # B holds the dossier under A's code, with A's history marked as from A.
    assert b_dossier["code"] == code
    assert (b_dossier["status"], b_dossier["current_agency"]) == ("in_processing", b.codes["sxd"])
    assert b_dossier["received_at"] == received["received_at"]
    assert b_dossier["legal_due_at"] == received["legal_due_at"]  # the deadline travels
    assert b_dossier["attachments"] == received["attachments"]
    history = _events(b_dossier, remote=True)
    assert [e["type"] for e in history] == [e["type"] for e in transferred["events"]]
    assert {e["data"]["origin"] for e in history} == {a.node}
    assert [e["data"]["origin_event"] for e in history] == [e["id"] for e in transferred["events"]]
    [receipt] = _events(b_dossier, direction="in")
    assert receipt["data"]["from_installation"] == a.node

    # B processes its part to the end: three steps; the same transfer sent again (new key).
    steps = b.batch(
        ("step", {"code": code, "action": "forward", "note": "Đã tiếp nhận liên thông"}),
        ("step", {"code": code, "action": "forward", "note": "Đủ điều kiện"}),
        ("step", {"code": code, "action": "approve", "note": "Đồng ý cấp phép"}),
    )
    assert steps[-1]["status"] == "result_ready"
    a.tool("requeue", {"kind": "dossier.transfer"})
    assert "delivered=1" in a.worker()
    assert "inbox_processed=1" in b.worker()  # the repeat: processed, nothing created
    assert b.tool("dossier", {"code": code})["events"] == steps[-1]["events"]
    b.tool("requeue", {"kind": "dossier.transfer.status"})
    assert "delivered" in b.worker()  # 01 + 03 for the document; 4 dossier statuses + repeat

    # A: the statuses arrive; the recipient says accepted, the dossier shows B's progress.
    assert "inbox_processed=" in a.worker()
    recipients, a_dossier = a.batch(("recipients", {}), ("dossier", {"code": code}))
    [recipient] = recipients["recipients"]
    assert (recipient["code"], recipient["status"]) == (b.codes["stp"], "accepted")
    remote = _events(a_dossier, remote=True)
    assert [e["type"] for e in remote] == ["transferred", "forwarded", "forwarded", "approved"]
    assert {e["data"]["origin"] for e in remote} == {b.node}
    assert [e["data"]["remote_status"] for e in remote][-1] == "result_ready"
    assert len({e["data"]["remote_event"] for e in remote}) == 4  # the repeat recorded once
    assert a_dossier["status"] == "result_ready"
    assert a_dossier["code"] == code
