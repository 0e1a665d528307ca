"""Public status contract of a dossier (the portal and integrators rely on it).

``GET /api/v1/public/dossiers/{code}?phone=…`` (or ``&id_number=…``): the code, procedure,
agency, status, times and the steps. 404, with one body, when the code does not exist *or* the
phone / ID number does not match: the caller is not told which was wrong. No personal data is
returned. Rate-limited per client address (``DOSSIER_STATUS_RATE_PER_MINUTE``, default 30).
"""

import hmac
import re
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from ninja import Router, Schema

from chinhquyen.core.middleware import client_ip
from chinhquyen.dossiers.models import Dossier
from chinhquyen.dossiers.services.queries import public_status

router = Router(tags=["dossiers"])

NOT_FOUND = _("No dossier matches this code and phone number or ID number.")
RATE_LIMITED = _("Too many look-ups from this address; try again in a minute.")
MISSING = _("Give the phone number or the ID number used in the dossier.")


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


def _normalise(value: str) -> str:
    return re.sub(r"[\s.()-]", "", value or "").upper()


def _rate_limited(request) -> bool:
    limit = int(getattr(settings, "DOSSIER_STATUS_RATE_PER_MINUTE", 30))
    key = f"dossiers:status:{client_ip(request) or 'unknown'}:{timezone.now():%Y%m%d%H%M}"
    cache.add(key, 0, timeout=120)
    try:
        count = cache.incr(key)
    except ValueError:
        cache.set(key, 1, timeout=120)
        count = 1
    return count > limit


@router.get(
    "/{code}",
    response={200: DossierStatusOut, 400: ErrorOut, 404: ErrorOut, 429: ErrorOut},
    summary="Public status of a dossier",
    auth=None,
)
def dossier_status(request, code: str, phone: str = "", id_number: str = ""):
    if _rate_limited(request):
        return 429, error("rate_limited", RATE_LIMITED)
    given = _normalise(phone) or _normalise(id_number)
    if not given:
        return 400, error("secret_required", MISSING)
    dossier = (
        Dossier.objects.select_related("procedure", "procedure_version", "receiving_agency")
        .filter(code=code[:40])
        .first()
    )
    stored_phone = _normalise(dossier.applicant_phone) if dossier else ""
    stored_id = _normalise(dossier.applicant_id_number) if dossier else ""
    # Compare both in constant time, whichever was given, so timing tells nothing.
    phone_ok = hmac.compare_digest(_normalise(phone).encode(), (stored_phone or "\0").encode())
    id_ok = hmac.compare_digest(_normalise(id_number).encode(), (stored_id or "\0").encode())
    if dossier is None or not (phone_ok or id_ok):
        return 404, error("not_found", NOT_FOUND)
    return 200, public_status(dossier)
