"""``/api/v1/dossiers`` — dossiers from an outside channel (hồ sơ từ kênh bên ngoài).

* ``POST`` (``dossiers:create``): received through ``dossiers.services.receive_dossier`` with
  the client's channel (national portal or the provincial online channel), at the client's
  organisation or an agency inside it; the dossier gets its code (QCVN 102, see
  ``receive_dossier``) and starts its process like any other.
* ``GET`` list, detail and ``/status`` (``dossiers:read``): dossiers received by the client's
  organisation or an agency inside it — any other code answers 404, as if it did not exist.
* ``POST /{code}/transitions`` (``dossiers:transition``): only the actions allowed to the
  client (``SystemClient.transition_actions``, a subset of ``clients.SAFE_ACTIONS``), on
  dossiers that came through the client's channel.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from ninja import Field as NinjaField
from ninja import Query, Router, Schema, Status

from chinhquyen.exchange.api.auth import secured
from chinhquyen.exchange.api.errors import ApiError, responses
from chinhquyen.exchange.api.schemas import (
    MAX_PAGE,
    DossierIn,
    DossierOut,
    DossierPageOut,
    DossierStatusOut,
    TransitionIn,
    page_of,
)

router = Router(tags=["dossiers"])


class DossierFilters(Schema):
    status: str = NinjaField("", max_length=30)
    limit: int = NinjaField(20, ge=1, le=MAX_PAGE)
    offset: int = NinjaField(0, ge=0, le=1_000_000)


def _visible(client):
    from chinhquyen.dossiers.models import Dossier

    return Dossier.objects.select_related(
        "procedure", "procedure_version", "receiving_agency"
    ).filter(receiving_agency__path__startswith=client.organisation.path)


def _get(client, code: str):
    dossier = _visible(client).filter(code=code.strip()[:40]).first()
    if dossier is None:
        raise ApiError(404, "not_found")
    return dossier


def dossier_out(dossier) -> dict:
    return {
        "code": dossier.code,
        "channel": dossier.channel,
        "procedure_code": dossier.procedure.national_code,
        "procedure_name": dossier.procedure_version.name,
        "receiving_agency_code": dossier.receiving_agency_code,
        "receiving_agency": dossier.receiving_agency.name,
        "status": dossier.status,
        "status_label": str(dossier.get_status_display()),
        "received_at": dossier.received_at,
        "due_at": dossier.due_at,
        "finished_at": dossier.finished_at,
        "version": dossier.version,
    }


def _receiving_agency(client, code: str):
    from chinhquyen.directory.models import Organisation

    own = client.organisation
    if not code or code == own.qcvn_code:
        return own
    agency = Organisation.objects.filter(qcvn_code=code).first()
    if agency is None:
        raise ApiError(404, "not_found")
    if not agency.path.startswith(own.path):
        raise ApiError(403, "agency_outside_organisation")
    return agency


def _components(procedure, items) -> list[tuple[object, SimpleUploadedFile]]:
    from chinhquyen.procedures.models import ProcedureComponent

    wanted = {item.component_id for item in items if item.component_id is not None}
    known = {
        c.pk: c
        for c in ProcedureComponent.objects.filter(pk__in=wanted, version__procedure=procedure)
    }
    pairs = []
    for item in items:
        component = None
        if item.component_id is not None:
            component = known.get(item.component_id)
            if component is None:
                raise ApiError(400, "component_unknown", "Unknown component / Thành phần lạ")
        try:
            content = base64.b64decode(item.content_base64, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise ApiError(
                400,
                "file_invalid",
                "Nội dung tệp không phải base64 hợp lệ. / The file content is not valid base64.",
            ) from exc
        pairs.append((component, SimpleUploadedFile(item.file_name, content)))
    return pairs


KEY_RE = re.compile(r"^[\x21-\x7e]{1,200}$")  # printable ASCII, no spaces


def _idempotency_key(request) -> str:
    key = request.headers.get("Idempotency-Key", "")
    if key and not KEY_RE.match(key):
        raise ApiError(400, "bad_idempotency_key")
    return key


def _replayed(client, key: str, body_sha: str):
    """The dossier a previous call with ``key`` created, or None; 409 for another body."""
    from chinhquyen.exchange.api.models import IdempotencyRecord

    record = IdempotencyRecord.objects.filter(client=client, key=key).first()
    if record is None:
        return None
    if record.request_sha256 != body_sha:
        raise ApiError(409, "idempotency_conflict")
    return _get(client, record.object_ref)


@router.post(
    "",
    response=responses(400, 404, 409, s200=DossierOut, s201=DossierOut),
    summary="Submit a dossier from an outside channel",
    description=(
        "Send an ``Idempotency-Key`` header (1-200 printable characters) to retry safely: "
        "the same key and body again answer 200 with the dossier first created."
    ),
    operation_id="dossiers_create",
    **secured(
        "dossiers:create",
        {
            "parameters": [
                {
                    "in": "header",
                    "name": "Idempotency-Key",
                    "required": False,
                    "schema": {"type": "string", "pattern": "^[!-~]{1,200}$"},
                }
            ]
        },
    ),
)
def create_dossier(request, payload: DossierIn):
    from chinhquyen.dossiers.services import receive_dossier
    from chinhquyen.exchange.api.models import IdempotencyRecord
    from chinhquyen.procedures.models import Procedure

    client = request.auth
    key = _idempotency_key(request)
    body_sha = hashlib.sha256(request.body).hexdigest()
    if key:
        replayed = _replayed(client, key, body_sha)
        if replayed is not None:
            return Status(200, dossier_out(replayed))
    procedure = Procedure.objects.filter(national_code=payload.procedure_code).first()
    if procedure is None:
        raise ApiError(404, "not_found")
    agency = _receiving_agency(client, payload.agency_code)
    applicant = payload.applicant.dict()
    applicant = {name: value for name, value in applicant.items() if value not in ("", None)}
    try:
        # The dossier and its key commit together: a concurrent retry with the same key
        # loses on the unique constraint and rolls its dossier back (its number too).
        with transaction.atomic():
            dossier = receive_dossier(
                procedure=procedure,
                receiving_agency=agency,
                channel=client.intake_channel,
                applicant=applicant,
                components=_components(procedure, payload.components),
                acting_user=None,  # the system account, checked above (organisation, scope)
            )
            if key:
                IdempotencyRecord.objects.create(
                    client=client, key=key, request_sha256=body_sha, object_ref=dossier.code
                )
    except IntegrityError:
        replayed = _replayed(client, key, body_sha) if key else None
        if replayed is None:
            raise
        return Status(200, dossier_out(replayed))
    return Status(201, dossier_out(_get(client, dossier.code)))


@router.get(
    "",
    response=responses(s200=DossierPageOut),
    summary="Dossiers received by the client's organisation",
    operation_id="dossiers_list",
    **secured("dossiers:read"),
)
def list_dossiers(request, filters: Query[DossierFilters]):
    found = _visible(request.auth).order_by("-received_at", "-pk")
    if filters.status:
        found = found.filter(status=filters.status)
    return page_of(found, filters, lambda items: [dossier_out(d) for d in items])


@router.get(
    "/{code}",
    response=responses(404, s200=DossierOut),
    summary="A dossier",
    operation_id="dossiers_detail",
    **secured("dossiers:read"),
)
def dossier_detail(request, code: str):
    return dossier_out(_get(request.auth, code))


@router.get(
    "/{code}/status",
    response=responses(404, s200=DossierStatusOut),
    summary="Status and steps of a dossier",
    operation_id="dossiers_status",
    **secured("dossiers:read"),
)
def dossier_status(request, code: str):
    from chinhquyen.dossiers.services.lookup import status_payload

    return status_payload(_get(request.auth, code))


@router.post(
    "/{code}/transitions",
    response=responses(400, 404, 409, s200=DossierOut),
    summary="Perform an action allowed to the client on a dossier",
    operation_id="dossiers_transition",
    **secured("dossiers:transition"),
)
def dossier_transition(request, code: str, payload: TransitionIn):
    from chinhquyen.dossiers.services.transitions import transition
    from chinhquyen.exchange.clients import SAFE_ACTIONS

    client = request.auth
    dossier = _get(client, code)
    if (
        payload.action not in client.transition_actions
        or payload.action not in SAFE_ACTIONS
        or dossier.channel != client.intake_channel
    ):
        raise ApiError(403, "action_not_allowed")
    transition(
        dossier,
        payload.action,
        acting_user=None,  # the system account, checked above
        note=payload.note,
        expected_version=payload.expected_version,
    )
    return dossier_out(_get(client, code))
