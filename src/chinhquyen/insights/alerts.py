"""Alerts of the operations centre: work predicted to be late or already late, per agency.

What an agency's leader is warned about (cảnh báo), for the agency and every unit below it:

* **dossiers at risk** (hồ sơ có nguy cơ trễ hạn): open dossiers in hand (received, in
  processing, transferred — not those waiting for a supplement: their clock is paused) whose
  open step is "at risk" by the dossier issue's rule (``dossiers.services.lateness``: the
  step's remaining working time is below the median working time the same step took in its
  last ``RECENT_RUNS`` finished runs), and not yet past their appointment;
* **dossiers overdue** (hồ sơ quá hạn): open dossiers in hand past their appointed return time
  (``due_at``);
* **document assignments and follow-up tasks due soon** (sắp đến hạn): open, deadline within
  the documents reminder window (``DOCUMENTS_REMINDER_WORKING_HOURS`` working hours, default 8:
  ``documents.services.reminders.reminder_horizon``);
* **assignments and tasks overdue** (quá hạn): ``documents.services.assignment.
  overdue_assignments`` and ``documents.services.followup.overdue_tasks``.

:func:`agency_alerts` computes them (the page ``insights:alerts`` shows them);
:func:`send_daily_digest` e-mails each agency leader, once per leader, agency and day, a
bilingual summary through the notifications outbox (``notifications.Delivery`` with the unique
idempotency key ``insights.digest:<day>:<agency>:<user>:email``: a second run on the same day adds
nothing). Run it from cron with ``chinhquyen insights_digest`` or as the task
:data:`send_daily_digest_task`.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from chinhquyen.audit.context import audited_task
from chinhquyen.audit.services import audited_atomic, log_action
from chinhquyen.directory.models import Organisation

logger = logging.getLogger("chinhquyen.insights")

CHUNK = 500  # open dossiers checked for risk per batch (three queries per batch)
DIGEST_ITEMS = 10  # items listed per section in the e-mail (the page lists them all)
DIGEST_SUBJECT = _("Daily alerts %(day)s — %(agency)s: %(total)s item(s) at risk or overdue")


@dataclass
class WorkItem:
    """One alert line, whatever its source: what, where, due when, and where to open it."""

    kind: str  # "dossier", "assignment", "task"
    reference: str
    title: str
    unit: str
    due_at: datetime.datetime | None
    url: str
    person: str = ""


@dataclass
class AgencyAlerts:
    agency: Organisation
    at: datetime.datetime
    dossiers_at_risk: list[WorkItem] = field(default_factory=list)
    dossiers_overdue: list[WorkItem] = field(default_factory=list)
    assignments_due_soon: list[WorkItem] = field(default_factory=list)
    assignments_overdue: list[WorkItem] = field(default_factory=list)
    tasks_due_soon: list[WorkItem] = field(default_factory=list)
    tasks_overdue: list[WorkItem] = field(default_factory=list)

    SECTIONS = (
        ("dossiers_at_risk", _("Dossiers at risk of being late")),
        ("dossiers_overdue", _("Dossiers past their appointment")),
        ("assignments_due_soon", _("Document assignments due soon")),
        ("assignments_overdue", _("Document assignments overdue")),
        ("tasks_due_soon", _("Follow-up tasks due soon")),
        ("tasks_overdue", _("Follow-up tasks overdue")),
    )

    @property
    def total(self) -> int:
        return sum(len(getattr(self, name)) for name, _label in self.SECTIONS)

    def sections(self) -> list[tuple[str, str, list[WorkItem]]]:
        return [(name, str(label), getattr(self, name)) for name, label in self.SECTIONS]

    def counts(self) -> dict[str, int]:
        return {name: len(getattr(self, name)) for name, _label in self.SECTIONS}


def _open_dossiers(agency: Organisation) -> QuerySet:
    from chinhquyen.dossiers.models import Dossier
    from chinhquyen.dossiers.services.queries import IN_HAND

    return (
        Dossier.objects.filter(status__in=IN_HAND, current_agency__path__startswith=agency.path)
        .select_related("current_agency", "current_step", "assignee", "procedure_version")
        .order_by("due_at", "pk")
    )


def _dossier_item(dossier) -> WorkItem:
    step = dossier.current_step
    return WorkItem(
        kind="dossier",
        reference=dossier.code,
        title=dossier.procedure_version.name,
        unit=dossier.current_agency.name,
        due_at=dossier.due_at,
        url=dossier.get_absolute_url(),
        person=" — ".join(
            part
            for part in (
                dossier.assignee.full_name if dossier.assignee_id else "",
                step.name if step is not None else "",
            )
            if part
        ),
    )


def _assignment_item(assignment) -> WorkItem:
    document = assignment.document
    return WorkItem(
        kind="assignment",
        reference=str(document.arrival_number or document.code or document.pk),
        title=document.subject[:200],
        unit=assignment.unit.name,
        due_at=assignment.due_at,
        url=document.get_absolute_url(),
        person=assignment.assignee.full_name if assignment.assignee_id else "",
    )


def _task_item(item) -> WorkItem:
    return WorkItem(
        kind="task",
        reference=f"#{item.pk}",
        title=item.title[:200],
        unit=item.unit.name,
        due_at=item.due_at,
        url=reverse("documents:task", args=[item.pk]),
        person=item.assignee.full_name if item.assignee_id else "",
    )


def _dossier_alerts(alerts: AgencyAlerts) -> None:
    from chinhquyen.dossiers.services.queries import annotate_risk

    now = alerts.at
    base = _open_dossiers(alerts.agency)
    alerts.dossiers_overdue = [_dossier_item(d) for d in base.filter(due_at__lt=now)]
    # The risk rule needs each open step's median; annotate_risk reads it for a batch in three
    # queries, so even a busy agency costs a few queries per CHUNK dossiers.
    pending = base.filter(due_at__gte=now)
    last_pk = 0
    while True:
        batch = list(pending.filter(pk__gt=last_pk).order_by("pk")[:CHUNK])
        if not batch:
            break
        last_pk = batch[-1].pk
        for dossier in annotate_risk(batch, now=now):
            if dossier.at_risk:
                alerts.dossiers_at_risk.append(_dossier_item(dossier))
    alerts.dossiers_at_risk.sort(key=lambda item: (item.due_at, item.reference))


def _document_alerts(alerts: AgencyAlerts) -> None:
    from chinhquyen.documents.models import Assignment, FollowUpTask
    from chinhquyen.documents.services.assignment import open_work, overdue_assignments
    from chinhquyen.documents.services.followup import OPEN as OPEN_TASK
    from chinhquyen.documents.services.followup import overdue_tasks
    from chinhquyen.documents.services.reminders import reminder_horizon

    now, agency = alerts.at, alerts.agency
    horizon = reminder_horizon(now)
    alerts.assignments_overdue = [
        _assignment_item(a) for a in overdue_assignments(agency, at=now).select_related("assignee")
    ]
    alerts.assignments_due_soon = [
        _assignment_item(a)
        for a in Assignment.objects.filter(
            open_work(), due_at__gte=now, due_at__lte=horizon, unit__path__startswith=agency.path
        )
        .select_related("unit", "assignee", "document")
        .order_by("due_at", "pk")
    ]
    alerts.tasks_overdue = [_task_item(t) for t in overdue_tasks(agency, at=now)]
    alerts.tasks_due_soon = [
        _task_item(t)
        for t in FollowUpTask.objects.filter(
            status__in=OPEN_TASK,
            due_at__gte=now,
            due_at__lte=horizon,
            unit__path__startswith=agency.path,
        )
        .select_related("unit", "assignee")
        .order_by("due_at", "pk")
    ]


def agency_alerts(agency: Organisation, *, now: datetime.datetime | None = None) -> AgencyAlerts:
    """Everything at risk or overdue in ``agency`` and the units below it, at ``now``."""
    alerts = AgencyAlerts(agency=agency, at=now or timezone.now())
    _dossier_alerts(alerts)
    _document_alerts(alerts)
    return alerts


# --- The daily digest --------------------------------------------------------------------


@dataclass
class DigestRun:
    day: datetime.date
    leaders: int = 0
    queued: int = 0
    already: int = 0
    nothing_to_report: int = 0
    without_address: int = 0

    def as_dict(self) -> dict:
        return {
            "day": self.day.isoformat(),
            "leaders": self.leaders,
            "queued": self.queued,
            "already": self.already,
            "nothing_to_report": self.nothing_to_report,
            "without_address": self.without_address,
        }


def digest_key(day: datetime.date, agency_id: int, user_id: int) -> str:
    return f"insights.digest:{day.isoformat()}:{agency_id}:{user_id}:email"


def _agency_leaders(day: datetime.date) -> list[tuple[Organisation, object]]:
    """(agency, user) for every agency leader role held today (delegations included)."""
    from chinhquyen.accounts.choices import Role
    from chinhquyen.accounts.models import Delegation, RoleAssignment
    from chinhquyen.directory.choices import OfficialStatus

    pairs: dict[tuple[int, int], tuple[Organisation, object]] = {}
    rows = [
        *RoleAssignment.objects.active_on(day)
        .filter(role=Role.AGENCY_LEADER, organisation__valid_until__isnull=True)
        .exclude(official__status=OfficialStatus.LEFT)
        .select_related("organisation", "official__user"),
    ]
    for row in rows:
        pairs[(row.organisation_id, row.official.user_id)] = (row.organisation, row.official.user)
    for row in (
        Delegation.objects.active_on(day)
        .filter(role=Role.AGENCY_LEADER, organisation__valid_until__isnull=True)
        .exclude(delegate__status=OfficialStatus.LEFT)
        .select_related("organisation", "delegate__user")
    ):
        pairs[(row.organisation_id, row.delegate.user_id)] = (row.organisation, row.delegate.user)
    return [
        pair
        for _key, pair in sorted(pairs.items(), key=lambda kv: (kv[1][0].path, kv[0][1]))
        if pair[1].is_active
    ]


def _email_of(user) -> str:
    official = getattr(user, "official", None)
    return user.email or (official.email if official is not None else "")


def _site_link(path: str) -> str:
    return getattr(settings, "SITE_URL", "").rstrip("/") + path


def compose_digest(alerts: AgencyAlerts, user) -> tuple[str, str]:
    """(subject, text): Vietnamese then English ("vi / en" subject, as the documents reminders),
    the counts and the first items of each section."""
    day = timezone.localtime(alerts.at).date()
    link = _site_link(reverse("insights:alerts") + f"?agency={alerts.agency.pk}")
    parts, subjects = [], []
    for language in ("vi", "en"):
        with translation.override(language):
            subjects.append(
                str(DIGEST_SUBJECT)
                % {
                    "day": f"{day:%d/%m/%Y}",
                    "agency": alerts.agency.name,
                    "total": alerts.total,
                }
            )
            parts.append(
                render_to_string(
                    "insights/email/digest.txt",
                    {
                        "alerts": alerts,
                        "sections": [
                            (
                                label,
                                items[:DIGEST_ITEMS],
                                len(items),
                                max(len(items) - DIGEST_ITEMS, 0),
                            )
                            for _name, label, items in alerts.sections()
                            if items
                        ],
                        "user": user,
                        "link": link,
                        "day": day,
                    },
                ).strip()
            )
    subject = subjects[0] if subjects[0] == subjects[1] else " / ".join(subjects)
    return subject[:255], "\n\n———\n\n".join(parts) + "\n"


def send_daily_digest(now: datetime.datetime | None = None) -> DigestRun:
    """Queue today's digest for every agency leader, once per leader, agency and day.

    Agencies with nothing at risk or overdue get no e-mail (counted in ``nothing_to_report``).
    """
    from chinhquyen.notifications.choices import Channel
    from chinhquyen.notifications.models import Delivery
    from chinhquyen.notifications.services import enqueue_deliveries

    now = now or timezone.now()
    day = timezone.localtime(now).date()
    run = DigestRun(day=day)
    computed: dict[int, AgencyAlerts] = {}
    for agency, user in _agency_leaders(day):
        run.leaders += 1
        address = _email_of(user)
        if not address:
            run.without_address += 1
            continue
        key = digest_key(day, agency.pk, user.pk)
        if Delivery.objects.filter(key=key).exists():
            run.already += 1
            continue
        if agency.pk not in computed:
            computed[agency.pk] = agency_alerts(agency, now=now)
        alerts = computed[agency.pk]
        if not alerts.total:
            run.nothing_to_report += 1
            continue
        with translation.override("vi"):
            subject, body = compose_digest(alerts, user)
        with audited_atomic():
            Delivery.objects.bulk_create(
                [
                    Delivery(
                        key=key,
                        channel=Channel.EMAIL,
                        recipient=address,
                        subject=subject,
                        body=body,
                        organisation=agency,
                        created_at=now,
                        next_attempt_at=now,
                    )
                ],
                ignore_conflicts=True,
            )
            ids = list(
                Delivery.objects.filter(key=key, created_at=now).values_list("pk", flat=True)
            )
            if not ids:
                # A concurrent run queued it between the check and the insert (the unique
                # key kept one row: theirs).
                run.already += 1
                continue
            log_action(
                "insights.queue_digest",
                target=agency,
                details={"day": day.isoformat(), "user": user.username, **alerts.counts()},
            )
            transaction.on_commit(lambda ids=ids: enqueue_deliveries(ids=ids))
        run.queued += 1
    log_action("insights.send_daily_digest", details=run.as_dict())
    return run


@task()
@audited_task
def send_daily_digest_task() -> dict:
    """The daily digest of alerts to agency leaders (run it once a day, e.g. at 07:00)."""
    return send_daily_digest().as_dict()
