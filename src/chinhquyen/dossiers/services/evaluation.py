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

Per unit (the agency, for a period), from data the platform holds, with the thresholds of the
``IndicatorRuleSet`` in force at the end of the period:

====  ======================================  ============================================
5     decided in-house by the one-stop unit   share of the agency's procedures in force
                                              with an ``InHouseAuthorisation`` ≥ the
                                              level's threshold and every dossier received
                                              at the one-stop unit → 2; only the latter → 1
8     feedback handled on time                ``Feedback`` answered by its due time:
                                              ≥ full share → 2, ≥ partial share → 1
9     online services                         procedures offered online, dossiers received
                                              online, no late online dossier
====  ======================================  ============================================

Unit / officer / agency scores (Arts. 14–15) are the mean of the dossier scores per indicator,
rounded to one decimal, plus the unit indicators, summed: see :func:`score_period`.
Shares are compared exactly (``part * 100 >= threshold * whole``), never rounded first.
"""

from collections import defaultdict
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.db.models import Avg, Count, Exists, F, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chinhquyen.audit.services import log_action
from chinhquyen.dossiers.choices import (
    Channel,
    DossierStatus,
    EventType,
    Indicator,
    Outcome,
    ScoreSubject,
)
from chinhquyen.dossiers.exceptions import DossierError, InvalidTransition, PermissionDenied
from chinhquyen.dossiers.models import (
    Dossier,
    DossierStepRun,
    Evaluation,
    Feedback,
    IndicatorRuleSet,
    IndicatorScore,
    InHouseAuthorisation,
)
from chinhquyen.dossiers.services.access import bilingual, holds_permission, is_citizen
from chinhquyen.dossiers.services.common import add_event
from chinhquyen.insights.aggregates import evaluation_recorded as insights_evaluation

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


GRADE_LABELS = {
    "100%": _("100 % of duties done"),
    "70-100%": _("70 % to under 100 % of duties done"),
    "<70%": _("under 70 % of duties done"),
    "excellent": _("excellent"),
    "good": _("good"),
    "fair": _("fair"),
    "average": _("average"),
    "weak": _("weak"),
}


def officer_grade(points: Decimal, rules: IndicatorRuleSet | None = None) -> str:
    """Circular 01/2018 Art. 14: ≥ 5 → 100 %; 3.5 to < 5 → 70–100 %; < 3.5 → < 70 %
    (thresholds from ``rules``; without one, the model defaults, i.e. the circular's)."""
    rules = rules or IndicatorRuleSet()
    if points >= rules.officer_full_points:
        return "100%"
    if points >= rules.officer_partial_points:
        return "70-100%"
    return "<70%"


def agency_grade(points: Decimal, rules: IndicatorRuleSet | None = None) -> str:
    """Circular 01/2018 Art. 15: ≥ 15 excellent; 12–15 good; 9–12 fair; 6–9 average; weak."""
    rules = rules or IndicatorRuleSet()
    for threshold, grade in (
        (rules.agency_excellent_points, "excellent"),
        (rules.agency_good_points, "good"),
        (rules.agency_fair_points, "fair"),
        (rules.agency_average_points, "average"),
    ):
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
        insights_evaluation(evaluation, lead_agency_id=locked.lead_agency_id)  # IOC counters
        scores = score_dossier(locked, evaluation)
        add_event(locked, EventType.EVALUATED, at=at, acting_user=acting_user, data=values)
        log_action(
            "dossiers.record_evaluation",
            target=locked,
            actor=acting_user,
            details={"scores": len(scores)},
        )
    return evaluation


# --- Per-unit indicators 5, 8, 9 (Circular 01/2018 Art. 13) --------------------------------

ONLINE_CHANNELS = frozenset({Channel.ONLINE, Channel.NATIONAL_PORTAL})


def indicator_rules_in_force(at: datetime | None = None) -> IndicatorRuleSet:
    """The ``IndicatorRuleSet`` with the greatest ``effective_from`` not after ``at``."""
    at = at or timezone.now()
    found = IndicatorRuleSet.objects.filter(effective_from__lte=at).order_by("-effective_from")
    rules = found.first()
    if rules is None:
        raise DossierError(
            bilingual(_("No indicator rule set is in force at %(at)s."), at=at.isoformat()),
            code="no_indicator_rules",
        )
    return rules


def share_reaches(part: int, whole: int, threshold_percent: Decimal) -> bool:
    """``part / whole ≥ threshold %``, exactly (no rounding); an empty whole reaches nothing."""
    if whole <= 0:
        return False
    return Decimal(part) * 100 >= Decimal(threshold_percent) * whole


def in_house_threshold(rules: IndicatorRuleSet, agency) -> Decimal:
    """Indicator 5's share for the agency's level: provincial agencies (and agencies without
    an administrative unit) the provincial share, district and commune agencies the local one."""
    from chinhquyen.directory.choices import UnitLevel

    unit = agency.administrative_unit
    if unit is None or unit.level == UnitLevel.PROVINCE:
        return rules.in_house_share_province
    return rules.in_house_share_local


def in_house_points(
    rules: IndicatorRuleSet,
    *,
    threshold: Decimal,
    authorised: int,
    procedures: int,
    all_at_one_stop: bool,
) -> int:
    """Indicator 5: 2 when ``authorised / procedures`` reaches ``threshold`` and every dossier
    was received at the one-stop unit; 1 when only the latter; else 0."""
    if not all_at_one_stop:
        return 0
    return 2 if share_reaches(authorised, procedures, threshold) else 1


def feedback_points(rules: IndicatorRuleSet, *, on_time: int, due: int) -> int:
    """Indicator 8: share of the feedback due that was answered on time."""
    if due == 0:
        return rules.feedback_none_points
    if share_reaches(on_time, due, rules.feedback_full_share):
        return 2
    if share_reaches(on_time, due, rules.feedback_partial_share):
        return 1
    return 0


def online_points(
    rules: IndicatorRuleSet,
    *,
    online_procedures: int,
    procedures: int,
    online_dossiers: int,
    dossiers: int,
    late_online: int,
) -> int:
    """Indicator 9: 2 when the procedures offered online reach their share, the dossiers
    received online reach the full share and no online dossier is late; 1 when the dossiers
    received online reach the partial share; else 0."""
    if (
        share_reaches(online_procedures, procedures, rules.online_procedures_share)
        and share_reaches(online_dossiers, dossiers, rules.online_dossiers_full_share)
        and late_online == 0
    ):
        return 2
    if share_reaches(online_dossiers, dossiers, rules.online_dossiers_partial_share):
        return 1
    return 0


def _period_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """[start 00:00, day after end 00:00) in local time."""
    tz = timezone.get_current_timezone()
    return (
        datetime.combine(start, time.min, tzinfo=tz),
        datetime.combine(end + timedelta(days=1), time.min, tzinfo=tz),
    )


def _versions_at_agency(agency, at: datetime):
    from chinhquyen.procedures.services.catalogue import current_versions

    return current_versions(at).filter(implementing_agencies=agency)


def _unit_indicators(*, agency, rules, start_at, end_at, as_of) -> dict[int, dict]:
    """Indicators 5, 8, 9 with the counts behind them (a bounded number of queries)."""
    from chinhquyen.accounts.choices import Role
    from chinhquyen.accounts.models import RoleAssignment
    from chinhquyen.procedures.choices import OnlineMode

    in_force_at = end_at - timedelta(microseconds=1)
    versions = _versions_at_agency(agency, in_force_at)
    procedure_ids = list(versions.values_list("procedure_id", flat=True))
    online_procedures = versions.filter(
        Q(online_mode__in=[OnlineMode.FULL, OnlineMode.PARTIAL]) | Q(legacy_online_level__gte=3)
    ).count()
    last_day = in_force_at.astimezone(timezone.get_current_timezone()).date()
    authorised = (
        InHouseAuthorisation.objects.filter(
            agency=agency, procedure_id__in=procedure_ids, valid_from__lte=last_day
        )
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gt=last_day))
        .values("procedure_id")
        .distinct()
        .count()
    )
    dossiers = Dossier.objects.filter(
        lead_agency=agency, received_at__gte=start_at, received_at__lt=end_at
    )
    # Intake already requires ``dossiers.add_dossier`` (the one-stop officer's permission); a
    # paper dossier whose receiver never held the one-stop role (an administrator receiving
    # with the ALL scope) was not received at the one-stop unit.
    one_stop_receiver = RoleAssignment.objects.filter(
        official__user=OuterRef("received_by"), role=Role.ONE_STOP_OFFICER
    )
    outside = (
        dossiers.filter(channel__in=Channel.paper(), received_by__isnull=False)
        .exclude(Exists(one_stop_receiver))
        .count()
    )
    cutoff = min(end_at, as_of)
    online = dossiers.filter(channel__in=ONLINE_CHANNELS)
    late_online = online.filter(
        Q(outcome=Outcome.LATE)
        | Q(
            outcome="",
            status__in=DossierStatus.open() - {DossierStatus.AWAITING_SUPPLEMENT},
            legal_due_at__lt=cutoff,
        )
    ).count()
    counts = dossiers.aggregate(
        total=Count("pk"), online=Count("pk", filter=Q(channel__in=ONLINE_CHANNELS))
    )
    feedback = Feedback.objects.filter(
        agency=agency, received_at__gte=start_at, received_at__lt=end_at
    )
    fb = feedback.aggregate(
        on_time=Count("pk", filter=Q(answered_at__isnull=False, answered_at__lte=F("due_at"))),
        answered_late=Count("pk", filter=Q(answered_at__gt=F("due_at"))),
        unanswered_overdue=Count("pk", filter=Q(answered_at__isnull=True, due_at__lt=as_of)),
        pending=Count("pk", filter=Q(answered_at__isnull=True, due_at__gte=as_of)),
    )
    due = fb["on_time"] + fb["answered_late"] + fb["unanswered_overdue"]
    threshold = in_house_threshold(rules, agency)
    return {
        Indicator.IN_HOUSE: {
            "points": in_house_points(
                rules,
                threshold=threshold,
                authorised=authorised,
                procedures=len(procedure_ids),
                all_at_one_stop=outside == 0,
            ),
            "procedures": len(procedure_ids),
            "authorised": authorised,
            "threshold": threshold,
            "dossiers": counts["total"],
            "not_at_one_stop": outside,
        },
        Indicator.FEEDBACK: {
            "points": feedback_points(rules, on_time=fb["on_time"], due=due),
            "due": due,
            **fb,
        },
        Indicator.ONLINE: {
            "points": online_points(
                rules,
                online_procedures=online_procedures,
                procedures=len(procedure_ids),
                online_dossiers=counts["online"],
                dossiers=counts["total"],
                late_online=late_online,
            ),
            "procedures": len(procedure_ids),
            "online_procedures": online_procedures,
            "dossiers": counts["total"],
            "online_dossiers": counts["online"],
            "late_online": late_online,
        },
    }


def _official_indicators(*, agency, start: date, end: date) -> dict[int, dict]:
    """Per officer: indicator 2 from the steps the officer finished in the period, and
    indicators 1, 3, 4, 6, 7 as the mean over the dossiers finished in the period on which
    the officer finished a step (three queries)."""
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
    handled = set(
        DossierStepRun.objects.filter(
            agency__path__startswith=agency.path,
            finished_by__isnull=False,
            dossier__lead_agency=agency,
            dossier__finished_at__date__gte=start,
            dossier__finished_at__date__lte=end,
        )
        .values_list("finished_by", "dossier")
        .distinct()
    )
    dossier_points: dict[int, dict[int, Decimal]] = defaultdict(dict)
    for dossier_id, indicator, points in IndicatorScore.objects.filter(
        subject=ScoreSubject.DOSSIER,
        dossier_id__in={dossier_id for _user, dossier_id in handled},
    ).values_list("dossier_id", "indicator", "points"):
        dossier_points[dossier_id][indicator] = points
    sums: dict[tuple[int, int], list[Decimal]] = defaultdict(list)
    for user_id, dossier_id in handled:
        for indicator, points in dossier_points[dossier_id].items():
            if indicator != Indicator.UNIT_TIME:
                sums[(user_id, indicator)].append(points)
    for (user_id, indicator), values in sums.items():
        mean = sum(values, Decimal(0)) / len(values)
        officials.setdefault(user_id, {})[indicator] = _round(mean)
    return officials


def score_period(*, agency, start: date, end: date, as_of: datetime | None = None) -> dict:
    """Score ``agency`` for the period [start, end] (local dates, inclusive; Arts. 13–15).

    Indicators 1, 2, 3, 4, 6, 7: mean of the dossier scores of the agency's dossiers finished
    in the period. Indicators 5, 8, 9: scored for the unit (see :func:`_unit_indicators` and
    docs/dossiers.md), from dossiers and feedback received in the period, as of ``as_of``
    (default now; a period still running is scored as far as it goes). Stores one
    ``IndicatorScore`` per indicator for the agency and for each officer (replacing an
    earlier scoring of the same period) and returns::

        {"agency": {indicator: points, …, "total": Decimal, "grade": str},
         "officials": {user_id: {indicator: points, …, "total", "grade"}},
         "details": {5: {counts}, 8: {counts}, 9: {counts}}, "rule_set": code}
    """
    now = timezone.now()
    as_of = as_of or now
    start_at, end_at = _period_bounds(start, end)
    rules = indicator_rules_in_force(end_at - timedelta(microseconds=1))
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
    details = _unit_indicators(
        agency=agency, rules=rules, start_at=start_at, end_at=end_at, as_of=as_of
    )
    for indicator, detail in details.items():
        agency_points[indicator] = Decimal(detail["points"])
    agency_points = dict(sorted(agency_points.items()))
    officials = _official_indicators(agency=agency, start=start, end=end)
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
            details={
                "start": start.isoformat(),
                "end": end.isoformat(),
                "rows": len(rows),
                "rule_set": rules.code,
            },
        )
    total = sum(agency_points.values(), Decimal(0))
    for points_by in officials.values():
        officer_total = sum(points_by.values(), Decimal(0))
        points_by["total"] = officer_total
        points_by["grade"] = officer_grade(officer_total, rules)
    return {
        "agency": {**agency_points, "total": total, "grade": agency_grade(total, rules)},
        "officials": dict(sorted(officials.items())),
        "details": details,
        "rule_set": rules.code,
    }


# --- Data behind indicators 5 and 8 ------------------------------------------------------


def _require(user, perm: str, agency) -> None:
    if user is not None and not holds_permission(user, perm, agency):
        raise PermissionDenied


def authorise_in_house_decision(
    *, agency, procedure, valid_from: date, acting_user, basis: str = ""
) -> InHouseAuthorisation:
    """Record that ``agency``'s one-stop unit decides ``procedure`` itself from ``valid_from``
    (indicator 5). Needs ``dossiers.decide_dossier`` for the agency (its leader)."""
    with transaction.atomic():
        _require(acting_user, "dossiers.decide_dossier", agency)
        open_row = (
            InHouseAuthorisation.objects.select_for_update()
            .filter(agency=agency, procedure=procedure)
            .filter(Q(valid_until__isnull=True) | Q(valid_until__gt=valid_from))
            .first()
        )
        if open_row is not None:
            raise DossierError(
                bilingual(
                    _(
                        "Procedure %(code)s is already decided at the one-stop unit of this "
                        "agency from %(day)s."
                    ),
                    code=procedure.national_code,
                    day=open_row.valid_from.isoformat(),
                ),
                code="in_house_exists",
                details={"field": "procedure"},
            )
        row = InHouseAuthorisation.objects.create(
            agency=agency, procedure=procedure, valid_from=valid_from, basis=basis[:500]
        )
        log_action(
            "dossiers.authorise_in_house_decision",
            target=row,
            actor=acting_user,
            details={"procedure": procedure.national_code, "from": valid_from.isoformat()},
        )
    return row


def end_in_house_decision(
    authorisation: InHouseAuthorisation, *, valid_until: date, acting_user
) -> InHouseAuthorisation:
    """End an in-house authorisation: it no longer applies from ``valid_until``."""
    with transaction.atomic():
        row = InHouseAuthorisation.objects.select_for_update().get(pk=authorisation.pk)
        _require(acting_user, "dossiers.decide_dossier", row.agency)
        if valid_until <= row.valid_from or row.valid_until is not None:
            raise DossierError(
                bilingual(
                    _("The end date must be after %(day)s and the authorisation still open."),
                    day=row.valid_from.isoformat(),
                ),
                code="in_house_end_invalid",
                details={"field": "valid_until"},
            )
        before = {"valid_until": None}
        row.valid_until = valid_until
        row.save(update_fields=["valid_until"])
        log_action(
            "dossiers.end_in_house_decision",
            target=row,
            actor=acting_user,
            before=before,
            after={"valid_until": valid_until.isoformat()},
        )
    return row


def record_feedback(
    *,
    content: str,
    acting_user,
    agency=None,
    dossier: Dossier | None = None,
    sender_name: str = "",
    sender_contact: str = "",
    received_at: datetime | None = None,
) -> Feedback:
    """Record a feedback or recommendation about ``dossier`` (its lead agency answers) or
    about ``agency``. Its answer is due the rule set's working days after receipt (working-time
    calendar). Recorded by the one-stop officer (``dossiers.add_dossier`` for the agency), the
    system (``acting_user=None``) or the applicant of the dossier."""
    from chinhquyen.worktime.calendar import add_working_time

    received_at = received_at or timezone.now()
    content = (content or "").strip()
    if agency is None and dossier is not None:
        agency = dossier.lead_agency
    errors = []
    if not content:
        errors.append("content")
    if agency is None:
        errors.append("agency")
    if dossier is not None and agency is not None and dossier.lead_agency_id != agency.pk:
        errors.append("dossier")
    if errors:
        raise DossierError(
            bilingual(
                _("The feedback needs its content and an agency (the dossier's): %(fields)s."),
                fields=", ".join(errors),
            ),
            code="feedback_invalid",
            details={"fields": errors},
        )
    with transaction.atomic():
        if is_citizen(acting_user):
            if dossier is None or dossier.applicant_user_id != acting_user.pk:
                raise PermissionDenied
        else:
            _require(acting_user, "dossiers.add_dossier", agency)
        rules = indicator_rules_in_force(received_at)
        feedback = Feedback.objects.create(
            agency=agency,
            dossier=dossier,
            rule_set=rules,
            sender_name=sender_name[:255],
            sender_contact=sender_contact[:255],
            content=content,
            received_at=received_at,
            due_at=add_working_time(received_at, days=rules.feedback_working_days),
            received_by=acting_user
            if acting_user is not None and not is_citizen(acting_user)
            else None,
        )
        log_action(
            "dossiers.record_feedback",
            target=feedback,
            actor=acting_user,
            details={"agency": agency.pk, "dossier": dossier.pk if dossier else None},
        )
    return feedback


def answer_feedback(
    feedback: Feedback, *, answer: str, acting_user, at: datetime | None = None
) -> Feedback:
    """Answer a feedback item (once). Needs ``dossiers.process_dossier`` for its agency."""
    at = at or timezone.now()
    answer = (answer or "").strip()
    if not answer:
        raise DossierError(
            bilingual(_("The answer is empty.")),
            code="feedback_answer_empty",
            details={"field": "answer"},
        )
    with transaction.atomic():
        row = Feedback.objects.select_for_update().get(pk=feedback.pk)
        _require(acting_user, "dossiers.process_dossier", row.agency)
        if row.answered_at is not None:
            raise InvalidTransition(
                bilingual(_("This feedback has already been answered.")),
                code="feedback_answered",
            )
        if at < row.received_at:
            raise DossierError(
                bilingual(_("The answer cannot be dated before the feedback was received.")),
                code="feedback_answer_early",
                details={"field": "at"},
            )
        row.answered_at = at
        row.answer = answer
        row.answered_by = acting_user
        row.save(update_fields=["answered_at", "answer", "answered_by"])
        log_action(
            "dossiers.answer_feedback",
            target=row,
            actor=acting_user,
            details={"on_time": at <= row.due_at},
        )
    return row
