"""Lateness: early / on time / late per dossier and step, "at risk", overdue flags.

* A dossier's timeliness is measured against its **legal deadline** (``legal_due_at``: from
  receipt, recomputed only when a supplement restarts or resumes the clock), never against an
  apology's new appointment: the apology does not erase the lateness (Decree 61/2018 Art.
  19(9)). Each step run is measured against its own sub-deadline.
* "At risk": an open step whose remaining working time is below the median working time the
  same step took in its last ``RECENT_RUNS`` finished runs.
* ``flag_overdue``: dossiers still open after their appointment without an apology are flagged
  once to the leaders of the agency holding them (a ``Notification`` and an event).
"""

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chinhquyen.accounts.choices import Role
from chinhquyen.audit.services import log_action
from chinhquyen.dossiers import clock
from chinhquyen.dossiers.choices import DossierStatus, EventType, NotificationKind, Outcome
from chinhquyen.dossiers.models import Dossier, DossierStepRun, Notification
from chinhquyen.dossiers.services.access import bilingual
from chinhquyen.dossiers.services.common import add_event, outcome_for
from chinhquyen.dossiers.services.queries import recent_medians

RECENT_RUNS = 50


def dossier_outcome(dossier: Dossier, now: datetime | None = None) -> str:
    """Early / on time / late: final when the result is ready, else as of ``now``."""
    if dossier.outcome:
        return dossier.outcome
    if dossier.status in DossierStatus.closed() and dossier.result_ready_at is None:
        return ""
    now = now or timezone.now()
    if dossier.status == DossierStatus.AWAITING_SUPPLEMENT:
        return ""
    return Outcome.LATE if now > dossier.legal_due_at else ""


def step_outcome(run: DossierStepRun, now: datetime | None = None) -> str:
    if run.outcome:
        return run.outcome
    now = now or timezone.now()
    return Outcome.LATE if now > run.due_at else ""


def median_step_seconds(step_id: int, *, recent: int = RECENT_RUNS) -> float | None:
    return recent_medians([step_id], recent=recent).get(step_id)


def is_at_risk(
    run: DossierStepRun, now: datetime | None = None, *, median: float | None = None
) -> bool:
    """An open run whose remaining working time is below the step's recent median time."""
    if run.finished_at is not None:
        return False
    now = now or timezone.now()
    if median is None:
        median = median_step_seconds(run.step_id)
    if median is None:
        return False
    remaining = clock.between(now, run.due_at)
    return remaining < timedelta(seconds=median)


def flag_overdue(*, now: datetime | None = None, acting_user=None) -> int:
    """Flag open dossiers past their appointment without an apology; returns how many."""
    from chinhquyen.accounts.models import RoleAssignment

    now = now or timezone.now()
    candidates = list(
        Dossier.objects.filter(
            status__in=[
                DossierStatus.RECEIVED,
                DossierStatus.IN_PROCESSING,
                DossierStatus.TRANSFERRED,
            ],
            due_at__lt=now,
            appointment_moves=0,
            overdue_flagged_at__isnull=True,
        ).select_related("current_agency")
    )
    if not candidates:
        return 0
    today = timezone.localdate()  # who leads the agency today
    leaders: dict[int, list] = {}
    for agency_id, user in (
        RoleAssignment.objects.active_on(today)
        .filter(
            role=Role.AGENCY_LEADER, organisation_id__in={d.current_agency_id for d in candidates}
        )
        .values_list("organisation_id", "official__user")
    ):
        leaders.setdefault(agency_id, []).append(user)
    flagged = 0
    for dossier in candidates:
        with transaction.atomic():
            updated = Dossier.objects.filter(
                pk=dossier.pk, overdue_flagged_at__isnull=True, version=dossier.version
            ).update(overdue_flagged_at=now, version=dossier.version + 1)
            if not updated:
                continue
            message = bilingual(
                _("Dossier %(code)s passed its deadline %(due)s without an apology."),
                code=dossier.code,
                due=timezone.localtime(dossier.due_at).strftime("%H:%M %d/%m/%Y"),
            )
            Notification.objects.bulk_create(
                [
                    Notification(
                        dossier=dossier,
                        kind=NotificationKind.OVERDUE,
                        recipient_id=user_id,
                        message=message,
                        created_at=now,
                    )
                    for user_id in leaders.get(dossier.current_agency_id, [None])
                ]
            )
            add_event(
                dossier,
                EventType.FLAGGED_OVERDUE,
                at=now,
                acting_user=acting_user,
                step=dossier.current_step,
                to_agency=dossier.current_agency,
                data={
                    "due_at": dossier.due_at.isoformat(),
                    "leaders": leaders.get(dossier.current_agency_id, []),
                },
            )
            log_action(
                "dossiers.flag_overdue",
                target=dossier,
                actor=acting_user,
                details={"due_at": dossier.due_at.isoformat()},
            )
            flagged += 1
    return flagged


__all__ = [
    "dossier_outcome",
    "flag_overdue",
    "is_at_risk",
    "median_step_seconds",
    "outcome_for",
    "step_outcome",
]
