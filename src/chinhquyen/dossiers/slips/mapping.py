"""From the dossier models to the slip dataclasses (the only module of ``slips`` that queries).

``slip_for_dossier(dossier, kind)`` builds forms 01–05 of one dossier, ``register_for(agency,
start, end)`` the register (form 06) of a receiving agency for a period. What each form prints
comes from where the dossier keeps it:

* 01 receipt — the dossier (code, receiving agency and its QCVN code *at receipt*, applicant,
  received / appointed times, legal processing time of the procedure version), the components
  received (the ``received`` event and the attachments filed at intake), the fee lines
  (``Payment``), the officer who received it;
* 02 supplement request, 03 refusal, 04 apology — the ``DossierEvent`` that records the
  decision (``supplement_requested``, ``rejected``, ``apology_issued``): its note (one item or
  reason per line), its actor, its data (old and new appointment);
* 05 control sheet — the ``DossierStepRun`` rows: one hand-over into each step run, and the
  hand-back of the result to the one-stop unit once the last step is finished.

A slip that does not fit the dossier's state (a refusal of a dossier that was not refused …)
raises ``SlipNotAvailable`` (404 in the views).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chinhquyen.dossiers.choices import Action, DossierStatus, EventType, SupplementClock
from chinhquyen.dossiers.choices import ReturnMethod as DossierReturnMethod
from chinhquyen.dossiers.exceptions import DossierError
from chinhquyen.dossiers.services.access import bilingual

from .data import (
    ApologySlip,
    ControlSheet,
    DossierRegister,
    HandOver,
    ReceiptSlip,
    RefusalSlip,
    RegisterRow,
    ReturnMethod,
    SlipAgency,
    SlipApplicant,
    SlipComponent,
    SlipFee,
    SlipKind,
    SupplementItem,
    SupplementRequest,
)
from .render import DEFAULT_FORM_SET, FORM_SETS

DossierSlip = ReceiptSlip | SupplementRequest | RefusalSlip | ApologySlip | ControlSheet

# The one-stop rule set in force at intake chooses the printed forms. ``OneStopRuleSet`` has no
# form-set field yet, so its code maps here; a rule set not listed prints the default set.
RULE_SET_FORM_SETS: dict[str, str] = {"ND61-2018": "tt01-2018"}

# Per-dossier slips and the event each is issued from (None: the dossier itself).
EVENT_OF_KIND: dict[str, str | None] = {
    SlipKind.RECEIPT: None,
    SlipKind.SUPPLEMENT_REQUEST: EventType.SUPPLEMENT_REQUESTED,
    SlipKind.REFUSAL: EventType.REJECTED,
    SlipKind.APOLOGY: EventType.APOLOGY_ISSUED,
    SlipKind.CONTROL_SHEET: None,
}

# Longest period one register may cover (a year of a busy centre is ~20 000 rows).
MAX_REGISTER_DAYS = 366

NOT_AVAILABLE = {
    SlipKind.SUPPLEMENT_REQUEST: _("No supplement was requested for this dossier."),
    SlipKind.REFUSAL: _("This dossier was not refused: there is no refusal slip."),
    SlipKind.APOLOGY: _("No apology was issued for this dossier."),
}


class SlipNotAvailable(DossierError):
    """The slip does not exist for this dossier in its state (HTTP 404)."""

    status = 404


def form_set_of_rule_set(rule_set) -> str:
    """The form set printed under a one-stop rule set (the one place that maps them)."""
    code = RULE_SET_FORM_SETS.get(rule_set.code, DEFAULT_FORM_SET) if rule_set else ""
    return code if code in FORM_SETS else DEFAULT_FORM_SET


def form_set_for(dossier) -> str:
    """The form set of the rule set the dossier was received under (see ``docs/slips.md``)."""
    return form_set_of_rule_set(dossier.rule_set)


def form_set_on(day: dt.date) -> str:
    """The form set of the rule set in force at the end of ``day`` (for the register)."""
    from chinhquyen.dossiers.models import OneStopRuleSet

    until = dt.datetime.combine(
        day + dt.timedelta(days=1), dt.time.min, tzinfo=timezone.get_default_timezone()
    )
    return form_set_of_rule_set(
        OneStopRuleSet.objects.filter(effective_from__lt=until).order_by("-effective_from").first()
    )


def status_url(dossier, *, request=None) -> str:
    """The absolute URL of the public status page of ``dossier`` (printed as the QR code):
    ``/tra-cuu/<code>/``, which asks for the phone or ID number before showing anything.

    Absolute from ``settings.PUBLIC_BASE_URL`` (the portal's public address: a slip printed
    in the back office must not carry an internal host name); from the request only when
    that setting is empty.
    """
    path = reverse("tracking:lookup_code", args=[dossier.code])
    base = (getattr(settings, "PUBLIC_BASE_URL", "") or "").rstrip("/")
    if base or request is None:
        return base + path
    return request.build_absolute_uri(path)


def _user_name(user) -> str:
    if user is None:
        return ""
    return getattr(user, "full_name", "") or user.get_username()


def _position(user) -> str:
    from chinhquyen.directory.models import Official

    if user is None:
        return ""
    return Official.objects.filter(user_id=user.pk).values_list("position", flat=True).first() or ""


def slip_agency(agency, *, qcvn_code: str | None = None) -> SlipAgency:
    """The header block: the governing body (the parent organisation) and the unit."""
    parent = type(agency).objects.get_parent(agency)
    return SlipAgency(
        name=agency.name,
        parent_name=parent.name if parent is not None else "",
        qcvn_code=qcvn_code if qcvn_code is not None else (agency.qcvn_code or ""),
        place_name=str(getattr(settings, "PROVINCE_NAME", "")),
    )


def _applicant(dossier) -> SlipApplicant:
    return SlipApplicant(
        name=dossier.applicant_name,
        id_number=dossier.applicant_id_number,
        phone=dossier.applicant_phone,
        address=dossier.applicant_address,
        email=dossier.applicant_email,
    )


def _lines(text: str) -> tuple[str, ...]:
    return tuple(line.strip(" \t-•") for line in (text or "").splitlines() if line.strip(" \t-•"))


def _parse(value) -> dt.datetime | None:
    if not value:
        return None
    try:
        return dt.datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return None


def _number(value: Decimal | int | None) -> int | Decimal | None:
    if value is None:
        return None
    return int(value) if value == int(value) else Decimal(value).normalize()


def _event(dossier, kind: str, event_id=None):
    """The event a slip of ``kind`` is issued from: ``event_id`` or the latest of its type."""
    events = dossier.events.filter(type=EVENT_OF_KIND[kind]).select_related("actor", "from_agency")
    if event_id not in (None, ""):
        try:
            found = events.filter(pk=int(event_id)).first()
        except (TypeError, ValueError):
            found = None
    else:
        found = events.order_by("-at", "-id").first()
    if found is None:
        raise SlipNotAvailable(bilingual(NOT_AVAILABLE[kind]), code="slip_not_available")
    return found


def _common(dossier, agency, *, request=None, qcvn_code: str | None = None) -> dict:
    return {
        "dossier_code": dossier.code,
        "procedure_name": dossier.procedure_version.name,
        "agency": slip_agency(agency, qcvn_code=qcvn_code),
        "applicant": _applicant(dossier),
        "status_url": status_url(dossier, request=request),
    }


def _return_method(dossier) -> str:
    """How the applicant gets the result: the method recorded at return, else the channel's.

    ``Dossier`` does not record the method the applicant registered at intake; until it does,
    post dossiers are answered by post, online ones online, the others at the counter.
    """
    method = dossier.return_method
    if not method:
        method = {
            "post": DossierReturnMethod.POST,
            "online": DossierReturnMethod.ONLINE,
            "national_portal": DossierReturnMethod.ONLINE,
        }.get(dossier.channel, DossierReturnMethod.COUNTER)
    return {
        DossierReturnMethod.POST: ReturnMethod.POST,
        DossierReturnMethod.ONLINE: ReturnMethod.ONLINE,
    }.get(method, ReturnMethod.COUNTER)


def _components(dossier) -> tuple[SlipComponent, ...]:
    """The components received at intake, in the procedure's order, then unnamed files."""
    from chinhquyen.procedures.models import ProcedureComponent

    received = dossier.events.filter(type=EventType.RECEIVED).order_by("at", "id").first()
    ids = set((received.data or {}).get("components", []) if received else [])
    others: list[SlipComponent] = []
    for attachment in dossier.attachments.all():
        if attachment.is_supplement:
            continue
        if attachment.component_id is not None:
            ids.add(attachment.component_id)
        else:
            others.append(SlipComponent(name=attachment.original_name, originals=1))
    named = [
        SlipComponent(name=component.name, originals=component.originals, copies=component.copies)
        for component in ProcedureComponent.objects.filter(pk__in=sorted(ids)).order_by(
            "order", "id"
        )
    ]
    return (*named, *others)


def receipt_slip(dossier, *, request=None) -> ReceiptSlip:
    """Form 01, issued by the receiving agency under its QCVN code at receipt."""
    version = dossier.procedure_version
    method = _return_method(dossier)
    if method == ReturnMethod.POST:
        postal = getattr(dossier, "postal_order", None) if dossier.return_method else None
        place = postal.address if postal is not None else dossier.applicant_address
    elif method == ReturnMethod.COUNTER:
        place = dossier.receiving_agency.address
    else:
        place = ""
    return ReceiptSlip(
        **_common(
            dossier,
            dossier.receiving_agency,
            request=request,
            qcvn_code=dossier.receiving_agency_code,
        ),
        issued_at=dossier.received_at,
        received_at=dossier.received_at,
        due_at=dossier.original_due_at,
        officer_name=_user_name(dossier.received_by),
        components=_components(dossier),
        processing_time=_number(version.processing_time),
        processing_time_unit=version.time_unit,
        return_method=method,
        return_place=place,
        fees=tuple(
            SlipFee(name=payment.name, amount=int(payment.amount), paid=payment.is_paid)
            for payment in dossier.payments.order_by("id")
        ),
    )


def supplement_request_slip(dossier, *, request=None, event_id=None) -> SupplementRequest:
    """Form 02, from a ``supplement_requested`` event (one item per line of its note).

    A structured list in the event's data (``items: [{"content", "reason"}]``) is used when
    the service records one.
    """
    event = _event(dossier, SlipKind.SUPPLEMENT_REQUEST, event_id)
    data = event.data or {}
    items = tuple(
        SupplementItem(content=str(item.get("content", "")), reason=str(item.get("reason", "")))
        for item in data.get("items", [])
        if isinstance(item, dict) and item.get("content")
    ) or tuple(SupplementItem(content=line) for line in _lines(event.note))
    agency = event.from_agency or dossier.receiving_agency
    notes = ""
    if dossier.rule_set.supplement_clock == SupplementClock.RESTART:
        notes = _(
            "The processing time is counted again from the start when the complete dossier "
            "is received (Decree 61/2018 Art. 19(4))."
        )
    return SupplementRequest(
        **_common(dossier, agency, request=request),
        issued_at=event.at,
        received_at=dossier.received_at,
        items=items,
        officer_name=event.actor_name or _user_name(event.actor),
        notes=notes,
        contact_phone=agency.phone,
    )


def refusal_slip(dossier, *, request=None, event_id=None) -> RefusalSlip:
    """Form 03, from the ``rejected`` event (one reason per line of its note)."""
    event = _event(dossier, SlipKind.REFUSAL, event_id)
    agency = event.from_agency or dossier.lead_agency
    reasons = _lines(event.note) or _lines(dossier.rejection_reason)
    return RefusalSlip(
        **_common(dossier, agency, request=request),
        issued_at=event.at,
        received_at=dossier.received_at,
        reasons=reasons,
        officer_name=event.actor_name or _user_name(event.actor),
        signer_position=_position(event.actor),
    )


def apology_slip(dossier, *, request=None, event_id=None) -> ApologySlip:
    """Form 04, from the ``apology_issued`` event: the reason, the old and new appointment."""
    event = _event(dossier, SlipKind.APOLOGY, event_id)
    data = event.data or {}
    return ApologySlip(
        **_common(dossier, dossier.lead_agency, request=request),
        issued_at=event.at,
        received_at=dossier.received_at,
        original_due_at=_parse(data.get("old_due_at")) or dossier.original_due_at,
        new_due_at=_parse(data.get("new_due_at")) or dossier.due_at,
        reason=event.note,
        signer_name=event.actor_name or _user_name(event.actor),
        signer_position=_position(event.actor),
    )


# Notes stay lazy: they are printed in the slip's language (Vietnamese), whatever the language
# of the officer's interface when the slip is built.
HAND_OVER_NOTES = {
    Action.RETURN: Action.RETURN.label,
    Action.TRANSFER: Action.TRANSFER.label,
}


def _unit(run) -> str:
    return f"{run.agency.name} — {run.step.name}"


def control_sheet(dossier, *, request=None) -> ControlSheet:
    """Form 05: one row per hand-over, from the step runs.

    Row *i* is the hand-over into step run *i*: the giver is whoever finished the run before
    (the receiving officer for the first), and the timeliness is that of the giving run against
    its sub-deadline (the first row: the hand-over from the counter, not timed). Once the last
    run is finished with a result (approved or refused), a last row hands it back to the
    one-stop unit.
    """
    runs = list(
        dossier.step_runs.select_related("step", "agency", "finished_by").order_by(
            "started_at", "id"
        )
    )
    receiving = dossier.receiving_agency
    supplements = {
        event.at: event
        for event in dossier.events.filter(type=EventType.SUPPLEMENT_RECEIVED).select_related(
            "actor"
        )
    }
    rows: list[HandOver] = []
    previous = None
    for run in runs:
        receiver = _user_name(run.finished_by)
        if not receiver and run.finished_at is None and dossier.assignee_id:
            receiver = dossier.assignee.full_name
        if previous is None:
            rows.append(
                HandOver(
                    from_unit=receiving.name,
                    to_unit=_unit(run),
                    at=run.started_at,
                    giver=_user_name(dossier.received_by),
                    receiver=receiver,
                )
            )
        elif previous.action == Action.REQUEST_SUPPLEMENT:
            # Back to the one-stop unit (and the applicant), then in again with the supplement.
            received = supplements.get(run.started_at)
            rows.append(
                HandOver(
                    from_unit=_unit(previous),
                    to_unit=receiving.name,
                    at=previous.finished_at,
                    giver=_user_name(previous.finished_by),
                    due_at=previous.due_at,
                    outcome=previous.outcome,
                    note=Action.REQUEST_SUPPLEMENT.label,
                )
            )
            rows.append(
                HandOver(
                    from_unit=receiving.name,
                    to_unit=_unit(run),
                    at=run.started_at,
                    giver=(received.actor_name or _user_name(received.actor)) if received else "",
                    receiver=receiver,
                    note=EventType.SUPPLEMENT_RECEIVED.label,
                )
            )
        else:
            rows.append(
                HandOver(
                    from_unit=_unit(previous),
                    to_unit=_unit(run),
                    at=run.started_at,
                    giver=_user_name(previous.finished_by),
                    receiver=receiver,
                    due_at=previous.due_at,
                    outcome=previous.outcome,
                    note=HAND_OVER_NOTES.get(previous.action, ""),
                )
            )
        previous = run
    if (
        previous is not None
        and previous.finished_at is not None
        and dossier.result_ready_at is not None
        and dossier.status
        in (DossierStatus.RESULT_READY, DossierStatus.REJECTED, DossierStatus.RETURNED)
    ):
        returned = dossier.events.filter(type=EventType.RESULT_RETURNED).first()
        rows.append(
            HandOver(
                from_unit=_unit(previous),
                to_unit=receiving.name,
                at=previous.finished_at,
                giver=_user_name(previous.finished_by),
                receiver=returned.actor_name if returned else "",
                due_at=previous.due_at,
                outcome=previous.outcome,
            )
        )
    coordinating: list[str] = []
    for run in runs:
        if run.agency_id not in (dossier.lead_agency_id, receiving.pk):
            if run.agency.name not in coordinating:
                coordinating.append(run.agency.name)
    return ControlSheet(
        **_common(dossier, receiving, request=request, qcvn_code=dossier.receiving_agency_code),
        received_at=dossier.received_at,
        due_at=dossier.due_at,
        processing_agency=dossier.lead_agency.name,
        coordinating_agencies=tuple(coordinating),
        rows=tuple(rows),
    )


def available_kinds(dossier) -> list[str]:
    """The per-dossier slips that exist for ``dossier`` now (one query)."""
    present = set(
        dossier.events.filter(
            type__in=[t for t in EVENT_OF_KIND.values() if t is not None]
        ).values_list("type", flat=True)
    )
    return [kind for kind, event in EVENT_OF_KIND.items() if event is None or event in present]


def slip_for_dossier(dossier, kind: str, *, request=None, event_id=None) -> DossierSlip:
    """The slip ``kind`` (a :class:`SlipKind` other than the register) of ``dossier``.

    ``event_id`` picks one event for forms 02–04 (default: the latest of its type).
    Raises ``SlipNotAvailable`` when the dossier has no such slip.
    """
    if kind == SlipKind.RECEIPT:
        return receipt_slip(dossier, request=request)
    if kind == SlipKind.SUPPLEMENT_REQUEST:
        return supplement_request_slip(dossier, request=request, event_id=event_id)
    if kind == SlipKind.REFUSAL:
        return refusal_slip(dossier, request=request, event_id=event_id)
    if kind == SlipKind.APOLOGY:
        return apology_slip(dossier, request=request, event_id=event_id)
    if kind == SlipKind.CONTROL_SHEET:
        return control_sheet(dossier, request=request)
    raise SlipNotAvailable(bilingual(_("There is no such slip.")), code="slip_unknown")


def _register_note(dossier) -> str:
    """A short note (lazy, printed in the slip's language)."""
    if dossier.status == DossierStatus.WITHDRAWN:
        return EventType.WITHDRAWN.label
    if dossier.rejection_reason:
        return EventType.REJECTED.label
    if dossier.status == DossierStatus.RETURNED and dossier.return_method == "post":
        return DossierReturnMethod.POST.label
    return ""


def register_for(agency, start: dt.date, end: dt.date) -> DossierRegister:
    """Form 06: the dossiers ``agency`` received from ``start`` to ``end`` (local dates,
    inclusive), in the order received; one query for the rows."""
    from chinhquyen.dossiers.models import Dossier

    if end < start or (end - start).days >= MAX_REGISTER_DAYS:
        raise DossierError(
            bilingual(
                _("The period must end after it starts and cover at most %(days)s days."),
                days=MAX_REGISTER_DAYS,
            ),
            code="period_invalid",
        )
    zone = timezone.get_default_timezone()  # Asia/Ho_Chi_Minh: the dates on the register
    since = dt.datetime.combine(start, dt.time.min, tzinfo=zone)
    until = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
    dossiers = (
        Dossier.objects.filter(receiving_agency=agency, received_at__gte=since)
        .filter(received_at__lt=until)
        .select_related("procedure_version")
        .order_by("received_at", "id")
    )
    rows = tuple(
        RegisterRow(
            sequence=index,
            code=dossier.code,
            applicant=dossier.applicant_name,
            procedure=dossier.procedure_version.name,
            received_at=dossier.received_at,
            due_at=dossier.due_at,
            finished_at=dossier.result_ready_at,
            returned_at=dossier.finished_at if dossier.status == DossierStatus.RETURNED else None,
            outcome=dossier.outcome,
            note=_register_note(dossier),
        )
        for index, dossier in enumerate(dossiers, start=1)
    )
    return DossierRegister(
        agency=slip_agency(agency), period_start=start, period_end=end, rows=rows
    )


__all__ = [
    "RULE_SET_FORM_SETS",
    "SlipNotAvailable",
    "available_kinds",
    "form_set_for",
    "form_set_of_rule_set",
    "form_set_on",
    "register_for",
    "slip_agency",
    "slip_for_dossier",
    "status_url",
]
