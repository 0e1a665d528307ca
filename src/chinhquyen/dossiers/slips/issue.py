"""Issuing a slip: render it, finalise it (the signing hook), record it in the audit trail.

``issue_dossier_slip`` and ``issue_register`` are what views, tasks and commands call; they
return an :class:`IssuedSlip` (the bytes, a file name, the SHA-256 of the bytes handed out) and
write one ``dossiers.print_slip`` audit entry with that SHA-256, so a printed slip can later be
matched to the issue record.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from django.db import transaction

from chinhquyen.audit.services import log_action

from .data import SlipKind
from .mapping import form_set_for, form_set_on, register_for, slip_for_dossier
from .render import render_slip, render_slip_html

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


def finalise_slip_pdf(pdf_bytes: bytes, *, dossier, kind: str, acting_user) -> bytes:
    """The extension point between rendering and handing a slip out: returns the final bytes.

    Today it returns ``pdf_bytes`` unchanged: slips are **not signed yet**. The signing issue
    replaces the body with its service, e.g.::

        return sign_pdf(pdf_bytes, signer=acting_user, reason=str(SlipKind(kind).label))

    ``dossier`` is the dossier of the slip (``None`` for the register), ``kind`` a
    :class:`SlipKind` value, ``acting_user`` who prints it. Every PDF slip goes through here
    exactly once, and the audit entry records the SHA-256 of what this returns.
    """
    return pdf_bytes


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
            pdf, dossier=None, kind=SlipKind.REGISTER, acting_user=acting_user
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
