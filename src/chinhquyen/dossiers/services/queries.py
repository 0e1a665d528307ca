"""Read-side helpers: work queues, the timeline, the public status."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from chinhquyen.dossiers import clock
from chinhquyen.dossiers.choices import DossierStatus, EventType
from chinhquyen.dossiers.models import Dossier, DossierEvent, DossierStepRun

QUEUES = ("to_process", "due_soon", "overdue", "awaiting_supplement", "transferred", "ready", "all")
IN_HAND = (DossierStatus.RECEIVED, DossierStatus.IN_PROCESSING, DossierStatus.TRANSFERRED)


def queue(user, name: str, *, now: datetime | None = None) -> QuerySet:
    """The dossiers of one work queue that ``user`` may see (bounded columns, joined once)."""
    now = now or timezone.now()
    visible = Dossier.objects.restrict(user, "view").select_related(
        "current_step", "current_agency", "assignee", "procedure_version"
    )
    if name == "to_process":
        from chinhquyen.accounts.scopes import is_system_admin, roles_of

        qs = visible.filter(status__in=IN_HAND)
        if not is_system_admin(user):
            qs = qs.filter(current_step__performer_role__in=sorted(roles_of(user)))
        return qs.order_by("due_at")
    if name == "due_soon":
        return visible.filter(
            status__in=IN_HAND, due_at__gte=now, due_at__lte=clock.add_days(now, 1)
        ).order_by("due_at")
    if name == "overdue":
        return visible.filter(status__in=IN_HAND, due_at__lt=now).order_by("due_at")
    if name == "awaiting_supplement":
        return visible.filter(status=DossierStatus.AWAITING_SUPPLEMENT).order_by("-paused_at")
    if name == "transferred":
        return visible.filter(status=DossierStatus.TRANSFERRED).order_by("due_at")
    if name == "ready":
        return visible.filter(
            status__in=(DossierStatus.RESULT_READY, DossierStatus.REJECTED)
        ).order_by("result_ready_at")
    return visible.order_by("-received_at")


@dataclass
class TimelineEntry:
    event: DossierEvent
    step_time: timedelta | None
    paused: timedelta | None


def timeline(dossier: Dossier) -> list[TimelineEntry]:
    """Every event, oldest first, with the working time the step took and paused periods."""
    entries = []
    events = dossier.events.select_related("actor", "step", "from_agency", "to_agency").order_by(
        "at", "id"
    )
    for event in events:
        data = event.data or {}
        step_seconds = data.get("step_working_seconds")
        paused = data.get("paused_working_seconds")
        entries.append(
            TimelineEntry(
                event=event,
                step_time=timedelta(seconds=step_seconds) if step_seconds is not None else None,
                paused=timedelta(seconds=paused) if paused is not None else None,
            )
        )
    return entries


def step_runs(dossier: Dossier) -> list[DossierStepRun]:
    return list(dossier.step_runs.select_related("step", "agency").order_by("started_at", "id"))


def paused_periods(dossier: Dossier) -> list[tuple[datetime, datetime | None]]:
    """(requested, received) pairs of the supplement waits; an open wait ends with None."""
    periods: list[tuple[datetime, datetime | None]] = []
    for event in dossier.events.filter(
        type__in=(EventType.SUPPLEMENT_REQUESTED, EventType.SUPPLEMENT_RECEIVED)
    ).order_by("at", "id"):
        if event.type == EventType.SUPPLEMENT_REQUESTED:
            periods.append((event.at, None))
        elif periods and periods[-1][1] is None:
            periods[-1] = (periods[-1][0], event.at)
    return periods


def public_status(dossier: Dossier) -> dict:
    """The public status contract (no personal data)."""
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
