"""Follow-up tasks arising from documents (theo dõi nhiệm vụ, Decree 30/2020 Appendix IV
"sổ theo dõi giải quyết văn bản đến").

A leader (``documents.assign_incomingdocument`` for the responsible unit: the organisation's
leader or the unit's head) creates a task for a unit, optionally a person of it, with a
deadline in working days or a date (moved to the next working day when it is not one, and
said so); the person or the unit's handlers report progress and close it; the leader may cancel
it. Each change is one ``audited_atomic()`` block with a ``log_action`` entry holding the
before/after values, so the progress history is in the audit trail.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chinhquyen.accounts.scopes import ALL, organisation_scope
from chinhquyen.audit.services import audited_atomic, log_action
from chinhquyen.directory.models import Organisation
from chinhquyen.documents.choices import TaskStatus
from chinhquyen.documents.errors import InvalidTransition
from chinhquyen.documents.models import FollowUpTask, IncomingDocument, OutgoingDocument
from chinhquyen.documents.services.access import holds
from chinhquyen.documents.services.assignment import (
    HANDLER_PERM,
    LEADER_PERM,
    AssignmentError,
    Target,
    TargetLike,
    _check_targets,
    _clean_text,
    _target,
    resolve_deadline,
)

OPEN = (TaskStatus.OPEN, TaskStatus.IN_PROGRESS)
# Allowed status changes; done and cancelled are final.
TRANSITIONS = {
    TaskStatus.OPEN: {TaskStatus.IN_PROGRESS, TaskStatus.DONE, TaskStatus.CANCELLED},
    TaskStatus.IN_PROGRESS: {TaskStatus.DONE, TaskStatus.CANCELLED},
}


@dataclass
class TaskResult:
    task: FollowUpTask
    warnings: list[str] = field(default_factory=list)


def can_create_task(user, unit: Organisation) -> bool:
    return holds(user, LEADER_PERM, unit)


def can_update_task(user, task: FollowUpTask) -> bool:
    if task.assignee_id is not None and task.assignee.user_id == getattr(user, "pk", None):
        return True
    if task.assignee_id is None and holds(user, HANDLER_PERM, task.unit):
        return True
    return holds(user, LEADER_PERM, task.unit)


def create_task(
    *,
    title: str,
    responsible: TargetLike,
    organisation: Organisation | None = None,
    incoming: IncomingDocument | None = None,
    outgoing: OutgoingDocument | None = None,
    due_days: int | None = None,
    due_date: datetime.date | None = None,
    acting_user,
    now: datetime.datetime | None = None,
) -> TaskResult:
    """A task for ``responsible`` (a unit, an official, or ``Target(unit, person)``).

    ``organisation`` is the organisation whose list the task is on; by default the one of the
    document it arises from.
    """
    now = now or timezone.now()
    target: Target = _target(responsible)
    if organisation is None:
        source = incoming or outgoing
        if source is None:
            raise AssignmentError(
                _("Say which organisation the task belongs to."), field="organisation"
            )
        organisation = source.organisation
    for source in (incoming, outgoing):
        if source is not None and source.organisation_id != organisation.pk:
            raise AssignmentError(
                _("The document belongs to another organisation."), field="incoming"
            )
    if not can_create_task(acting_user, target.unit):
        raise PermissionDenied
    title = _clean_text(title, field_name="title", required=True)[:500]
    _check_targets([("task", target)], organisation)
    deadline = resolve_deadline(due_days=due_days, due_date=due_date, now=now)
    with audited_atomic():
        task = FollowUpTask.objects.create(
            organisation=organisation,
            title=title,
            incoming=incoming,
            outgoing=outgoing,
            unit=target.unit,
            assignee=target.person,
            due_at=deadline.due_at,
            created_by=acting_user,
            created_at=now,
        )
        log_action(
            "documents.create_task",
            target=task,
            actor=acting_user,
            details={
                "unit": target.unit.name,
                "person": target.person.full_name if target.person else "",
                "due_at": deadline.due_at.isoformat() if deadline.due_at else None,
                "incoming": incoming.pk if incoming else None,
                "outgoing": outgoing.pk if outgoing else None,
                "warnings": deadline.warnings,
            },
        )
    return TaskResult(task=task, warnings=deadline.warnings)


def update_task(
    task: FollowUpTask,
    *,
    status: str | None = None,
    progress: str | None = None,
    acting_user,
    now: datetime.datetime | None = None,
) -> FollowUpTask:
    """Report progress (``progress``: the current state in words) and/or change the status.

    Cancelling needs the leader; done and cancelled tasks are final (409).
    """
    now = now or timezone.now()
    task = FollowUpTask.objects.select_related("unit", "assignee").get(pk=task.pk)
    if not can_update_task(acting_user, task):
        raise PermissionDenied
    if status == TaskStatus.CANCELLED and not holds(acting_user, LEADER_PERM, task.unit):
        raise PermissionDenied
    if status is not None and status not in TaskStatus.values:
        raise AssignmentError(_("Unknown status."), field="status")
    if progress is not None:
        progress = _clean_text(progress, field_name="progress", required=False)
    with audited_atomic():
        locked = FollowUpTask.objects.select_for_update().get(pk=task.pk)
        if locked.status not in OPEN:
            raise InvalidTransition(
                _("The task is “%(status)s” and can no longer change."),
                status=locked.get_status_display(),
            )
        before = {"status": locked.status, "progress": locked.progress}
        changes = {}
        if status is not None and status != locked.status:
            if status not in TRANSITIONS[locked.status]:
                raise InvalidTransition(
                    _("A task that is “%(status)s” cannot go back to “%(new)s”."),
                    status=locked.get_status_display(),
                    new=TaskStatus(status).label,
                )
            changes["status"] = status
            if status in (TaskStatus.DONE, TaskStatus.CANCELLED):
                changes["completed_at"] = now
        if progress is not None and progress != locked.progress:
            changes["progress"] = progress
        if not changes:
            return locked
        FollowUpTask.objects.filter(pk=locked.pk).update(**changes)
        for name, value in changes.items():
            setattr(locked, name, value)
        log_action(
            "documents.update_task",
            target=locked,
            actor=acting_user,
            before=before,
            after={"status": locked.status, "progress": locked.progress},
        )
    return locked


def _within(scope, lookup: str) -> Q:
    if scope is ALL:
        return Q()
    condition = Q(pk__in=[])
    for path in scope or ():
        condition |= Q(**{f"{lookup}__path__startswith": path})
    return condition


def tasks_visible_to(user) -> QuerySet[FollowUpTask]:
    """Tasks of the organisations ``user`` sees, of the units they work in, and their own."""
    if not getattr(user, "is_authenticated", False):
        return FollowUpTask.objects.none()
    scope = organisation_scope(user, "documents.view_followuptask")
    if scope is ALL:
        return FollowUpTask.objects.all()
    return FollowUpTask.objects.filter(
        _within(scope, "organisation") | _within(scope, "unit") | Q(assignee__user=user)
    )


def tasks_for_unit(
    user,
    *,
    unit: Organisation | None = None,
    status: str | None = None,
    overdue_at: datetime.datetime | None = None,
) -> QuerySet[FollowUpTask]:
    """The list page: visible tasks, optionally of ``unit`` and below, of one status (or
    ``"open"`` for open and in progress), or only those overdue at ``overdue_at``."""
    rows = tasks_visible_to(user)
    if unit is not None:
        rows = rows.filter(unit__path__startswith=unit.path)
    if status == "open":
        rows = rows.filter(status__in=OPEN)
    elif status:
        rows = rows.filter(status=status)
    if overdue_at is not None:
        rows = rows.filter(status__in=OPEN, due_at__lt=overdue_at)
    return rows.select_related("unit", "assignee", "incoming", "outgoing").order_by("due_at", "pk")


def overdue_tasks(
    root_organisation: Organisation, *, at: datetime.datetime | None = None
) -> QuerySet[FollowUpTask]:
    """Open follow-up tasks past their deadline at ``at`` (default now).

    ``overdue_tasks(root_organisation: Organisation, *, at: datetime | None = None)
    -> QuerySet[FollowUpTask]`` — tasks whose responsible unit is ``root_organisation`` or
    below, open or in progress, with ``due_at < at``; ordered by deadline. Reused by the
    documents statistics and the IOC dashboards.
    """
    at = at or timezone.now()
    return (
        FollowUpTask.objects.filter(
            status__in=OPEN, due_at__lt=at, unit__path__startswith=root_organisation.path
        )
        .select_related("unit", "assignee")
        .order_by("due_at", "pk")
    )
