"""Full-text search of official documents over a million documents on PostgreSQL (issue 5).

Starts a private PostgreSQL cluster (``initdb`` in a temporary folder, a free port, removed at
the end; or ``--database-url`` of a throw-away database), migrates it, generates
``--documents`` documents (default 1,000,000: 80 % incoming, 20 % outgoing) with realistic
Vietnamese summaries from ``documents.demo`` (Zipf-distributed subjects, "V/v …", "Kế hoạch …",
"Báo cáo …"), numbers and notations, signers, issuers; 30 % of the paper ones carry ~1 KB of
"OCR" text in their search text; three quarters of the incoming ones are assigned to a
division (some to a named specialist), 1 % are secret. Rows are written with ``COPY`` and the
search indexes built afterwards (timed separately); the stored ``search_text`` is what
``services.search.document_search_text`` computes (checked on a sample).

Then it runs a realistic query mix through the real ``search_documents`` (access filter,
capped count, page of ids, page rows, highlighting) as a clerk and a leader of the busiest
department, a leader of the provincial committee (sees every agency) and a specialist, and
reports p50/p95/p99 of the wall time per search, the worst queries and their plans.

Run: ``.venv/bin/python bench/bench_documents_search.py [--documents N] [--repeat R]``
(``make bench`` runs it with the defaults). Not run in CI.
"""

from __future__ import annotations

import argparse
import contextlib
import glob
import io
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from types import SimpleNamespace

YEARS = (2024, 2025, 2026)
DEPARTMENTS = 20
DIVISIONS = 3
COMMUNES = 100


def log(name: str, value: str) -> None:
    print(f"{name:<62} {value}", flush=True)


# --- A private PostgreSQL ---------------------------------------------------------------


def _pg_bin() -> str:
    for path in [
        *sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True),
        "/usr/local/pgsql/bin",
    ]:
        if os.path.exists(os.path.join(path, "initdb")):
            return path
    found = shutil.which("initdb")
    if found:
        return os.path.dirname(found)
    raise SystemExit("PostgreSQL binaries (initdb, pg_ctl) not found")


def _as_postgres(command: list[str]) -> list[str]:
    # initdb refuses to run as root: run the server as the postgres user then.
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


@contextlib.contextmanager
def private_postgres():
    """Yield a DATABASE_URL of a fresh cluster; stop and remove it afterwards."""
    bindir = _pg_bin()
    root = tempfile.mkdtemp(prefix="chinhquyen-bench-pg-")
    data = os.path.join(root, "data")
    if os.geteuid() == 0:
        shutil.chown(root, "postgres")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    subprocess.run(  # noqa: S603
        _as_postgres(
            [f"{bindir}/initdb", "-D", data, "-A", "trust", "-U", "postgres", "-E", "UTF8"]
            + ["--locale=C.UTF-8"]
        ),
        check=True,
        stdout=subprocess.DEVNULL,
    )
    # A modest production-like memory setting; durability stays on (fsync off only speeds
    # the load, not the searches, which read).
    options = (
        f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c shared_buffers=1GB "
        "-c work_mem=16MB -c maintenance_work_mem=1GB -c max_wal_size=4GB "
        "-c effective_cache_size=8GB -c random_page_cost=1.1"
    )
    subprocess.run(  # noqa: S603
        _as_postgres(
            [f"{bindir}/pg_ctl", "-D", data, "-o", options, "-l", f"{root}/log", "-w", "start"]
        ),
        check=True,
        stdout=subprocess.DEVNULL,
    )
    try:
        subprocess.run(  # noqa: S603
            [f"{bindir}/createdb", "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "bench"],
            check=True,
        )
        yield f"postgres://postgres@127.0.0.1:{port}/bench"
    finally:
        subprocess.run(  # noqa: S603
            _as_postgres([f"{bindir}/pg_ctl", "-D", data, "-m", "fast", "stop"]),
            check=False,
            stdout=subprocess.DEVNULL,
        )
        shutil.rmtree(root, ignore_errors=True)


# --- Data ---------------------------------------------------------------------------------


def _setup_tree():
    """The bench province: a committee, departments with divisions, communes; personas."""
    from chinhquyen.accounts.choices import Role
    from chinhquyen.directory.choices import OrganisationKind as Kind
    from chinhquyen.directory.services import create_organisation

    root = create_organisation(name="Ủy ban nhân dân tỉnh Bench", kind=Kind.PEOPLES_COMMITTEE)
    names = [
        "Sở Nội vụ", "Sở Tư pháp", "Sở Tài chính", "Sở Xây dựng", "Sở Y tế",
        "Sở Giáo dục và Đào tạo", "Sở Khoa học và Công nghệ", "Sở Nông nghiệp và Môi trường",
        "Sở Công Thương", "Sở Văn hóa, Thể thao và Du lịch", "Sở Dân tộc và Tôn giáo",
        "Thanh tra tỉnh", "Văn phòng Ủy ban nhân dân tỉnh", "Sở Ngoại vụ",
        "Ban Quản lý các khu công nghiệp", "Sở Giao thông", "Sở Lao động", "Sở Kế hoạch",
        "Sở Tài nguyên", "Sở Thông tin",
    ]  # fmt: skip
    departments, divisions, communes = [], {}, []
    for d in range(DEPARTMENTS):
        dep = create_organisation(parent=root, name=names[d], kind=Kind.DEPARTMENT)
        departments.append(dep)
        divisions[dep.pk] = [
            create_organisation(parent=dep, name=f"Phòng {p + 1} {names[d]}", kind=Kind.DIVISION)
            for p in range(DIVISIONS)
        ]
    for c in range(COMMUNES):
        communes.append(
            create_organisation(
                parent=root, name=f"Ủy ban nhân dân xã Bench {c:03d}", kind=Kind.COMMUNE_COMMITTEE
            )
        )

    busiest = departments[0]
    people = _personas(root, busiest, divisions[busiest.pk][0], communes[0])
    specialists = {
        division.pk: _persona(f"bench_sp_{division.pk}", division, Role.SPECIALIST)
        for units in divisions.values()
        for division in units
    }
    specialists[divisions[busiest.pk][0].pk] = people["specialist"]
    # Agencies without divisions (the committee, the communes) draft their own documents: one
    # author each, so no persona is the author of other agencies' documents.
    for agency in [root, *communes]:
        specialists[agency.pk] = _persona(f"bench_author_{agency.pk}", agency, Role.SPECIALIST)
    return root, departments, divisions, communes, people, specialists


def _persona(username, organisation, role):
    from chinhquyen.accounts.services import assign_role
    from chinhquyen.directory.services import create_official

    official = create_official(username=username, full_name=username, organisation=organisation)
    assign_role(official=official, role=role, organisation=organisation)
    return official


def _personas(root, busiest, division, commune) -> dict:
    """Who searches: one per kind of scope (see docs/benchmarks.md)."""
    from chinhquyen.accounts.choices import Role

    return {
        "clerk": _persona("bench_clerk", busiest, Role.CLERK),
        "leader": _persona("bench_leader", busiest, Role.AGENCY_LEADER),
        "province": _persona("bench_province", root, Role.AGENCY_LEADER),
        "specialist": _persona("bench_specialist", division, Role.SPECIALIST),
        "commune_clerk": _persona("bench_commune_clerk", commune, Role.CLERK),
        "division_leader": _persona("bench_division_leader", division, Role.DIVISION_LEADER),
        "admin": _persona("bench_admin", root, Role.SYSTEM_ADMIN),
    }


def _books(agencies):
    from chinhquyen.documents.models import RegistrationBook

    rows = [
        RegistrationBook(
            organisation=agency,
            year=year,
            direction=direction,
            code=code + ("-mat" if secret else ""),
            name=f"Sổ {code} {year}",
            is_secret=secret,
        )
        for agency in agencies
        for year in YEARS
        for direction, code in (("incoming", "den"), ("outgoing", "di"))
        for secret in (False, True)
    ]
    RegistrationBook.objects.bulk_create(rows, batch_size=1000)
    return {(b.organisation_id, b.year, b.direction, b.is_secret): b for b in rows}


def _copy(cursor, table: str, columns: list[str], rows) -> int:
    count = 0
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:  # noqa: S608
        for row in rows:
            copy.write_row(row)
            count += 1
    return count


def _columns(model, skip=()) -> list[str]:
    return [f.column for f in model._meta.concrete_fields if f.column not in skip]


def generate(total: int, seed: int = 5) -> dict:
    """Write ``total`` documents; returns timings and the ids used by the query mix."""
    from django.db import connection
    from django.utils import timezone

    from chinhquyen.documents.access_keys import incoming_tokens, outgoing_tokens, pack
    from chinhquyen.documents.demo import OUTSIDE_ISSUERS, SIGNERS, make_body, make_subject
    from chinhquyen.documents.models import (
        Assignment,
        DocumentType,
        IncomingDocument,
        OutgoingDocument,
        RegistrationBook,
    )
    from chinhquyen.documents.services.search import SEARCH_TEXT_MAX
    from chinhquyen.procedures.search import padded

    rng = random.Random(seed)  # noqa: S311
    t0 = time.perf_counter()
    root, departments, divisions, communes, people, specialists = _setup_tree()
    agencies = [root, *departments, *communes]
    # Departments receive most; the first one (the personas') the most.
    weights = [8] + [14 - d * 0.5 for d in range(DEPARTMENTS)] + [0.25] * COMMUNES
    weights[1] = 40
    books = _books(agencies)
    types = {t.code: t for t in DocumentType.objects.all()}
    clerk_user_id = people["clerk"].user_id
    commune_names = [c.name.replace("Ủy ban nhân dân ", "") for c in communes[:20]]
    bodies = [make_body(rng, rng.choice(OUTSIDE_ISSUERS)[0]) for _i in range(3000)]
    folded_bodies = [padded(body) for body in bodies]
    folded_types = {code: t.name for code, t in types.items()}
    counters: dict[tuple, int] = {}
    n_incoming = total * 4 // 5
    n_outgoing = total - n_incoming
    start = timezone.make_aware(timezone.datetime(YEARS[0], 1, 2, 7))
    end = timezone.make_aware(timezone.datetime(YEARS[-1], 11, 20, 17))
    span = (end - start).total_seconds()
    in_columns = _columns(IncomingDocument)
    out_columns = _columns(OutgoingDocument)
    as_columns = _columns(Assignment)
    sample_check = []
    ids = {"notations": []}

    def incoming_rows(assignments: list):
        for i in range(n_incoming):
            pk = i + 1
            moment = start + timezone.timedelta(seconds=span * i / n_incoming)
            agency = rng.choices(agencies, weights=weights)[0]
            type_code, subject = make_subject(rng, moment.year, commune_names)
            issuer, short = rng.choice(OUTSIDE_ISSUERS)
            secret = rng.random() < 0.01
            key = (agency.pk, moment.year, "incoming", secret)
            counters[key] = counters.get(key, 0) + 1
            number = str(rng.randint(1, 4000))
            abbreviation = types[type_code].abbreviation
            notation = f"{abbreviation}-{short}" if abbreviation else f"{short}-VP"
            position, signer = rng.choice(SIGNERS)
            paper = rng.random() < 0.4
            age = (end - moment).days
            status = (
                "completed"
                if age > 30 and rng.random() < 0.85
                else rng.choice(["registered", "assigned", "in_progress"])
            )
            if secret and status == "registered":
                status = "assigned"
            text = padded(
                subject,
                f"{number}/{notation}",
                signer,
                position,
                "",
                folded_types[type_code],
                issuer,
                "",
                str(counters[key]),
            )
            if paper and rng.random() < 0.3:
                text = (text.rstrip() + rng.choice(folded_bodies))[:SEARCH_TEXT_MAX]
            if i % 50_000 == 7:
                sample_check.append(pk)
            if i % 997 == 0 and len(ids["notations"]) < 40:
                ids["notations"].append(f"{number}/{notation}")
            row = {
                "id": pk,
                "document_type_id": types[type_code].pk,
                "subject": subject,
                "issued_date": (moment - timezone.timedelta(days=rng.randint(0, 5))).date(),
                "language": "vi",
                "page_count": rng.randint(1, 15),
                "description": "",
                "signer_position": position,
                "signer_name": signer,
                "urgency": "urgent" if rng.random() < 0.08 else "normal",
                "secrecy": "confidential" if secret else "none",
                "due_date": None,
                "file_code": "",
                "file_ordinal": None,
                "search_text": text,
                "text_status": "extracted" if paper else "not_needed",
                "created_at": moment,
                "updated_at": moment,
                "organisation_id": agency.pk,
                "book_id": books[key].pk,
                "arrival_number": counters[key],
                "arrived_at": moment,
                "channel": "paper" if paper else "exchange",
                "status": status,
                "issuer_name": issuer,
                "issuer_code": "",
                "issuer_id": None,
                "number": number,
                "notation": notation,
                "to_places": "",
                "source_recipient_id": None,
                "exchange_document_id": "",
                "registered_by_id": clerk_user_id if agency == departments[0] else None,
                "completed_at": moment + timezone.timedelta(days=7)
                if status == "completed"
                else None,
            }
            assigned = []
            if status != "registered":
                units = divisions.get(agency.pk) or [agency]
                unit = rng.choice(units)
                named = specialists.get(unit.pk) if (secret or rng.random() < 0.5) else None
                assigned.append((unit.pk, named.pk if named else None))
                assignments.append(
                    (pk, unit.pk, named.pk if named else None, moment, status == "completed")
                )
            # The access keys the models would store (documents.access_keys).
            row["access_keys"] = pack(incoming_tokens(SimpleNamespace(**row), assigned))
            yield [row[column] for column in in_columns]

    def outgoing_rows():
        for i in range(n_outgoing):
            pk = i + 1
            moment = start + timezone.timedelta(seconds=span * i / n_outgoing)
            agency = rng.choices(agencies, weights=weights)[0]
            type_code, subject = make_subject(rng, moment.year, commune_names)
            secret = rng.random() < 0.01
            key = (agency.pk, moment.year, "outgoing", secret)
            counters[key] = counters.get(key, 0) + 1
            abbreviation = types[type_code].abbreviation
            notation = f"{abbreviation}-BENCH" if abbreviation else "BENCH-VP"
            position, signer = rng.choice(SIGNERS)
            code = f"{counters[key]:02d}/{notation}"
            drafting = rng.choice(divisions.get(agency.pk) or [agency])
            author = specialists[drafting.pk]
            text = padded(
                subject, code, signer, position, "", folded_types[type_code], agency.name, ""
            )
            row = {
                "id": pk,
                "document_type_id": types[type_code].pk,
                "subject": subject,
                "issued_date": moment.date(),
                "language": "vi",
                "page_count": rng.randint(1, 10),
                "description": "",
                "signer_position": position,
                "signer_name": signer,
                "urgency": "normal",
                "secrecy": "confidential" if secret else "none",
                "due_date": None,
                "file_code": "",
                "file_ordinal": None,
                "search_text": text,
                "text_status": "not_needed",
                "created_at": moment,
                "updated_at": moment,
                "organisation_id": agency.pk,
                "drafting_unit_id": drafting.pk,
                "status": "issued",
                "place": "Tuyên Quang",
                "body": "",
                "signer_id": None,
                "signer_competence": "",
                "book_id": books[key].pk,
                "number": counters[key],
                "notation": notation,
                "copies": 1,
                "reply_to_id": None,
                "created_by_id": author.user_id,
                "numbered_at": moment,
                "issued_at": moment,
            }
            row["access_keys"] = pack(outgoing_tokens(SimpleNamespace(**row), []))
            yield [row[column] for column in out_columns]

    setup_seconds = time.perf_counter() - t0
    drop_search_indexes()
    t1 = time.perf_counter()
    assignments: list = []
    with connection.cursor() as cursor:
        raw = cursor.connection.cursor()
        written_in = _copy(
            raw, "documents_incomingdocument", in_columns, incoming_rows(assignments)
        )
        written_out = _copy(raw, "documents_outgoingdocument", out_columns, outgoing_rows())
        leader_user_id = people["leader"].user_id
        as_rows = (
            {
                "id": n + 1,
                "document_id": document,
                "parent_id": None,
                "role": "lead",
                "unit_id": unit,
                "assignee_id": assignee,
                "instruction": "",
                "due_at": moment + timezone.timedelta(days=10),
                "status": "completed" if done else "in_progress",
                "assigned_by_id": leader_user_id,
                "assigned_at": moment,
                "completed_at": moment + timezone.timedelta(days=7) if done else None,
                "result": "",
                "result_document_id": None,
                "reminded_at": None,
            }
            for n, (document, unit, assignee, moment, done) in enumerate(assignments)
        )
        written_as = _copy(
            raw, "documents_assignment", as_columns, ([r[c] for c in as_columns] for r in as_rows)
        )
        for table in (
            "documents_incomingdocument",
            "documents_outgoingdocument",
            "documents_assignment",
        ):
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"  # noqa: E501, S608
            )
    for key, last in counters.items():
        RegistrationBook.objects.filter(
            organisation_id=key[0], year=key[1], direction=key[2], is_secret=key[3]
        ).update(last_number=last)
    load_seconds = time.perf_counter() - t1
    t2 = time.perf_counter()
    create_search_indexes()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE documents_incomingdocument")
        cursor.execute("VACUUM ANALYZE documents_outgoingdocument")
        cursor.execute("VACUUM ANALYZE documents_assignment")
    index_seconds = time.perf_counter() - t2
    return {
        "setup": setup_seconds,
        "load": load_seconds,
        "index": index_seconds,
        "incoming": written_in,
        "outgoing": written_out,
        "assignments": written_as,
        "people": people,
        "departments": departments,
        "sample": sample_check,
        "notations": ids["notations"],
    }


def reused() -> dict:
    from chinhquyen.accounts.choices import Role
    from chinhquyen.directory.models import Official, Organisation
    from chinhquyen.documents.models import IncomingDocument

    names = ("clerk", "leader", "province", "specialist", "commune_clerk")
    people = {name: Official.objects.get(user__username=f"bench_{name}") for name in names}
    # Personas added after a database was generated.
    division = people["specialist"].organisation
    root = Organisation.get_first_root_node()
    for name, organisation, role in (
        ("division_leader", division, Role.DIVISION_LEADER),
        ("admin", root, Role.SYSTEM_ADMIN),
    ):
        found = Official.objects.filter(user__username=f"bench_{name}").first()
        people[name] = found or _persona(f"bench_{name}", organisation, role)
    step = max(1, IncomingDocument.objects.count() // 40)
    notations = [
        f"{number}/{notation}"
        for number, notation in IncomingDocument.objects.filter(id__in=range(1, 40 * step, step))
        .order_by("id")
        .values_list("number", "notation")
    ]
    return {"people": people, "notations": notations}


def _migrations():
    import importlib

    return [
        importlib.import_module(f"chinhquyen.documents.migrations.{name}")
        for name in ("0003_search_indexes", "0008_access_keys")
    ]


def drop_search_indexes() -> None:
    """Drop the indexes of migrations 0003 and 0008 (keeping the generated columns) before
    the COPY."""
    from django.db import connection

    with connection.cursor() as cursor:
        for module in _migrations():
            for statement in module.BACKWARD:
                if statement.startswith("DROP INDEX"):
                    cursor.execute(statement)


def create_search_indexes() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        for module in _migrations():
            for statement in module.FORWARD:
                cursor.execute(statement)


def check_sample(sample: list[int]) -> None:
    """The generated search text and access keys are what the application computes."""
    from chinhquyen.documents import access_keys
    from chinhquyen.documents.models import IncomingDocument, OutgoingDocument
    from chinhquyen.documents.services.search import document_search_text

    for model in (IncomingDocument, OutgoingDocument):
        for document in model.objects.filter(pk__in=sample):
            assert document.access_keys == access_keys.compute(document), document.pk

    for document in IncomingDocument.objects.filter(pk__in=sample).select_related("document_type"):
        expected = document_search_text(document)
        stored = document.search_text
        # Paper documents may carry the OCR text after the metadata.
        assert stored == expected or stored.startswith(expected.rstrip() + " "), document.pk


def sizes() -> dict[str, str]:
    from django.db import connection

    out = {}
    with connection.cursor() as cursor:
        for table in ("documents_incomingdocument", "documents_outgoingdocument"):
            cursor.execute(
                "SELECT pg_size_pretty(pg_table_size(%s)), pg_size_pretty(pg_indexes_size(%s)), "
                "pg_size_pretty(pg_relation_size(%s))",
                [table, table, f"{table}_search_gin"],
            )
            out[table] = "table {} + indexes {} (of which search GIN {})".format(*cursor.fetchone())
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        out["database"] = cursor.fetchone()[0]
    return out


# --- Queries ------------------------------------------------------------------------------


def query_mix(notations: list[str]) -> list[tuple[str, dict]]:
    import datetime

    last_month = {
        "date_from": datetime.date(2026, 10, 20),
        "date_to": datetime.date(2026, 11, 20),
    }
    mix = [
        ("common", {"query": "ve viec"}),
        ("common", {"query": "ke hoach"}),
        ("common", {"query": "thuc hien nam 2026"}),
        ("common", {"query": "bao cao ket qua"}),
        ("medium", {"query": "chuyen doi so"}),
        ("medium", {"query": "cải cách hành chính"}),
        ("medium", {"query": "phong chong thien tai"}),
        ("medium", {"query": "giai ngan von dau tu cong"}),
        ("rare", {"query": "chè Shan tuyết"}),
        ("rare", {"query": "cam sanh ham yen"}),
        ("rare", {"query": "so huu tri tue"}),
        ("rare", {"query": "dich vu buu chinh cong ich"}),
        ("typing", {"query": "chuyen d"}),
        ("typing", {"query": "giai ph"}),
        ("number", {"query": notations[0]}),
        ("number", {"query": notations[1]}),
        ("number", {"query": notations[2].split("/")[0] + " ubnd"}),
        ("filtered", {"query": "ve viec", **last_month}),
        ("filtered", {"query": "chuyen doi so", "document_type": "ke-hoach"}),
        ("filtered", {"query": "", "status": "registered"}),
        ("filtered", {"query": "cam sanh", **last_month}),
        ("filtered", {"query": "bao cao", "status": "in_progress"}),
        ("none", {"query": "xyzabc khong co"}),
        ("browse", {"query": ""}),
    ]
    return [(category, {"kind": "incoming", **params}) for category, params in mix] + [
        (category, {"kind": "all", **params})
        for category, params in mix
        if category in ("common", "medium", "rare", "browse")
    ]


FIRST: dict[str, float] = {}
_BACKEND: dict[str, int] = {}


def _backend_cpu() -> float:
    """CPU seconds used so far by this connection's PostgreSQL backend (0 if not readable).

    Wall time on a shared 2-core machine includes waiting for other people's processes;
    client + server CPU per search is what a quiet server would take (to a 10 ms tick)."""
    from django.db import connection

    try:
        if connection.connection is None or "pid" not in _BACKEND:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                _BACKEND["pid"] = cursor.fetchone()[0]
        pid = _BACKEND["pid"]
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(people: dict, notations: list[str], repeat: int) -> list[tuple]:
    from django.db import connection

    from chinhquyen.accounts.models import User
    from chinhquyen.documents.services.search import search_documents

    samples = []  # (seconds, persona, category, params, count)
    users = {name: User.objects.get(pk=official.user_id) for name, official in people.items()}
    mix = query_mix(notations)
    for name, user in users.items():
        # The first search of a user (grants, scopes and organisation ids not yet cached on
        # the user object; nothing is kept per process any more): timed on its own.
        start = time.perf_counter()
        search_documents(user, query="ke hoach", kind="incoming")
        FIRST[name] = time.perf_counter() - start
        for category, params in mix:
            search_documents(user, **params)  # warm: the user's grants, plans, pages
            for _r in range(repeat):
                cpu, server = time.process_time(), _backend_cpu()
                start = time.perf_counter()
                page = search_documents(user, **params)
                elapsed = time.perf_counter() - start
                cpu = time.process_time() - cpu + (_backend_cpu() - server)
                samples.append((elapsed, name, category, params, page.count, cpu))
    connection.close()
    return samples


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, max(0, round(q / 100 * len(values) + 0.5) - 1))]


def explain(user, params: dict) -> str:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from chinhquyen.documents.services.search import search_documents

    with CaptureQueriesContext(connection) as queries:
        search_documents(user, **params)
    out = io.StringIO()
    with connection.cursor() as cursor:
        for query in queries.captured_queries:
            sql = query["sql"]
            if "search_vector" not in sql and "LIMIT" not in sql:
                continue
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + sql)
            out.write(f"-- {query['time']} s: {sql[:160]}…\n")
            for (line,) in cursor.fetchall():
                out.write(line + "\n")
    return out.getvalue()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5, help="timed runs of each query")
    parser.add_argument(
        "--database-url", default="", help="a throw-away PostgreSQL database (default: start one)"
    )
    parser.add_argument("--explain", action="store_true", help="print plans of the 3 slowest")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="with --database-url: measure the documents generated by an earlier run",
    )
    parser.add_argument(
        "--personas", default="", help="comma-separated personas to measure (default: all)"
    )
    options = parser.parse_args()
    os.environ.setdefault("CHINHQUYEN_VAR_DIR", tempfile.mkdtemp(prefix="chinhquyen-bench-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chinhquyen.settings")
    with contextlib.ExitStack() as stack:
        url = options.database_url or stack.enter_context(private_postgres())
        os.environ["DATABASE_URL"] = url
        import django

        django.setup()
        from django.conf import settings
        from django.core.management import call_command

        settings.DEBUG = False
        call_command("migrate", verbosity=0, interactive=False)
        if options.reuse:
            data = reused()
        else:
            data = generate(options.documents)
            check_sample(data["sample"])
            log(
                f"documents search: generate {data['incoming']:,} incoming + "
                f"{data['outgoing']:,} outgoing",
                f"COPY {data['load']:.0f} s (+ tree {data['setup']:.1f} s), "
                f"{data['assignments']:,} assignments; indexes + ANALYZE {data['index']:.0f} s",
            )
        for name, value in sizes().items():
            log(f"documents search: size of {name}", value)
        if options.personas:
            wanted = options.personas.split(",")
            data["people"] = {k: v for k, v in data["people"].items() if k in wanted}
        samples = measure(data["people"], data["notations"], options.repeat)
        times = [s[0] * 1000 for s in samples]
        log("documents search: load average during the runs", f"{os.getloadavg()[0]:.1f}")
        cpus = [s[5] * 1000 for s in samples]
        log(
            f"documents search: {len(samples)} searches, all personas, wall",
            f"p50 {pct(times, 50):.1f} ms, p95 {pct(times, 95):.1f} ms, "
            f"p99 {pct(times, 99):.1f} ms, max {max(times):.1f} ms",
        )
        log(
            "documents search: same, client + server CPU per search",
            f"mean {statistics.mean(cpus):.1f} ms, p50 {pct(cpus, 50):.0f} ms, "
            f"p95 {pct(cpus, 95):.0f} ms, p99 {pct(cpus, 99):.0f} ms (10 ms ticks)",
        )
        log(
            "documents search: first search of a user in a process",
            ", ".join(f"{name} {seconds * 1000:.0f} ms" for name, seconds in FIRST.items()),
        )
        for persona in data["people"]:
            mine = [s[0] * 1000 for s in samples if s[1] == persona]
            cpu = [s[5] * 1000 for s in samples if s[1] == persona]
            log(
                f"documents search: as {persona}",
                f"wall p50 {pct(mine, 50):.1f} ms, p95 {pct(mine, 95):.1f} ms, "
                f"p99 {pct(mine, 99):.1f} ms; CPU mean {statistics.mean(cpu):.1f} ms, "
                f"p95 {pct(cpu, 95):.0f} ms",
            )
        for category in dict.fromkeys(s[2] for s in samples):
            mine = [s[0] * 1000 for s in samples if s[2] == category]
            cpu = [s[5] * 1000 for s in samples if s[2] == category]
            log(
                f"documents search: {category} queries",
                f"p50 {pct(mine, 50):.1f} ms, p95 {pct(mine, 95):.1f} ms, max {max(mine):.1f} ms"
                f"; CPU p50 {pct(cpu, 50):.0f} ms, p95 {pct(cpu, 95):.0f} ms",
            )
        # Persona x category (x kind searched): wall p50/p95/p99 and CPU p95.
        cells: dict[tuple, list] = {}
        for elapsed, persona, category, params, _count, cpu in samples:
            cells.setdefault((persona, category, params["kind"]), []).append((elapsed, cpu))
        for (persona, category, kind), values in cells.items():
            wall = [v[0] * 1000 for v in values]
            cpu = [v[1] * 1000 for v in values]
            log(
                f"documents search:   {persona} / {category} / {kind}",
                f"wall p50 {pct(wall, 50):.0f}, p95 {pct(wall, 95):.0f}, "
                f"p99 {pct(wall, 99):.0f} ms; CPU p95 {pct(cpu, 95):.0f} ms",
            )
        by_query: dict[tuple, list] = {}
        for elapsed, persona, _category, params, count, _cpu in samples:
            by_query.setdefault((persona, id(params)), [params, count, []])[2].append(
                elapsed * 1000
            )
        worst = sorted(by_query.items(), key=lambda item: -statistics.median(item[1][2]))[:6]
        for (persona, _id), (params, count, values) in worst:
            shown = " ".join(f"{k}={v}" for k, v in params.items() if v)
            log(
                f"documents search: slow: {persona} {shown}"[:62],
                f"median {statistics.median(values):.1f} ms ({count} found)",
            )
        if options.explain:
            from chinhquyen.accounts.models import User

            for (persona, _id), (params, _count, _values) in worst[:3]:
                user = User.objects.get(pk=data["people"][persona].user_id)
                print(explain(user, params))
    return 0


if __name__ == "__main__":
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src"))
    sys.exit(main())
