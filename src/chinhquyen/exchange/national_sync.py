"""Synchronisation with the National Public Service Portal (đồng bộ Cổng DVC quốc gia).

Decree 61/2018 Art. 29(2) and Circular 01/2018 Art. 15(4)(d): dossier statuses, results and
evaluations are synchronised to the national portal; Decision 766 measures the "share of
dossiers synchronised". Three flows, each through the durable outbox (``connectors/
national_portal.py`` sends; the JSON shapes are the INTERIM contract of docs/exchange.md):

* **Catalogue** — :func:`push_catalogue`: one ``national.catalogue`` message per published
  procedure version (key ``national:catalogue:<code>:v<n>``: run it as often as you like).
* **Dossier statuses** — :func:`queue_dossier_status`, called by ``dossiers.services.
  transitions.transition`` inside the transaction of the change: one outbox INSERT, key
  ``national:status:<dossier id>:v<dossier version>`` (``:e`` once evaluated).
  :func:`queue_missing_statuses` catches up what no transition queued (a dossier just received,
  an evaluation recorded later, dossiers from before the sync was turned on).
* **Online dossiers** — :func:`pull_online_dossiers`: dossiers filed on the portal are received
  here by ``receive_dossier(channel=national_portal)`` once per portal dossier id
  (:class:`PortalDossier`), and acknowledged to the portal through the outbox
  (``national.dossier_ack``) in the same transaction.

The "synchronised" fact: when the portal confirms a status message (the outbox's delivered
listener :func:`status_delivered`), :class:`NationalDossierSync` records the status and dossier
version it holds. :func:`synchronised_share` gives the IOC its indicator.

Which dossiers are synchronised: ``NATIONAL_PORTAL_SYNC`` True/False; unset (None) means "on
when ``NATIONAL_PORTAL_URL`` is configured" — so production sends nothing until the portal
connection is configured, and tests/demo turn it on by configuring the emulator. Demo dossiers
(``is_demo``) are never sent.
"""

from __future__ import annotations

import base64
import binascii
import datetime
import hashlib
import json
import logging
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from chinhquyen.audit.services import audited_atomic, log_action
from chinhquyen.exchange.connectors.national_portal import (
    CONTENT_TYPE,
    KIND_ACK,
    KIND_CATALOGUE,
    KIND_STATUS,
    NAME,
    NationalPortalClient,
    setting,
)

logger = logging.getLogger("chinhquyen.exchange")

DESTINATION = "national_portal"
CURSOR = "national_portal.online"
APPLICANT_KEYS = ("kind", "name", "id_number", "phone", "email", "address")


def sync_enabled() -> bool:
    explicit = setting("NATIONAL_PORTAL_SYNC")
    if explicit is not None:
        return bool(explicit)
    return bool(setting("NATIONAL_PORTAL_URL"))


def _json(data: dict) -> bytes:
    # Sorted keys and no spaces: the same data is the same bytes, so a re-run is a duplicate
    # of the first message rather than an idempotency conflict.
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def _iso(value) -> str | None:
    return value.isoformat() if value else None


# --- Dossier statuses -------------------------------------------------------------------------


def status_payload(dossier, event: str, *, at: datetime.datetime, evaluation=None) -> dict:
    """The ``national.dossier_status`` body (interim contract, docs/exchange.md)."""
    data = {
        "dossier_code": dossier.code,
        "procedure_code": dossier.procedure.national_code,
        "agency_code": dossier.receiving_agency_code,
        "channel": dossier.channel,
        "status": dossier.status,
        "event": event,
        "version": dossier.version,
        "updated_at": at.isoformat(),
        "received_at": _iso(dossier.received_at),
        "due_at": _iso(dossier.due_at),
        "result_ready_at": _iso(dossier.result_ready_at),
        "finished_at": _iso(dossier.finished_at),
        "timeliness": dossier.outcome or None,
        "result": None,
        "evaluation": None,
    }
    if dossier.result_ready_at or dossier.result_note or dossier.rejection_reason:
        data["result"] = {
            "note": dossier.result_note or "",
            "rejection_reason": dossier.rejection_reason or "",
            "signed_at": _iso(dossier.result_signed_at),
            "return_method": dossier.return_method or "",
        }
    if evaluation is not None:
        data["evaluation"] = {
            "at": _iso(evaluation.at),
            "time_rating": evaluation.time_rating,
            "agencies_contacted": evaluation.agencies_contacted,
            "contacts_needed": evaluation.contacts_needed,
            "procedure_accuracy": evaluation.procedure_accuracy,
            "attitude": evaluation.attitude,
            "lawfulness": evaluation.lawfulness,
            "complaint_handling": evaluation.complaint_handling,
            "online_quality": evaluation.online_quality,
            "has_complaint": evaluation.has_complaint,
        }
    return data


def status_key(dossier, *, evaluated: bool = False) -> str:
    return f"national:status:{dossier.pk}:v{dossier.version}{':e' if evaluated else ''}"


def queue_dossier_status(
    dossier, event: str, *, at: datetime.datetime | None = None, evaluation=None
):
    """Queue the dossier's current status for the national portal, in the caller's transaction
    (the change and the message commit together). Cheap on purpose — it runs in every
    transition: no query beyond the procedure code and the outbox INSERT. Returns the outbox
    message, or None when the sync is off or the dossier is not published (demo data)."""
    if dossier.is_demo or not sync_enabled():
        return None
    from chinhquyen.exchange import outbox

    at = at or timezone.now()
    return outbox.enqueue(
        connector=NAME,
        destination=DESTINATION,
        kind=KIND_STATUS,
        body=_json(status_payload(dossier, event, at=at, evaluation=evaluation)),
        content_type=CONTENT_TYPE,
        idempotency_key=status_key(dossier, evaluated=evaluation is not None),
        related=dossier,
    )


def queue_missing_statuses(*, limit: int = 1000) -> int:
    """Queue a status message for each published dossier the portal does not hold at its
    current version (or without its evaluation). Messages already waiting in the outbox are
    not queued twice (same key). Returns how many dossiers were looked at."""
    from chinhquyen.dossiers.models import Dossier, Evaluation
    from chinhquyen.exchange.models import OutboxMessage

    if not sync_enabled():
        return 0
    candidates = (
        Dossier.objects.filter(is_demo=False)
        .filter(
            Q(national_sync__isnull=True)
            | Q(national_sync__last_version_pushed__lt=F("version"))
            | Q(evaluation__isnull=False, national_sync__evaluation_pushed=False)
        )
        .select_related("procedure")
        .order_by("pk")[:limit]
    )
    done = 0
    for dossier in candidates:
        evaluation = Evaluation.objects.filter(dossier=dossier).first()
        key = status_key(dossier, evaluated=evaluation is not None)
        if OutboxMessage.objects.filter(idempotency_key=key).exists():
            continue
        with audited_atomic():
            queue_dossier_status(dossier, "sync", evaluation=evaluation)
        done += 1
    return done


def status_delivered(message) -> None:
    """Outbox listener: the portal accepted a status message → record what it now holds (in
    the transaction that marks the message delivered). Never moves back to an older version."""
    from chinhquyen.exchange.national_models import NationalDossierSync

    if not message.related_id:
        return
    try:
        data = json.loads(message.read_body())
        version = int(data["version"])
    except (ValueError, KeyError, TypeError):
        logger.warning("National status message %s has no readable version", message.pk)
        return
    evaluated = data.get("evaluation") is not None
    now = message.delivered_at or timezone.now()
    sync = (
        NationalDossierSync.objects.select_for_update()
        .filter(dossier_id=message.related_id)
        .first()
    )
    if sync is None:
        try:
            with transaction.atomic():
                NationalDossierSync.objects.create(
                    dossier_id=message.related_id,
                    last_status_pushed=data.get("status", ""),
                    last_version_pushed=version,
                    evaluation_pushed=evaluated,
                    first_pushed_at=now,
                    pushed_at=now,
                    outbox_message_id=message.pk,
                )
                _count_first_sync(message.related_id)
            return
        except IntegrityError:  # recorded meanwhile by another worker
            sync = NationalDossierSync.objects.select_for_update().get(
                dossier_id=message.related_id
            )
    newer = version > sync.last_version_pushed or (
        version == sync.last_version_pushed and evaluated and not sync.evaluation_pushed
    )
    if newer:
        NationalDossierSync.objects.filter(pk=sync.pk).update(
            last_status_pushed=data.get("status", ""),
            last_version_pushed=version,
            evaluation_pushed=sync.evaluation_pushed or evaluated,
            pushed_at=now,
            outbox_message_id=message.pk,
        )


def _count_first_sync(dossier_id) -> None:
    """The operations centre's "synchronised to the national portal" counter (same
    transaction as the first sync record)."""
    from chinhquyen.dossiers.models import Dossier
    from chinhquyen.insights.aggregates import dossier_synchronised

    facts = Dossier.objects.filter(pk=dossier_id).values("received_at", "lead_agency_id").first()
    if facts is not None:
        dossier_synchronised(**facts)


def register_listeners() -> None:
    from chinhquyen.exchange.handlers import on_delivered

    on_delivered(KIND_STATUS, status_delivered)


def synchronised_share(root, start, end, *, current_only: bool = False) -> dict:
    """Decision 766 "share of dossiers synchronised to the national portal": of the
    (non-demo) dossiers received by ``root`` or any unit under it in [start, end), how many
    the portal has accepted at least one status of (``current_only``: at their current
    version). ``start``/``end`` are dates (local days, end exclusive) or datetimes.
    Returns ``{"total", "synchronised", "share"}`` (share a Decimal percentage with one
    decimal, None when there is no dossier)."""
    from chinhquyen.dossiers.models import Dossier

    def instant(value):
        if isinstance(value, datetime.datetime):
            return value
        return timezone.make_aware(datetime.datetime.combine(value, datetime.time.min))

    rows = Dossier.objects.filter(
        is_demo=False,
        received_at__gte=instant(start),
        received_at__lt=instant(end),
        receiving_agency__path__startswith=root.path,
    )
    total = rows.count()
    synced = rows.filter(national_sync__isnull=False)
    if current_only:
        synced = synced.filter(national_sync__last_version_pushed__gte=F("version"))
    count = synced.count() if total else 0
    share = (Decimal(count * 100) / Decimal(total)).quantize(Decimal("0.1")) if total else None
    return {"total": total, "synchronised": count, "share": share}


# --- Catalogue ----------------------------------------------------------------------------------


def catalogue_payload(version) -> dict:
    """The ``national.catalogue`` body of a published procedure version (interim contract)."""
    return {
        "procedure_code": version.procedure.national_code,
        "version": version.number,
        "name": version.name,
        "name_en": version.name_en,
        "field_code": version.field.code,
        "level": version.level,
        "online_mode": version.online_mode,
        "processing_time": str(version.processing_time.normalize()),
        "time_unit": version.time_unit,
        "result": version.result_type,
        "legal_basis": version.legal_basis,
        "effective_from": _iso(version.effective_from),
        "published_at": _iso(version.published_at),
        "agencies": [
            {"code": agency.qcvn_code or "", "name": agency.name}
            for agency in version.implementing_agencies.order_by("path")
        ],
        "fees": [
            {"kind": fee.kind, "name": fee.name, "amount": int(fee.amount)}
            for fee in version.fees.order_by("pk")
        ],
    }


def queue_catalogue(version):
    """Queue one published version (inside the caller's transaction)."""
    from chinhquyen.exchange import outbox

    return outbox.enqueue(
        connector=NAME,
        destination=DESTINATION,
        kind=KIND_CATALOGUE,
        body=_json(catalogue_payload(version)),
        content_type=CONTENT_TYPE,
        idempotency_key=f"national:catalogue:{version.procedure.national_code}:v{version.number}",
        related=version,
    )


def push_catalogue() -> dict[str, int]:
    """Queue every published procedure version not queued yet. Returns counts: ``queued``
    (new messages), ``already`` (queued before), ``conflict`` (a published version whose
    data changed after it was sent: logged, for the administrator)."""
    from chinhquyen.exchange.models import OutboxMessage
    from chinhquyen.exchange.outbox import OutboxError
    from chinhquyen.procedures.choices import VersionStatus
    from chinhquyen.procedures.models import ProcedureVersion

    counts = {"queued": 0, "already": 0, "conflict": 0}
    versions = (
        ProcedureVersion.objects.filter(status=VersionStatus.PUBLISHED)
        .select_related("procedure", "field")
        .order_by("procedure__national_code", "number")
    )
    for version in versions:
        key = f"national:catalogue:{version.procedure.national_code}:v{version.number}"
        existed = OutboxMessage.objects.filter(idempotency_key=key).exists()
        try:
            with audited_atomic():
                queue_catalogue(version)
        except OutboxError as exc:
            counts["conflict"] += 1
            logger.warning("Catalogue %s not queued: %s", key, exc.message)
            continue
        counts["already" if existed else "queued"] += 1
    return counts


# --- Online dossiers from the portal ------------------------------------------------------------


class PortalDossierRefused(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def _refuse(code: str, vi: str, en: str) -> PortalDossierRefused:
    return PortalDossierRefused(code, f"{vi} / {en}")


def _components(procedure, agency, received_at, files) -> list:
    from chinhquyen.dossiers.services.in_force import in_force_for_intake
    from chinhquyen.procedures.errors import NoProcessInForce, NoVersionInForce

    if not isinstance(files, list):
        raise _refuse("files_invalid", "Danh sách tệp không hợp lệ", "files is not a list")
    try:
        version = in_force_for_intake(procedure, agency, received_at).version
    except (NoVersionInForce, NoProcessInForce) as exc:
        raise PortalDossierRefused("procedure_not_in_force", str(exc)) from exc
    by_order = {c.order: c for c in version.components.all()}
    pairs = []
    for item in files:
        if not isinstance(item, dict):
            raise _refuse("files_invalid", "Tệp không hợp lệ", "A file entry is not an object")
        try:
            content = base64.b64decode(str(item.get("content_base64", "")), validate=True)
        except (binascii.Error, ValueError) as exc:
            raise _refuse("file_base64", "Tệp mã hóa sai", "A file is not valid base64") from exc
        expected = str(item.get("sha256") or "")
        if expected and hashlib.sha256(content).hexdigest() != expected.lower():
            raise _refuse("file_digest", "Tệp bị thay đổi", "A file does not match its SHA-256")
        component = by_order.get(item.get("component")) if item.get("component") else None
        if item.get("component") and component is None:
            raise _refuse("component_unknown", "Thành phần không có", "Unknown component")
        name = str(item.get("name") or "tep")[:200]
        upload = SimpleUploadedFile(
            name, content, content_type=str(item.get("content_type") or "")[:100]
        )
        pairs.append((component, upload))
    return pairs


def _receive(item: dict):
    """Receive one online dossier (inside the caller's transaction); returns the dossier."""
    from chinhquyen.directory.models import Organisation
    from chinhquyen.dossiers.choices import Channel
    from chinhquyen.dossiers.services.intake import receive_dossier
    from chinhquyen.procedures.models import Procedure

    procedure = Procedure.objects.filter(national_code=str(item.get("procedure_code", ""))).first()
    if procedure is None:
        raise _refuse("unknown_procedure", "Thủ tục không có", "Unknown procedure code")
    agency = Organisation.objects.filter(qcvn_code=str(item.get("agency_code", ""))).first()
    if agency is None:
        raise _refuse("unknown_agency", "Cơ quan không có", "Unknown agency code")
    applicant = item.get("applicant")
    if not isinstance(applicant, dict):
        raise _refuse("applicant_invalid", "Thiếu người nộp", "applicant is not an object")
    filed = parse_datetime(str(item.get("filed_at") or "")) if item.get("filed_at") else None
    now = timezone.now()
    # The portal's filing time starts the clock (Decree 61 Art. 17(2)); never in the future.
    received_at = filed if filed and timezone.is_aware(filed) and filed <= now else now
    return receive_dossier(
        procedure=procedure,
        receiving_agency=agency,
        channel=Channel.NATIONAL_PORTAL,
        applicant={k: applicant[k] for k in APPLICANT_KEYS if applicant.get(k) is not None},
        components=_components(procedure, agency, received_at, item.get("files", [])),
        received_at=received_at,
        acting_user=None,
    )


def _queue_ack(portal_id: str, data: dict) -> None:
    from chinhquyen.exchange import outbox

    outbox.enqueue(
        connector=NAME,
        destination=DESTINATION,
        kind=KIND_ACK,
        body=_json({"portal_id": portal_id, **data}),
        content_type=CONTENT_TYPE,
        idempotency_key=f"national:ack:{portal_id}"[:200],
        related=f"portal:{portal_id}",
    )


def take_online_dossier(item: dict) -> str:
    """Receive one dossier filed on the portal, once per portal id. Returns ``received``,
    ``refused`` (recorded, and the refusal acknowledged to the portal) or ``duplicate``."""
    from chinhquyen.dossiers.exceptions import DossierError
    from chinhquyen.exchange.national_models import PortalDossier, PortalDossierStatus

    portal_id = str(item.get("portal_id") or "")[:100] if isinstance(item, dict) else ""
    if not portal_id:
        logger.warning("An online dossier from the portal has no portal_id; skipped")
        return "invalid"
    if PortalDossier.objects.filter(portal_id=portal_id).exists():
        return "duplicate"
    digest = hashlib.sha256(_json(item)).hexdigest()
    try:
        with audited_atomic():
            # The unique portal id is inserted first: a concurrent pull of the same dossier
            # waits on it and then fails, instead of receiving a second dossier.
            record = PortalDossier.objects.create(
                portal_id=portal_id,
                status=PortalDossierStatus.RECEIVED,
                payload_sha256=digest,
                pulled_at=timezone.now(),
            )
            try:
                with transaction.atomic():
                    dossier = _receive(item)
            except (DossierError, PortalDossierRefused) as exc:
                code = getattr(exc, "code", "refused")
                text = getattr(exc, "message", "") or str(exc)
                PortalDossier.objects.filter(pk=record.pk).update(
                    status=PortalDossierStatus.REFUSED, error_code=code[:40], error=text
                )
                _queue_ack(portal_id, {"accepted": False, "code": code, "message": text})
                log_action(
                    "exchange.national_portal_refused",
                    target=record,
                    details={"portal_id": portal_id, "code": code},
                )
                return "refused"
            PortalDossier.objects.filter(pk=record.pk).update(dossier=dossier)
            _queue_ack(
                portal_id,
                {
                    "accepted": True,
                    "dossier_code": dossier.code,
                    "received_at": _iso(dossier.received_at),
                    "due_at": _iso(dossier.due_at),
                },
            )
            queue_dossier_status(dossier, "receive", at=dossier.received_at)
            log_action(
                "exchange.national_portal_received",
                target=dossier,
                details={"portal_id": portal_id, "code": dossier.code},
            )
    except IntegrityError:
        return "duplicate"
    return "received"


def pull_online_dossiers(*, max_pages: int = 20) -> dict[str, int]:
    """Fetch dossiers filed on the national portal since the stored cursor and receive them.
    The cursor moves only after a page is taken, so a crash re-reads the page (and the portal
    id makes that harmless). Raises ``ConnectorError`` when the portal cannot be read."""
    from chinhquyen.exchange.national_models import SyncCursor

    client = NationalPortalClient()
    limit = int(setting("NATIONAL_PORTAL_PULL_LIMIT"))
    counts: dict[str, int] = {}
    for _page in range(max_pages):
        cursor = SyncCursor.objects.filter(name=CURSOR).values_list("value", flat=True).first()
        items, next_cursor = client.online_dossiers(after=cursor or "", limit=limit)
        for item in items:
            outcome = take_online_dossier(item)
            counts[outcome] = counts.get(outcome, 0) + 1
        SyncCursor.objects.update_or_create(
            name=CURSOR, defaults={"value": next_cursor[:200], "updated_at": timezone.now()}
        )
        if len(items) < limit:
            break
    return counts
