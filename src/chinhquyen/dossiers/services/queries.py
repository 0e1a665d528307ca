"""Read-side helpers: work queues, the timeline (the public status: ``lookup``)."""

import statistics
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import F, Q, QuerySet, Window
from django.db.models.functions import RowNumber
from django.utils import timezone
from django.utils.translation import gettext

from chinhquyen.accounts.scopes import grants_of
from chinhquyen.dossiers import clock
from chinhquyen.dossiers.choices import DossierStatus, EventType
from chinhquyen.dossiers.models import Dossier, DossierEvent, DossierStepRun
from chinhquyen.worktime.calendar import WorkCalendar

QUEUES = (
    "to_process",
    "due_soon",
    "overdue",
    "flagged",
    "awaiting_supplement",
    "transferred",
    "ready",
    "all",
)
IN_HAND = (DossierStatus.RECEIVED, DossierStatus.IN_PROCESSING, DossierStatus.TRANSFERRED)


def _to_process_condition(user) -> Q:
    """Dossiers waiting for ``user``: assigned to them by name, or unassigned at a step whose
    performer role they hold at the agency holding the dossier (a grant at a division also
    covers the agency the division belongs to, as in ``Dossier.objects.restrict``)."""
    from chinhquyen.directory.choices import OrganisationKind
    from chinhquyen.directory.models import Organisation

    pairs = grants_of(user).pairs
    divisions = set(
        Organisation.objects.filter(
            path__in={path for _role, path in pairs}, kind=OrganisationKind.DIVISION
        ).values_list("path", flat=True)
    )
    condition = Q(assignee__user=user)
    for role, path in pairs:
        at_agency = Q(current_agency__path__startswith=path)
        if path in divisions and len(path) > Organisation.steplen:
            at_agency |= Q(current_agency__path=path[: -Organisation.steplen])
        condition |= Q(assignee__isnull=True, current_step__performer_role=role) & at_agency
    return condition


def queue(user, name: str, *, now: datetime | None = None) -> QuerySet:
    """The dossiers of one work queue that ``user`` may see (bounded columns, joined once).

    * ``to_process``: open dossiers assigned to the user, or unassigned at a step the user
      performs (the step's role, held at the agency holding the dossier);
    * ``due_soon``: open, appointment within one working day; ``overdue``: past it;
    * ``flagged``: open, past the appointment without an apology, flagged to the leader;
    * ``awaiting_supplement``, ``transferred`` (at another agency for liên thông),
      ``ready`` (result ready or refused, to return), ``all``.
    """
    from chinhquyen.accounts.scopes import is_system_admin

    now = now or timezone.now()
    visible = Dossier.objects.restrict(user, "view").select_related(
        "current_step", "current_agency", "assignee", "procedure_version"
    )
    if name == "to_process":
        qs = visible.filter(status__in=IN_HAND)
        if not is_system_admin(user):
            qs = qs.filter(_to_process_condition(user))
        return qs.order_by("due_at", "id")
    if name == "due_soon":
        return visible.filter(
            status__in=IN_HAND, due_at__gte=now, due_at__lte=clock.add_days(now, 1)
        ).order_by("due_at", "id")
    if name == "overdue":
        return visible.filter(status__in=IN_HAND, due_at__lt=now).order_by("due_at", "id")
    if name == "flagged":
        return visible.filter(status__in=IN_HAND, overdue_flagged_at__isnull=False).order_by(
            "due_at", "id"
        )
    if name == "awaiting_supplement":
        return visible.filter(status=DossierStatus.AWAITING_SUPPLEMENT).order_by("-paused_at", "id")
    if name == "transferred":
        return visible.filter(status=DossierStatus.TRANSFERRED).order_by("due_at", "id")
    if name == "ready":
        return visible.filter(
            status__in=(DossierStatus.RESULT_READY, DossierStatus.REJECTED)
        ).order_by("result_ready_at", "id")
    return visible.order_by("-received_at", "-id")


def annotate_risk(dossiers: list[Dossier], *, now: datetime | None = None) -> list[Dossier]:
    """Set ``at_risk`` and ``open_run`` on each dossier of a page, in three queries.

    At risk: the open step's remaining working time is below the median working time the same
    step took in its last ``RECENT_RUNS`` finished runs (Issue 3 item 6).
    """
    from chinhquyen.dossiers.services.lateness import RECENT_RUNS

    now = now or timezone.now()
    for dossier in dossiers:
        dossier.open_run = None
        dossier.at_risk = False
    if not dossiers:
        return dossiers
    by_pk = {d.pk: d for d in dossiers}
    for run in DossierStepRun.objects.filter(
        dossier_id__in=by_pk, finished_at__isnull=True
    ).order_by("started_at", "id"):
        by_pk[run.dossier_id].open_run = run
    step_ids = sorted({d.open_run.step_id for d in dossiers if d.open_run is not None})
    medians = recent_medians(step_ids, recent=RECENT_RUNS)
    work_calendar = WorkCalendar.current()
    for dossier in dossiers:
        run = dossier.open_run
        if run is None or dossier.status not in IN_HAND or medians.get(run.step_id) is None:
            continue
        remaining = clock.between(now, run.due_at, work_calendar=work_calendar)
        dossier.at_risk = remaining < timedelta(seconds=medians[run.step_id])
    return dossiers


def recent_medians(step_ids: list[int], *, recent: int) -> dict[int, float]:
    """Median working seconds of the last ``recent`` finished runs of each step (one query)."""
    if not step_ids:
        return {}
    rank = Window(
        RowNumber(), partition_by=[F("step_id")], order_by=[F("finished_at").desc(), F("id").desc()]
    )
    rows = (
        DossierStepRun.objects.filter(
            step_id__in=step_ids, finished_at__isnull=False, working_seconds__isnull=False
        )
        .annotate(rank=rank)
        .filter(rank__lte=recent)
        .values_list("step_id", "working_seconds")
    )
    values: dict[int, list[int]] = {}
    for step_id, seconds in rows:
        values.setdefault(step_id, []).append(seconds)
    return {step_id: statistics.median(found) for step_id, found in values.items()}


def hours_minutes(duration: timedelta | None) -> str:
    """Working time as "12 h 30 min" (a working day is 7.5 h, so no days)."""
    if duration is None:
        return ""
    minutes = int(duration.total_seconds() // 60)
    sign = "-" if minutes < 0 else ""
    hours, minutes = divmod(abs(minutes), 60)
    return gettext("%(sign)s%(hours)s h %(minutes)02d min") % {
        "sign": sign,
        "hours": hours,
        "minutes": minutes,
    }


@dataclass
class TimelineEntry:
    event: DossierEvent
    step_time: timedelta | None
    paused: timedelta | None
    paused_from: datetime | None = None

    @property
    def step_time_text(self) -> str:
        return hours_minutes(self.step_time)

    @property
    def paused_text(self) -> str:
        return hours_minutes(self.paused)


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
                paused_from=(
                    datetime.fromisoformat(data["paused_from"]) if data.get("paused_from") else None
                ),
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
