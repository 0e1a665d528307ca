#!/usr/bin/env python3
"""``make exchange-demo``: two ChinhQuyen installations (two provinces) exchanging for real.

    python tools/exchange_demo.py            # start A (H37) on :8001 and B (H38) on :8002
    python tools/exchange_demo.py send       # (another terminal) A sends a document and
                                             # transfers a dossier to B

Each installation has its own var dir and SQLite database under ``var/exchange-demo/<A|B>``,
its own test CA and organisation keys (each trusts both CAs), and the other as its exchange
peer (``EXCHANGE_NODE_CODE``, ``EXCHANGE_PEERS``, HMAC shared secret). For each: a web server
(``chinhquyen runserver``) and an exchange worker (``chinhquyen exchange_worker``) run as
child processes; Ctrl-C stops them all. The first start migrates A, copies the database for B
and seeds both (``chinhquyen.exchange.tests.twoinst_tool seed``); later starts reuse them
(``--reset`` starts afresh). DEVELOPMENT ONLY: public passwords and test keys.

Environment: ``PORT_A`` (8001), ``PORT_B`` (8002), ``HOST`` (127.0.0.1).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from chinhquyen.exchange.tests.twoinst_tool import ACCOUNTS, PASSWORD, codes  # noqa: E402

DEMO = ROOT / "var" / "exchange-demo"
HOST = os.environ.get("HOST", "127.0.0.1")
PORTS = {"A": int(os.environ.get("PORT_A", "8001")), "B": int(os.environ.get("PORT_B", "8002"))}
LEVEL1 = {"A": "H37", "B": "H38"}
PROVINCE = {"A": "Thử Nghiệm A", "B": "Thử Nghiệm B"}
SECRET = "exchange-demo-shared-secret-H37-H38"  # noqa: S105 (development only)
TOOL = "chinhquyen.exchange.tests.twoinst_tool"


def other(name: str) -> str:
    return "B" if name == "A" else "A"


def env(name: str) -> dict[str, str]:
    peer = other(name)
    url = f"http://{HOST}:{PORTS[peer]}/exchange/inbox/"
    var = DEMO / name
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith("EXCHANGE_")},
        "DJANGO_SETTINGS_MODULE": "chinhquyen.settings",
        "CHINHQUYEN_VAR_DIR": str(var),
        "DATABASE_URL": f"sqlite:///{var / 'chinhquyen.sqlite3'}",
        "EXCHANGE_NODE_CODE": codes(LEVEL1[name])["ubnd"],
        "EXCHANGE_PEERS": json.dumps(
            {code: {"url": url, "secret": SECRET} for code in codes(LEVEL1[peer]).values()}
        ),
        "EXCHANGE_RETRY_BASE_SECONDS": "5",
        "PROVINCE_NAME": PROVINCE[name],
        "PUBLIC_BASE_URL": f"http://{HOST}:{PORTS[name]}",
        "LOG_LEVEL": os.environ.get("LOG_LEVEL", "WARNING"),
    }


def run(name: str, *argv: str) -> str:
    done = subprocess.run(  # noqa: S603 (our own commands)
        [sys.executable, *argv], env=env(name), capture_output=True, text=True
    )
    if done.returncode != 0:
        sys.exit(f"[{name}] {' '.join(argv[:4])} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def tool(name: str, command: str, args: dict) -> dict:
    return json.loads(run(name, "-m", TOOL, command, json.dumps(args)).strip().splitlines()[-1])


def prepare(reset: bool) -> None:
    from chinhquyen.exchange.edxml.testing import P12_PASSPHRASE, make_ca, organisation_pkcs12

    if reset and DEMO.exists():
        shutil.rmtree(DEMO)
    for name in "AB":
        (DEMO / name).mkdir(parents=True, exist_ok=True)
    db_a, db_b = (DEMO / n / "chinhquyen.sqlite3" for n in "AB")
    print("Migrating the databases (first run: about a minute)…", flush=True)
    run("A", "-m", "chinhquyen", "migrate", "--noinput")
    if not db_b.exists():
        shutil.copyfile(db_a, db_b)  # the same migrated schema; B's data is its own from now
    run("B", "-m", "chinhquyen", "migrate", "--noinput")
    pki = DEMO / "pki"
    if not pki.exists():
        pki.mkdir()
        for name in "AB":
            ca = make_ca(f"CA thử nghiệm {LEVEL1[name]}")
            (pki / f"ca-{name}.pem").write_bytes(ca.pem())
            for key in ("stp", "sxd"):
                (pki / f"{name}-{key}.p12").write_bytes(
                    organisation_pkcs12(
                        ca,
                        common_name=f"{key.upper()} {LEVEL1[name]}",
                        organisation_code=codes(LEVEL1[name])[key],
                    )
                )
    for name in "AB":
        tool(
            name,
            "seed",
            {
                "level1": LEVEL1[name],
                "province": PROVINCE[name],
                "keys": {key: str(pki / f"{name}-{key}.p12") for key in ("stp", "sxd")},
                "trust": [str(pki / "ca-A.pem"), str(pki / "ca-B.pem")],
                "passphrase": P12_PASSPHRASE,
            },
        )
    run("A", "-m", "chinhquyen", "compile_translations")


def start(reset: bool = False) -> None:
    prepare(reset)
    children: list[subprocess.Popen] = []
    for name in "AB":
        for argv in (
            ["runserver", "--noreload", f"{HOST}:{PORTS[name]}"],
            ["exchange_worker", "--interval", "1"],
        ):
            children.append(
                subprocess.Popen(  # noqa: S603 (our own commands)
                    [sys.executable, "-m", "chinhquyen", *argv], env=env(name)
                )
            )
    b = codes(LEVEL1["B"])
    print(
        "\nTwo installations are running (Ctrl-C stops them all):\n"
        f"  A  province H37  http://{HOST}:{PORTS['A']}/   (node {codes('H37')['ubnd']})\n"
        f"  B  province H38  http://{HOST}:{PORTS['B']}/   (node {b['ubnd']})\n"
        f"Accounts on both (password {PASSWORD}): "
        + ", ".join(f"{a[0]} ({a[2]})" for a in ACCOUNTS)
        + "\nSee a document and a dossier cross: in another terminal run\n"
        f"  {sys.executable} tools/exchange_demo.py send\n"
        f"then sign in on B as vanthu → incoming documents, and as motcua_xd → dossiers; "
        f"on A, the outgoing document's recipient and the dossier's page "
        f"(/dossiers/<id>/transfer/) show B's answers.\n",
        flush=True,
    )

    def stop(*_):
        for child in children:
            if child.poll() is None:
                child.terminate()
        for child in children:
            try:
                child.wait(10)
            except subprocess.TimeoutExpired:
                child.kill()
        sys.exit(0)

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    while True:
        for child in children:
            if child.poll() is not None:
                print(f"A child process stopped ({child.args[3:5]}); stopping all.", flush=True)
                stop()
        time.sleep(1)


def send() -> None:
    a, b = codes(LEVEL1["A"]), codes(LEVEL1["B"])
    number = int(time.time()) % 9000 + 100
    issued, received, transferred = tool(
        "A",
        "batch",
        {
            "steps": [
                ["issue", {"sender_code": a["stp"], "recipient_code": b["stp"], "number": number}],
                ["receive_dossier", {"agency_code": a["stp"]}],
                ["transfer", {"agency_code": b["sxd"], "agency_name": "Sở Xây dựng tỉnh B"}],
            ]
        },
    )["results"]
    print(
        f"A issued document {number}/STP-HCTP to {b['stp']} (PDF SHA-256 "
        f"{issued['pdf_sha256'][:16]}…) and transferred dossier {received['code']} to "
        f"{b['sxd']} ({transferred['status']}). The workers deliver within seconds:\n"
        f"  B: http://{HOST}:{PORTS['B']}/documents/  (vanthu) and /dossiers/ (motcua_xd)\n"
        f"  A: http://{HOST}:{PORTS['A']}/dossiers/  (chuyenvien) → the dossier → "
        "“transfer to another province” page"
    )


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(
        description="Two ChinhQuyen installations (H37 on :8001, H38 on :8002) exchanging "
        "documents and dossiers. Without a command: start both; `send`: from another terminal, "
        "send a document and a dossier from A to B."
    )
    parser.add_argument(
        "command", nargs="?", choices=["send"], help="send a document and a dossier"
    )
    parser.add_argument("--reset", action="store_true", help="start afresh (delete the demo data)")
    options = parser.parse_args()
    send() if options.command == "send" else start(options.reset)
