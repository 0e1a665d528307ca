"""Every workflow action on a dossier, through one guarded entry point: ``transition``.

Guards, in order: the acting user may do this kind of action at the agency holding the dossier
(``PermissionDenied`` → 403); the action fits the dossier's state and, for process-step
actions, the process definition has it at the current step (``InvalidTransition`` → 409);
the user holds the role the step names (403). Concurrency: the row is locked for the whole
action (``SELECT … FOR UPDATE``) and, when the caller passes ``expected_version`` (the version
shown on the page), a dossier changed meanwhile is refused with ``StaleDossier`` (409 "reload").
Every action writes its ``DossierEvent`` and one audit entry, in one transaction.
"""

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chinhquyen.audit.services import log_action
from chinhquyen.dossiers import clock
from chinhquyen.dossiers.choices import (
    Action,
    Channel,
    DossierStatus,
    EventType,
    NotificationKind,
    ReturnMethod,
    SupplementClock,
)
from chinhquyen.dossiers.exceptions import (
    DossierError,
    IntakeRefused,
    InvalidTransition,
    PermissionDenied,
    StaleDossier,
)
from chinhquyen.dossiers.models import (
    Dossier,
    DossierAgency,
    DossierAttachment,
    PostalOrder,
    SupplementRequest,
)
from chinhquyen.dossiers.services.access import (
    bilingual,
    holds_permission,
    holds_role,
    is_citizen,
)
from chinhquyen.dossiers.services.common import (
    actor_or_none,
    add_event,
    close_run,
    files_removed_on_error,
    new_step_run,
    notify_applicant,
    notify_status_change,
    open_run,
    outcome_for,
    save_file,
)
from chinhquyen.dossiers.uploads import CheckedFile, check_upload
from chinhquyen.exchange import dossier_transfer, national_sync
from chinhquyen.insights.aggregates import dossier_resolved as insights_resolved

# Which permission each action needs, and at which agency ("current" / "receiving" / "lead").
ACTION_PERMISSIONS: dict[str, tuple[str, str]] = {
    Action.FORWARD: ("dossiers.process_dossier", "current"),
    Action.RETURN: ("dossiers.process_dossier", "current"),
    Action.REQUEST_SUPPLEMENT: ("dossiers.process_dossier", "current"),
    Action.TRANSFER: ("dossiers.process_dossier", "current"),
    Action.APPROVE: ("dossiers.decide_dossier", "current"),
    Action.REJECT: ("dossiers.decide_dossier", "current"),
    Action.RECEIVE_SUPPLEMENT: ("dossiers.add_dossier", "receiving"),
    Action.ASSIGN: ("dossiers.process_dossier", "current"),
    Action.COMMENT: ("dossiers.view_dossier", "current"),
    Action.ISSUE_APOLOGY: ("dossiers.decide_dossier", "lead"),
    Action.RETURN_RESULT: ("dossiers.return_dossier", "receiving"),
    Action.WITHDRAW: ("dossiers.add_dossier", "receiving"),
}

IN_HAND = frozenset(
    {DossierStatus.RECEIVED, DossierStatus.IN_PROCESSING, DossierStatus.TRANSFERRED}
)

# New statuses whose handler already sends the applicant a message of its own; every other
# status change sends one "status changed" message (issue 4 item 6).
NOTIFIED_BY_HANDLER = frozenset({DossierStatus.AWAITING_SUPPLEMENT, DossierStatus.RESULT_READY})

STEP_EVENTS = {
    Action.FORWARD: EventType.FORWARDED,
    Action.RETURN: EventType.RETURNED_TO_PREVIOUS,
    Action.TRANSFER: EventType.TRANSFERRED,
    Action.APPROVE: EventType.APPROVED,
    Action.REJECT: EventType.REJECTED,
    Action.REQUEST_SUPPLEMENT: EventType.SUPPLEMENT_REQUESTED,
}


def _agency_for(dossier: Dossier, where: str):
    return {
        "current": dossier.current_agency,
        "receiving": dossier.receiving_agency,
        "lead": dossier.lead_agency,
    }[where]


def _wrong_state(dossier: Dossier, action: str) -> InvalidTransition:
    return InvalidTransition(
        bilingual(
            _("The action “%(action)s” is not possible while the dossier is “%(status)s”."),
            action=Action(action).label,
            status=dossier.get_status_display(),
        ),
        details={"status": dossier.status, "action": action},
    )


def _check_permission(dossier: Dossier, action: str, user) -> None:
    perm, where = ACTION_PERMISSIONS[action]
    if action in (Action.WITHDRAW, Action.RECEIVE_SUPPLEMENT) and is_citizen(user):
        # The applicant withdraws, or answers a supplement request online, themselves.
        if dossier.applicant_user_id != user.pk:
            raise PermissionDenied
        return
    if user is None:  # the system itself (commands, tasks): trusted callers only
        return
    agencies = [_agency_for(dossier, where)]
    if action == Action.COMMENT:  # anyone handling the dossier may comment
        agencies += [dossier.receiving_agency, dossier.lead_agency]
    if where == "lead":
        agencies.append(dossier.current_agency)
    if action in Action.step_actions():
        # The step's performer role is the real guard (checked after the state); here only:
        # the user works at an agency handling the dossier.
        perm = "dossiers.view_dossier"
        agencies.append(dossier.receiving_agency)
    if not any(holds_permission(user, perm, agency) for agency in agencies):
        raise PermissionDenied


def permitted_actions(dossier: Dossier, user) -> set[str]:
    """The actions ``user`` holds the role for on ``dossier`` (its state is checked by the
    page and, finally, by :func:`transition`): what the dossier page offers as forms."""
    permitted = set()
    for action in Action.values:
        try:
            _check_permission(dossier, action, user)
        except PermissionDenied:
            continue
        if action in Action.step_actions() and (
            dossier.current_step is None
            or not holds_role(user, dossier.current_step.performer_role, dossier.current_agency)
        ):
            continue
        permitted.add(action)
    return permitted


def _step_transition(dossier: Dossier, action: str):
    from chinhquyen.procedures.models import ProcessTransition

    if dossier.status not in IN_HAND or dossier.current_step_id is None:
        raise _wrong_state(dossier, action)
    found = (
        ProcessTransition.objects.filter(step_id=dossier.current_step_id, action=action)
        .select_related("next_step", "next_step__performer_agency")
        .first()
    )
    if found is None:
        raise InvalidTransition(
            bilingual(
                _("The process does not allow “%(action)s” at the step “%(step)s”."),
                action=Action(action).label,
                step=dossier.current_step.name,
            ),
            code="action_not_in_process",
            details={"step": dossier.current_step.code, "action": action},
        )
    return found


def _status_at(dossier: Dossier, agency) -> str:
    return (
        DossierStatus.IN_PROCESSING
        if agency.pk == dossier.lead_agency_id
        else DossierStatus.TRANSFERRED
    )


def _link_agency(dossier: Dossier, agency, at: datetime) -> None:
    DossierAgency.objects.get_or_create(
        dossier=dossier, organisation=agency, defaults={"since": at}
    )


def _move_to_step(dossier: Dossier, step, agency, at: datetime) -> None:
    """Open ``step`` at ``agency``; a named assignment belongs to the step it was made at."""
    dossier.assignee = None
    dossier.current_step = step
    dossier.current_agency = agency
    dossier.status = _status_at(dossier, agency)
    _link_agency(dossier, agency, at)
    new_step_run(dossier, step, agency, started_at=at).save()


def _finish(dossier: Dossier, at: datetime, status: str) -> None:
    dossier.status = status
    dossier.current_step = None
    dossier.assignee = None
    dossier.result_ready_at = at
    dossier.outcome = outcome_for(at, dossier.legal_due_at)
    insights_resolved(dossier)  # IOC counters, same transaction (insights.aggregates)


def _step_action(dossier: Dossier, action: str, user, at: datetime, params: dict) -> dict:
    found = _step_transition(dossier, action)
    step = dossier.current_step
    if not holds_role(user, step.performer_role, dossier.current_agency) and user is not None:
        raise PermissionDenied
    note = params["note"]
    event_fields: dict = {"step": step, "from_agency": dossier.current_agency, "note": note}
    data: dict = {"action": action}
    if action == Action.REJECT and not note.strip():
        raise DossierError(
            bilingual(_("A reason is required to reject a dossier.")), code="reason_required"
        )
    if action == Action.REQUEST_SUPPLEMENT:
        rules = dossier.rule_set
        window_end = clock.add_days(dossier.received_at, rules.supplement_window_working_days)
        if at > window_end:
            raise InvalidTransition(
                bilingual(
                    _(
                        "A supplement may be requested only within %(days)s working days of "
                        "intake (until %(until)s)."
                    ),
                    days=rules.supplement_window_working_days,
                    until=timezone.localtime(window_end).strftime("%H:%M %d/%m/%Y"),
                ),
                code="supplement_window_closed",
            )
        if not note.strip():
            raise DossierError(
                bilingual(_("Say what the applicant must supplement.")), code="reason_required"
            )
        requested = _requested_components(dossier, params["requested_components"])
        data["components"] = [c.pk for c in requested]
        # Form 02 lists one row per component (``slips.mapping.supplement_request_slip``).
        data["items"] = [{"content": c.name, "reason": note.strip()} for c in requested]
    target = None
    if action == Action.TRANSFER:
        target = params["target_agency"] or (found.next_step and found.next_step.performer_agency)
        if target is None or target.pk == dossier.current_agency_id:
            raise DossierError(
                bilingual(_("Choose the agency to transfer the dossier to.")),
                code="target_agency_required",
            )
    data.update(close_run(open_run(dossier), at=at, acting_user=user, action=action))

    if action == Action.REQUEST_SUPPLEMENT:
        resume = found.next_step or step
        dossier.status = DossierStatus.AWAITING_SUPPLEMENT
        dossier.paused_at = at
        dossier.supplement_count += 1
        data["resume_step"] = resume.pk
        message = bilingual(
            _("Your dossier %(code)s needs a supplement: %(note)s"), code=dossier.code, note=note
        )
        notify_applicant(dossier, NotificationKind.SUPPLEMENT_REQUESTED, message, at=at)
    elif action == Action.REJECT:
        dossier.rejection_reason = note
        _finish(dossier, at, DossierStatus.REJECTED)
    elif found.next_step is None:
        # The end of the process (forward or approve): the result is ready.
        if params["result_file"] is not None:
            result = check_upload(params["result_file"], label=str(_("Result file")))
            save_file(dossier.result_file, result.name, result.content, params["saved"])
            data["result_file_sha256"] = result.sha256
            data["result_file_name"] = result.name  # the stored name may get a suffix
        _finish(dossier, at, DossierStatus.RESULT_READY)
        notify_applicant(
            dossier,
            NotificationKind.RESULT_READY,
            bilingual(_("The result of your dossier %(code)s is ready."), code=dossier.code),
            at=at,
        )
    else:
        next_step = found.next_step
        agency = (
            target
            or next_step.performer_agency
            or (dossier.lead_agency if action != Action.RETURN else dossier.current_agency)
        )
        if action == Action.FORWARD and next_step.performer_agency is None:
            agency = dossier.lead_agency
        _move_to_step(dossier, next_step, agency, at)
        event_fields["to_agency"] = agency
        data["next_step"] = next_step.code
    event = add_event(
        dossier, STEP_EVENTS[action], at=at, acting_user=user, data=data, **event_fields
    )
    if action == Action.REQUEST_SUPPLEMENT:
        request = SupplementRequest.objects.create(
            dossier=dossier,
            event=event,
            explanation=note.strip(),
            requested_at=at,
            requested_by=actor_or_none(user),
        )
        request.components.set(requested)
    return data


def _requested_components(dossier: Dossier, given) -> list:
    """The components a supplement request names: at least one, all of the dossier's
    procedure version (given as components or primary keys)."""
    own = {c.pk: c for c in dossier.procedure_version.components.all()}
    pks = []
    for item in given or []:
        pk = getattr(item, "pk", item)
        try:
            pks.append(int(pk))
        except (TypeError, ValueError):
            pks.append(None)
    unknown = [pk for pk in pks if pk not in own]
    if unknown:
        raise DossierError(
            bilingual(_("A requested component does not belong to this procedure version.")),
            code="component_unknown",
            details={"components": [str(pk) for pk in unknown]},
        )
    if not pks:
        raise DossierError(
            bilingual(_("Tick at least one component the applicant must supplement.")),
            code="components_required",
        )
    return sorted({own[pk] for pk in pks}, key=lambda c: (c.order, c.pk))


def open_supplement_request(dossier: Dossier) -> SupplementRequest | None:
    """The latest unanswered supplement request of ``dossier`` (None for a request made
    before requests named their components, or when none is open)."""
    return (
        SupplementRequest.objects.filter(dossier=dossier, answered_at__isnull=True)
        .prefetch_related("components")
        .order_by("-requested_at", "-id")
        .first()
    )


def check_supplement(
    dossier: Dossier, files, request: SupplementRequest | None = None
) -> list[tuple[object, CheckedFile]]:
    """Check the files of a supplement: each belongs to the dossier's procedure version and
    passes the type/size check of intake; when the request names its components, the
    supplement brings a file for each of them and for no other; the earlier files plus the
    supplement must hold every required component. Raises ``IntakeRefused`` /
    ``UploadRefused`` naming the problem."""
    from chinhquyen.procedures.choices import ComponentRequirement

    version = dossier.procedure_version
    own = {c.pk: c for c in version.components.all()}
    checked: list[tuple[object, CheckedFile]] = []
    for item in files or []:
        component, uploaded = (
            (item.get("component"), item.get("file")) if isinstance(item, dict) else item
        )
        if component is not None and component.pk not in own:
            raise IntakeRefused(
                bilingual(
                    _("The component “%(name)s” does not belong to this procedure version."),
                    name=str(component),
                ),
                code="component_unknown",
            )
        if uploaded is not None:
            checked.append((component, check_upload(uploaded, label=str(component or ""))))
    if request is not None:
        _check_requested(request, files)
    present = set(
        dossier.attachments.filter(component__isnull=False).values_list("component_id", flat=True)
    ) | {component.pk for component, _file in checked if component is not None}
    missing = sorted(
        (
            c
            for c in own.values()
            if c.requirement == ComponentRequirement.REQUIRED and c.pk not in present
        ),
        key=lambda c: (c.order, c.pk),
    )
    if missing:
        names = [c.name for c in missing]
        raise IntakeRefused(
            bilingual(
                _("The dossier is incomplete; missing required components: %(names)s."),
                names="; ".join(names),
            ),
            code="components_missing",
            details={"missing": names},
        )
    return checked


def _pairs(files) -> list[tuple[object, object]]:
    return [
        (item.get("component"), item.get("file")) if isinstance(item, dict) else tuple(item)
        for item in files or []
    ]


def _check_requested(request: SupplementRequest, files) -> None:
    """Only the requested components, each once, and all of them."""
    wanted = {c.pk: c for c in request.components.all()}
    brought: list[int] = []
    for component, uploaded in _pairs(files):
        if uploaded is None:
            continue
        if component is None or component.pk not in wanted:
            raise IntakeRefused(
                bilingual(
                    _(
                        "“%(name)s” was not asked for in the supplement request; bring only: "
                        "%(wanted)s."
                    ),
                    name=str(component or getattr(uploaded, "name", "")),
                    wanted="; ".join(c.name for c in wanted.values()),
                ),
                code="component_not_requested",
                details={"component": str(component or "")},
            )
        if component.pk in brought:
            raise IntakeRefused(
                bilingual(_("Give one file for “%(name)s”."), name=component.name),
                code="component_repeated",
                details={"component": str(component)},
            )
        brought.append(component.pk)
    missing = [c for pk, c in wanted.items() if pk not in brought]
    if missing:
        raise IntakeRefused(
            bilingual(
                _("The supplement lacks requested components: %(names)s."),
                names="; ".join(c.name for c in missing),
            ),
            code="requested_components_missing",
            details={"missing": [c.name for c in missing]},
        )


def _receive_supplement(dossier: Dossier, user, at: datetime, params: dict) -> dict:
    from chinhquyen.procedures.models import ProcessStep

    if dossier.status != DossierStatus.AWAITING_SUPPLEMENT:
        raise _wrong_state(dossier, Action.RECEIVE_SUPPLEMENT)
    request = open_supplement_request(dossier)
    online = is_citizen(user)
    if online and not params["files"]:
        raise IntakeRefused(
            bilingual(_("Upload the requested documents.")),
            code="requested_components_missing",
        )
    # On paper (no files), the officer checks the supplement at the counter.
    checked = check_supplement(dossier, params["files"], request) if params["files"] else []
    rules = dossier.rule_set
    paused = clock.between(dossier.paused_at, at)
    old_due = dossier.legal_due_at
    version = dossier.procedure_version
    if rules.supplement_clock == SupplementClock.RESTART:
        # Decree 61/2018 Art. 19(4): the processing time is counted again from the start.
        dossier.clock_started_at = at
        dossier.legal_due_at = clock.add_legal_time(at, version.processing_time, version.time_unit)
    else:
        remaining = clock.between(dossier.paused_at, dossier.legal_due_at)
        dossier.legal_due_at = clock.add_duration(at, max(remaining, remaining * 0))
    if dossier.appointment_moves == 0 or dossier.legal_due_at > dossier.due_at:
        dossier.due_at = dossier.legal_due_at
    requested = (
        dossier.events.filter(type=EventType.SUPPLEMENT_REQUESTED).order_by("-at", "-id").first()
    )
    resume_pk = (requested.data or {}).get("resume_step") if requested else None
    step = ProcessStep.objects.filter(pk=resume_pk).first() or dossier.current_step
    agency = step.performer_agency or dossier.current_agency
    dossier.paused_at = None
    _move_to_step(dossier, step, agency, at)
    for component, checked_file in checked:
        attachment = DossierAttachment(
            dossier=dossier,
            component=component,
            original_name=checked_file.name,
            sha256=checked_file.sha256,
            size=checked_file.size,
            content_type=checked_file.content_type,
            uploaded_at=at,
            uploaded_by=actor_or_none(user),
            is_supplement=True,
        )
        save_file(attachment.file, checked_file.name, checked_file.content, params["saved"])
        attachment.save()
    data = {
        "clock": rules.supplement_clock,
        "paused_working_seconds": int(paused.total_seconds()),
        "paused_from": requested.at.isoformat() if requested else None,
        "old_due_at": old_due.isoformat(),
        "new_due_at": dossier.legal_due_at.isoformat(),
        "attachments": len(checked),
        "channel": Channel.ONLINE if online else "counter",
    }
    if request is not None:
        request.answered_at = at
        request.answer_channel = Channel.ONLINE if online else Channel.COUNTER
        request.save(update_fields=["answered_at", "answer_channel"])
        data["supplement_request"] = request.pk
    add_event(
        dossier,
        EventType.SUPPLEMENT_RECEIVED,
        at=at,
        acting_user=user,
        step=step,
        to_agency=agency,
        note=params["note"],
        data=data,
    )
    return data


def _issue_apology(dossier: Dossier, user, at: datetime, params: dict) -> dict:
    rules = dossier.rule_set
    if dossier.status not in DossierStatus.open():
        raise _wrong_state(dossier, Action.ISSUE_APOLOGY)
    if dossier.appointment_moves >= rules.max_appointment_moves:
        raise InvalidTransition(
            bilingual(
                _(
                    "The appointment has already been moved; it may be moved only once "
                    "(Decree 61/2018 Art. 19(9))."
                )
            ),
            code="appointment_already_moved",
        )
    latest = clock.add_days(at, rules.apology_min_working_days_before)
    if latest > dossier.due_at:
        raise InvalidTransition(
            bilingual(
                _(
                    "The apology must be issued at least %(days)s working day(s) before the "
                    "deadline (%(due)s)."
                ),
                days=rules.apology_min_working_days_before,
                due=timezone.localtime(dossier.due_at).strftime("%H:%M %d/%m/%Y"),
            ),
            code="apology_too_late",
        )
    new_due = params["new_due_at"]
    if not params["note"].strip():
        raise DossierError(bilingual(_("Give the reason for the delay.")), code="reason_required")
    if new_due is None or new_due <= dossier.due_at:
        raise DossierError(
            bilingual(_("The new appointment must be after the current one.")),
            code="new_due_invalid",
        )
    old_due = dossier.due_at
    dossier.due_at = new_due
    dossier.appointment_moves += 1
    notify_applicant(
        dossier,
        NotificationKind.APOLOGY,
        bilingual(
            _(
                "We apologise: dossier %(code)s will be late (%(reason)s). "
                "New appointment: %(due)s."
            ),
            code=dossier.code,
            reason=params["note"],
            due=timezone.localtime(new_due).strftime("%H:%M %d/%m/%Y"),
        ),
        at=at,
    )
    data = {"old_due_at": old_due.isoformat(), "new_due_at": new_due.isoformat()}
    add_event(
        dossier,
        EventType.APOLOGY_ISSUED,
        at=at,
        acting_user=user,
        step=dossier.current_step,
        note=params["note"],
        data=data,
    )
    return data


def _return_result(dossier: Dossier, user, at: datetime, params: dict) -> dict:
    if dossier.status not in (DossierStatus.RESULT_READY, DossierStatus.REJECTED):
        raise _wrong_state(dossier, Action.RETURN_RESULT)
    method = params["return_method"]
    if method not in ReturnMethod.values:
        raise DossierError(
            bilingual(_("Choose how the result is returned.")), code="return_method_required"
        )
    if (
        dossier.status == DossierStatus.RESULT_READY
        and dossier.payments.filter(paid_at__isnull=True).exists()
    ):
        raise InvalidTransition(
            bilingual(_("The fees are not paid yet; record the payment before returning.")),
            code="fees_unpaid",
        )
    data: dict = {"method": method}
    if method == ReturnMethod.POST:
        tracking = params["tracking_number"].strip()
        address = params["postal_address"].strip() or dossier.applicant_address
        if not tracking or not address:
            raise DossierError(
                bilingual(_("A postal return needs the tracking number and the address.")),
                code="postal_order_incomplete",
            )
        record = PostalOrder.objects.create(
            dossier=dossier, tracking_number=tracking[:40], address=address[:500], sent_at=at
        )
        from chinhquyen.postal.services.orders import create_delivery_order  # (import cycle)

        create_delivery_order(dossier=dossier, return_record=record, acting_user=user, at=at)
        data["tracking_number"] = tracking
    dossier.return_method = method
    dossier.finished_at = at
    dossier.status = DossierStatus.RETURNED
    add_event(
        dossier, EventType.RESULT_RETURNED, at=at, acting_user=user, note=params["note"], data=data
    )
    return data


def _withdraw(dossier: Dossier, user, at: datetime, params: dict) -> dict:
    if dossier.status not in DossierStatus.open():
        raise _wrong_state(dossier, Action.WITHDRAW)
    data = close_run(open_run(dossier), at=at, acting_user=user, action=Action.WITHDRAW)
    dossier.status = DossierStatus.WITHDRAWN
    dossier.current_step = None
    dossier.finished_at = at
    add_event(dossier, EventType.WITHDRAWN, at=at, acting_user=user, note=params["note"], data=data)
    return data


def _assign(dossier: Dossier, user, at: datetime, params: dict) -> dict:
    assignee = params["assignee"]
    if dossier.status not in IN_HAND:
        raise _wrong_state(dossier, Action.ASSIGN)
    agency = dossier.current_agency
    if assignee is None or not (assignee.organisation.path.startswith(agency.path)):
        raise DossierError(
            bilingual(_("Choose an official of the agency holding the dossier.")),
            code="assignee_invalid",
        )
    dossier.assignee = assignee
    data = {"assignee": assignee.pk, "assignee_name": assignee.full_name}
    add_event(
        dossier,
        EventType.ASSIGNED,
        at=at,
        acting_user=user,
        step=dossier.current_step,
        note=params["note"],
        data=data,
    )
    return data


def _comment(dossier: Dossier, user, at: datetime, params: dict) -> dict:
    if not params["note"].strip():
        raise DossierError(bilingual(_("The comment is empty.")), code="note_required")
    add_event(
        dossier,
        EventType.COMMENTED,
        at=at,
        acting_user=user,
        step=dossier.current_step,
        note=params["note"],
    )
    return {}


HANDLERS = {
    Action.RECEIVE_SUPPLEMENT: _receive_supplement,
    Action.ISSUE_APOLOGY: _issue_apology,
    Action.RETURN_RESULT: _return_result,
    Action.WITHDRAW: _withdraw,
    Action.ASSIGN: _assign,
    Action.COMMENT: _comment,
}


def transition(
    dossier: Dossier,
    action: str,
    *,
    acting_user,
    expected_version: int | None = None,
    note: str = "",
    target_agency=None,
    assignee=None,
    result_file=None,
    new_due_at: datetime | None = None,
    return_method: str = "",
    tracking_number: str = "",
    postal_address: str = "",
    files=None,
    requested_components=None,
    at: datetime | None = None,
) -> Dossier:
    """Perform ``action`` (an :class:`~chinhquyen.dossiers.choices.Action`) on ``dossier``.

    Returns the updated dossier (``dossier`` itself is refreshed too). Raises
    ``InvalidTransition`` (409; ``StaleDossier`` when ``expected_version`` is outdated),
    ``PermissionDenied`` (403) or ``DossierError`` (400, e.g. a missing reason); nothing is
    saved then. ``at`` defaults to now (set it only to record a past action, e.g. in tests).
    ``requested_components`` (components or their primary keys, at least one) go with
    ``request_supplement``; ``files`` (``[(component, uploaded file)]``) with
    ``receive_supplement``, which then accepts exactly the requested components. The
    applicant (citizen account) may ``withdraw`` and ``receive_supplement`` (online) their
    own dossier.
    """
    if action not in Action.values:
        raise DossierError(bilingual(_("Unknown action.")), code="unknown_action")
    at = at or timezone.now()
    params = {
        "note": note or "",
        "target_agency": target_agency,
        "assignee": assignee,
        "result_file": result_file,
        "new_due_at": new_due_at,
        "return_method": return_method,
        "tracking_number": tracking_number or "",
        "postal_address": postal_address or "",
        "files": files,
        "requested_components": requested_components,
    }
    with files_removed_on_error() as saved, transaction.atomic():
        params["saved"] = saved
        locked = (
            Dossier.objects.select_for_update(of=("self",))
            .select_related(
                "current_step",
                "current_agency",
                "receiving_agency",
                "lead_agency",
                "rule_set",
                "procedure_version",
            )
            .get(pk=dossier.pk)
        )
        # A comment only adds an event: it neither changes the dossier nor goes stale.
        changes_dossier = action != Action.COMMENT
        if changes_dossier and expected_version is not None and locked.version != expected_version:
            raise StaleDossier(
                bilingual(_("The dossier was changed by someone else; reload it and try again.")),
                details={"version": locked.version},
            )
        _check_permission(locked, action, user=acting_user)
        before = {
            "status": locked.status,
            "step": locked.current_step_id,
            "version": locked.version,
        }
        if action in Action.step_actions():
            data = _step_action(locked, action, acting_user, at, params)
        else:
            data = HANDLERS[action](locked, acting_user, at, params)
        if locked.status != before["status"] and locked.status not in NOTIFIED_BY_HANDLER:
            notify_status_change(locked, at=at)
        if changes_dossier:
            locked.version += 1
            locked.save()
            national_sync.queue_dossier_status(locked, action, at=at)  # Cổng DVC quốc gia
        # A dossier transferred in from another installation reports each step back to it.
        dossier_transfer.report_progress(locked)
        log_action(
            f"dossiers.{action}",
            target=locked,
            actor=acting_user,
            before=before,
            after={
                "status": locked.status,
                "step": locked.current_step_id,
                "version": locked.version,
            },
            details={k: v for k, v in data.items() if isinstance(v, str | int | float | None)},
        )
    dossier.refresh_from_db()
    return locked
