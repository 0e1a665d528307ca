"""Dossiers transferred between installations (hồ sơ liên thông giữa hai tỉnh) — the messages.

Two message kinds travel through the outbox and the peer inbox (``connectors/peer.py``):

``dossier.transfer`` (A → B), JSON, ``format: "chinhquyen.dossier-transfer/1"``::

    {"format", "transfer_id": "<A node>:<dossier code>:<12 hex>", "sent_at": ISO 8601,
     "from": {"installation": <A's EXCHANGE_NODE_CODE>, "agency_code", "agency_name"},
     "to": {"agency_code", "agency_name"},
     "note": the officer's note,
     "dossier": {"code", "procedure_code" (national code), "procedure_name", "channel",
                 "received_at", "clock_started_at", "legal_due_at", "original_due_at", "due_at",
                 "receiving_agency_code", "receiving_agency_name", "supplement_count",
                 "appointment_moves",
                 "applicant": {"kind", "name", "id_number", "phone", "email", "address"}},
     "history": [{"id", "type", "at", "actor_name", "agency", "to_agency", "step", "note",
                  "origin": installation where the event happened}],
     "attachments": [{"name", "content_type", "size", "sha256", "component", "supplement",
                      "data": base64}]}

``dossier.transfer.status`` (B → A), JSON, ``format: "chinhquyen.dossier-transfer-status/1"``,
one message per event of B's part of the dossier (its receipt first)::

    {"format", "transfer_id", "code", "installation": <B's node code>, "agency_code",
     "agency_name", "status": B's dossier status, "outcome", "due_at",
     "event": {"id", "type", "at", "actor_name", "step", "note"}}

Idempotent on both sides: the outbox keys are ``dossier.transfer:<transfer_id>`` and
``dossier.transfer.status:<transfer_id>:<B's event id>`` (enqueueing again returns the queued
message); B refuses nothing twice — a second ``dossier.transfer`` with a known ``transfer_id``
changes nothing, and A records each remote event once (``data.remote_event``).

The code of the dossier never changes: B creates it under A's code, with A's events as its
history (``data.remote = true``, ``data.origin`` = A's node code, the actor's name kept as
text). Every refusal is a :class:`TransferRefused` with a stable code and a bilingual message;
raised in an inbox handler it leaves the inbox message "failed" with nothing stored.
"""

from __future__ import annotations

import base64
import binascii
import datetime
import hashlib
import json
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from chinhquyen.dossiers.services.access import bilingual

KIND_TRANSFER = "dossier.transfer"
KIND_STATUS = "dossier.transfer.status"
FORMAT_TRANSFER = "chinhquyen.dossier-transfer/1"
FORMAT_STATUS = "chinhquyen.dossier-transfer-status/1"
CONTENT_TYPE = "application/json"
CONNECTOR = "peer"
# The events of B's part that end it: A's dossier takes the result state from them.
FINAL_REMOTE_STATUSES = {"result_ready", "rejected", "returned"}


class TransferRefused(Exception):
    """A transfer or status message that cannot be applied (stable ``code``, bilingual)."""

    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(f"{code}: {message}")
        self.message = message
        self.code = code


def _iso(value: datetime.datetime | None) -> str | None:
    return value.isoformat() if value else None


def _when(value: Any, field: str) -> datetime.datetime:
    parsed = parse_datetime(value) if isinstance(value, str) else None
    if parsed is None or timezone.is_naive(parsed):
        raise TransferRefused(
            bilingual(_("The field %(field)s is not a date and time with zone."), field=field),
            code="bad_field",
        )
    return parsed


def _text(data: dict, key: str, *, limit: int, required: bool = True) -> str:
    value = data.get(key, "")
    if value is None:
        value = ""
    if not isinstance(value, str) or (required and not value.strip()):
        raise TransferRefused(
            bilingual(_("The field %(field)s is missing or not text."), field=key),
            code="bad_field",
        )
    return value.strip()[:limit]


def _object(data: Any, key: str) -> dict:
    value = data.get(key) if isinstance(data, dict) else None
    if not isinstance(value, dict):
        raise TransferRefused(
            bilingual(_("The field %(field)s is missing or not an object."), field=key),
            code="bad_field",
        )
    return value


def _load(body: bytes, expected_format: str) -> dict:
    try:
        data = json.loads(bytes(body).decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise TransferRefused(
            bilingual(_("The message is not valid JSON.")), code="bad_json"
        ) from exc
    if not isinstance(data, dict) or data.get("format") != expected_format:
        raise TransferRefused(
            bilingual(_("The message is not in the format %(format)s."), format=expected_format),
            code="bad_format",
        )
    return data


def node_code() -> str:
    from chinhquyen.exchange import conf

    return str(conf.get("NODE_CODE") or "")


def same_installation(code_a: str, code_b: str) -> bool:
    """Two peer codes reach the same installation (the same inbox URL in EXCHANGE_PEERS)."""
    from chinhquyen.exchange import conf

    a, b = conf.peer(code_a), conf.peer(code_b)
    return bool(a and b and a.get("url") and a.get("url") == b.get("url"))


# --- A: the outgoing transfer ---------------------------------------------------------------


def _history_entry(event) -> dict:
    data = event.data or {}
    return {
        "id": event.pk,
        "type": event.type,
        "at": _iso(event.at),
        "actor_name": event.actor_name or (data.get("actor_name") or ""),
        "agency": event.from_agency.name if event.from_agency_id else data.get("agency", ""),
        "to_agency": event.to_agency.name if event.to_agency_id else data.get("to_agency", ""),
        "step": event.step.name if event.step_id else data.get("step", ""),
        "note": event.note,
        # An event that itself came from another installation keeps its origin.
        "origin": data.get("origin") if data.get("remote") else node_code(),
    }


def transfer_body(
    dossier,
    *,
    transfer_id: str,
    agency_code: str,
    agency_name: str,
    note: str,
    at: datetime.datetime,
) -> bytes:
    """The ``dossier.transfer`` message of ``dossier`` (after its transfer event was added)."""
    events = dossier.events.select_related("from_agency", "to_agency", "step").order_by("at", "id")
    attachments = []
    for attachment in dossier.attachments.select_related("component").order_by("id"):
        with attachment.file.open("rb") as handle:
            data = handle.read()
        attachments.append(
            {
                "name": attachment.original_name,
                "content_type": attachment.content_type,
                "size": len(data),
                "sha256": hashlib.sha256(data).hexdigest(),
                "component": attachment.component.name if attachment.component_id else "",
                "supplement": attachment.is_supplement,
                "data": base64.b64encode(data).decode("ascii"),
            }
        )
    version = dossier.procedure_version
    message = {
        "format": FORMAT_TRANSFER,
        "transfer_id": transfer_id,
        "sent_at": _iso(at),
        "from": {
            "installation": node_code(),
            "agency_code": dossier.current_agency.qcvn_code or "",
            "agency_name": dossier.current_agency.name,
        },
        "to": {"agency_code": agency_code, "agency_name": agency_name},
        "note": note,
        "dossier": {
            "code": dossier.code,
            "procedure_code": dossier.procedure.national_code,
            "procedure_name": version.name,
            "channel": dossier.channel,
            "received_at": _iso(dossier.received_at),
            "clock_started_at": _iso(dossier.clock_started_at),
            "legal_due_at": _iso(dossier.legal_due_at),
            "original_due_at": _iso(dossier.original_due_at),
            "due_at": _iso(dossier.due_at),
            "receiving_agency_code": dossier.receiving_agency_code,
            "receiving_agency_name": dossier.receiving_agency.name,
            "supplement_count": dossier.supplement_count,
            "appointment_moves": dossier.appointment_moves,
            "applicant": {
                "kind": dossier.applicant_kind,
                "name": dossier.applicant_name,
                "id_number": dossier.applicant_id_number,
                "phone": dossier.applicant_phone,
                "email": dossier.applicant_email,
                "address": dossier.applicant_address,
            },
        },
        "history": [_history_entry(event) for event in events],
        "attachments": attachments,
    }
    return json.dumps(message, ensure_ascii=False, sort_keys=True).encode("utf-8")


# --- B: receiving a transfer -------------------------------------------------------------


def _checked_attachments(items: Any) -> list[tuple[dict, Any]]:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from chinhquyen.dossiers.exceptions import UploadRefused
    from chinhquyen.dossiers.uploads import check_upload

    if not isinstance(items, list):
        raise TransferRefused(bilingual(_("The attachments are not a list.")), code="bad_field")
    checked = []
    for item in items:
        if not isinstance(item, dict):
            raise TransferRefused(bilingual(_("An attachment is not an object.")), code="bad_field")
        name = _text(item, "name", limit=255)
        try:
            data = base64.b64decode(str(item.get("data", "")), validate=True)
        except (binascii.Error, ValueError) as exc:
            raise TransferRefused(
                bilingual(_("The attachment %(name)s is not valid base64."), name=name),
                code="attachment_invalid",
            ) from exc
        if hashlib.sha256(data).hexdigest() != item.get("sha256"):
            raise TransferRefused(
                bilingual(_("The attachment %(name)s does not match its SHA-256."), name=name),
                code="attachment_invalid",
            )
        try:
            # The same type sniffing and size limit as an upload at the counter.
            result = check_upload(SimpleUploadedFile(name, data), label=name)
        except UploadRefused as exc:
            raise TransferRefused(exc.message, code="attachment_invalid") from exc
        checked.append((item, result))
    return checked


def _history(items: Any, sender: str) -> list[dict]:
    from chinhquyen.dossiers.choices import EventType

    if not isinstance(items, list) or not items:
        raise TransferRefused(
            bilingual(_("The history of the dossier is missing.")), code="bad_field"
        )
    history = []
    for item in items:
        if not isinstance(item, dict):
            raise TransferRefused(
                bilingual(_("A history entry is not an object.")), code="bad_field"
            )
        kind = item.get("type")
        history.append(
            {
                # An event type unknown here is kept as a comment naming the original type.
                "type": kind if kind in EventType.values else EventType.COMMENTED,
                "original_type": str(kind)[:40],
                "at": _when(item.get("at"), "history.at"),
                "actor_name": _text(item, "actor_name", limit=200, required=False),
                "agency": _text(item, "agency", limit=255, required=False),
                "to_agency": _text(item, "to_agency", limit=255, required=False),
                "step": _text(item, "step", limit=255, required=False),
                "note": _text(item, "note", limit=5000, required=False),
                "origin": _text(item, "origin", limit=35, required=False) or sender,
                "id": item.get("id"),
            }
        )
    return history


def receive_transfer(body: bytes, *, sender: str, received_via: str = ""):
    """Create, under its own code, the dossier another installation transferred here.

    Returns ``(dossier, created)``; a transfer already received (same ``transfer_id``) gives
    the existing dossier and ``False``. The dossier is processed here by the target agency's
    process in force for the procedure (same national code), its deadline kept from A.
    """
    from chinhquyen.audit.services import audited_atomic, log_action
    from chinhquyen.directory.models import Organisation
    from chinhquyen.dossiers import clock
    from chinhquyen.dossiers.choices import ApplicantKind, Channel, DossierStatus, EventType
    from chinhquyen.dossiers.models import (
        Dossier,
        DossierAgency,
        DossierAttachment,
        DossierEvent,
        DossierStepRun,
    )
    from chinhquyen.dossiers.services.common import files_removed_on_error, save_file
    from chinhquyen.dossiers.services.in_force import in_force_for_intake
    from chinhquyen.procedures.errors import NoProcessInForce, NoVersionInForce
    from chinhquyen.procedures.models import Procedure

    data = _load(body, FORMAT_TRANSFER)
    transfer_id = _text(data, "transfer_id", limit=150)
    origin = _object(data, "from")
    if _text(origin, "installation", limit=35) != sender:
        raise TransferRefused(
            bilingual(_("The sending installation does not match the authenticated peer.")),
            code="sender_mismatch",
        )
    target = _object(data, "to")
    facts = _object(data, "dossier")
    applicant = _object(facts, "applicant")
    code = _text(facts, "code", limit=40)
    agency = Organisation.objects.filter(qcvn_code=_text(target, "agency_code", limit=35)).first()
    if agency is None:
        raise TransferRefused(
            bilingual(
                _("No agency on this platform has the code %(code)s."),
                code=target.get("agency_code"),
            ),
            code="unknown_recipient",
        )
    existing = Dossier.objects.filter(code=code).first()
    if existing is not None:
        if existing.events.filter(data__transfer_id=transfer_id).exists():
            return existing, False
        raise TransferRefused(
            bilingual(
                _("A dossier with the code %(code)s already exists here (another transfer)."),
                code=code,
            ),
            code="dossier_code_taken",
        )
    procedure = Procedure.objects.filter(
        national_code=_text(facts, "procedure_code", limit=30)
    ).first()
    now = timezone.now()
    if procedure is None:
        raise TransferRefused(
            bilingual(
                _("The procedure %(code)s is not in this platform's catalogue."),
                code=facts.get("procedure_code"),
            ),
            code="procedure_unknown",
        )
    try:
        found = in_force_for_intake(procedure, agency, now)
    except (NoVersionInForce, NoProcessInForce) as exc:
        raise TransferRefused(str(exc), code="procedure_not_in_force") from exc
    steps = list(found.process.steps.select_related("performer_agency").order_by("order"))
    if not steps:
        raise TransferRefused(bilingual(_("The internal process has no step.")), code="no_steps")
    first = steps[0]
    first_agency = first.performer_agency or agency
    channel = facts.get("channel") if facts.get("channel") in Channel.values else Channel.COUNTER
    kind = applicant.get("kind")
    history = _history(data.get("history"), sender)
    checked = _checked_attachments(data.get("attachments", []))
    components = {c.name: c for c in found.version.components.all()}
    note = _text(data, "note", limit=5000, required=False)
    with files_removed_on_error() as saved, audited_atomic():
        dossier = Dossier.objects.create(
            code=code,
            procedure=procedure,
            procedure_version=found.version,
            process=found.process,
            rule_set=found.rule_set,
            receiving_agency=agency,
            # The code keeps the receiving agency of the first installation.
            receiving_agency_code=_text(facts, "receiving_agency_code", limit=35),
            lead_agency=agency,
            current_agency=first_agency,
            channel=channel,
            status=DossierStatus.IN_PROCESSING,
            current_step=first,
            received_at=_when(facts.get("received_at"), "received_at"),
            handed_over_at=now,
            clock_started_at=_when(facts.get("clock_started_at"), "clock_started_at"),
            legal_due_at=_when(facts.get("legal_due_at"), "legal_due_at"),
            original_due_at=_when(facts.get("original_due_at"), "original_due_at"),
            due_at=_when(facts.get("due_at"), "due_at"),
            applicant_kind=kind if kind in ApplicantKind.values else ApplicantKind.INDIVIDUAL,
            applicant_name=_text(applicant, "name", limit=255),
            applicant_id_number=_text(applicant, "id_number", limit=20, required=False),
            applicant_phone=_text(applicant, "phone", limit=20, required=False),
            applicant_email=_text(applicant, "email", limit=254, required=False),
            applicant_address=_text(applicant, "address", limit=500, required=False),
        )
        DossierAgency.objects.bulk_create(
            [
                DossierAgency(dossier=dossier, organisation_id=pk, since=now)
                for pk in {agency.pk, first_agency.pk}
            ]
        )
        DossierStepRun.objects.create(
            dossier=dossier,
            step=first,
            agency=first_agency,
            started_at=now,
            due_at=clock.add_hours(now, first.allotted_hours, work_calendar=found.calendar),
        )
        DossierEvent.objects.bulk_create(
            [
                DossierEvent(
                    dossier=dossier,
                    type=item["type"],
                    at=item["at"],
                    actor_name=f"{item['actor_name']} ({item['origin']})".strip()[:255],
                    note=item["note"],
                    data={
                        "remote": True,
                        "origin": item["origin"],
                        "origin_event": item["id"],
                        "original_type": item["original_type"],
                        "agency": item["agency"],
                        "to_agency": item["to_agency"],
                        "step": item["step"],
                    },
                )
                for item in history
            ]
        )
        receipt = DossierEvent.objects.create(
            dossier=dossier,
            type=EventType.TRANSFERRED,
            at=now,
            actor_name=str(origin.get("agency_name") or sender)[:255],
            step=first,
            to_agency=agency,
            note=note,
            data={
                "transfer_id": transfer_id,
                "direction": "in",
                "from_installation": sender,
                "from_agency_code": str(origin.get("agency_code") or "")[:35],
                "from_agency_name": str(origin.get("agency_name") or "")[:255],
                "received_via": received_via,
            },
        )
        for item, checked_file in checked:
            attachment = DossierAttachment(
                dossier=dossier,
                component=components.get(str(item.get("component") or "")),
                original_name=checked_file.name,
                sha256=checked_file.sha256,
                size=checked_file.size,
                content_type=checked_file.content_type,
                uploaded_at=now,
                is_supplement=bool(item.get("supplement")),
            )
            save_file(attachment.file, checked_file.name, checked_file.content, saved)
            attachment.save()
        log_action(
            "dossiers.receive_transfer",
            target=dossier,
            details={
                "code": code,
                "transfer_id": transfer_id,
                "from": sender,
                "history": len(history),
                "attachments": len(checked),
                "received_via": received_via,
            },
        )
        # The sender learns at once that the dossier arrived (the receipt event).
        queue_status(dossier, receipt)
    return dossier, True


# --- B: telling A how its dossier goes ------------------------------------------------------


def incoming_transfer(dossier):
    """The receipt event of the transfer that brought ``dossier`` here, or None."""
    return (
        dossier.events.filter(data__direction="in", data__transfer_id__isnull=False)
        .order_by("-id")
        .first()
    )


def _status_key(transfer_id: str, event_pk: int) -> str:
    return f"{KIND_STATUS}:{transfer_id}:{event_pk}"[:200]


def status_body(dossier, event, receipt) -> bytes:
    message = {
        "format": FORMAT_STATUS,
        "transfer_id": receipt.data["transfer_id"],
        "code": dossier.code,
        "installation": node_code(),
        "agency_code": dossier.current_agency.qcvn_code or "",
        "agency_name": dossier.current_agency.name,
        "status": dossier.status,
        "outcome": dossier.outcome,
        "due_at": _iso(dossier.due_at),
        "event": {
            "id": event.pk,
            "type": event.type,
            "at": _iso(event.at),
            "actor_name": event.actor_name,
            "step": event.step.name if event.step_id else "",
            "note": event.note,
        },
    }
    return json.dumps(message, ensure_ascii=False, sort_keys=True).encode("utf-8")


def queue_status(dossier, event, receipt=None) -> None:
    """Queue one status message about ``event`` to the installation the dossier came from
    (inside the caller's transaction; the same event twice is queued once)."""
    from chinhquyen.exchange import outbox

    receipt = receipt or incoming_transfer(dossier)
    if receipt is None:
        return
    outbox.enqueue(
        connector=CONNECTOR,
        destination=receipt.data["from_installation"],
        kind=KIND_STATUS,
        body=status_body(dossier, event, receipt),
        content_type=CONTENT_TYPE,
        idempotency_key=_status_key(receipt.data["transfer_id"], event.pk),
        related=dossier,
    )


def report_progress(dossier) -> int:
    """Queue a status message for each event of a transferred-in dossier not yet reported to
    its sender; returns how many were queued. Call it inside the transaction of the step (the
    dossier services' ``transition``), or at any time: it is idempotent."""
    from chinhquyen.audit.services import audited_atomic
    from chinhquyen.exchange.models import OutboxMessage

    receipt = incoming_transfer(dossier)
    if receipt is None:
        return 0
    events = list(
        dossier.events.filter(id__gt=receipt.pk).select_related("step").order_by("at", "id")
    )
    keys = {_status_key(receipt.data["transfer_id"], event.pk): event for event in events}
    done = set(
        OutboxMessage.objects.filter(idempotency_key__in=list(keys)).values_list(
            "idempotency_key", flat=True
        )
    )
    todo = [event for key, event in keys.items() if key not in done]
    if todo:
        dossier.refresh_from_db()
        with audited_atomic():
            for event in todo:
                queue_status(dossier, event, receipt)
    return len(todo)


# --- A: applying a status from B ----------------------------------------------------------


def receive_status(body: bytes, *, sender: str, received_via: str = ""):
    """Record on A's dossier one event of B's part; returns ``(dossier, applied)``."""
    from chinhquyen.audit.services import audited_atomic, log_action
    from chinhquyen.dossiers.choices import DossierStatus, EventType
    from chinhquyen.dossiers.models import Dossier, DossierEvent
    from chinhquyen.dossiers.services.common import outcome_for

    data = _load(body, FORMAT_STATUS)
    transfer_id = _text(data, "transfer_id", limit=150)
    event = _object(data, "event")
    remote_id = event.get("id")
    if not isinstance(remote_id, int):
        raise TransferRefused(bilingual(_("The event has no id.")), code="bad_field")
    at = _when(event.get("at"), "event.at")
    remote_status = _text(data, "status", limit=24)
    with audited_atomic():
        dossier = (
            Dossier.objects.select_for_update().filter(code=_text(data, "code", limit=40)).first()
        )
        sent = (
            dossier.events.filter(data__transfer_id=transfer_id, data__direction="out").first()
            if dossier is not None
            else None
        )
        if sent is None:
            raise TransferRefused(
                bilingual(_("No dossier was transferred from here under %(id)s."), id=transfer_id),
                code="unknown_transfer",
            )
        # Only the installation the dossier went to may report on it.
        if sender != sent.data.get("peer") and not same_installation(sender, sent.data["peer"]):
            raise TransferRefused(
                bilingual(_("This installation did not receive the dossier.")),
                code="sender_mismatch",
            )
        if dossier.events.filter(
            data__transfer_id=transfer_id, data__remote_event=remote_id
        ).exists():
            return dossier, False
        kind = event.get("type")
        DossierEvent.objects.create(
            dossier=dossier,
            type=kind if kind in EventType.values else EventType.COMMENTED,
            at=at,
            actor_name=f"{_text(event, 'actor_name', limit=200, required=False)} ({sender})"[:255],
            note=_text(event, "note", limit=5000, required=False),
            data={
                "remote": True,
                "origin": sender,
                "transfer_id": transfer_id,
                "remote_event": remote_id,
                "remote_status": remote_status,
                "original_type": str(kind)[:40],
                "agency": _text(data, "agency_name", limit=255, required=False),
                "agency_code": _text(data, "agency_code", limit=35, required=False),
                "step": _text(event, "step", limit=255, required=False),
            },
        )
        changed = False
        if remote_status in FINAL_REMOTE_STATUSES and dossier.status == DossierStatus.TRANSFERRED:
            # B's part is over: A's one-stop unit returns the result (or the refusal).
            dossier.status = (
                DossierStatus.REJECTED
                if remote_status == "rejected"
                else DossierStatus.RESULT_READY
            )
            dossier.result_ready_at = at
            dossier.outcome = outcome_for(at, dossier.legal_due_at)
            if dossier.status == DossierStatus.REJECTED:
                dossier.rejection_reason = _text(event, "note", limit=5000, required=False)
            dossier.version += 1
            dossier.save(
                update_fields=[
                    "status",
                    "result_ready_at",
                    "outcome",
                    "rejection_reason",
                    "version",
                ]
            )
            changed = True
        log_action(
            "dossiers.transfer_status_received",
            target=dossier,
            details={
                "transfer_id": transfer_id,
                "from": sender,
                "remote_event": remote_id,
                "remote_status": remote_status,
                "status_changed": changed,
                "received_via": received_via,
            },
        )
    return dossier, True


# --- inbox registration -----------------------------------------------------------------


def handle_transfer(message) -> None:
    receive_transfer(bytes(message.body), sender=message.sender, received_via=f"inbox:{message.pk}")


def handle_status(message) -> None:
    receive_status(bytes(message.body), sender=message.sender, received_via=f"inbox:{message.pk}")


def register_handlers() -> None:
    """Called from ``ExchangeConfig.ready()``."""
    from chinhquyen.exchange.handlers import register

    register(KIND_TRANSFER, handle_transfer)
    register(KIND_STATUS, handle_status)
