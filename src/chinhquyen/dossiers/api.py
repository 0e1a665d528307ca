"""Public status contract of a dossier (the portal and integrators rely on it).

``GET /api/v1/public/dossiers/{code}?phone=…`` (or ``&id_number=…``): the code, procedure,
agency, status, times and the steps. 404, with one body, when the code does not exist *or* the
phone / ID number does not match: the caller is not told which was wrong. No personal data is
returned. Rate-limited per client address (``DOSSIER_STATUS_RATE_PER_MINUTE``, default 30) and
per code (``DOSSIER_STATUS_FAILURES_PER_CODE_PER_HOUR`` failed look-ups, default 10): the
lookup and the limiter are ``dossiers.services.lookup``, shared with the tracking page.
"""

from datetime import datetime

from django.utils import translation
from ninja import Router, Schema, Status

from chinhquyen.core.middleware import client_ip
from chinhquyen.dossiers.services.lookup import (
    MISSING,
    NOT_FOUND,
    SecretMissing,
    lookup_throttled,
    public_status,
    record_failed_lookup,
)

router = Router(tags=["dossiers"])


class ErrorOut(Schema):
    code: str
    message_vi: str
    message_en: str


class ProcedureOut(Schema):
    code: str
    name: str


class StepOut(Schema):
    name: str
    agency: str
    started_at: datetime
    due_at: datetime
    finished_at: datetime | None
    outcome: str | None


class DossierStatusOut(Schema):
    code: str
    procedure: ProcedureOut
    agency: str
    status: str
    status_label: str
    received_at: datetime
    due_at: datetime
    steps: list[StepOut]


def error(code: str, message) -> dict:
    texts = {}
    for language in ("vi", "en"):
        with translation.override(language):
            texts[language] = str(message)
    return {"code": code, "message_vi": texts["vi"], "message_en": texts["en"]}


@router.get(
    "/{code}",
    response={200: DossierStatusOut, 400: ErrorOut, 404: ErrorOut, 429: ErrorOut},
    summary="Public status of a dossier",
    auth=None,
)
def dossier_status(request, code: str, phone: str = "", id_number: str = ""):
    refused = lookup_throttled(ip=client_ip(request), code=code)
    if refused is not None:
        return Status(429, error("rate_limited", refused))
    try:
        found = public_status(code, phone=phone, id_number=id_number)
    except SecretMissing:
        return Status(400, error("secret_required", MISSING))
    if found is None:
        record_failed_lookup(code)
        return Status(404, error("not_found", NOT_FOUND))
    return Status(200, found)
