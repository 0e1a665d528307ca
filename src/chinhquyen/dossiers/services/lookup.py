"""The public status of a dossier: one lookup for the API and the tracking page.

``public_status(code, phone=…)`` (or ``id_number=…``) answers the status contract — code,
procedure, agency, status, received and due times, the steps — and nothing personal, or
``None`` when the code does not exist *or* the phone / ID number does not match (the caller
is not told which; both secrets are compared in constant time). ``lookup_throttled`` is the
brute-force guard both callers share: look-ups per client address per minute, and failed
look-ups per dossier code per hour (from any address), counted in the cache.
"""

import hashlib
import hmac
import re

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chinhquyen.core.phone import normalise_phone
from chinhquyen.dossiers.exceptions import DossierError
from chinhquyen.dossiers.models import Dossier
from chinhquyen.dossiers.services.access import bilingual
from chinhquyen.dossiers.services.queries import step_runs

NOT_FOUND = _("No dossier matches this code and phone number or ID number.")
RATE_LIMITED = _("Too many look-ups from this address; try again in a minute.")
CODE_RATE_LIMITED = _(
    "Too many failed look-ups of this dossier code; try again in an hour, or ask the agency."
)
MISSING = _("Give the phone number or the ID number used in the dossier.")
CODE_MAX_LENGTH = 40


class SecretMissing(DossierError):
    """Neither the phone number nor the ID number was given (HTTP 400)."""

    code = "secret_required"


def normalise_secret(value: str | None) -> str:
    """Digits and letters only, upper case: "0912 345.678" → "0912345678"."""
    return re.sub(r"[\s.()+-]", "", value or "").upper()


def normalise_code(code: str | None) -> str:
    return (code or "").strip()[:CODE_MAX_LENGTH]


def status_payload(dossier: Dossier) -> dict:
    """The public status contract of ``dossier`` (no personal data)."""
    runs = step_runs(dossier)
    version = dossier.procedure_version
    return {
        "code": dossier.code,
        "procedure": {"code": dossier.procedure.national_code, "name": version.name},
        "agency": dossier.receiving_agency.name,
        "status": dossier.status,
        "status_label": str(dossier.get_status_display()),
        "received_at": dossier.received_at,
        "due_at": dossier.due_at,
        "steps": [
            {
                "name": run.step.name,
                "agency": run.agency.name,
                "started_at": run.started_at,
                "due_at": run.due_at,
                "finished_at": run.finished_at,
                "outcome": run.outcome or None,
            }
            for run in runs
        ],
    }


def public_status(code: str, *, phone: str | None = None, id_number: str | None = None):
    """The status of the dossier ``code`` whose applicant phone or ID number matches, or None.

    Raises ``SecretMissing`` when neither is given. Codes are matched as printed on the slip
    (surrounding spaces ignored); phone and ID number without spaces, dots or dashes, the phone
    also with +84/84 read as 0.
    """
    given_phone = normalise_phone(phone)
    given_id = normalise_secret(id_number)
    if not (given_phone or given_id):
        raise SecretMissing(bilingual(MISSING))
    dossier = (
        Dossier.objects.select_related("procedure", "procedure_version", "receiving_agency")
        .filter(code=normalise_code(code))
        .first()
    )
    # "+84 912…", "84912…" and "0912…" are one number (intake accepts each form).
    stored_phone = normalise_phone(dossier.applicant_phone) if dossier else ""
    stored_id = normalise_secret(dossier.applicant_id_number) if dossier else ""
    # Compare both in constant time, whichever was given, so timing tells nothing; an empty
    # stored value never matches (it is compared with "\0").
    phone_ok = hmac.compare_digest(given_phone.encode(), (stored_phone or "\0").encode())
    id_ok = hmac.compare_digest(given_id.encode(), (stored_id or "\0").encode())
    if dossier is None or not (phone_ok or id_ok):
        return None
    return status_payload(dossier)


def _count(key: str, timeout: int) -> int:
    cache.add(key, 0, timeout=timeout)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=timeout)
        return 1


def _code_key(code: str, now) -> str:
    digest = hashlib.sha256(normalise_code(code).encode()).hexdigest()[:32]
    return f"dossiers:status:code:{digest}:{now:%Y%m%d%H}"


def lookup_throttled(*, ip: str | None, code: str):
    """Count one look-up of ``code`` from ``ip``; the (lazy) refusal message when over a
    limit, else None.

    * per address: ``DOSSIER_STATUS_RATE_PER_MINUTE`` (30) look-ups a minute;
    * per code: ``DOSSIER_STATUS_FAILURES_PER_CODE_PER_HOUR`` (10) failed look-ups an hour,
      from any address (see :func:`record_failed_lookup`); then even the right secret is
      refused until the hour ends, so spreading guesses over many addresses does not help.
      Any code string counts, existing or not, so the answer says nothing about existence.
    """
    now = timezone.now()
    per_minute = int(getattr(settings, "DOSSIER_STATUS_RATE_PER_MINUTE", 30))
    if _count(f"dossiers:status:ip:{ip or 'unknown'}:{now:%Y%m%d%H%M}", 120) > per_minute:
        return RATE_LIMITED
    per_code = int(getattr(settings, "DOSSIER_STATUS_FAILURES_PER_CODE_PER_HOUR", 10))
    if (cache.get(_code_key(code, now)) or 0) >= per_code:
        return CODE_RATE_LIMITED
    return None


def record_failed_lookup(code: str) -> None:
    """Count a failed look-up of ``code`` (wrong code or wrong secret) for the hour."""
    _count(_code_key(code, timezone.now()), 3700)
