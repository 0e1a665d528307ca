"""Issuing a slip: render it, finalise it (the signing hook), record it in the audit trail.

``issue_dossier_slip`` and ``issue_register`` are what views, tasks and commands call; they
return an :class:`IssuedSlip` (the bytes, a file name, the SHA-256 of the bytes handed out) and
write one ``dossiers.print_slip`` audit entry with that SHA-256, so a printed slip can later be
matched to the issue record.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from dataclasses import dataclass

from django.db import transaction

from chinhquyen.audit.services import log_action

from .data import SlipKind
from .mapping import form_set_for, form_set_on, register_for, slip_for_dossier
from .render import render_slip, render_slip_html

logger = logging.getLogger(__name__)

# File names (ASCII, Vietnamese without diacritics) by kind: "giay-tiep-nhan-<code>.pdf".
FILE_STEMS: dict[str, str] = {
    SlipKind.RECEIPT: "giay-tiep-nhan",
    SlipKind.SUPPLEMENT_REQUEST: "phieu-yeu-cau-bo-sung",
    SlipKind.REFUSAL: "phieu-tu-choi",
    SlipKind.APOLOGY: "phieu-xin-loi",
    SlipKind.CONTROL_SHEET: "phieu-kiem-soat",
    SlipKind.REGISTER: "so-theo-doi-ho-so",
}


@dataclass(frozen=True)
class IssuedSlip:
    content: bytes
    filename: str
    sha256: str
    content_type: str = "application/pdf"


def finalise_slip_pdf(pdf_bytes: bytes, *, dossier, kind: str, acting_user, agency=None) -> bytes:
    """The step between rendering and handing a slip out: returns the final bytes.

    When the issuing agency (``dossier.receiving_agency``, or ``agency`` for the register) has
    an active **organisation key** and ``SIGNING_SIGN_SLIPS`` is on (the default), the slip
    gets the organisation's digital signature (PAdES, top right of the first page: the dossier
    code, the agency's name and the signing time, Decree 30/2020 App. I §II). Without a key,
    or with the setting off, the bytes are returned unchanged: never a fake signature. If the
    key exists but cannot sign (certificate expired or revoked, stored key unreadable), the
    slip is still handed out unsigned and the reason is logged as a warning.

    The signature is applied by the system on the agency's behalf (the one-stop office issues
    slips; no clerk is involved), audited as ``signing.sign_pdf`` with the printing official as
    actor. Every PDF slip goes through here exactly once, and the ``dossiers.print_slip`` audit
    entry records the SHA-256 of what this returns.
    """
    from django.conf import settings

    from chinhquyen.signing.errors import NoSigningKeyError, SigningError
    from chinhquyen.signing.services import Appearance, resolve_signing_key, sign_pdf

    issuer = dossier.receiving_agency if dossier is not None else agency
    if issuer is None or not getattr(settings, "SIGNING_SIGN_SLIPS", True):
        return pdf_bytes
    try:
        key = resolve_signing_key(issuer, "organisation")
    except NoSigningKeyError:
        return pdf_bytes
    # Top right of the first page, inside the slip's narrow top margin (above "Mẫu số …"):
    # the agency's name and the signing time; the dossier code is printed on the slip itself.
    appearance = Appearance(box=_stamp_box(pdf_bytes))
    try:
        return sign_pdf(pdf_bytes, signer=key, role="organisation", appearance=appearance)
    except SigningError as exc:
        logger.warning("slip %s of %s left unsigned: %s", kind, issuer, exc.message)
        return pdf_bytes


MM = 72 / 25.4
STAMP_SIZE = (190.0, 25.0)  # two lines of Times New Roman 10 (points)


def _stamp_box(pdf_bytes: bytes) -> tuple[float, float, float, float] | None:
    """The organisation stamp's box on a slip: top right, within the top margin."""
    from io import BytesIO

    from pyhanko.pdf_utils.reader import PdfFileReader

    try:
        page = PdfFileReader(BytesIO(pdf_bytes), strict=False).root["/Pages"]["/Kids"][0]
        x0, y0, x1, y1 = (float(v) for v in page.get_object()["/MediaBox"])
    except (KeyError, IndexError, TypeError, ValueError):
        return None  # sign_pdf then uses the default box (or refuses a damaged PDF)
    width, height = STAMP_SIZE
    right, top = x1 - 10 * MM, y1 - 0.5 * MM
    return (right - width, top - height, right, top)


def _digest(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def _audit(*, kind: str, target, acting_user, sha256: str, extra: dict) -> None:
    with transaction.atomic():
        log_action(
            "dossiers.print_slip",
            target=target,
            actor=acting_user,
            details={"kind": str(kind), "sha256": sha256, **extra},
        )


def issue_dossier_slip(
    dossier,
    kind: str,
    *,
    acting_user,
    request=None,
    event_id=None,
    html: bool = False,
    language: str = "vi",
) -> IssuedSlip:
    """Render slip ``kind`` of ``dossier`` (PDF, or the HTML preview with ``html=True``),
    finalise the PDF and audit the issue. Raises ``SlipNotAvailable`` for a slip the dossier
    does not have (nothing is recorded then)."""
    slip = slip_for_dossier(dossier, kind, request=request, event_id=event_id)
    form_set = form_set_for(dossier)
    stem = f"{FILE_STEMS[kind]}-{dossier.code}"
    if html:
        text = render_slip_html(slip, form_set=form_set, language=language)
        content = text.encode("utf-8")
        issued = IssuedSlip(content, f"{stem}.html", _digest(content), "text/html; charset=utf-8")
    else:
        pdf = render_slip(slip, form_set=form_set, language=language)
        content = finalise_slip_pdf(pdf, dossier=dossier, kind=kind, acting_user=acting_user)
        issued = IssuedSlip(content, f"{stem}.pdf", _digest(content))
    extra: dict = {"format": "html" if html else "pdf", "form_set": form_set}
    if event_id not in (None, ""):
        extra["event"] = str(event_id)
    _audit(kind=kind, target=dossier, acting_user=acting_user, sha256=issued.sha256, extra=extra)
    return issued


def issue_register(
    agency,
    start: dt.date,
    end: dt.date,
    *,
    acting_user,
    html: bool = False,
    language: str = "vi",
) -> IssuedSlip:
    """The register (form 06) of ``agency`` for the period, finalised and audited."""
    register = register_for(agency, start, end)
    form_set = form_set_on(end)
    agency_code = agency.qcvn_code or agency.pk
    stem = f"{FILE_STEMS[SlipKind.REGISTER]}-{agency_code}-{start:%Y%m%d}-{end:%Y%m%d}"
    if html:
        text = render_slip_html(register, form_set=form_set, language=language)
        content = text.encode("utf-8")
        issued = IssuedSlip(content, f"{stem}.html", _digest(content), "text/html; charset=utf-8")
    else:
        pdf = render_slip(register, form_set=form_set, language=language)
        content = finalise_slip_pdf(
            pdf, dossier=None, kind=SlipKind.REGISTER, acting_user=acting_user, agency=agency
        )
        issued = IssuedSlip(content, f"{stem}.pdf", _digest(content))
    _audit(
        kind=SlipKind.REGISTER,
        target=agency,
        acting_user=acting_user,
        sha256=issued.sha256,
        extra={
            "format": "html" if html else "pdf",
            "form_set": form_set,
            "start": start.isoformat(),
            "end": end.isoformat(),
            "rows": len(register.rows),
        },
    )
    return issued


__all__ = ["FILE_STEMS", "IssuedSlip", "finalise_slip_pdf", "issue_dossier_slip", "issue_register"]
