"""Drive one ChinhQuyen installation from outside (the two-installation test, exchange-demo).

Run in the installation's own environment (its ``DATABASE_URL``, ``CHINHQUYEN_VAR_DIR``,
``EXCHANGE_NODE_CODE``, ``EXCHANGE_PEERS``)::

    python -m chinhquyen.exchange.tests.twoinst_tool <command> '<json arguments>'

Each command prints one JSON line (its result) as the last line of stdout. Nothing is shared
with the caller but that JSON: the caller holds no object of the installation. Commands:

``seed`` — a minimal province: the People's Committee ``000.00.00.<level1>``, the Department of
Justice ``000.00.03.<level1>`` and of Construction ``000.00.08.<level1>``; one account per role
(``vanthu`` clerk, ``motcua`` one-stop officer, ``chuyenvien`` specialist, ``lanhdao`` agency
leader, at Justice; the same roles with ``_xd`` at Construction; ``quantri_it`` at the
committee); a published procedure ``1.009972`` whose
process is receive → review (forward / transfer) → decide; the organisation keys (PKCS#12
files) and the trust anchors (PEM files) given. Idempotent.
``serve`` — a threaded WSGI server on ``127.0.0.1:<port>`` (the live-server approach).
``issue`` — an outgoing document of Justice, sealed with the organisation key (PAdES), issued
to ``recipient_code`` by the exchange: ``distribute`` writes the edXML package to the outbox.
``incoming`` — the incoming documents with their metadata, files, PDF signature check and the
XML signature of the package as received (parsed again from the inbox).
``register`` — the clerk registers each incoming document waiting (status 03 to the sender).
``recipients`` — the exchange recipients of the outgoing documents and their status.
``receive_dossier`` / ``forward`` — a dossier at the counter, moved to the review step.
``transfer`` — the specialist transfers it to an agency of the other installation.
``step`` — an action (default ``forward``) on a dossier by whoever holds its step.
``dossier`` — a dossier: code, status, timeline, attachments.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import sys
from decimal import Decimal
from pathlib import Path

PASSWORD = "ChinhQuyen-Demo-2026"  # noqa: S105 (public demo/test password, as load_demo)
PROCEDURE_CODE = "1.009972"
ACCOUNTS = [  # username, name, role, org key, position
    ("vanthu", "Nguyễn Thị Thu", "clerk", "stp", "Văn thư"),
    ("motcua", "Trần Văn Cửa", "one_stop_officer", "stp", "Cán bộ một cửa"),
    ("chuyenvien", "Lê Minh Chuyên", "specialist", "stp", "Chuyên viên"),
    ("lanhdao", "Hoàng Văn Đạo", "agency_leader", "stp", "Giám đốc Sở"),
    ("quantri_it", "Vũ Đức Tin", "it_admin", "ubnd", "Quản trị công nghệ thông tin"),
    ("motcua_xd", "Đinh Văn Xây", "one_stop_officer", "sxd", "Cán bộ một cửa"),
    ("chuyenvien_xd", "Bùi Thị Dựng", "specialist", "sxd", "Chuyên viên"),
    ("lanhdao_xd", "Mai Văn Đức", "agency_leader", "sxd", "Giám đốc Sở"),
]


def codes(level1: str) -> dict[str, str]:
    return {
        "ubnd": f"000.00.00.{level1}",
        "stp": f"000.00.03.{level1}",
        "sxd": f"000.00.08.{level1}",
    }


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chinhquyen.settings")
    import django

    django.setup()


def _user(username: str):
    from chinhquyen.accounts.models import User

    return User.objects.get(username=username)


def _org(code: str):
    from chinhquyen.directory.models import Organisation

    return Organisation.objects.get(qcvn_code=code)


# --- seed --------------------------------------------------------------------------------------


def seed(args: dict) -> dict:
    from django.db import transaction

    from chinhquyen.accounts.services import assign_role
    from chinhquyen.directory import services
    from chinhquyen.directory.choices import OrganisationKind as Kind
    from chinhquyen.directory.models import Official, Organisation

    level1, province = args["level1"], args["province"]
    code = codes(level1)
    with transaction.atomic():
        orgs = {}
        for key, name, kind, parent in (
            ("ubnd", f"Ủy ban nhân dân tỉnh {province}", Kind.PEOPLES_COMMITTEE, None),
            ("stp", f"Sở Tư pháp tỉnh {province}", Kind.DEPARTMENT, "ubnd"),
            ("sxd", f"Sở Xây dựng tỉnh {province}", Kind.DEPARTMENT, "ubnd"),
        ):
            orgs[key] = Organisation.objects.filter(qcvn_code=code[key]).first() or (
                services.create_organisation(
                    parent=orgs[parent] if parent else None,
                    name=name,
                    kind=kind,
                    qcvn_code=code[key],
                )
            )
        for username, full_name, role, org_key, position in ACCOUNTS:
            official = Official.objects.filter(user__username=username).first()
            if official is None:
                official = services.create_official(
                    username=username,
                    full_name=full_name,
                    organisation=orgs[org_key],
                    position=position,
                    email=f"{username}@{level1.lower()}.chinhquyen.invalid",
                    password=PASSWORD,
                )
            assign_role(official=official, role=role, organisation=orgs[org_key])
        _catalogue()
    _keys(args, orgs)
    return {"organisations": code, "accounts": [a[0] for a in ACCOUNTS]}


def _catalogue() -> None:
    from chinhquyen.procedures.choices import (
        ImplementingLevel,
        StepAction,
        TimeUnit,
        VersionStatus,
    )
    from chinhquyen.procedures.models import (
        Procedure,
        ProcedureComponent,
        ProcedureField,
        ProcedureVersion,
        ProcessDefinition,
        ProcessStep,
        ProcessTransition,
    )

    if Procedure.objects.filter(national_code=PROCEDURE_CODE).exists():
        return
    effective = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    field, _ = ProcedureField.objects.get_or_create(code="XD", defaults={"name": "Xây dựng"})
    procedure = Procedure.objects.create(national_code=PROCEDURE_CODE)
    version = ProcedureVersion.objects.create(
        procedure=procedure,
        number=1,
        status=VersionStatus.PUBLISHED,
        effective_from=effective,
        name="Cấp giấy phép xây dựng nhà ở riêng lẻ",
        field=field,
        level=ImplementingLevel.PROVINCE,
        processing_time=Decimal(15),
        time_unit=TimeUnit.WORKING_DAYS,
    )
    ProcedureComponent.objects.create(version=version, order=1, name="Đơn đề nghị")
    process = ProcessDefinition.objects.create(
        procedure=procedure, number=1, status=VersionStatus.PUBLISHED, effective_from=effective
    )
    steps = {}
    for order, step_code, role, hours in (
        (1, "receive", "one_stop_officer", 4),
        (2, "review", "specialist", 40),
        (3, "decide", "agency_leader", 16),
    ):
        steps[step_code] = ProcessStep.objects.create(
            definition=process,
            order=order,
            code=step_code,
            name={"receive": "Tiếp nhận", "review": "Thẩm định", "decide": "Phê duyệt"}[step_code],
            performer_role=role,
            allotted_hours=Decimal(hours),
        )
    for source, action, target in (
        ("receive", StepAction.FORWARD, "review"),
        ("review", StepAction.FORWARD, "decide"),
        ("review", StepAction.TRANSFER, "decide"),
        ("decide", StepAction.APPROVE, None),
        ("decide", StepAction.REJECT, None),
    ):
        ProcessTransition.objects.create(
            step=steps[source], action=action, next_step=steps[target] if target else None
        )


def _keys(args: dict, orgs: dict) -> None:
    from chinhquyen.signing.choices import SignatureRole
    from chinhquyen.signing.models import SigningKey, TrustAnchor
    from chinhquyen.signing.services import add_trust_anchor, import_pkcs12_key

    for index, path in enumerate(args.get("trust", [])):
        pem = Path(path).read_bytes()
        name = f"{args['level1']} trust {index}: {Path(path).stem}"
        if not TrustAnchor.objects.filter(name=name).exists():
            add_trust_anchor(certificate=pem, name=name)
    for org_key, path in (args.get("keys") or {}).items():
        organisation = orgs[org_key]
        if not SigningKey.objects.filter(organisation=organisation).exists():
            import_pkcs12_key(
                data=Path(path).read_bytes(),
                passphrase=args["passphrase"],
                role=SignatureRole.ORGANISATION,
                organisation=organisation,
            )


# --- serve ------------------------------------------------------------------------------------


def serve(args: dict) -> dict:
    from socketserver import ThreadingMixIn
    from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

    from django.core.wsgi import get_wsgi_application

    class Server(ThreadingMixIn, WSGIServer):
        daemon_threads = True

    class Quiet(WSGIRequestHandler):
        def log_message(self, format, *args):  # noqa: A002 (the base class's signature)
            pass

    httpd = make_server(
        "127.0.0.1", int(args["port"]), get_wsgi_application(), Server, handler_class=Quiet
    )
    print(json.dumps({"serving": int(args["port"])}), flush=True)
    try:
        httpd.serve_forever()
    except KeyboardInterrupt:
        pass
    return {"stopped": True}


# --- documents --------------------------------------------------------------------------------


def issue(args: dict) -> dict:
    from django.core.files.base import ContentFile
    from django.utils import timezone

    from chinhquyen.audit.services import audited_atomic
    from chinhquyen.documents.choices import (
        BookDirection,
        FileKind,
        OutgoingStatus,
        RecipientChannel,
        SignerCompetence,
        Urgency,
    )
    from chinhquyen.documents.models import (
        DocumentFile,
        DocumentType,
        OutgoingDocument,
        Recipient,
        RegistrationBook,
    )
    from chinhquyen.documents.services.distribution import distribute
    from chinhquyen.signing.choices import SignatureRole
    from chinhquyen.signing.services import sign_pdf
    from chinhquyen.signing.testing import minimal_pdf

    organisation = _org(args["sender_code"])
    author = _user("vanthu")
    today = timezone.localdate()
    number = int(args.get("number", 7))
    # Sealed with the organisation's key (the issuing step's "đóng dấu" is this signature).
    data = sign_pdf(
        minimal_pdf(pages=1, text=f"Cong van {number}/STP-HCTP"),
        signer=organisation,
        role=SignatureRole.ORGANISATION,
    )
    with audited_atomic():
        book, _ = RegistrationBook.objects.get_or_create(
            organisation=organisation,
            year=today.year,
            direction=BookDirection.OUTGOING,
            code="di",
            defaults={"name": "Sổ văn bản đi"},
        )
        document = OutgoingDocument.objects.create(
            organisation=organisation,
            drafting_unit=organisation,
            document_type=DocumentType.objects.filter(code="cong-van").latest("valid_from"),
            subject=args.get("subject", "Về việc phối hợp giải quyết hồ sơ liên thông"),
            issued_date=today,
            page_count=1,
            signer_position="Giám đốc",
            signer_name="Hoàng Văn Đạo",
            signer_competence=SignerCompetence.DIRECT,
            urgency=Urgency.URGENT,
            due_date=today + datetime.timedelta(days=10),
            status=OutgoingStatus.ISSUED,
            place="Thử Nghiệm",
            book=book,
            number=number,
            notation="STP-HCTP",
            copies=1,
            created_by=author,
            numbered_at=timezone.now(),
            issued_at=timezone.now(),
        )
        signed = DocumentFile(
            outgoing=document,
            kind=FileKind.SIGNED,
            name=f"{number}-STP-HCTP.pdf",
            content_type="application/pdf",
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            created_by=author,
        )
        signed.file.save(signed.name, ContentFile(data), save=False)
        signed.save()
        recipient = Recipient.objects.create(
            document=document,
            name=args.get("recipient_name", "Sở Tư pháp"),
            external_code=args["recipient_code"],
            channel=RecipientChannel.EXCHANGE,
        )
        counts = distribute(document, signed_file=signed, data=data, acting_user=author)
    return {
        "document": document.pk,
        "recipient": recipient.pk,
        "pdf_sha256": signed.sha256,
        "counts": counts,
    }


def incoming(args: dict) -> dict:
    from chinhquyen.documents.models import IncomingDocument
    from chinhquyen.exchange.edxml.parser import parse_document
    from chinhquyen.exchange.models import InboxMessage
    from chinhquyen.signing.verification import verify_pdf

    rows = []
    for document in IncomingDocument.objects.order_by("pk"):
        files = []
        for row in document.files.order_by("pk"):
            with row.file.open("rb") as handle:
                data = handle.read()
            report = verify_pdf(data) if row.content_type == "application/pdf" else None
            files.append(
                {
                    "name": row.name,
                    "kind": row.kind,
                    "sha256": hashlib.sha256(data).hexdigest(),
                    "stored_sha256": row.sha256,
                    "pdf_signed": bool(report and report.signed),
                    "pdf_valid": bool(report and report.all_valid),
                    "pdf_signers": [s.signer for s in report.signatures] if report else [],
                }
            )
        rows.append(
            {
                "id": document.pk,
                "status": document.status,
                "channel": document.channel,
                "organisation": document.organisation.qcvn_code,
                "issuer_code": document.issuer_code,
                "issuer_name": document.issuer_name,
                "number": document.number,
                "notation": document.notation,
                "subject": document.subject,
                "issued_date": document.issued_date.isoformat(),
                "signer_name": document.signer_name,
                "exchange_document_id": document.exchange_document_id,
                "files": files,
            }
        )
    packages = []
    for message in InboxMessage.objects.filter(kind="edxml.document").order_by("pk"):
        # Parsed again as received: the XML signature still verifies against the trust list.
        package = parse_document(bytes(message.body))
        packages.append(
            {
                "document_id": package.header.document_id,
                "from": package.header.sender.organ_id,
                "signature_sha256": package.signature.sha256 if package.signature else "",
                "organisation_check": (
                    package.signature.organisation_check if package.signature else ""
                ),
                "attachments": [a.sha256 for a in package.attachments],
            }
        )
    return {"documents": rows, "packages": packages}


def register(args: dict) -> dict:
    from chinhquyen.documents.choices import IncomingStatus
    from chinhquyen.documents.models import IncomingDocument
    from chinhquyen.documents.services.incoming import accept_incoming

    clerk = _user("vanthu")
    done = []
    for document in IncomingDocument.objects.filter(status=IncomingStatus.RECEIVED):
        result = accept_incoming(document, acting_user=clerk)
        done.append({"id": result.document.pk, "arrival_number": result.document.arrival_number})
    return {"registered": done}


def recipients(args: dict) -> dict:
    from chinhquyen.documents.choices import RecipientChannel
    from chinhquyen.documents.models import Recipient

    return {
        "recipients": [
            {"id": r.pk, "code": r.external_code, "status": r.status, "note": r.status_note}
            for r in Recipient.objects.filter(channel=RecipientChannel.EXCHANGE).order_by("pk")
        ]
    }


# --- dossiers ---------------------------------------------------------------------------------


def receive_dossier(args: dict) -> dict:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from chinhquyen.dossiers.services import receive_dossier as receive
    from chinhquyen.dossiers.services import transition
    from chinhquyen.procedures.models import Procedure
    from chinhquyen.signing.testing import minimal_pdf

    procedure = Procedure.objects.get(national_code=PROCEDURE_CODE)
    agency = _org(args["agency_code"])
    form = procedure.versions.get(number=1).components.get(order=1)
    dossier = receive(
        procedure=procedure,
        receiving_agency=agency,
        channel="counter",
        applicant={
            "name": "Ngô Thị Chi",
            "id_number": "037190000123",
            "phone": "0912345678",
            "address": "12 Trần Phú",
        },
        components=[(form, SimpleUploadedFile("don.pdf", minimal_pdf(text="Don de nghi")))],
        acting_user=_user("motcua"),
    )
    transition(dossier, "forward", acting_user=_user("motcua"), note="Hồ sơ đầy đủ")
    return _dossier_json(dossier.code)


def transfer(args: dict) -> dict:
    from chinhquyen.dossiers.models import Dossier
    from chinhquyen.dossiers.services.transfer import transfer_to_installation

    # Without a code: the dossier received last.
    dossier = (
        Dossier.objects.get(code=args["code"])
        if args.get("code")
        else Dossier.objects.order_by("-pk").first()
    )
    transfer_to_installation(
        dossier,
        agency_code=args["agency_code"],
        agency_name=args.get("agency_name", ""),
        note=args.get("note", "Đề nghị thẩm định phần thuộc thẩm quyền"),
        acting_user=_user(args.get("username", "chuyenvien")),
    )
    return _dossier_json(dossier.code)


def step(args: dict) -> dict:
    from chinhquyen.audit.services import audited_atomic
    from chinhquyen.dossiers.models import Dossier
    from chinhquyen.dossiers.services import transition
    from chinhquyen.exchange.dossier_transfer import report_progress

    dossier = Dossier.objects.get(code=args["code"])
    role = dossier.current_step.performer_role
    agency = dossier.current_agency.qcvn_code.split(".")[2]  # 03 Justice, 08 Construction
    org_key = {"03": "stp", "08": "sxd"}[agency]
    username = next(a[0] for a in ACCOUNTS if a[2] == role and a[3] == org_key)
    with audited_atomic():
        transition(
            dossier,
            args.get("action", "forward"),
            acting_user=_user(username),
            note=args.get("note", ""),
        )
        # Until ``transition`` reports steps of a transferred-in dossier itself (asked of the
        # dossiers app), the status messages are queued here, in the step's transaction.
        queued = report_progress(dossier)
    return {**_dossier_json(dossier.code), "queued": queued}


def dossier(args: dict) -> dict:
    return _dossier_json(args["code"])


def _dossier_json(code: str) -> dict:
    from chinhquyen.dossiers.models import Dossier

    found = Dossier.objects.get(code=code)
    return {
        "code": found.code,
        "status": found.status,
        "current_agency": found.current_agency.qcvn_code,
        "step": found.current_step.code if found.current_step_id else None,
        "legal_due_at": found.legal_due_at.isoformat(),
        "received_at": found.received_at.isoformat(),
        "version": found.version,
        "attachments": [a.sha256 for a in found.attachments.order_by("pk")],
        "events": [
            {
                "id": e.pk,
                "type": e.type,
                "at": e.at.isoformat(),
                "actor_name": e.actor_name,
                "note": e.note,
                "data": e.data,
            }
            for e in found.events.order_by("at", "id")
        ],
    }


def requeue(args: dict) -> dict:
    """Queue the last outgoing message of ``kind`` again under a new idempotency key (what an
    administrator's resend or a sender's lost state would produce): the receiver must apply
    it once only."""
    from chinhquyen.audit.services import audited_atomic
    from chinhquyen.exchange import outbox
    from chinhquyen.exchange.models import OutboxMessage

    last = OutboxMessage.objects.filter(kind=args["kind"]).order_by("-pk").first()
    with audited_atomic():
        again = outbox.enqueue(
            connector=last.connector,
            destination=last.destination,
            kind=last.kind,
            body=last.read_body(),
            content_type=last.content_type,
            idempotency_key=f"{last.idempotency_key}:again"[:200],
        )
    return {"message": again.pk, "key": again.idempotency_key}


def batch(args: dict) -> dict:
    return {"results": [COMMANDS[name](item) for name, item in args["steps"]]}


COMMANDS = {
    "batch": batch,
    "requeue": requeue,
    "seed": seed,
    "serve": serve,
    "issue": issue,
    "incoming": incoming,
    "register": register,
    "recipients": recipients,
    "receive_dossier": receive_dossier,
    "transfer": transfer,
    "step": step,
    "dossier": dossier,
}


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    command = argv[0]
    args = json.loads(argv[1]) if len(argv) > 1 else {}
    _setup()
    from chinhquyen.audit.context import audit_context

    with audit_context(source="command", label=f"twoinst {command}"):
        result = COMMANDS[command](args)
    print(json.dumps(result, ensure_ascii=False, default=str), flush=True)


if __name__ == "__main__":
    main()
