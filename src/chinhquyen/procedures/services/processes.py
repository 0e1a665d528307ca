"""Internal processes (quy trình nội bộ) as data: steps, transitions, validation, publication.

A ``ProcessDefinition`` belongs to a procedure and optionally to one agency (``agency`` empty:
the default process of every implementing agency without its own). Definitions are numbered
per (procedure, agency) and versioned like procedure versions: drafts are edited, published
ones never change, and :func:`process_in_force` answers which one applied at an instant —
the agency's own one if it has one in force, else the default one.

Publishing checks the definition (:func:`process_problems`) and refuses with every problem
listed: the allotted times must fit in the legal time of the procedure version in force, every
step must be reachable from the first, the processing must be able to end by an approval or a
rejection, transitions must point to steps of the same definition, and each action must make
sense for its step.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chinhquyen.accounts.choices import Role
from chinhquyen.audit.services import log_action
from chinhquyen.procedures.choices import StepAction, TimeUnit, VersionStatus
from chinhquyen.procedures.errors import (
    InvalidState,
    NoProcessInForce,
    NoVersionInForce,
    ProcessInvalid,
)
from chinhquyen.procedures.models import (
    Procedure,
    ProcedureVersion,
    ProcessDefinition,
    ProcessStep,
    ProcessTransition,
)
from chinhquyen.procedures.services.catalogue import PUBLISHED_STATUSES, version_in_force

DEFAULT_WORKING_DAY_HOURS = Decimal("7.5")  # 07:30–11:30 and 13:30–17:00
STEP_FIELDS = frozenset({"code", "name", "performer_role", "performer_agency", "allotted_hours"})
# Actions that may end the processing (next step empty).
ENDING_ACTIONS = frozenset({StepAction.APPROVE, StepAction.REJECT, StepAction.FORWARD})


def working_day_hours(at: datetime.datetime | None = None) -> Decimal:
    """Length of one working day in hours, from the working-time calendar's office hours.

    Reads the ``worktime.WorkingHours`` row in force on the day of ``at`` when the worktime
    app is installed; 7.5 hours (07:30–11:30, 13:30–17:00) otherwise or when none is set.
    """
    if not apps.is_installed("chinhquyen.worktime"):
        return DEFAULT_WORKING_DAY_HOURS
    try:
        working_hours_model = apps.get_model("worktime", "WorkingHours")
    except LookupError:  # pragma: no cover
        return DEFAULT_WORKING_DAY_HOURS
    day = timezone.localdate(at or timezone.now())
    row = working_hours_model.objects.filter(valid_from__lte=day).order_by("-valid_from").first()
    if row is None:
        return DEFAULT_WORKING_DAY_HOURS

    def span(start: datetime.time, end: datetime.time) -> Decimal:
        minutes = (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)
        return Decimal(max(minutes, 0)) / Decimal(60)

    return span(row.morning_start, row.morning_end) + span(row.afternoon_start, row.afternoon_end)


def legal_time_hours(version: ProcedureVersion, at: datetime.datetime | None = None) -> Decimal:
    """The legal processing time of ``version`` in working hours."""
    if version.time_unit == TimeUnit.WORKING_HOURS:
        return Decimal(version.processing_time)
    return Decimal(version.processing_time) * working_day_hours(at)


# --- Definitions ------------------------------------------------------------------------


def _require_draft(definition: ProcessDefinition) -> None:
    if definition.status != VersionStatus.DRAFT:
        raise InvalidState(
            _(
                "Process version %(number)s is published: it cannot be changed; create a new "
                "version instead (quy trình phiên bản %(number)s đã công bố, không được sửa; "
                "hãy tạo phiên bản mới)."
            )
            % {"number": definition.number}
        )


def _locked(definition: ProcessDefinition) -> ProcessDefinition:
    return ProcessDefinition.objects.select_for_update().get(pk=definition.pk)


def _same_lineage(procedure_id: int, agency_id: int | None) -> Q:
    return Q(procedure_id=procedure_id) & (
        Q(agency_id=agency_id) if agency_id is not None else Q(agency__isnull=True)
    )


def create_process(
    procedure: Procedure, *, agency=None, name: str = "", acting_user
) -> ProcessDefinition:
    """A new empty draft process for ``procedure`` (and ``agency``, None = default)."""
    with transaction.atomic():
        Procedure.objects.select_for_update().get(pk=procedure.pk)
        lineage = ProcessDefinition.objects.filter(
            _same_lineage(procedure.pk, agency.pk if agency else None)
        )
        if lineage.filter(status=VersionStatus.DRAFT).exists():
            raise InvalidState(
                _(
                    "This process already has a draft: edit it instead (quy trình này đang có "
                    "bản dự thảo, hãy sửa bản đó)."
                )
            )
        number = (lineage.aggregate(last=Max("number"))["last"] or 0) + 1
        definition = ProcessDefinition.objects.create(
            procedure=procedure,
            agency=agency,
            number=number,
            name=name.strip(),
            created_by=acting_user,
        )
        log_action(
            "procedures.create_process",
            target=definition,
            actor=acting_user,
            details={"number": number, "agency": agency.pk if agency else None},
        )
    return definition


def draft_new_process_version(definition: ProcessDefinition, *, acting_user) -> ProcessDefinition:
    """A new draft copying ``definition`` with its steps and transitions."""
    with transaction.atomic():
        Procedure.objects.select_for_update().get(pk=definition.procedure_id)
        lineage = ProcessDefinition.objects.filter(
            _same_lineage(definition.procedure_id, definition.agency_id)
        )
        if lineage.filter(status=VersionStatus.DRAFT).exists():
            raise InvalidState(
                _(
                    "This process already has a draft: edit it instead (quy trình này đang có "
                    "bản dự thảo, hãy sửa bản đó)."
                )
            )
        number = (lineage.aggregate(last=Max("number"))["last"] or 0) + 1
        source = ProcessDefinition.objects.get(pk=definition.pk)
        steps = list(source.steps.all())
        transitions = list(ProcessTransition.objects.filter(step__definition=source))
        copy = ProcessDefinition.objects.create(
            procedure_id=source.procedure_id,
            agency_id=source.agency_id,
            number=number,
            name=source.name,
            created_by=acting_user,
        )
        new_steps: dict[int, ProcessStep] = {}
        for step in steps:
            old_pk = step.pk
            step.pk = None
            step.definition = copy
            step.save()
            new_steps[old_pk] = step
        ProcessTransition.objects.bulk_create(
            ProcessTransition(
                step=new_steps[t.step_id],
                action=t.action,
                next_step=new_steps[t.next_step_id] if t.next_step_id else None,
            )
            for t in transitions
        )
        log_action(
            "procedures.draft_new_process_version",
            target=copy,
            actor=acting_user,
            details={"copied_from": source.number},
        )
    return copy


def update_process(definition: ProcessDefinition, *, acting_user, name: str) -> ProcessDefinition:
    with transaction.atomic():
        definition = _locked(definition)
        _require_draft(definition)
        definition.name = name.strip()
        definition.save(update_fields=["name"])
        log_action("procedures.update_process", target=definition, actor=acting_user)
    return definition


# --- Steps ------------------------------------------------------------------------------


def _clean_step(
    definition: ProcessDefinition,
    values: dict[str, Any],
    *,
    partial: bool,
    exclude: ProcessStep | None = None,
) -> dict[str, Any]:
    unknown = sorted(set(values) - STEP_FIELDS)
    if unknown:
        raise ValidationError(
            _("Unknown fields: %(fields)s (trường không hợp lệ).") % {"fields": ", ".join(unknown)}
        )
    cleaned = dict(values)
    errors: dict[str, list] = {}
    if not partial or "code" in values:
        code = str(values.get("code") or "").strip().lower()
        cleaned["code"] = code
        if not code:
            errors["code"] = [_("The step code is required (mã bước là bắt buộc).")]
        else:
            clash = definition.steps.filter(code=code)
            if exclude is not None:
                clash = clash.exclude(pk=exclude.pk)
            if clash.exists():
                errors["code"] = [
                    _(
                        "Another step already has the code “%(code)s” (mã bước “%(code)s” đã "
                        "được dùng)."
                    )
                    % {"code": code}
                ]
    if not partial or "name" in values:
        cleaned["name"] = str(values.get("name") or "").strip()
        if not cleaned["name"]:
            errors["name"] = [_("The step name is required (tên bước là bắt buộc).")]
    if (not partial or "performer_role" in values) and values.get(
        "performer_role"
    ) not in Role.values:
        errors["performer_role"] = [
            _("Choose the role performing the step (chọn vai trò thực hiện bước).")
        ]
    if not partial or "allotted_hours" in values:
        try:
            hours = Decimal(str(values.get("allotted_hours")).strip())
        except (ArithmeticError, ValueError):
            hours = None
        if hours is None or not hours.is_finite() or hours < 0:
            errors["allotted_hours"] = [
                _(
                    "The allotted time must be a number of working hours, 0 or more (thời "
                    "gian thực hiện phải là số giờ làm việc không âm)."
                )
            ]
        else:
            cleaned["allotted_hours"] = hours
    if errors:
        raise ValidationError(errors)
    return cleaned


def add_step(definition: ProcessDefinition, *, acting_user, **values: Any) -> ProcessStep:
    """Append a step to a draft process (its ``order`` is after the last step)."""
    with transaction.atomic():
        definition = _locked(definition)
        _require_draft(definition)
        values = _clean_step(definition, values, partial=False)
        last = definition.steps.aggregate(last=Max("order"))["last"] or 0
        step = ProcessStep.objects.create(definition=definition, order=last + 1, **values)
        log_action(
            "procedures.add_step",
            target=step,
            actor=acting_user,
            details={"definition": definition.pk, "code": step.code},
        )
    return step


def update_step(step: ProcessStep, *, acting_user, **changes: Any) -> ProcessStep:
    with transaction.atomic():
        definition = _locked(step.definition)
        _require_draft(definition)
        step = ProcessStep.objects.get(pk=step.pk)
        values = _clean_step(definition, changes, partial=True, exclude=step)
        for key, value in values.items():
            setattr(step, key, value)
        step.save()
        log_action(
            "procedures.update_step",
            target=step,
            actor=acting_user,
            details={"changed": sorted(values)},
        )
    return step


def remove_step(step: ProcessStep, *, acting_user) -> None:
    """Remove a step, the transitions from it and to it; later steps move up one place."""
    with transaction.atomic():
        definition = _locked(step.definition)
        _require_draft(definition)
        step = ProcessStep.objects.get(pk=step.pk)
        log_action(
            "procedures.remove_step",
            target=step,
            actor=acting_user,
            details={"definition": definition.pk, "code": step.code},
        )
        order = step.order
        step.delete()
        for later in definition.steps.filter(order__gt=order).order_by("order"):
            later.order -= 1
            later.save(update_fields=["order"])


def move_step(step: ProcessStep, *, offset: int, acting_user) -> ProcessStep:
    """Swap a step with its neighbour: ``offset`` -1 moves it up, +1 down."""
    if offset not in (-1, 1):
        raise ValidationError({"offset": _("Move by one place (chỉ di chuyển một vị trí).")})
    with transaction.atomic():
        definition = _locked(step.definition)
        _require_draft(definition)
        step = ProcessStep.objects.get(pk=step.pk)
        neighbour = definition.steps.filter(order=step.order + offset).first()
        if neighbour is None:
            return step
        original = step.order
        parking = (definition.steps.aggregate(last=Max("order"))["last"] or 0) + 1
        step.order = parking
        step.save(update_fields=["order"])
        neighbour.order = original
        neighbour.save(update_fields=["order"])
        step.order = original + offset
        step.save(update_fields=["order"])
        log_action(
            "procedures.move_step",
            target=step,
            actor=acting_user,
            details={"from": original, "to": step.order},
        )
    return step


# --- Transitions ------------------------------------------------------------------------


def set_transition(
    step: ProcessStep, *, action: str, next_step: ProcessStep | None, acting_user
) -> ProcessTransition:
    """What ``action`` does at ``step``: go to ``next_step`` (None: end of processing)."""
    if action not in StepAction.values:
        raise ValidationError({"action": _("Choose an action (chọn thao tác).")})
    with transaction.atomic():
        definition = _locked(step.definition)
        _require_draft(definition)
        if next_step is not None and next_step.definition_id != definition.pk:
            raise ValidationError(
                {
                    "next_step": _(
                        "The next step must belong to the same process (bước tiếp theo phải "
                        "thuộc cùng quy trình)."
                    )
                }
            )
        step = ProcessStep.objects.get(pk=step.pk)
        transition, _created = ProcessTransition.objects.update_or_create(
            step=step, action=action, defaults={"next_step": next_step}
        )
        log_action(
            "procedures.set_transition",
            target=transition,
            actor=acting_user,
            details={
                "step": step.code,
                "action": action,
                "next_step": next_step.code if next_step else None,
            },
        )
    return transition


def remove_transition(transition: ProcessTransition, *, acting_user) -> None:
    with transaction.atomic():
        _require_draft(_locked(transition.step.definition))
        log_action(
            "procedures.remove_transition",
            target=transition,
            actor=acting_user,
            details={"step": transition.step.code, "action": transition.action},
        )
        transition.delete()


# --- Validation and publication ---------------------------------------------------------


def _action_problem(
    step: ProcessStep, action: str, target: ProcessStep | None, label: str
) -> str | None:
    """Why ``action`` from ``step`` to ``target`` does not make sense, or None."""
    if target is None:
        if action in ENDING_ACTIONS:
            return None
        return _(
            "Step “%(step)s”: the action “%(action)s” needs a next step (bước “%(step)s”: thao "
            "tác “%(action)s” cần có bước tiếp theo)."
        ) % {"step": step.name, "action": label}
    if action == StepAction.FORWARD and target.order <= step.order:
        return _(
            "Step “%(step)s”: “forward” must go to a later step (bước “%(step)s”: chuyển tiếp "
            "phải tới bước sau)."
        ) % {"step": step.name}
    if action == StepAction.RETURN and target.order >= step.order:
        return _(
            "Step “%(step)s”: “return” must go to an earlier step (bước “%(step)s”: trả lại phải "
            "về bước trước)."
        ) % {"step": step.name}
    if action in (StepAction.APPROVE, StepAction.REJECT) and target.order <= step.order:
        return _(
            "Step “%(step)s”: “%(action)s” must end the processing or go to a later step (bước "
            "“%(step)s”: “%(action)s” phải kết thúc hoặc chuyển tới bước sau)."
        ) % {"step": step.name, "action": label}
    if action == StepAction.TRANSFER and (
        target.performer_agency_id is None or target.performer_agency_id == step.performer_agency_id
    ):
        return _(
            "Step “%(step)s”: a transfer must go to a step performed by another agency (bước "
            "“%(step)s”: liên thông phải chuyển tới bước do cơ quan khác thực hiện)."
        ) % {"step": step.name}
    return None


def process_problems(
    definition: ProcessDefinition, *, at: datetime.datetime | None = None
) -> list[str]:
    """Every reason the definition cannot be published (empty list: it can)."""
    at = at or definition.effective_from or timezone.now()
    problems: list[str] = []
    steps = list(definition.steps.select_related("performer_agency").order_by("order"))
    if not steps:
        return [_("The process has no step (quy trình chưa có bước nào).")]
    by_pk = {step.pk: step for step in steps}
    transitions = list(
        ProcessTransition.objects.filter(step__definition=definition).order_by(
            "step__order", "action"
        )
    )
    labels = dict(StepAction.choices)
    outgoing: dict[int, list[ProcessTransition]] = {step.pk: [] for step in steps}
    for transition in transitions:
        outgoing[transition.step_id].append(transition)
        target = by_pk.get(transition.next_step_id) if transition.next_step_id else None
        step = by_pk[transition.step_id]
        if transition.next_step_id and target is None:
            problems.append(
                _(
                    "Step “%(step)s”: the action “%(action)s” points to a step of another "
                    "process (bước “%(step)s”: thao tác “%(action)s” trỏ tới bước của quy trình "
                    "khác)."
                )
                % {"step": step.name, "action": labels[transition.action]}
            )
            continue
        problem = _action_problem(step, transition.action, target, str(labels[transition.action]))
        if problem:
            problems.append(problem)

    # Time: the sum of the allotted times fits in the legal time.
    total = sum((step.allotted_hours for step in steps), Decimal(0))
    try:
        version = version_in_force(definition.procedure, at)
    except NoVersionInForce:
        problems.append(
            _(
                "The procedure has no published version in force at %(at)s, so the legal time "
                "is unknown (thủ tục chưa có phiên bản có hiệu lực tại %(at)s)."
            )
            % {"at": timezone.localtime(at).strftime("%d/%m/%Y %H:%M")}
        )
    else:
        legal = legal_time_hours(version, at)
        if total > legal:
            problems.append(
                _(
                    "The steps take %(total)s working hours, more than the legal time of "
                    "%(legal)s working hours (%(time)s %(unit)s) (tổng thời gian các bước "
                    "%(total)s giờ làm việc vượt thời hạn giải quyết %(legal)s giờ)."
                )
                % {
                    "total": _number(total),
                    "legal": _number(legal),
                    "time": _number(version.processing_time),
                    "unit": version.get_time_unit_display(),
                }
            )

    # Reachability from the first step, and a reachable end.
    first = steps[0]
    seen = {first.pk}
    queue = [first.pk]
    reaches_end = False
    decides = False
    while queue:
        current = queue.pop()
        for transition in outgoing[current]:
            if transition.action in (StepAction.APPROVE, StepAction.REJECT):
                decides = True
            if transition.next_step_id is None:
                reaches_end = reaches_end or transition.action in ENDING_ACTIONS
            elif transition.next_step_id in by_pk and transition.next_step_id not in seen:
                seen.add(transition.next_step_id)
                queue.append(transition.next_step_id)
    for step in steps:
        if step.pk not in seen:
            problems.append(
                _(
                    "Step “%(step)s” cannot be reached from the first step (không thể tới bước "
                    "“%(step)s” từ bước đầu tiên)."
                )
                % {"step": step.name}
            )
        elif not outgoing[step.pk]:
            problems.append(
                _("Step “%(step)s” has no action (bước “%(step)s” chưa có thao tác nào).")
                % {"step": step.name}
            )
    if not reaches_end or not decides:
        problems.append(
            _(
                "No path ends the processing with an approval or a rejection (không có đường "
                "nào kết thúc xử lý bằng phê duyệt hoặc từ chối)."
            )
        )
    return problems


def _number(value: Decimal) -> str:
    text = f"{Decimal(value):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def process_total_hours(definition: ProcessDefinition) -> Decimal:
    return sum((step.allotted_hours for step in definition.steps.all()), Decimal(0))


def publish_process(
    definition: ProcessDefinition,
    *,
    effective_from: datetime.datetime | None = None,
    acting_user,
) -> ProcessDefinition:
    """Check and publish a draft process; raise ``ProcessInvalid`` listing every problem."""
    now = timezone.now()
    effective_from = effective_from or now
    with transaction.atomic():
        Procedure.objects.select_for_update().get(pk=definition.procedure_id)
        definition = _locked(definition)
        _require_draft(definition)
        lineage = ProcessDefinition.objects.filter(
            _same_lineage(definition.procedure_id, definition.agency_id),
            status__in=PUBLISHED_STATUSES,
        )
        latest = lineage.aggregate(latest=Max("effective_from"))["latest"]
        problems = process_problems(definition, at=effective_from)
        if latest is not None and effective_from <= latest:
            problems.insert(
                0,
                _(
                    "The new version must come into force after %(date)s, when the last "
                    "published one did (phiên bản mới phải có hiệu lực sau %(date)s)."
                )
                % {"date": timezone.localtime(latest).strftime("%d/%m/%Y %H:%M")},
            )
        if problems:
            raise ProcessInvalid(problems)
        definition.status = VersionStatus.PUBLISHED
        definition.effective_from = effective_from
        definition.published_at = now
        definition.published_by = acting_user
        definition.save(update_fields=["status", "effective_from", "published_at", "published_by"])
        retired = []
        if effective_from <= now:
            older = lineage.filter(
                status=VersionStatus.PUBLISHED, effective_from__lt=effective_from
            )
            retired = list(older.values_list("number", flat=True))
            older.update(status=VersionStatus.RETIRED)
        log_action(
            "procedures.publish_process",
            target=definition,
            actor=acting_user,
            details={
                "number": definition.number,
                "effective_from": effective_from.isoformat(),
                "retired": retired,
            },
        )
    return definition


def process_in_force(
    procedure: Procedure, agency=None, at: datetime.datetime | None = None
) -> ProcessDefinition:
    """The process that applied at ``at`` (default now) to ``procedure`` at ``agency``.

    The agency's own published process is preferred; otherwise the default one (agency
    empty). Raises ``NoProcessInForce`` when neither was in force.
    """
    at = at or timezone.now()
    candidates = ProcessDefinition.objects.filter(
        procedure=procedure, status__in=PUBLISHED_STATUSES, effective_from__lte=at
    ).order_by("-effective_from", "-number")
    found = None
    if agency is not None:
        found = candidates.filter(agency=agency).select_related("agency").first()
    if found is None:
        found = candidates.filter(agency__isnull=True).first()
    if found is None:
        raise NoProcessInForce(
            _(
                "No internal process of the procedure %(code)s was in force at %(at)s (thủ tục "
                "%(code)s không có quy trình nội bộ có hiệu lực tại %(at)s)."
            )
            % {"code": procedure.national_code, "at": timezone.localtime(at).isoformat()}
        )
    return found


ACTION_HELP = gettext_lazy(
    "Forward and approve/reject go to a later step or end the processing; return goes to an "
    "earlier step; a transfer goes to a step of another agency; a supplement request names "
    "the step that resumes when the applicant completes the dossier."
)
