"""Assignment and processing of incoming documents (phân công, xử lý văn bản đến).

Decree 30/2020 Art. 23 and Appendix IV (phiếu giải quyết văn bản đến): the leader gives an
incoming document to one **lead** unit or person (chủ trì), **co-operating** ones (phối hợp)
and **for-information** ones (nhận để biết), with a deadline in working days; the head of a
unit assigns further down its own subtree (department → division → specialist); everyone
involved writes **processing opinions** (ý kiến xử lý); the handler **completes** with a result
or a reply (an outgoing document). When the top-level lead completes, the document is
completed and the sender is told (``services.status.report_to_sender``).

Every function here is the only code that changes ``Assignment`` rows; each change runs in one
``audited_atomic()`` block with a ``DocumentEvent`` row and a ``log_action`` entry. Refusals:
``PermissionDenied`` (403) for the wrong person — nothing is changed; ``InvalidTransition``
(409) for the wrong state; ``AssignmentError`` (400, bilingual) for bad input.

Who may do what (``can_*`` below, used by the views to show only the allowed forms):

* assign / re-assign / withdraw a top-level assignment: holders of
  ``documents.assign_incomingdocument`` for the receiving organisation (its leaders);
* sub-assign / withdraw a sub-assignment: holders of that permission for the assignment's unit
  (the division leader of that division, or the organisation's leader);
* start / complete: the assigned person, or — for an assignment to a unit without a person —
  any official handling documents for that unit (``documents.change_assignment``), and the
  unit's heads;
* add an opinion: anyone involved (the leaders, the assigned people and units).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chinhquyen.audit.services import audited_atomic, log_action
from chinhquyen.directory.choices import OfficialStatus
from chinhquyen.directory.models import Official, Organisation
from chinhquyen.documents.choices import (
    AssignmentRole,
    AssignmentStatus,
    DeliveryStatus,
    EventType,
    IncomingStatus,
)
from chinhquyen.documents.errors import DocumentError, InvalidTransition
from chinhquyen.documents.models import (
    Assignment,
    DocumentEvent,
    IncomingDocument,
    Opinion,
    OutgoingDocument,
)
from chinhquyen.documents.services.access import holds
from chinhquyen.documents.services.status import report_to_sender
from chinhquyen.dossiers import clock
from chinhquyen.dossiers.services.access import bilingual
from chinhquyen.worktime import calendar as worktime

LEADER_PERM = "documents.assign_incomingdocument"
HANDLER_PERM = "documents.change_assignment"

# A document may be (re-)assigned once registered and until it is completed.
ASSIGNABLE = (IncomingStatus.REGISTERED, IncomingStatus.ASSIGNED, IncomingStatus.IN_PROGRESS)
# Work goes on (sub-assignments, opinions, start, completion) only on an assigned document.
IN_WORK = (IncomingStatus.ASSIGNED, IncomingStatus.IN_PROGRESS)
ACTIVE = (AssignmentStatus.PENDING, AssignmentStatus.IN_PROGRESS)
MAX_DUE_DAYS = 365
MAX_TEXT = 5000


class AssignmentError(DocumentError):
    """Bad input to an assignment (a unit outside the tree, a past deadline …)."""

    code = "assignment_error"


@dataclass(frozen=True)
class Target:
    """Whom a document is given to: a unit, optionally one official of that unit."""

    unit: Organisation
    person: Official | None = None

    @property
    def label(self) -> str:
        return f"{self.person.full_name} ({self.unit.name})" if self.person else self.unit.name

    def key(self) -> tuple[int, int | None]:
        return (self.unit.pk, self.person.pk if self.person else None)


TargetLike = Target | Organisation | Official | tuple


@dataclass
class Deadline:
    """A resolved deadline and, when the given date was moved, why (bilingual)."""

    due_at: datetime.datetime | None
    warnings: list[str] = field(default_factory=list)
    requested_date: datetime.date | None = None


@dataclass
class AssignResult:
    """What ``assign``/``sub_assign`` created, the deadline, and warnings to show the user."""

    assignments: list[Assignment]
    due_at: datetime.datetime | None
    warnings: list[str] = field(default_factory=list)
    withdrawn: list[int] = field(default_factory=list)


# --- Who may -----------------------------------------------------------------------------


def can_assign(user, document: IncomingDocument) -> bool:
    return holds(user, LEADER_PERM, document.organisation)


def can_sub_assign(user, assignment: Assignment) -> bool:
    return assignment.role != AssignmentRole.INFORMATION and holds(
        user, LEADER_PERM, assignment.unit
    )


def can_handle(user, assignment: Assignment) -> bool:
    """The assigned person; for a unit without a person, its handlers; the unit's heads."""
    if assignment.assignee_id is not None:
        if assignment.assignee.user_id == getattr(user, "pk", None):
            return True
    elif holds(user, HANDLER_PERM, assignment.unit):
        return True
    return holds(user, LEADER_PERM, assignment.unit)


def can_withdraw(user, assignment: Assignment) -> bool:
    if assignment.parent_id is None:
        return holds(user, LEADER_PERM, assignment.document.organisation)
    return holds(user, LEADER_PERM, assignment.parent.unit)


def is_involved(user, document: IncomingDocument, assignments: Iterable[Assignment] | None = None):
    """The leaders of the receiving organisation and everyone the document was given to."""
    if can_assign(user, document):
        return True
    rows = (
        assignments
        if assignments is not None
        else document.assignments.select_related("unit", "assignee")
    )
    for assignment in rows:
        if assignment.status == AssignmentStatus.CANCELLED:
            continue
        if assignment.assignee_id is not None and assignment.assignee.user_id == user.pk:
            return True
        if holds(user, HANDLER_PERM, assignment.unit) or holds(user, LEADER_PERM, assignment.unit):
            return True
    return False


# --- Deadlines ---------------------------------------------------------------------------


def end_of_working_day(day: datetime.date, *, work_calendar=None) -> datetime.datetime:
    """The closing time of ``day`` (17:00 with the default hours), aware, local time."""
    cal = work_calendar or worktime.WorkCalendar.current()
    closing = cal.hours_on(day).afternoon_end
    return datetime.datetime.combine(day, closing, tzinfo=worktime.TZ)


def resolve_deadline(
    *,
    due_days: int | None,
    due_date: datetime.date | None,
    now: datetime.datetime,
    work_calendar=None,
) -> Deadline:
    """A deadline ``due_days`` working days from ``now``, or at the end of ``due_date``.

    A date on a non-working day moves to the next working day, and the returned warning says
    so (Vietnamese / English); a date in the past is refused. Neither: no deadline.
    """
    if due_days is not None and due_date is not None:
        raise AssignmentError(
            _("Give the deadline either in working days or as a date, not both."), field="due_days"
        )
    cal = work_calendar or worktime.WorkCalendar.current()
    if due_days is not None:
        if isinstance(due_days, bool) or not isinstance(due_days, int) or due_days < 1:
            raise AssignmentError(
                _("The deadline must be at least one working day."), field="due_days"
            )
        if due_days > MAX_DUE_DAYS:
            raise AssignmentError(
                _("The deadline can be at most %(max)s working days."),
                field="due_days",
                max=MAX_DUE_DAYS,
            )
        return Deadline(due_at=clock.add_days(now, due_days, work_calendar=cal))
    if due_date is None:
        return Deadline(due_at=None)
    today = timezone.localdate(now)
    if due_date < today:
        raise AssignmentError(
            _("The deadline %(date)s is in the past."),
            field="due_date",
            date=due_date.strftime("%d/%m/%Y"),
        )
    day, warnings = due_date, []
    if not cal.is_working_day(day):
        while not cal.is_working_day(day):
            day += datetime.timedelta(days=1)
        warnings.append(
            bilingual(
                _(
                    "%(date)s is not a working day; the deadline was moved to the next working "
                    "day, %(moved)s."
                ),
                date=due_date.strftime("%d/%m/%Y"),
                moved=day.strftime("%d/%m/%Y"),
            )
        )
    due_at = end_of_working_day(day, work_calendar=cal)
    if due_at <= now:
        raise AssignmentError(
            _("The deadline %(date)s has already passed (the working day is over)."),
            field="due_date",
            date=day.strftime("%d/%m/%Y"),
        )
    return Deadline(due_at=due_at, warnings=warnings, requested_date=due_date)


# --- Targets -----------------------------------------------------------------------------


def _target(value: TargetLike) -> Target:
    if isinstance(value, Target):
        return value
    if isinstance(value, Official):
        return Target(unit=value.organisation, person=value)
    if isinstance(value, Organisation):
        return Target(unit=value)
    if isinstance(value, tuple) and len(value) == 2:
        unit, person = value
        return Target(unit=unit if unit is not None else person.organisation, person=person)
    raise TypeError(f"Not a unit or an official: {value!r}")


def _check_targets(targets: Sequence[tuple[str, Target]], root: Organisation) -> None:
    """Units inside ``root``'s subtree (or ``root`` itself), valid today; persons active
    officials of their unit; nobody twice."""
    today = timezone.localdate()
    seen: dict[tuple, str] = {}
    for _role, target in targets:
        unit = target.unit
        if not unit.path.startswith(root.path) or not unit.is_valid_on(today):
            raise AssignmentError(
                _("%(unit)s is not a unit of %(root)s."),
                field="lead",
                unit=unit.name,
                root=root.name,
            )
        person = target.person
        if person is not None:
            if person.organisation_id != unit.pk:
                raise AssignmentError(
                    _("%(person)s does not work in %(unit)s."),
                    field="lead",
                    person=person.full_name,
                    unit=unit.name,
                )
            if person.status != OfficialStatus.ACTIVE or not person.user.is_active:
                raise AssignmentError(
                    _("%(person)s is not working now (on leave or left) and cannot be assigned."),
                    field="lead",
                    person=person.full_name,
                )
        if target.key() in seen:
            raise AssignmentError(
                _("%(target)s is named twice; give each unit or person one role."),
                field="cooperating",
                target=target.label,
            )
        seen[target.key()] = _role


def _collect(
    lead: TargetLike | None,
    cooperating: Iterable[TargetLike],
    information: Iterable[TargetLike],
) -> list[tuple[str, Target]]:
    targets: list[tuple[str, Target]] = []
    if lead is not None:
        targets.append((AssignmentRole.LEAD, _target(lead)))
    targets += [(AssignmentRole.COOPERATE, _target(t)) for t in cooperating]
    targets += [(AssignmentRole.INFORMATION, _target(t)) for t in information]
    return targets


def _clean_text(text: str, *, field_name: str, required: bool) -> str:
    text = (text or "").strip()
    if required and not text:
        raise AssignmentError(_("This text is required."), field=field_name)
    if len(text) > MAX_TEXT:
        raise AssignmentError(
            _("The text is too long (at most %(max)s characters)."), field=field_name, max=MAX_TEXT
        )
    return text


def _describe(assignment: Assignment) -> dict:
    return {
        "id": assignment.pk,
        "role": assignment.role,
        "unit": assignment.unit.name,
        "person": assignment.assignee.full_name if assignment.assignee_id else "",
        "due_at": assignment.due_at.isoformat() if assignment.due_at else None,
    }


def _withdraw_tree(roots: Iterable[Assignment], *, at: datetime.datetime) -> list[int]:
    """Cancel the active ``roots`` and their active descendants; ids withdrawn."""
    withdrawn: list[int] = []
    frontier = [a.pk for a in roots if a.status in ACTIVE]
    while frontier:
        Assignment.objects.filter(pk__in=frontier, status__in=ACTIVE).update(
            status=AssignmentStatus.CANCELLED, completed_at=at
        )
        withdrawn += frontier
        frontier = list(
            Assignment.objects.filter(parent_id__in=frontier, status__in=ACTIVE).values_list(
                "pk", flat=True
            )
        )
    return withdrawn


def _lock_document(document: IncomingDocument) -> IncomingDocument:
    return (
        IncomingDocument.objects.select_for_update(of=("self",))
        .select_related("organisation", "source_recipient")
        .get(pk=document.pk)
    )


def _create(
    document: IncomingDocument,
    targets: Sequence[tuple[str, Target]],
    *,
    parent: Assignment | None,
    due_at: datetime.datetime | None,
    instruction: str,
    acting_user,
    now: datetime.datetime,
) -> list[Assignment]:
    created = []
    for role, target in targets:
        created.append(
            Assignment.objects.create(
                document=document,
                parent=parent,
                role=role,
                unit=target.unit,
                assignee=target.person,
                instruction=instruction,
                # For-information recipients only read: no deadline, never overdue.
                due_at=None if role == AssignmentRole.INFORMATION else due_at,
                assigned_by=acting_user,
                assigned_at=now,
            )
        )
    return created


# --- Assign ------------------------------------------------------------------------------


def assign(
    document: IncomingDocument,
    *,
    lead: TargetLike,
    cooperating: Iterable[TargetLike] = (),
    information: Iterable[TargetLike] = (),
    due_days: int | None = None,
    due_date: datetime.date | None = None,
    instruction: str,
    acting_user,
    now: datetime.datetime | None = None,
) -> AssignResult:
    """The leader gives ``document`` to a lead, co-operating and for-information recipients.

    ``lead`` etc. are units (``Organisation``), officials (their own unit is taken) or
    ``Target(unit, person)``. The deadline is ``due_days`` working days from now or the end
    of ``due_date`` (moved to the next working day when it is not one; see the returned
    warnings). A second call re-assigns: the current assignments are withdrawn (kept as
    history, status "withdrawn") and replaced.
    """
    now = now or timezone.now()
    if not can_assign(acting_user, document):
        raise PermissionDenied
    instruction = _clean_text(instruction, field_name="instruction", required=False)
    targets = _collect(lead, cooperating, information)
    with audited_atomic():
        doc = _lock_document(document)
        if doc.status not in ASSIGNABLE:
            raise InvalidTransition(
                _("A document that is “%(status)s” cannot be assigned."),
                status=doc.get_status_display(),
            )
        _check_targets(targets, doc.organisation)
        deadline = resolve_deadline(due_days=due_days, due_date=due_date, now=now)
        current = list(doc.assignments.filter(parent__isnull=True, status__in=ACTIVE))
        withdrawn = _withdraw_tree(current, at=now)
        created = _create(
            doc,
            targets,
            parent=None,
            due_at=deadline.due_at,
            instruction=instruction,
            acting_user=acting_user,
            now=now,
        )
        previous_status = doc.status
        doc.status = IncomingStatus.ASSIGNED
        IncomingDocument.objects.filter(pk=doc.pk).update(status=doc.status, updated_at=now)
        details = {
            "assignments": [_describe(a) for a in created],
            "due_at": deadline.due_at.isoformat() if deadline.due_at else None,
            "withdrawn": withdrawn,
            "warnings": deadline.warnings,
        }
        if deadline.requested_date:
            details["requested_date"] = deadline.requested_date.isoformat()
        DocumentEvent.objects.create(
            incoming=doc,
            type=EventType.ASSIGNED,
            actor=acting_user,
            at=now,
            note=instruction,
            details=details,
        )
        log_action(
            "documents.reassign_incoming" if withdrawn else "documents.assign_incoming",
            target=doc,
            actor=acting_user,
            before={"status": previous_status},
            after={"status": doc.status},
            details=details,
        )
        report_to_sender(doc, DeliveryStatus.ASSIGNED, actor=acting_user, at=now)
    document.status = doc.status
    return AssignResult(
        assignments=created, due_at=deadline.due_at, warnings=deadline.warnings, withdrawn=withdrawn
    )


def sub_assign(
    assignment: Assignment,
    *,
    lead: TargetLike | None = None,
    cooperating: Iterable[TargetLike] = (),
    information: Iterable[TargetLike] = (),
    due_days: int | None = None,
    due_date: datetime.date | None = None,
    instruction: str,
    acting_user,
    now: datetime.datetime | None = None,
) -> AssignResult:
    """The head of ``assignment``'s unit assigns further down its own subtree.

    The deadline may not be later than the parent's; none given: the parent's. A new
    sub-assignment replaces the current one of that unit (withdrawn, kept as history).
    """
    now = now or timezone.now()
    assignment = Assignment.objects.select_related("unit", "document").get(pk=assignment.pk)
    if not can_sub_assign(acting_user, assignment):
        raise PermissionDenied
    instruction = _clean_text(instruction, field_name="instruction", required=False)
    targets = _collect(lead, cooperating, information)
    if not targets:
        raise AssignmentError(_("Choose at least one unit or person."), field="lead")
    with audited_atomic():
        doc = _lock_document(assignment.document)
        parent = Assignment.objects.select_related("unit", "assignee").get(pk=assignment.pk)
        if doc.status not in IN_WORK or parent.status not in ACTIVE:
            raise InvalidTransition(
                _("Only an open assignment of a document in progress can be assigned further.")
            )
        _check_targets(targets, parent.unit)
        if any(t.key() == (parent.unit_id, parent.assignee_id) for _r, t in targets):
            raise AssignmentError(
                _("%(target)s already holds this assignment."), field="lead", target=parent
            )
        if parent.assignee_id and any(t.person is None for _r, t in targets):
            # A person's assignment goes on to persons only (never back up to a unit).
            raise AssignmentError(
                _("An assignment of a person can only be passed on to other persons."),
                field="lead",
            )
        if due_days is None and due_date is None:
            deadline = Deadline(due_at=parent.due_at)
        else:
            deadline = resolve_deadline(due_days=due_days, due_date=due_date, now=now)
            if parent.due_at and deadline.due_at and deadline.due_at > parent.due_at:
                raise AssignmentError(
                    _("The deadline cannot be later than the one given to %(unit)s (%(due)s)."),
                    field="due_date",
                    unit=parent.unit.name,
                    due=timezone.localtime(parent.due_at).strftime("%H:%M %d/%m/%Y"),
                )
        withdrawn = _withdraw_tree(list(parent.children.filter(status__in=ACTIVE)), at=now)
        created = _create(
            doc,
            targets,
            parent=parent,
            due_at=deadline.due_at,
            instruction=instruction,
            acting_user=acting_user,
            now=now,
        )
        details = {
            "parent": parent.pk,
            "assignments": [_describe(a) for a in created],
            "due_at": deadline.due_at.isoformat() if deadline.due_at else None,
            "withdrawn": withdrawn,
            "warnings": deadline.warnings,
        }
        DocumentEvent.objects.create(
            incoming=doc,
            type=EventType.SUB_ASSIGNED,
            actor=acting_user,
            at=now,
            note=instruction,
            details=details,
        )
        log_action("documents.sub_assign_incoming", target=doc, actor=acting_user, details=details)
    return AssignResult(
        assignments=created, due_at=deadline.due_at, warnings=deadline.warnings, withdrawn=withdrawn
    )


# --- Processing --------------------------------------------------------------------------


def add_opinion(
    document: IncomingDocument,
    *,
    text: str,
    assignment: Assignment | None = None,
    acting_user,
    now: datetime.datetime | None = None,
) -> Opinion:
    """A processing opinion (ý kiến xử lý) by a leader or someone the document was given to."""
    now = now or timezone.now()
    text = _clean_text(text, field_name="text", required=True)
    if assignment is not None and assignment.document_id != document.pk:
        raise AssignmentError(_("That assignment belongs to another document."), field="text")
    if not is_involved(acting_user, document):
        raise PermissionDenied
    with audited_atomic():
        doc = _lock_document(document)
        if doc.status not in IN_WORK and doc.status != IncomingStatus.REGISTERED:
            raise InvalidTransition(
                _("No opinion can be added to a document that is “%(status)s”."),
                status=doc.get_status_display(),
            )
        opinion = Opinion.objects.create(
            document=doc, assignment=assignment, author=acting_user, text=text, created_at=now
        )
        DocumentEvent.objects.create(
            incoming=doc,
            type=EventType.OPINION,
            actor=acting_user,
            at=now,
            note=text,
            details={"opinion": opinion.pk, "assignment": assignment.pk if assignment else None},
        )
        log_action(
            "documents.add_opinion",
            target=doc,
            actor=acting_user,
            details={"opinion": opinion.pk, "assignment": assignment.pk if assignment else None},
        )
    return opinion


def _lock_assignment(assignment: Assignment) -> tuple[IncomingDocument, Assignment]:
    doc = _lock_document(assignment.document)
    locked = (
        Assignment.objects.select_for_update(of=("self",))
        .select_related("unit", "assignee", "parent")
        .get(pk=assignment.pk)
    )
    return doc, locked


def _check_handler(user, assignment: Assignment) -> Assignment:
    assignment = Assignment.objects.select_related(
        "unit", "assignee", "document__organisation"
    ).get(pk=assignment.pk)
    if not can_handle(user, assignment):
        raise PermissionDenied
    return assignment


def start(
    assignment: Assignment, *, acting_user, now: datetime.datetime | None = None
) -> Assignment:
    """The handler starts work: the assignment and the document are in progress."""
    now = now or timezone.now()
    assignment = _check_handler(acting_user, assignment)
    with audited_atomic():
        doc, assignment = _lock_assignment(assignment)
        if (
            doc.status not in IN_WORK
            or assignment.status != AssignmentStatus.PENDING
            or assignment.role == AssignmentRole.INFORMATION
        ):
            raise InvalidTransition(_("Only an assignment not started yet can be started."))
        _start(doc, assignment, acting_user=acting_user, now=now)
    return assignment


def _start(doc: IncomingDocument, assignment: Assignment, *, acting_user, now) -> None:
    Assignment.objects.filter(pk=assignment.pk).update(status=AssignmentStatus.IN_PROGRESS)
    assignment.status = AssignmentStatus.IN_PROGRESS
    DocumentEvent.objects.create(
        incoming=doc,
        type=EventType.STARTED,
        actor=acting_user,
        at=now,
        details={"assignment": assignment.pk},
    )
    log_action(
        "documents.start_assignment",
        target=assignment,
        actor=acting_user,
        details={"document": doc.pk},
    )
    if doc.status == IncomingStatus.ASSIGNED:
        IncomingDocument.objects.filter(pk=doc.pk).update(
            status=IncomingStatus.IN_PROGRESS, updated_at=now
        )
        doc.status = IncomingStatus.IN_PROGRESS
        report_to_sender(doc, DeliveryStatus.IN_PROGRESS, actor=acting_user, at=now)


def complete_assignment(
    assignment: Assignment,
    *,
    result: str,
    result_document: OutgoingDocument | None = None,
    acting_user,
    now: datetime.datetime | None = None,
) -> Assignment:
    """The handler completes ``assignment`` with a result and/or the reply document.

    A lead sub-assignment completes its parent too (the specialist's result is the division's
    result), up the lead chain; when the top-level lead completes, the document is completed
    and the sender told. Co-operating assignments complete on their own.
    """
    now = now or timezone.now()
    assignment = _check_handler(acting_user, assignment)
    result = _clean_text(result, field_name="result", required=result_document is None)
    with audited_atomic():
        doc, assignment = _lock_assignment(assignment)
        if (
            doc.status not in IN_WORK
            or assignment.status not in ACTIVE
            or assignment.role == AssignmentRole.INFORMATION
        ):
            raise InvalidTransition(
                _("Only an open lead or co-operating assignment can be completed.")
            )
        if result_document is not None and result_document.organisation_id != doc.organisation_id:
            raise AssignmentError(
                _("The reply must be an outgoing document of %(organisation)s."),
                field="result_document",
                organisation=doc.organisation.name,
            )
        if assignment.status == AssignmentStatus.PENDING:
            _start(doc, assignment, acting_user=acting_user, now=now)
        chain = [assignment]
        node = assignment
        while node.role == AssignmentRole.LEAD and node.parent_id is not None:
            parent = Assignment.objects.select_for_update().get(pk=node.parent_id)
            if parent.status not in ACTIVE:
                break
            chain.append(parent)
            node = parent
        for item in chain:
            Assignment.objects.filter(pk=item.pk).update(
                status=AssignmentStatus.COMPLETED,
                completed_at=now,
                result=result,
                result_document=result_document,
            )
            item.status, item.completed_at = AssignmentStatus.COMPLETED, now
            item.result, item.result_document = result, result_document
            details = {
                "assignment": item.pk,
                "role": item.role,
                "result_document": result_document.pk if result_document else None,
                "via": assignment.pk if item is not assignment else None,
            }
            DocumentEvent.objects.create(
                incoming=doc,
                type=EventType.ASSIGNMENT_COMPLETED,
                actor=acting_user,
                at=now,
                note=result,
                details=details,
            )
            log_action(
                "documents.complete_assignment", target=item, actor=acting_user, details=details
            )
        top = chain[-1]
        if top.parent_id is None and top.role == AssignmentRole.LEAD:
            _complete_document(doc, acting_user=acting_user, now=now, via=top)
    return assignment


def _complete_document(doc: IncomingDocument, *, acting_user, now, via: Assignment) -> None:
    previous = doc.status
    IncomingDocument.objects.filter(pk=doc.pk).update(
        status=IncomingStatus.COMPLETED, completed_at=now, updated_at=now
    )
    doc.status, doc.completed_at = IncomingStatus.COMPLETED, now
    DocumentEvent.objects.create(
        incoming=doc,
        type=EventType.COMPLETED,
        actor=acting_user,
        at=now,
        details={"assignment": via.pk},
    )
    log_action(
        "documents.complete_incoming",
        target=doc,
        actor=acting_user,
        before={"status": previous},
        after={"status": doc.status},
    )
    report_to_sender(doc, DeliveryStatus.COMPLETED, actor=acting_user, at=now)


def withdraw(
    assignment: Assignment,
    *,
    reason: str = "",
    acting_user,
    now: datetime.datetime | None = None,
) -> list[int]:
    """The one who could give ``assignment`` takes it back (with its sub-assignments).

    Withdrawing the last open top-level lead puts the document back to "awaiting assignment".
    Returns the ids withdrawn.
    """
    now = now or timezone.now()
    assignment = Assignment.objects.select_related(
        "document__organisation", "parent__unit", "unit"
    ).get(pk=assignment.pk)
    if not can_withdraw(acting_user, assignment):
        raise PermissionDenied
    reason = _clean_text(reason, field_name="reason", required=False)
    with audited_atomic():
        doc, assignment = _lock_assignment(assignment)
        if doc.status not in IN_WORK or assignment.status not in ACTIVE:
            raise InvalidTransition(_("Only an open assignment can be withdrawn."))
        withdrawn = _withdraw_tree([assignment], at=now)
        details = {"withdrawn": withdrawn, "reason": reason, **_describe(assignment)}
        if (
            assignment.parent_id is None
            and not doc.assignments.filter(
                parent__isnull=True, role=AssignmentRole.LEAD, status__in=ACTIVE
            ).exists()
        ):
            IncomingDocument.objects.filter(pk=doc.pk).update(
                status=IncomingStatus.REGISTERED, updated_at=now
            )
            details["document_status"] = IncomingStatus.REGISTERED
        DocumentEvent.objects.create(
            incoming=doc,
            type=EventType.WITHDRAWN,
            actor=acting_user,
            at=now,
            note=reason,
            details={"withdrawn": withdrawn},
        )
        log_action("documents.withdraw_assignment", target=doc, actor=acting_user, details=details)
    return withdrawn


# --- Queries -----------------------------------------------------------------------------


def open_work() -> Q:
    """Assignments still to be done (not information, open, on a document not closed)."""
    return (
        Q(status__in=ACTIVE) & ~Q(role=AssignmentRole.INFORMATION) & Q(document__status__in=IN_WORK)
    )


def assignments_of(user) -> QuerySet[Assignment]:
    """What ``user`` has to do: assigned to them, or to a unit they handle without a person."""
    from chinhquyen.accounts.scopes import ALL, organisation_scope

    mine = Q(assignee__user=user)
    scope = organisation_scope(user, HANDLER_PERM)
    if scope is ALL:
        units = Q(assignee__isnull=True)
    elif scope:
        units = Q()
        for path in scope:
            units |= Q(unit__path__startswith=path)
        units = Q(assignee__isnull=True) & units
    else:
        units = Q(pk__in=[])
    return Assignment.objects.filter(mine | units)


def overdue_assignments(
    root_organisation: Organisation, *, at: datetime.datetime | None = None
) -> QuerySet[Assignment]:
    """Open lead and co-operating assignments past their deadline at ``at`` (default now).

    ``overdue_assignments(root_organisation: Organisation, *, at: datetime | None = None)
    -> QuerySet[Assignment]`` — every assignment whose unit is ``root_organisation`` or below,
    not completed/withdrawn, not for information, on a document still in work, with
    ``due_at < at``; ordered by deadline. Used by the overdue page, the reminders, the
    documents statistics and the IOC dashboards (count with ``.count()``, group with
    ``.values("unit")``).
    """
    at = at or timezone.now()
    return (
        Assignment.objects.filter(
            open_work(), due_at__lt=at, unit__path__startswith=root_organisation.path
        )
        .select_related("unit", "assignee", "document")
        .order_by("due_at", "pk")
    )
