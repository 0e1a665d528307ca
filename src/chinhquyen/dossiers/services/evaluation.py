"""The applicant's rating (Decree 61/2018 Art. 31) and the Circular 01/2018 Art. 13 indicators.

Indicators computed here, 2 / 1 / 0 points:

====  ======================================  ============================================
1     total time vs legal time                dossier timeliness (legal deadline)
2     time of each participating unit         each step run's timeliness; the dossier gets
                                              the rounded mean of its runs
3     contacts needed to complete             the applicant's answer, at least the number of
                                              supplement requests: 0 → 2, 1 → 1, more → 0
4     agencies contacted                      the applicant's answer: 0 → 2, 1 → 1, more → 0
6     publication of the procedure            the applicant's "accuracy of the published
                                              procedure" rating (2 / 1 / 0)
7     officer attitude                        early and no complaint → 2, on time and no
                                              complaint → 1, otherwise 0
====  ======================================  ============================================

Not computed (they need data the platform does not hold yet, documented in docs/dossiers.md):
5 (share decided in-house), 8 (feedback handled on time), 9 (online-service shares).
Unit / officer / agency scores (Arts. 14–15) are the mean of the dossier scores per indicator,
rounded to one decimal, summed: see :func:`score_period`.
"""

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chinhquyen.audit.services import log_action
from chinhquyen.dossiers.choices import DossierStatus, EventType, Indicator, Outcome, ScoreSubject
from chinhquyen.dossiers.exceptions import DossierError, InvalidTransition, PermissionDenied
from chinhquyen.dossiers.models import Dossier, Evaluation, IndicatorScore
from chinhquyen.dossiers.services.access import bilingual, holds_permission, is_citizen
from chinhquyen.dossiers.services.common import add_event

RATING_FIELDS = (
    "time_rating",
    "procedure_accuracy",
    "attitude",
    "lawfulness",
    "complaint_handling",
    "online_quality",
)
COUNT_FIELDS = ("agencies_contacted", "contacts_needed")
OUTCOME_POINTS = {Outcome.EARLY: 2, Outcome.ON_TIME: 1, Outcome.LATE: 0}
PER_DOSSIER = (1, 2, 3, 4, 6, 7)


def _count_points(count: int) -> int:
    return 2 if count == 0 else 1 if count == 1 else 0


def _round(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def officer_grade(points: Decimal) -> str:
    """Circular 01/2018 Art. 14: ≥ 5 → 100 %; 3.5 to < 5 → 70–100 %; < 3.5 → < 70 %."""
    if points >= 5:
        return "100%"
    if points >= Decimal("3.5"):
        return "70-100%"
    return "<70%"


def agency_grade(points: Decimal) -> str:
    """Circular 01/2018 Art. 15: ≥ 15 excellent; 12–15 good; 9–12 fair; 6–9 average; weak."""
    for threshold, grade in ((15, "excellent"), (12, "good"), (9, "fair"), (6, "average")):
        if points >= threshold:
            return grade
    return "weak"


def score_dossier(dossier: Dossier, evaluation: Evaluation | None = None) -> list[IndicatorScore]:
    """(Re)compute the per-dossier and per-step indicator rows of a finished dossier."""
    now = timezone.now()
    IndicatorScore.objects.filter(dossier=dossier).delete()
    rows: list[IndicatorScore] = []

    def add(indicator: int, points, **extra) -> None:
        rows.append(
            IndicatorScore(
                subject=extra.pop("subject", ScoreSubject.DOSSIER),
                indicator=indicator,
                points=Decimal(points),
                dossier=dossier,
                agency=extra.pop("agency", dossier.lead_agency),
                computed_at=now,
                **extra,
            )
        )

    if dossier.outcome:
        add(Indicator.TOTAL_TIME, OUTCOME_POINTS[dossier.outcome])
    runs = [r for r in dossier.step_runs.all() if r.outcome]
    for run in runs:
        add(
            Indicator.UNIT_TIME,
            OUTCOME_POINTS[run.outcome],
            subject=ScoreSubject.STEP,
            step_run=run,
            agency=run.agency,
            official=run.finished_by,
        )
    if runs:
        mean = Decimal(sum(OUTCOME_POINTS[r.outcome] for r in runs)) / len(runs)
        add(Indicator.UNIT_TIME, _round(mean))
    contacts = dossier.supplement_count
    if evaluation is not None:
        contacts = max(contacts, evaluation.contacts_needed)
        add(Indicator.AGENCIES_CONTACTED, _count_points(evaluation.agencies_contacted))
        add(Indicator.PUBLICATION, min(evaluation.procedure_accuracy, 2))
    add(Indicator.CONTACTS, _count_points(contacts))
    complaint = evaluation is not None and evaluation.has_complaint
    attitude = 0 if complaint else {Outcome.EARLY: 2, Outcome.ON_TIME: 1}.get(dossier.outcome, 0)
    add(Indicator.ATTITUDE, attitude)
    IndicatorScore.objects.bulk_create(rows)
    return rows


def record_evaluation(
    dossier: Dossier, *, ratings: dict, acting_user, at: datetime | None = None
) -> Evaluation:
    """The applicant rates a returned dossier (once). ``ratings``: 0–2 for each of
    ``RATING_FIELDS`` (the last two optional), counts for ``COUNT_FIELDS``, ``has_complaint``,
    ``comment``. Entered by the applicant (citizen account) or by the one-stop officer from
    the paper form."""
    at = at or timezone.now()
    values: dict = {}
    errors: list[str] = []
    for name in RATING_FIELDS:
        value = ratings.get(name)
        if value in (None, "") and name in ("complaint_handling", "online_quality"):
            values[name] = None
            continue
        try:
            value = int(value)
        except (TypeError, ValueError):
            value = -1
        if not 0 <= value <= 2:
            errors.append(name)
        values[name] = value
    for name in COUNT_FIELDS:
        try:
            value = int(ratings.get(name))
        except (TypeError, ValueError):
            value = -1
        if not 0 <= value <= 50:
            errors.append(name)
        values[name] = value
    if errors:
        raise DossierError(
            bilingual(
                _("These ratings are missing or out of range: %(fields)s."),
                fields=", ".join(errors),
            ),
            code="rating_invalid",
            details={"fields": errors},
        )
    with transaction.atomic():
        locked = Dossier.objects.select_for_update().get(pk=dossier.pk)
        if is_citizen(acting_user):
            if locked.applicant_user_id != acting_user.pk:
                raise PermissionDenied
            channel = "online"
        else:
            if acting_user is not None and not holds_permission(
                acting_user, "dossiers.return_dossier", locked.receiving_agency
            ):
                raise PermissionDenied
            channel = "counter"
        if locked.status != DossierStatus.RETURNED:
            raise InvalidTransition(
                bilingual(_("A dossier can be rated only after its result is returned.")),
                code="not_returned",
            )
        if Evaluation.objects.filter(dossier=locked).exists():
            raise InvalidTransition(
                bilingual(_("This dossier has already been rated.")), code="already_rated"
            )
        evaluation = Evaluation.objects.create(
            dossier=locked,
            at=at,
            has_complaint=bool(ratings.get("has_complaint")),
            comment=str(ratings.get("comment") or "")[:5000],
            channel=channel,
            **values,
        )
        scores = score_dossier(locked, evaluation)
        add_event(locked, EventType.EVALUATED, at=at, acting_user=acting_user, data=values)
        log_action(
            "dossiers.record_evaluation",
            target=locked,
            actor=acting_user,
            details={"scores": len(scores)},
        )
    return evaluation


def score_period(*, agency, start: date, end: date) -> dict:
    """Mean indicator scores of ``agency``'s dossiers finished in [start, end] (Arts. 14–15).

    Stores one ``IndicatorScore`` per indicator for the agency and for each officer who
    finished a step, and returns ``{"agency": {indicator: points, "total", "grade"},
    "officials": {user_id: {…}}}``.
    """
    from django.db.models import Avg

    now = timezone.now()
    base = IndicatorScore.objects.filter(
        subject=ScoreSubject.DOSSIER,
        dossier__lead_agency=agency,
        dossier__finished_at__date__gte=start,
        dossier__finished_at__date__lte=end,
    )
    agency_points = {
        row["indicator"]: _round(row["mean"])
        for row in base.values("indicator").annotate(mean=Avg("points")).order_by()
    }
    officials: dict[int, dict] = {}
    for row in (
        IndicatorScore.objects.filter(
            subject=ScoreSubject.STEP,
            step_run__agency__path__startswith=agency.path,
            step_run__finished_at__date__gte=start,
            step_run__finished_at__date__lte=end,
            official__isnull=False,
        )
        .values("official")
        .annotate(mean=Avg("points"))
        .order_by()
    ):
        officials[row["official"]] = {Indicator.UNIT_TIME: _round(row["mean"])}
    with transaction.atomic():
        IndicatorScore.objects.filter(
            subject__in=[ScoreSubject.AGENCY, ScoreSubject.OFFICIAL],
            agency=agency,
            period_start=start,
            period_end=end,
        ).delete()
        rows = [
            IndicatorScore(
                subject=ScoreSubject.AGENCY,
                indicator=indicator,
                points=points,
                agency=agency,
                period_start=start,
                period_end=end,
                computed_at=now,
            )
            for indicator, points in agency_points.items()
        ]
        rows += [
            IndicatorScore(
                subject=ScoreSubject.OFFICIAL,
                indicator=indicator,
                points=points,
                official_id=user_id,
                agency=agency,
                period_start=start,
                period_end=end,
                computed_at=now,
            )
            for user_id, points_by in officials.items()
            for indicator, points in points_by.items()
        ]
        IndicatorScore.objects.bulk_create(rows)
        log_action(
            "dossiers.score_period",
            target=agency,
            details={"start": start.isoformat(), "end": end.isoformat(), "rows": len(rows)},
        )
    total = sum(agency_points.values(), Decimal(0))
    return {
        "agency": {**agency_points, "total": total, "grade": agency_grade(total)},
        "officials": officials,
    }
