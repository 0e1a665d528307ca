"""Integration platform benchmarks (issue 7): outbox delivery throughput and API p99 latency.

Everything runs against a private PostgreSQL cluster this script starts (``initdb`` in a
temporary folder, a free port, default durability, removed at the end; the helper of
``bench_documents_search``), or ``--database-url`` of a throw-away database. Nothing is mocked:
the workers are ``chinhquyen exchange_worker`` OS processes, the receivers real HTTP servers on
loopback, the API is served by gunicorn and driven by wrk.

1. **Outbox delivery.** ``--messages`` messages (bodies 5–50 KB, seeded random) are enqueued
   through ``outbox.enqueue`` (100 per transaction, as a real caller: audit entry, task row),
   held back (``next_attempt_at`` in the future), then released at once to 1, 2 and 4
   ``exchange_worker`` processes already running (``--interval 0.2``). Two receivers:

   * ``peer`` — a second ChinhQuyen installation (its own database in the same cluster,
     gunicorn, ``--receiver-workers`` sync workers) whose ``/exchange/inbox/`` checks the HMAC
     signature, the replay nonce, stores the message once and appends the hash-chained message
     log: the realistic one;
   * ``fast`` — a minimal asyncio HTTP server (one process) that only counts idempotency keys
     and answers 202: what is left is the sender's own cost.

   Reported per run: messages/s (from release to the last delivery), CPU per message of the
   workers, of the receiver and of the whole PostgreSQL server (sender and receiver databases:
   one cluster), p50/p95 of (delivered − released); and the exactly-once check: every outbox
   row delivered after one attempt, the receiver holds N distinct keys and saw N requests.
   A **paced** run then enqueues ``--paced-rate`` messages/s (default 3) for
   ``--paced-seconds`` (one per transaction) with one worker running: p50/p95 of
   (delivered − enqueued) is the latency a message sees when the queue is not backed up
   (bounded below by the worker's idle poll, 0.2 s here; ``exchange_worker``'s default is 5 s).

2. **API p99.** ``--dossiers`` dossiers (one real intake through ``receive_dossier``, cloned in
   SQL with its step run: the rows a status read touches), a system client of the agency with
   ``dossiers:read`` and the maximum rate limit (100,000/min, ``clients.MAX_RATE_PER_MINUTE``;
   the limit is counted per web process with the default local-memory cache), a token from the
   real ``/oauth/token/``; then ``wrk -c --connections -d --duration`` with a Lua script picking
   a random code per request on ``GET /api/v1/dossiers/{code}/status``, and on the public
   ``GET /api/v1/public/dossiers/{code}?phone=…`` (per-address limit raised for the bench in
   a generated settings module: every wrk request comes from 127.0.0.1). DEBUG off; gunicorn
   sync workers (``--web-workers``, default 2 × cores + 1, as gunicorn advises).

gunicorn is not a project dependency: ``.venv/bin/pip install gunicorn`` (bench only); wrk is
the Debian package ``wrk``. Without them the part that needs them is skipped with a note.

Run: ``.venv/bin/python bench/bench_exchange.py [--messages 5000] [--workers 1,2,4]
[--receivers peer,fast] [--dossiers 100000] [--connections 100] [--duration 30] [--repeat 1]``
(``make bench`` runs it through ``bench/run.py`` with smaller sizes; ``BENCH_EXCHANGE_ARGS``
in the environment overrides them). Not run in CI.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import datetime
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager, nullcontext
from urllib.parse import urlsplit

HERE = os.path.dirname(os.path.abspath(__file__))
SENDER = "BENCHSEND"
RECEIVER = "BENCHRECV"
FAST = "BENCHFAST"
SECRET = "bench-shared-secret-0123456789abcdef"  # noqa: S105 (loopback bench only)
KIND = "bench.note"
RESULTS: list[tuple[str, str]] = []


def report(name: str, value: str) -> None:
    RESULTS.append((name, value))
    # One tab-separated line per figure: bench/run.py relays these.
    print(f"RESULT\t{name}\t{value}", flush=True)


def load() -> str:
    return f"load {os.getloadavg()[0]:.1f}"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def proc_cpu(pid: int) -> float:
    """utime + stime of one process, seconds (0 once it is gone)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def tree_cpu(pid: int) -> float:
    """CPU of a process and its live children (gunicorn master and workers)."""
    total = proc_cpu(pid)
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def wait_http(url: str, timeout: float = 60, process=None) -> None:
    import requests

    deadline = time.monotonic() + timeout
    while True:
        try:
            requests.get(url, timeout=2)
            return
        except requests.RequestException:
            if time.monotonic() > deadline or (process is not None and process.poll() is not None):
                raise
            time.sleep(0.2)


# --- The minimal fast receiver --------------------------------------------------------------


def fast_receiver(port: int) -> None:
    """Answer every POST with 202 and a new id, counting idempotency keys; ``GET /_stats?p=X``
    returns the requests and distinct keys whose key starts with X."""
    seen: dict[str, int] = {}

    async def handle(reader, writer):
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                lines = head.decode("latin-1").split("\r\n")
                method, target, _version = lines[0].split(" ", 2)
                headers = {}
                for line in lines[1:]:
                    if ":" in line:
                        name, value = line.split(":", 1)
                        headers[name.strip().lower()] = value.strip()
                length = int(headers.get("content-length") or 0)
                if length:
                    await reader.readexactly(length)
                if method == "GET" and target.startswith("/_stats"):
                    prefix = target.partition("p=")[2]
                    hits = [n for k, n in seen.items() if k.startswith(prefix)]
                    payload = json.dumps({"requests": sum(hits), "distinct": len(hits)})
                    status = "200 OK"
                else:
                    key = headers.get("idempotency-key", "")
                    seen[key] = seen.get(key, 0) + 1
                    payload = json.dumps(
                        {"id": len(seen), "status": "received", "duplicate": seen[key] > 1}
                    )
                    status = "202 Accepted" if seen[key] == 1 else "200 OK"
                body = payload.encode()
                writer.write(
                    f"HTTP/1.1 {status}\r\nContent-Type: application/json\r\n"
                    f"Content-Length: {len(body)}\r\n\r\n".encode()
                    + body
                )
                await writer.drain()
                if headers.get("connection", "").lower() == "close":
                    break
        except (asyncio.IncompleteReadError, ConnectionError, ValueError):
            pass
        finally:
            writer.close()

    async def main():
        server = await asyncio.start_server(handle, "127.0.0.1", port, backlog=1024)
        async with server:
            await server.serve_forever()

    asyncio.run(main())


# --- Processes ------------------------------------------------------------------------------


def child_env(database_url: str, workdir: str, **extra: str) -> dict[str, str]:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DEBUG": "false",
        "LOG_LEVEL": "WARNING",
        "CHINHQUYEN_VAR_DIR": workdir,
        "PYTHONPATH": os.pathsep.join([workdir, os.environ.get("PYTHONPATH", "")]).strip(
            os.pathsep
        ),
        **extra,
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return env


def write_server_modules(workdir: str) -> None:
    """A settings module (bench limits) and a WSGI module that also registers the bench
    message kind (the receiver refuses kinds nobody handles)."""
    with open(os.path.join(workdir, "bench_settings.py"), "w") as out:
        out.write(
            "from chinhquyen.settings import *  # noqa: F403\n"
            "# Every wrk request comes from 127.0.0.1: lift the per-address look-up limit.\n"
            "DOSSIER_STATUS_RATE_PER_MINUTE = 10**9\n"
        )
    with open(os.path.join(workdir, "bench_wsgi.py"), "w") as out:
        out.write(
            "import os\n"
            "os.environ['DJANGO_SETTINGS_MODULE'] = 'bench_settings'\n"
            "from django.core.wsgi import get_wsgi_application\n"
            "application = get_wsgi_application()\n"
            "from chinhquyen.exchange import handlers\n"
            f"handlers.register({KIND!r}, lambda message: None)\n"
        )


def gunicorn_bin() -> str | None:
    candidate = os.path.join(os.path.dirname(sys.executable), "gunicorn")
    return candidate if os.path.exists(candidate) else shutil.which("gunicorn")


@contextmanager
def gunicorn(database_url: str, workdir: str, workers: int, **extra: str):
    """A ChinhQuyen instance under gunicorn (sync workers) on a free loopback port."""
    port = free_port()
    log = open(os.path.join(workdir, f"gunicorn-{port}.log"), "w")  # noqa: SIM115
    process = subprocess.Popen(  # noqa: S603
        [
            gunicorn_bin(),
            "bench_wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--backlog",
            "2048",
            "--timeout",
            "120",
            "--chdir",
            workdir,
        ],
        env=child_env(database_url, workdir, **extra),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_http(base + "/healthz", process=process)
        yield base, process.pid
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


# --- Outbox ---------------------------------------------------------------------------------


def enqueue_batch(prefix: str, count: int, destination: str, rng: random.Random) -> float:
    """Enqueue ``count`` messages, 100 per transaction; returns seconds."""
    from chinhquyen.audit.services import audited_atomic
    from chinhquyen.exchange.outbox import enqueue

    started = time.perf_counter()
    for first in range(0, count, 100):
        with audited_atomic():
            for i in range(first, min(first + 100, count)):
                size = rng.randint(5_000, 50_000)
                raw = rng.randbytes(size * 3 // 4)
                body = b'{"so":"%d/UBND-VP","dinh_kem":"' % i + base64.b64encode(raw) + b'"}'
                enqueue(
                    connector="peer",
                    destination=destination,
                    kind=KIND,
                    body=body,
                    content_type="application/json",
                    idempotency_key=f"{prefix}-{i:06d}",
                )
    return time.perf_counter() - started


def start_workers(count: int, database_url: str, workdir: str, peers: dict, interval: float):
    env = child_env(
        database_url,
        workdir,
        EXCHANGE_NODE_CODE=SENDER,
        EXCHANGE_PEERS=json.dumps(peers),
    )
    return [
        subprocess.Popen(  # noqa: S603
            [
                sys.executable,
                "-m",
                "chinhquyen",
                "exchange_worker",
                "--interval",
                str(interval),
                "--limit",
                "100",
            ],
            env=env,
            stdout=subprocess.DEVNULL,
        )
        for _ in range(count)
    ]


def stop_workers(processes) -> None:
    for process in processes:
        process.send_signal(signal.SIGTERM)
    for process in processes:
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()


def receiver_counts(kind: str, base: str, receiver_db: str, prefix: str) -> tuple[int, int]:
    """(requests that reached the receiver, distinct keys stored) for the run's keys."""
    if kind == "fast":
        import requests

        stats = requests.get(f"{base}/_stats?p={prefix}", timeout=10).json()
        return stats["requests"], stats["distinct"]
    import psycopg

    with psycopg.connect(receiver_db, autocommit=True) as conn:
        requests_seen = conn.execute(
            "SELECT count(*) FROM exchange_messagelogentry WHERE direction = 'in' "
            "AND idempotency_key LIKE %s",
            [prefix + "-%"],
        ).fetchone()[0]
        distinct = conn.execute(
            "SELECT count(DISTINCT idempotency_key) FROM exchange_inboxmessage "
            "WHERE idempotency_key LIKE %s",
            [prefix + "-%"],
        ).fetchone()[0]
    return requests_seen, distinct


def outbox_run(
    *, kind, workers, messages, base, receiver_pid, receiver_db, database_url, workdir, postmaster
):
    from bench_dossiers import server_cpu_seconds
    from django.db import connections
    from django.db.models import Sum
    from django.utils import timezone

    from chinhquyen.exchange.models import OutboxMessage

    destination = FAST if kind == "fast" else RECEIVER
    url = f"{base}/" if kind == "fast" else f"{base}/exchange/inbox/"
    prefix = f"{kind}-{workers}w-{time.time_ns()}"
    rng = random.Random(messages)
    enqueue_seconds = enqueue_batch(prefix, messages, destination, rng)
    rows = OutboxMessage.objects.filter(idempotency_key__startswith=prefix + "-")
    rows.update(next_attempt_at=timezone.now() + timezone.timedelta(days=1))
    size = rows.aggregate(total=Sum("body_size"))["total"]
    connections.close_all()
    processes = start_workers(
        workers, database_url, workdir, {destination: {"url": url, "secret": SECRET}}, 0.2
    )
    time.sleep(3)  # interpreters and Django started, idle-polling
    load_before = os.getloadavg()[0]
    cpu_workers = sum(proc_cpu(p.pid) for p in processes)
    cpu_receiver = tree_cpu(receiver_pid)
    cpu_server = server_cpu_seconds(postmaster) if postmaster else None
    released = timezone.now()
    rows.update(next_attempt_at=released)
    start = time.perf_counter()
    deadline = start + max(600, messages)
    while rows.exclude(status="delivered").exists():
        if time.perf_counter() > deadline or any(p.poll() is not None for p in processes):
            break
        time.sleep(0.1)
    elapsed = time.perf_counter() - start
    cpu_workers = sum(proc_cpu(p.pid) for p in processes) - cpu_workers
    cpu_receiver = tree_cpu(receiver_pid) - cpu_receiver
    cpu_server = server_cpu_seconds(postmaster) - cpu_server if postmaster else None
    load_after = os.getloadavg()[0]
    stop_workers(processes)
    delivered = rows.filter(status="delivered").count()
    attempts = rows.aggregate(total=Sum("attempts"))["total"] or 0
    latencies = [
        (at - released).total_seconds()
        for at in rows.filter(status="delivered").values_list("delivered_at", flat=True)
    ]
    seen, distinct = receiver_counts(kind, base, receiver_db, prefix)
    once = delivered == messages and attempts == messages and seen == distinct == messages
    verdict = (
        "exactly once"
        if once
        else f"CHECK FAILED delivered {delivered}, attempts {attempts}, "
        f"receiver requests {seen}, distinct {distinct}"
    )
    server = f", PostgreSQL {cpu_server / messages * 1000:.1f} ms" if cpu_server else ""
    report(
        f"outbox → {kind} receiver, {workers} worker(s), {messages} msgs "
        f"({size / messages / 1024:.0f} KB avg)",
        f"{messages / elapsed:.0f} msg/s ({elapsed:.1f} s); CPU/msg: worker "
        f"{cpu_workers / messages * 1000:.1f} ms, receiver {cpu_receiver / messages * 1000:.1f} ms"
        f"{server}; after release p50 {percentile(latencies, 0.5):.1f} s / p95 "
        f"{percentile(latencies, 0.95):.1f} s; {verdict}; load {load_before:.1f}→{load_after:.1f}"
        f"; enqueue {messages / enqueue_seconds:.0f} msg/s",
    )
    return once


def paced_run(*, kind, rate, seconds, base, receiver_db, database_url, workdir):
    from django.db.models import Sum

    from chinhquyen.exchange.models import OutboxMessage

    destination = FAST if kind == "fast" else RECEIVER
    url = f"{base}/" if kind == "fast" else f"{base}/exchange/inbox/"
    prefix = f"paced-{kind}-{time.time_ns()}"
    processes = start_workers(
        1, database_url, workdir, {destination: {"url": url, "secret": SECRET}}, 0.2
    )
    time.sleep(3)
    rng = random.Random(7)
    total = int(rate * seconds)
    load_before = os.getloadavg()[0]
    start = time.perf_counter()
    for i in range(total):
        target = start + i / rate
        pause = target - time.perf_counter()
        if pause > 0:
            time.sleep(pause)
        enqueue_batch(f"{prefix}-{i:06d}", 1, destination, rng)
    rows = OutboxMessage.objects.filter(idempotency_key__startswith=prefix + "-")
    deadline = time.perf_counter() + 120
    while rows.exclude(status="delivered").exists() and time.perf_counter() < deadline:
        time.sleep(0.1)
    stop_workers(processes)
    latencies = [
        (delivered - created).total_seconds()
        for created, delivered in rows.filter(status="delivered").values_list(
            "created_at", "delivered_at"
        )
    ]
    attempts = rows.aggregate(total=Sum("attempts"))["total"] or 0
    seen, distinct = receiver_counts(kind, base, receiver_db, prefix)
    ok = len(latencies) == attempts == seen == distinct == total
    report(
        f"outbox → {kind} receiver, paced {rate:g} msg/s for {seconds} s, 1 worker",
        f"from enqueue p50 {percentile(latencies, 0.5) * 1000:.0f} ms / p95 "
        f"{percentile(latencies, 0.95) * 1000:.0f} ms / max "
        f"{max(latencies, default=float('nan')) * 1000:.0f} ms "
        f"(idle poll 0.2 s); {'exactly once' if ok else 'CHECK FAILED'} ({total} msgs); "
        f"load {load_before:.1f}→{os.getloadavg()[0]:.1f}",
    )


def bench_outbox(options, database_url: str, receiver_db: str, workdir: str) -> None:
    from bench_dossiers import _server_pids

    postmaster = (_server_pids() or (None,))[0]
    fast_port = free_port()
    fast = None
    import multiprocessing

    for kind in options.receivers:
        if kind == "fast":
            fast = multiprocessing.get_context("spawn").Process(
                target=fast_receiver, args=(fast_port,), daemon=True
            )
            fast.start()
            base = f"http://127.0.0.1:{fast_port}"
            wait_http(base + "/_stats?p=")
            server = nullcontext((base, fast.pid))
        else:
            if gunicorn_bin() is None:
                report("outbox → peer receiver", "SKIPPED: gunicorn missing (pip install)")
                continue
            peers = json.dumps({SENDER: {"url": "", "secret": SECRET}})
            server = gunicorn(
                receiver_db,
                workdir,
                options.receiver_workers,
                EXCHANGE_NODE_CODE=RECEIVER,
                EXCHANGE_PEERS=peers,
            )
        with server as (base, pid):
            for _ in range(options.repeat):
                for workers in options.workers:
                    outbox_run(
                        kind=kind,
                        workers=workers,
                        messages=options.messages,
                        base=base,
                        receiver_pid=pid,
                        receiver_db=receiver_db,
                        database_url=database_url,
                        workdir=workdir,
                        postmaster=postmaster,
                    )
            if options.paced_seconds:
                paced_run(
                    kind=kind,
                    rate=options.paced_rate,
                    seconds=options.paced_seconds,
                    base=base,
                    receiver_db=receiver_db,
                    database_url=database_url,
                    workdir=workdir,
                )
        if fast is not None and fast.is_alive():
            fast.terminate()
            fast.join(5)
            fast = None


# --- API ------------------------------------------------------------------------------------

WRK_SCRIPT = """
local days = {%(days)s}
local per_day = %(per_day)d
local count = %(count)d
local path = "%(path)s"
local query = "%(query)s"
local agency = "%(agency)s"
local counter = 0
function setup(thread)
  counter = counter + 1
  thread:set("seed", counter)
end
function init(args)
  math.randomseed(os.time() * 1000 + seed)
end
request = function()
  local n = math.random(0, count - 1)
  local day = days[(n // per_day) + 1]
  local code = agency .. "-" .. day .. "-" .. string.format("%%04d", n %% per_day + 1)
  return wrk.format("GET", string.format(path, code) .. query, {["Authorization"] = "%(auth)s"})
end
"""


def make_dossiers(count: int, per_day: int = 1000):
    """One real intake, cloned ``count`` times in SQL (dossier row and its step run) under
    codes ``<agency>-<yymmdd>-<nnnn>`` of 2024 days; returns (agency, day strings, user)."""
    from bench_dossiers import _setup
    from django.db import connection

    from chinhquyen.dossiers.models import Dossier, DossierStepRun
    from chinhquyen.dossiers.services import receive_dossier

    procedure, agency, _communes, user = _setup()
    template = receive_dossier(
        procedure=procedure,
        receiving_agency=agency,
        channel="counter",
        applicant={"name": "Nguyễn Văn Mẫu", "phone": "0912345678", "id_number": "008090000001"},
        acting_user=user,
    )
    table = Dossier._meta.db_table
    steps = DossierStepRun._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = %s "
            "AND column_name NOT IN ('id', 'code') ORDER BY ordinal_position",
            [table],
        )
        columns = [row[0] for row in cursor.fetchall()]
        cols = ", ".join(f'"{c}"' for c in columns)
        started = time.perf_counter()
        cursor.execute(
            f'INSERT INTO "{table}" ("code", {cols}) '  # noqa: S608 (our own identifiers)
            f"SELECT %s || '-' || to_char(date '2024-01-01' + (g / %s), 'YYMMDD') || '-' || "
            f"lpad((g %% %s + 1)::text, 4, '0'), {cols} "
            f'FROM "{table}" t, generate_series(0, %s - 1) g WHERE t.id = %s',
            [agency.qcvn_code, per_day, per_day, count, template.pk],
        )
        cursor.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = %s "
            "AND column_name NOT IN ('id', 'dossier_id') ORDER BY ordinal_position",
            [steps],
        )
        step_cols = ", ".join(f's."{row[0]}"' for row in cursor.fetchall())
        cursor.execute(
            f'INSERT INTO "{steps}" ("dossier_id", {step_cols.replace("s.", "")}) '  # noqa: S608
            f'SELECT d.id, {step_cols} FROM "{table}" d, "{steps}" s '
            "WHERE s.dossier_id = %s AND d.code LIKE %s",
            [template.pk, f"{agency.qcvn_code}-24%"],
        )
        cursor.execute(f'ANALYZE "{table}"; ANALYZE "{steps}"')
    report(
        f"API: {count} dossiers cloned in SQL (with step runs)",
        f"{time.perf_counter() - started:.1f} s",
    )
    days = [
        (datetime.date(2024, 1, 1) + datetime.timedelta(days=d)).strftime("%y%m%d")
        for d in range((count + per_day - 1) // per_day)
    ]
    return agency, days, user


def statements_per_request(path: str, headers: dict) -> int:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1", **headers)
    client.get(path)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, (response.status_code, response.content[:300])
    return len(queries)


def run_wrk(base: str, script: str, workdir: str, connections: int, duration: int) -> dict:
    path = os.path.join(workdir, f"wrk-{time.time_ns()}.lua")
    with open(path, "w") as out:
        out.write(script)
    threads = min(4, connections)
    result = subprocess.run(  # noqa: S603
        [
            shutil.which("wrk"),
            f"-t{threads}",
            f"-c{connections}",
            f"-d{duration}s",
            "--timeout",
            "30s",
            "--latency",
            "-s",
            path,
            base,
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    text = result.stdout

    def ms(label: str) -> float:
        found = re.search(rf"^\s*{label}%\s+([\d.]+)(us|ms|s)\s*$", text, re.M)
        if not found:
            return float("nan")
        value, unit = float(found.group(1)), found.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    total = int(re.search(r"(\d+) requests in", text).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    sockets = re.search(r"Socket errors: (.*)", text)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1)),
        "p50": ms("50"),
        "p90": ms("90"),
        "p99": ms("99"),
        "total": total,
        "non2xx": int(non2xx.group(1)) if non2xx else 0,
        "socket": sockets.group(1) if sockets else "none",
        "raw": text,
    }


def bench_api(options, database_url: str, workdir: str) -> None:
    import requests
    from bench_dossiers import _server_pids, server_cpu_seconds

    from chinhquyen.exchange.clients import MAX_RATE_PER_MINUTE, create_client

    if gunicorn_bin() is None or shutil.which("wrk") is None:
        report("API p99", "SKIPPED: needs gunicorn (pip install) and wrk (apt-get install wrk)")
        return
    agency, days, user = make_dossiers(options.dossiers)
    issued = create_client(
        name="Bench portal connector",
        organisation=agency,
        scopes=["dossiers:read"],
        rate_limit_per_minute=MAX_RATE_PER_MINUTE,
        acting_user=user,
    )
    client_id = issued.client.application.client_id
    postmaster = (_server_pids() or (None,))[0]
    from django.db import connections

    connections.close_all()
    with gunicorn(database_url, workdir, options.web_workers) as (base, pid):
        token = requests.post(
            base + "/oauth/token/",
            data={"grant_type": "client_credentials"},
            auth=(client_id, issued.secret),
            timeout=30,
        ).json()["access_token"]
        auth = f"Bearer {token}"
        sample = f"{agency.qcvn_code}-{days[0]}-0001"
        checks = {
            "system": (f"/api/v1/dossiers/{sample}/status", {"HTTP_AUTHORIZATION": auth}),
            "public": (f"/api/v1/public/dossiers/{sample}?phone=0912345678", {}),
        }
        for name, (path, headers) in checks.items():
            response = requests.get(
                base + path,
                headers={"Authorization": auth} if headers else {},
                timeout=30,
            )
            assert response.status_code == 200, (name, response.status_code, response.text)
        statements = {
            name: statements_per_request(path, headers) for name, (path, headers) in checks.items()
        }
        connections.close_all()
        endpoints = [
            ("system", "/api/v1/dossiers/%s/status", ""),
            ("public", "/api/v1/public/dossiers/%s", "?phone=0912345678"),
        ]
        for _ in range(options.repeat):
            for name, path, query in endpoints:
                if name not in options.endpoints:
                    continue
                script = WRK_SCRIPT % {
                    "days": ", ".join(f'"{d}"' for d in days),
                    "per_day": 1000,
                    "count": options.dossiers,
                    "path": path,
                    "query": query,
                    "agency": agency.qcvn_code,
                    "auth": auth,
                }
                # Unmeasured first: every web process warms up (imports, URL resolver,
                # prepared statements) as a long-running server would be.
                run_wrk(base, script, workdir, options.connections, options.warmup)
                load_before = os.getloadavg()[0]
                web_before = tree_cpu(pid)
                server_before = server_cpu_seconds(postmaster) if postmaster else None
                result = run_wrk(base, script, workdir, options.connections, options.duration)
                web = tree_cpu(pid) - web_before
                server = server_cpu_seconds(postmaster) - server_before if postmaster else None
                n = max(result["total"], 1)
                server_text = f", PostgreSQL {server / n * 1000:.2f} ms" if server else ""
                label = (
                    "GET /api/v1/dossiers/{code}/status (system client)"
                    if name == "system"
                    else "GET /api/v1/public/dossiers/{code}?phone= (public)"
                )
                report(
                    f"API {label}, {options.connections} conns {options.duration} s, "
                    f"{options.web_workers} gunicorn workers",
                    f"{result['rps']:.0f} req/s; p50 {result['p50']:.0f} / p90 "
                    f"{result['p90']:.0f} / p99 {result['p99']:.0f} ms; errors: non-2xx "
                    f"{result['non2xx']}, socket {result['socket']}; CPU/req: web "
                    f"{web / n * 1000:.2f} ms{server_text}; {statements[name]} SQL/req; "
                    f"load {load_before:.1f}→{os.getloadavg()[0]:.1f}",
                )


# --- Main -----------------------------------------------------------------------------------


def createdb_copy(database_url: str, name: str) -> str:
    """A copy of the migrated database (``CREATE DATABASE … TEMPLATE``): the receiver."""
    import psycopg

    parts = urlsplit(database_url)
    admin = parts._replace(path="/postgres").geturl()
    source = parts.path.lstrip("/")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{source}"')
    return parts._replace(path=f"/{name}").geturl()


def parse(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=5000)
    parser.add_argument("--workers", default="1,2,4", help="worker counts (default: %(default)s)")
    parser.add_argument("--receivers", default="peer,fast", help="peer, fast or both")
    parser.add_argument("--receiver-workers", type=int, default=4, help="gunicorn, peer receiver")
    # Well under one worker's capacity on a busy 2-core machine: the figure is the latency of
    # a message that does not queue behind others.
    parser.add_argument("--paced-rate", type=float, default=3.0)
    parser.add_argument("--paced-seconds", type=int, default=20, help="0: no paced run")
    parser.add_argument("--dossiers", type=int, default=100_000)
    parser.add_argument("--connections", type=int, default=100)
    parser.add_argument("--duration", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=5, help="unmeasured wrk seconds first")
    parser.add_argument("--web-workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument("--endpoints", default="system,public")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--skip", default="", help="outbox and/or api")
    parser.add_argument("--database-url", default="", help="throw-away PostgreSQL database")
    options = parser.parse_args(argv)
    options.workers = [int(w) for w in options.workers.split(",") if w]
    options.receivers = [r for r in options.receivers.split(",") if r]
    options.endpoints = [e for e in options.endpoints.split(",") if e]
    options.skip = [s for s in options.skip.split(",") if s]
    return options


def main(argv=None) -> int:
    options = parse(argv)
    sys.path.insert(0, HERE)
    from bench_documents_search import private_postgres

    workdir = tempfile.mkdtemp(prefix="chinhquyen-bench-exchange-")
    write_server_modules(workdir)
    os.environ["CHINHQUYEN_VAR_DIR"] = workdir
    os.environ["DEBUG"] = "false"
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench_settings"
    sys.path.insert(0, workdir)
    cluster = nullcontext(options.database_url) if options.database_url else private_postgres()
    print(f"machine: {os.cpu_count()} cores, {load()} at start", flush=True)
    with cluster as database_url:
        os.environ["DATABASE_URL"] = database_url
        import django

        django.setup()
        from django.conf import settings
        from django.core.management import call_command
        from django.db import connections

        settings.DEBUG = False
        started = time.perf_counter()
        call_command("migrate", verbosity=0, interactive=False)
        connections.close_all()
        receiver_db = createdb_copy(database_url, "bench_receiver")
        print(f"migrated in {time.perf_counter() - started:.0f} s", flush=True)
        if "outbox" not in options.skip:
            bench_outbox(options, database_url, receiver_db, workdir)
        if "api" not in options.skip:
            bench_api(options, database_url, workdir)
        connections.close_all()
    shutil.rmtree(workdir, ignore_errors=True)
    print("\nSummary (" + load() + " at end)")
    for name, value in RESULTS:
        print(f"  {name}\n      {value}")
    return 0


def run(report_to, argv: list[str] | None = None) -> None:
    """From bench/run.py: a separate process (its own PostgreSQL and Django settings); sizes
    from ``BENCH_EXCHANGE_ARGS`` (default: 1,000 messages, 1/2/4 workers, both receivers,
    100,000 dossiers, 100 connections for 30 s; about 20 minutes on a busy 2-core machine).
    ``make bench BENCH_EXCHANGE_ARGS="--messages 5000 --repeat 3"`` for the full figures."""
    if argv is None:
        argv = (os.environ.get("BENCH_EXCHANGE_ARGS") or "--messages 1000").split()
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE",)}
    env.pop("DATABASE_URL", None)  # its own cluster, never the caller's database
    process = subprocess.Popen(  # noqa: S603
        [sys.executable, os.path.abspath(__file__), *argv],
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    for line in process.stdout:
        if line.startswith("RESULT\t"):
            _tag, name, value = line.rstrip("\n").split("\t", 2)
            report_to(name, value)
    if process.wait() != 0:
        report_to("bench_exchange", f"FAILED (exit {process.returncode})")


if __name__ == "__main__":
    sys.exit(main())
