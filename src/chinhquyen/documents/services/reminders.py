"""Deadline reminders for assignments and follow-up tasks, and the overdue lists.

:func:`send_document_reminders` runs from cron (``chinhquyen send_document_reminders``) or as
the task :data:`send_document_reminders_task`. Every open assignment (lead or co-operating)
and open follow-up task whose deadline falls within ``DOCUMENTS_REMINDER_WORKING_HOURS``
working hours (default 8: about one working day) and that was never reminded is claimed with a
conditional ``UPDATE … SET reminded_at = now WHERE reminded_at IS NULL`` — so two runs, or two
workers, remind once — and, in the same transaction:

* its people are e-mailed through the notifications outbox (``notifications.Delivery`` rows,
  one per person and item, idempotency key ``documents.reminder:<kind>:<id>:<user>:email``,
  sent after commit by the outbox worker with its retries);
* in the application the item is flagged on the "My work" page (``reminded_at``).

Follow-up tasks are claimed the same way (``FollowUpTask.reminded_at``).

The people: the assigned official; for a unit without a person, the unit's heads (division or
agency leader holding a role on that very unit today). Items already past their deadline are not
reminded but counted and listed (:func:`overdue_summary`).
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.tasks import task
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from chinhquyen.audit.context import audited_task
from chinhquyen.audit.services import audited_atomic, log_action
from chinhquyen.directory.models import Organisation
from chinhquyen.documents.models import Assignment, FollowUpTask
from chinhquyen.documents.services.assignment import open_work, overdue_assignments
from chinhquyen.documents.services.followup import OPEN as OPEN_TASK
from chinhquyen.documents.services.followup import overdue_tasks
from chinhquyen.worktime import calendar as worktime

logger = logging.getLogger("chinhquyen.documents")

DEFAULT_REMINDER_HOURS = 8

ASSIGNMENT_SUBJECT = _("Reminder: incoming document %(code)s is due %(due)s")
ASSIGNMENT_BODY = _(
    "The incoming document %(code)s “%(subject)s” given to %(target)s (%(role)s) is due at "
    "%(due)s. Open it: %(link)s"
)
TASK_SUBJECT = _("Reminder: task due %(due)s")
TASK_BODY = _("The task “%(title)s” of %(target)s is due at %(due)s. Open it: %(link)s")


def reminder_hours() -> int:
    return int(getattr(settings, "DOCUMENTS_REMINDER_WORKING_HOURS", DEFAULT_REMINDER_HOURS))


@dataclass
class ReminderRun:
    assignments: int = 0
    tasks: int = 0
    emails: int = 0
    overdue_assignments: int = 0
    overdue_tasks: int = 0
    overdue: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "assignments": self.assignments,
            "tasks": self.tasks,
            "emails": self.emails,
            "overdue_assignments": self.overdue_assignments,
            "overdue_tasks": self.overdue_tasks,
        }


def _unit_heads(unit_ids: set[int], day: datetime.date) -> dict[int, list]:
    """Users leading each unit today (division or agency leader on that very unit)."""
    from chinhquyen.accounts.choices import Role
    from chinhquyen.accounts.models import RoleAssignment
    from chinhquyen.directory.choices import OfficialStatus

    heads: dict[int, list] = {}
    rows = (
        RoleAssignment.objects.active_on(day)
        .filter(organisation_id__in=unit_ids, role__in=[Role.DIVISION_LEADER, Role.AGENCY_LEADER])
        .exclude(official__status=OfficialStatus.LEFT)
        .select_related("official__user")
    )
    for row in rows:
        user = row.official.user
        if user.is_active and all(u.pk != user.pk for u in heads.get(row.organisation_id, [])):
            heads.setdefault(row.organisation_id, []).append(user)
    return heads


def _people(item, heads: dict[int, list]) -> list:
    if item.assignee_id is not None:
        user = item.assignee.user
        return [user] if user.is_active else []
    return heads.get(item.unit_id, [])


def _email_of(user) -> str:
    official = getattr(user, "official", None)
    return user.email or (official.email if official is not None else "")


def _bilingual(message, params_for) -> str:
    texts = []
    for language in ("vi", "en"):
        with translation.override(language):
            texts.append(str(message) % params_for(language))
    return texts[0] if texts[0] == texts[1] else f"{texts[0]}\n\n{texts[1]}"


def _due_text(due_at: datetime.datetime) -> str:
    return timezone.localtime(due_at).strftime("%H:%M %d/%m/%Y")


def _link(path: str) -> str:
    base = getattr(settings, "SITE_URL", "").rstrip("/")
    return f"{base}{path}"


def _queue_emails(kind: str, item, people: list, subject: str, body: str, organisation_id, now):
    """Outbox rows for ``people`` with an address; ids of the rows written."""
    from chinhquyen.notifications.choices import Channel
    from chinhquyen.notifications.models import Delivery

    rows = []
    for user in people:
        address = _email_of(user)
        if not address:
            continue
        rows.append(
            Delivery(
                key=f"documents.reminder:{kind}:{item.pk}:{user.pk}:email",
                channel=Channel.EMAIL,
                recipient=address,
                subject=subject[:255],
                body=body,
                organisation_id=organisation_id,
                created_at=now,
                next_attempt_at=now,
            )
        )
    if not rows:
        return []
    Delivery.objects.bulk_create(rows, ignore_conflicts=True)
    return list(Delivery.objects.filter(key__in=[r.key for r in rows]).values_list("pk", flat=True))


def _enqueue(ids: list[int]) -> None:
    from chinhquyen.notifications.services import enqueue_deliveries

    enqueue_deliveries(ids=ids)


def _remind_assignment(assignment: Assignment, heads, now) -> int | None:
    """Claim and remind one assignment; None when someone else already reminded it."""
    with audited_atomic():
        claimed = Assignment.objects.filter(pk=assignment.pk, reminded_at__isnull=True).update(
            reminded_at=now
        )
        if not claimed:
            return None
        document = assignment.document
        people = _people(assignment, heads)
        target = assignment.assignee.full_name if assignment.assignee_id else assignment.unit.name
        link = _link(document.get_absolute_url())

        def params(language: str) -> dict:
            with translation.override(language):
                return {
                    "code": document.arrival_number or document.code or document.pk,
                    "subject": document.subject[:200],
                    "target": target,
                    "role": str(assignment.get_role_display()),
                    "due": _due_text(assignment.due_at),
                    "link": link,
                }

        subject = _bilingual(ASSIGNMENT_SUBJECT, params).replace("\n\n", " / ")
        body = _bilingual(ASSIGNMENT_BODY, params)
        ids = _queue_emails(
            "assignment", assignment, people, subject, body, document.organisation_id, now
        )
        log_action(
            "documents.remind_assignment",
            target=assignment,
            details={
                "document": document.pk,
                "due_at": assignment.due_at.isoformat(),
                "people": [u.username for u in people],
                "emails": len(ids),
            },
        )
        if ids:
            transaction.on_commit(lambda: _enqueue(ids))
    return len(ids)


def _remind_task(item: FollowUpTask, heads, now) -> int | None:
    """Claim and remind one task (as for assignments); None when it was already reminded.

    The outbox keys (task, person) are unique as well, so even a reminder run on a copy of the
    data never e-mails a person twice about the same task.
    """
    from chinhquyen.notifications.models import Delivery

    people = [u for u in _people(item, heads) if _email_of(u)]
    keys = {u.pk: f"documents.reminder:task:{item.pk}:{u.pk}:email" for u in people}
    with audited_atomic():
        claimed = FollowUpTask.objects.filter(pk=item.pk, reminded_at__isnull=True).update(
            reminded_at=now
        )
        if not claimed:
            return None
        already = set(Delivery.objects.filter(key__in=keys.values()).values_list("key", flat=True))
        people = [u for u in people if keys[u.pk] not in already]
        target = item.assignee.full_name if item.assignee_id else item.unit.name
        from django.urls import reverse

        link = _link(reverse("documents:task", args=[item.pk]))

        def params(language: str) -> dict:
            return {
                "title": item.title[:200],
                "target": target,
                "due": _due_text(item.due_at),
                "link": link,
            }

        subject = _bilingual(TASK_SUBJECT, params).replace("\n\n", " / ")
        body = _bilingual(TASK_BODY, params)
        ids = _queue_emails("task", item, people, subject, body, item.organisation_id, now)
        log_action(
            "documents.remind_task",
            target=item,
            details={
                "due_at": item.due_at.isoformat(),
                "people": [u.username for u in people],
                "emails": len(ids),
            },
        )
        if ids:
            transaction.on_commit(lambda: _enqueue(ids))
    return len(ids)


def reminder_horizon(now: datetime.datetime, hours: int | None = None) -> datetime.datetime:
    """The instant ``hours`` working hours after ``now`` (the reminder window's end)."""
    return worktime.add_working_time(now, hours=reminder_hours() if hours is None else hours)


def send_document_reminders(now: datetime.datetime | None = None) -> ReminderRun:
    """Remind once about everything due within the window; count what is overdue."""
    now = now or timezone.now()
    horizon = reminder_horizon(now)
    run = ReminderRun()
    assignments = list(
        Assignment.objects.filter(
            open_work(), reminded_at__isnull=True, due_at__gt=now, due_at__lte=horizon
        )
        .select_related("document", "unit", "assignee__user__official")
        .order_by("due_at", "pk")
    )
    tasks = list(
        FollowUpTask.objects.filter(
            status__in=OPEN_TASK, reminded_at__isnull=True, due_at__gt=now, due_at__lte=horizon
        )
        .select_related("unit", "assignee__user__official")
        .order_by("due_at", "pk")
    )
    unit_ids = {a.unit_id for a in assignments if a.assignee_id is None}
    unit_ids |= {t.unit_id for t in tasks if t.assignee_id is None}
    heads = _unit_heads(unit_ids, timezone.localdate(now)) if unit_ids else {}
    for assignment in assignments:
        sent = _remind_assignment(assignment, heads, now)
        if sent is not None:
            run.assignments += 1
            run.emails += sent
    for item in tasks:
        sent = _remind_task(item, heads, now)
        if sent is not None:
            run.tasks += 1
            run.emails += sent
    for root in Organisation.objects.get_root_nodes():
        for a in overdue_assignments(root, at=now):
            run.overdue_assignments += 1
            run.overdue.append(
                f"{a.unit.name}: {a.document} — {_due_text(a.due_at)} ({a.get_role_display()})"
            )
        for t in overdue_tasks(root, at=now):
            run.overdue_tasks += 1
            run.overdue.append(f"{t.unit.name}: {t.title[:80]} — {_due_text(t.due_at)}")
    if run.assignments or run.tasks:
        log_action("documents.send_document_reminders", details=run.as_dict())
    return run


def overdue_summary(root_organisation: Organisation, *, at: datetime.datetime | None = None):
    """Per unit (in tree order): ``[(unit, overdue assignments, overdue tasks)]``, non-zero."""
    from django.db.models import Count

    at = at or timezone.now()
    counts: dict[int, list[int]] = {}
    for row in (
        overdue_assignments(root_organisation, at=at)
        .order_by()
        .values("unit")
        .annotate(n=Count("pk"))
    ):
        counts.setdefault(row["unit"], [0, 0])[0] = row["n"]
    for row in (
        overdue_tasks(root_organisation, at=at).order_by().values("unit").annotate(n=Count("pk"))
    ):
        counts.setdefault(row["unit"], [0, 0])[1] = row["n"]
    units = Organisation.objects.filter(pk__in=counts).order_by("path")
    return [(unit, counts[unit.pk][0], counts[unit.pk][1]) for unit in units]


@task()
@audited_task
def send_document_reminders_task() -> dict[str, int]:
    """Deadline reminders for assignments and follow-up tasks (run it hourly or daily)."""
    return send_document_reminders().as_dict()
