"""Circular 01/2018 Art. 13 indicators 5, 8 and 9 (per unit), and the Arts. 14–15 grades.

Department A implements one procedure (the fixture's "walk" procedure); thresholds come from
the seeded rule set TT01-2018 (the circular's numbers).
"""

import datetime
from decimal import Decimal
from fractions import Fraction
from io import StringIO

import pytest
from django.core.management import call_command
from hypothesis import given
from hypothesis import strategies as st

from chinhquyen.audit.models import AuditEntry
from chinhquyen.dossiers.choices import Indicator, Outcome, ScoreSubject
from chinhquyen.dossiers.exceptions import DossierError, InvalidTransition, PermissionDenied
from chinhquyen.dossiers.models import (
    Dossier,
    Feedback,
    IndicatorRuleSet,
    IndicatorScore,
    InHouseAuthorisation,
)
from chinhquyen.dossiers.services import (
    answer_feedback,
    authorise_in_house_decision,
    end_in_house_decision,
    record_evaluation,
    record_feedback,
    score_dossier,
    score_period,
)
from chinhquyen.dossiers.services.evaluation import (
    agency_grade,
    feedback_points,
    in_house_points,
    officer_grade,
    online_points,
    share_reaches,
)
from chinhquyen.dossiers.tests.conftest import at

RULES = IndicatorRuleSet()  # the model defaults are the circular's thresholds
MARCH_1, MARCH_31 = datetime.date(2026, 3, 1), datetime.date(2026, 3, 31)


# --- Threshold arithmetic ----------------------------------------------------------------


@given(
    part=st.integers(min_value=0, max_value=10_000),
    whole=st.integers(min_value=0, max_value=10_000),
    threshold=st.decimals(min_value=0, max_value=100, places=2),
)
def test_share_reaches_is_exact_fraction_comparison(part, whole, threshold):
    expected = whole > 0 and Fraction(part, whole) * 100 >= Fraction(threshold)
    assert share_reaches(part, whole, threshold) is expected


def test_share_boundaries_are_inclusive_and_not_rounded():
    assert share_reaches(3, 10, Decimal(30)) is True
    assert share_reaches(299, 1000, Decimal(30)) is False
    assert share_reaches(1, 5, Decimal(20)) is True
    assert share_reaches(0, 0, Decimal(0)) is False


@pytest.mark.parametrize(
    ("on_time", "due", "points"),
    [(10, 10, 2), (9, 10, 1), (99, 100, 1), (90, 100, 1), (89, 100, 0), (0, 3, 0), (0, 0, 2)],
)
def test_feedback_points_boundaries(on_time, due, points):
    assert feedback_points(RULES, on_time=on_time, due=due) == points


@given(due=st.integers(min_value=1, max_value=500), data=st.data())
def test_feedback_points_match_the_table(due, data):
    on_time = data.draw(st.integers(min_value=0, max_value=due))
    expected = 2 if on_time == due else 1 if on_time * 10 >= due * 9 else 0
    assert feedback_points(RULES, on_time=on_time, due=due) == expected


@pytest.mark.parametrize(
    ("online_procedures", "procedures", "online", "dossiers", "late", "points"),
    [
        (1, 5, 3, 10, 0, 2),  # 20 % procedures, 30 % dossiers, none late
        (1, 5, 3, 10, 1, 1),  # one late online dossier
        (1, 6, 3, 10, 0, 1),  # 16.7 % procedures
        (1, 5, 29, 100, 0, 1),  # 29 % dossiers online
        (1, 5, 15, 100, 0, 1),  # 15 % exactly
        (1, 5, 14, 100, 0, 0),  # 14 %
        (0, 0, 0, 0, 0, 0),  # nothing to score
    ],
)
def test_online_points_boundaries(online_procedures, procedures, online, dossiers, late, points):
    assert (
        online_points(
            RULES,
            online_procedures=online_procedures,
            procedures=procedures,
            online_dossiers=online,
            dossiers=dossiers,
            late_online=late,
        )
        == points
    )


@pytest.mark.parametrize(
    ("threshold", "authorised", "procedures", "all_at_one_stop", "points"),
    [
        (Decimal(20), 1, 5, True, 2),
        (Decimal(20), 1, 6, True, 1),
        (Decimal(50), 1, 2, True, 2),
        (Decimal(50), 2, 5, True, 1),
        (Decimal(20), 5, 5, False, 0),
        (Decimal(20), 0, 0, True, 1),
    ],
)
def test_in_house_points_boundaries(threshold, authorised, procedures, all_at_one_stop, points):
    assert (
        in_house_points(
            RULES,
            threshold=threshold,
            authorised=authorised,
            procedures=procedures,
            all_at_one_stop=all_at_one_stop,
        )
        == points
    )


@pytest.mark.parametrize(
    ("points", "grade"),
    [
        ("18", "excellent"),
        ("15", "excellent"),
        ("14.9", "good"),
        ("12", "good"),
        ("11.9", "fair"),
        ("9", "fair"),
        ("8.9", "average"),
        ("6", "average"),
        ("5.9", "weak"),
    ],
)
def test_agency_grade_boundaries(points, grade):
    assert agency_grade(Decimal(points)) == grade


@pytest.mark.parametrize(
    ("points", "grade"),
    [("5", "100%"), ("4.9", "70-100%"), ("3.5", "70-100%"), ("3.4", "<70%"), ("0", "<70%")],
)
def test_officer_grade_boundaries(points, grade):
    assert officer_grade(Decimal(points)) == grade


@pytest.mark.django_db
def test_thresholds_are_data_of_the_rule_set_in_force():
    # Given the seeded rule set of Circular 01/2018
    seeded = IndicatorRuleSet.objects.get(code="TT01-2018")
    assert (seeded.online_dossiers_full_share, seeded.feedback_partial_share) == (30, 90)
    # When a later rule set lowers the agency's "good" threshold to 11
    later = IndicatorRuleSet.objects.create(
        code="LATER",
        name="Later",
        legal_basis="-",
        effective_from=at(2027, 1, 1, 0, 0),
        agency_good_points=Decimal(11),
    )
    # Then 11 points grade "good" under it and "fair" under the circular's.
    assert agency_grade(Decimal(11), later) == "good"
    assert agency_grade(Decimal(11), seeded) == "fair"


# --- Indicator 8: feedback -------------------------------------------------------------------


@pytest.mark.django_db
def test_feedback_is_due_ten_working_days_later_and_answered_once(
    receive, coded_orgs, officer_an, specialist_dung
):
    # Given a dossier of department A
    dossier = receive(received_at=at(2026, 3, 2, 9, 0))
    # When the one-stop officer records a complaint about it on Mon 2 Mar 2026 09:00
    feedback = record_feedback(
        dossier=dossier,
        content="Hồ sơ chậm trả kết quả",
        sender_name="Ngô Thị Chi",
        received_at=at(2026, 3, 2, 9, 0),
        acting_user=officer_an,
    )
    # Then it is addressed to the dossier's agency, due 10 working days later (Mon 16 Mar),
    assert feedback.agency == coded_orgs.dept_a
    assert feedback.due_at == at(2026, 3, 16, 9, 0)
    assert feedback.rule_set.code == "TT01-2018"
    assert AuditEntry.objects.filter(action="dossiers.record_feedback").count() == 1
    # and when the specialist answers on the due minute, it is answered on time.
    answered = answer_feedback(
        feedback, answer="Đã trả kết quả", acting_user=specialist_dung, at=at(2026, 3, 16, 9, 0)
    )
    assert (answered.answered_at, answered.answered_by) == (at(2026, 3, 16, 9, 0), specialist_dung)
    # When they try to answer again, it is refused and nothing changes.
    with pytest.raises(InvalidTransition):
        answer_feedback(feedback, answer="Lần hai", acting_user=specialist_dung)
    feedback.refresh_from_db()
    assert feedback.answer == "Đã trả kết quả"


@pytest.mark.django_db
def test_bad_or_unauthorised_feedback_saves_nothing(
    coded_orgs, officer_an, other_agency_official, specialist_dung
):
    # An empty content is refused with a bilingual message naming the field.
    with pytest.raises(DossierError) as refused:
        record_feedback(agency=coded_orgs.dept_a, content="  ", acting_user=officer_an)
    assert "content" in refused.value.message
    assert " / " in refused.value.message
    # Department B's one-stop officer cannot record feedback for department A.
    with pytest.raises(PermissionDenied):
        record_feedback(
            agency=coded_orgs.dept_a, content="Góp ý", acting_user=other_agency_official
        )
    assert Feedback.objects.count() == 0
    # An empty answer is refused and leaves the feedback unanswered.
    feedback = record_feedback(agency=coded_orgs.dept_a, content="Góp ý", acting_user=officer_an)
    with pytest.raises(DossierError):
        answer_feedback(feedback, answer="", acting_user=specialist_dung)
    with pytest.raises(PermissionDenied):
        answer_feedback(feedback, answer="Trả lời", acting_user=other_agency_official)
    feedback.refresh_from_db()
    assert (feedback.answered_at, feedback.answer) == (None, "")


def _feedback(agency, user, received, answered=None):
    item = record_feedback(agency=agency, content="Góp ý", received_at=received, acting_user=user)
    if answered is not None:
        Feedback.objects.filter(pk=item.pk).update(answered_at=answered, answer="Trả lời")
    return item


@pytest.mark.django_db
def test_indicator_8_counts_on_time_late_and_pending_feedback(coded_orgs, officer_an, catalogue):
    dept = coded_orgs.dept_a
    as_of = at(2026, 4, 6, 12, 0)
    # Given nine feedback items received in March 2026, answered on time
    for day in range(2, 11):
        _feedback(dept, officer_an, at(2026, 3, day, 9, 0), answered=at(2026, 3, day, 10, 0))
    # and one received on Mon 30 Mar, not answered and not yet due (due 13 Apr; Hùng Kings'
    # day on Mon 27 Apr is later),
    _feedback(dept, officer_an, at(2026, 3, 30, 9, 0))
    # Then 9 of 9 due are on time: 2 points.
    result = score_period(agency=dept, start=MARCH_1, end=MARCH_31, as_of=as_of)
    detail = result["details"][Indicator.FEEDBACK]
    assert (detail["on_time"], detail["due"], detail["pending"]) == (9, 9, 1)
    assert result["agency"][Indicator.FEEDBACK] == Decimal(2)
    # When one more item is answered a minute late: 9 of 10 = 90 % → 1 point.
    late = _feedback(dept, officer_an, at(2026, 3, 2, 9, 0))
    Feedback.objects.filter(pk=late.pk).update(
        answered_at=late.due_at + datetime.timedelta(minutes=1), answer="Trả lời muộn"
    )
    result = score_period(agency=dept, start=MARCH_1, end=MARCH_31, as_of=as_of)
    assert result["details"][Indicator.FEEDBACK]["due"] == 10
    assert result["agency"][Indicator.FEEDBACK] == Decimal(1)
    # When another one is left unanswered past its due time: 9 of 11 < 90 % → 0 points.
    _feedback(dept, officer_an, at(2026, 3, 3, 9, 0))
    result = score_period(agency=dept, start=MARCH_1, end=MARCH_31, as_of=as_of)
    assert result["details"][Indicator.FEEDBACK]["unanswered_overdue"] == 1
    assert result["agency"][Indicator.FEEDBACK] == Decimal(0)


# --- Indicators 5 and 9 --------------------------------------------------------------------


def _dossiers(receive, channels: list[str]) -> list[Dossier]:
    return [
        receive(channel=channel, received_at=at(2026, 3, 2 + i % 5, 8, i))
        for i, channel in enumerate(channels)
    ]


@pytest.mark.django_db
def test_indicator_9_online_shares_and_late_online_dossiers(receive, catalogue, coded_orgs):
    dept = coded_orgs.dept_a
    version = catalogue.version
    version.implementing_agencies.add(dept)
    type(version).objects.filter(pk=version.pk).update(online_mode="partial")
    # Given 10 dossiers in March: 2 online, 1 from the national portal, 7 at the counter
    dossiers = _dossiers(receive, ["online", "online", "national_portal"] + ["counter"] * 7)
    as_of = at(2026, 3, 3, 7, 0)  # before any deadline
    # Then 1/1 procedure online, 3/10 = 30 % of dossiers online, none late: 2 points.
    result = score_period(agency=dept, start=MARCH_1, end=MARCH_31, as_of=as_of)
    detail = result["details"][Indicator.ONLINE]
    assert (detail["online_procedures"], detail["procedures"]) == (1, 1)
    assert (detail["online_dossiers"], detail["dossiers"], detail["late_online"]) == (3, 10, 0)
    assert result["agency"][Indicator.ONLINE] == Decimal(2)
    # When one online dossier finished late: 1 point.
    Dossier.objects.filter(pk=dossiers[0].pk).update(outcome=Outcome.LATE)
    result = score_period(agency=dept, start=MARCH_1, end=MARCH_31, as_of=as_of)
    assert result["agency"][Indicator.ONLINE] == Decimal(1)
    # When, as of mid-April, the other open online dossiers are past their legal deadline too
    result = score_period(agency=dept, start=MARCH_1, end=MARCH_31, as_of=at(2026, 4, 15, 8, 0))
    assert result["details"][Indicator.ONLINE]["late_online"] == 3
    # When the procedure is no longer offered online (historic level 2): 3/10 ≥ 15 % → 1.
    type(version).objects.filter(pk=version.pk).update(online_mode="none", legacy_online_level=2)
    Dossier.objects.filter(pk=dossiers[0].pk).update(outcome="")
    result = score_period(agency=dept, start=MARCH_1, end=MARCH_31, as_of=as_of)
    assert result["details"][Indicator.ONLINE]["online_procedures"] == 0
    assert result["agency"][Indicator.ONLINE] == Decimal(1)
    # When it was level 3 historically, it counts as online again: 2 points.
    type(version).objects.filter(pk=version.pk).update(legacy_online_level=3)
    result = score_period(agency=dept, start=MARCH_1, end=MARCH_31, as_of=as_of)
    assert result["agency"][Indicator.ONLINE] == Decimal(2)
    # When only one dossier in ten is online (10 % < 15 %): 0 points.
    Dossier.objects.filter(pk__in=[dossiers[1].pk, dossiers[2].pk]).update(channel="counter")
    result = score_period(agency=dept, start=MARCH_1, end=MARCH_31, as_of=as_of)
    assert result["agency"][Indicator.ONLINE] == Decimal(0)


@pytest.mark.django_db
def test_indicator_5_in_house_authorisation_and_one_stop_receipt(
    receive, catalogue, coded_orgs, leader_binh, specialist_dung
):
    dept = coded_orgs.dept_a
    catalogue.version.implementing_agencies.add(dept)
    dossiers = _dossiers(receive, ["counter", "post", "online"])
    # Given no procedure decided at the one-stop unit, every dossier received there: 1 point.
    result = score_period(agency=dept, start=MARCH_1, end=MARCH_31)
    assert result["details"][Indicator.IN_HOUSE]["threshold"] == Decimal(20)
    assert result["agency"][Indicator.IN_HOUSE] == Decimal(1)
    # A specialist may not authorise in-house decisions (nothing saved).
    with pytest.raises(PermissionDenied):
        authorise_in_house_decision(
            agency=dept,
            procedure=catalogue.procedure,
            valid_from=MARCH_1,
            acting_user=specialist_dung,
        )
    assert InHouseAuthorisation.objects.count() == 0
    # When the leader authorises the one procedure from 1 March: 1/1 ≥ 20 % → 2 points.
    authorisation = authorise_in_house_decision(
        agency=dept,
        procedure=catalogue.procedure,
        valid_from=MARCH_1,
        basis="QĐ 12/QĐ-SA",
        acting_user=leader_binh,
    )
    result = score_period(agency=dept, start=MARCH_1, end=MARCH_31)
    assert result["details"][Indicator.IN_HOUSE]["authorised"] == 1
    assert result["agency"][Indicator.IN_HOUSE] == Decimal(2)
    # A second open authorisation for the same procedure is refused.
    with pytest.raises(DossierError):
        authorise_in_house_decision(
            agency=dept,
            procedure=catalogue.procedure,
            valid_from=MARCH_31,
            acting_user=leader_binh,
        )
    # When a paper dossier was received by someone who never held the one-stop role: 0.
    Dossier.objects.filter(pk=dossiers[0].pk).update(received_by=leader_binh)
    result = score_period(agency=dept, start=MARCH_1, end=MARCH_31)
    assert result["details"][Indicator.IN_HOUSE]["not_at_one_stop"] == 1
    assert result["agency"][Indicator.IN_HOUSE] == Decimal(0)
    # When the authorisation ends on 31 March it no longer counts for March (1 point again).
    Dossier.objects.filter(pk=dossiers[0].pk).update(received_by=dossiers[1].received_by)
    end_in_house_decision(authorisation, valid_until=MARCH_31, acting_user=leader_binh)
    result = score_period(agency=dept, start=MARCH_1, end=MARCH_31)
    assert result["agency"][Indicator.IN_HOUSE] == Decimal(1)


# --- The period table: per-dossier indicators still scored, grades stored ---------------------


@pytest.mark.django_db
def test_score_period_stores_unit_and_officer_rows_and_grades(
    receive, catalogue, coded_orgs, officer_an, leader_binh
):
    dept = coded_orgs.dept_a
    catalogue.version.implementing_agencies.add(dept)
    # Given a dossier returned early on 10 March, its receive step finished early by An
    dossier = receive(received_at=at(2026, 3, 2, 8, 0))
    run = dossier.step_runs.get()
    type(run).objects.filter(pk=run.pk).update(
        finished_at=at(2026, 3, 2, 9, 0), finished_by=officer_an, outcome=Outcome.EARLY
    )
    Dossier.objects.filter(pk=dossier.pk).update(
        status="returned", outcome=Outcome.EARLY, finished_at=at(2026, 3, 10, 9, 0)
    )
    dossier.refresh_from_db()
    record_evaluation(
        dossier,
        ratings={
            "time_rating": 2,
            "agencies_contacted": 0,
            "contacts_needed": 1,
            "procedure_accuracy": 2,
            "attitude": 2,
            "lawfulness": 2,
        },
        acting_user=None,
        at=at(2026, 3, 10, 10, 0),
    )
    per_dossier = dict(
        IndicatorScore.objects.filter(dossier=dossier, subject=ScoreSubject.DOSSIER).values_list(
            "indicator", "points"
        )
    )
    # Then indicators 1, 2, 3, 4, 6, 7 are still scored for the dossier,
    assert per_dossier == {1: 2, 2: 2, 3: 1, 4: 2, 6: 2, 7: 2}
    # and the period has them plus 5 (1: nothing in-house), 8 (2: no feedback) and 9 (0).
    result = score_period(agency=dept, start=MARCH_1, end=MARCH_31, as_of=at(2026, 4, 1, 8, 0))
    agency = result["agency"]
    assert {k: v for k, v in agency.items() if isinstance(k, int)} == {
        1: 2,
        2: 2,
        3: 1,
        4: 2,
        5: 1,
        6: 2,
        7: 2,
        8: 2,
        9: 0,
    }
    assert (agency["total"], agency["grade"]) == (Decimal(14), "good")
    # An finished a step of it: 2 (own step) + 2 + 1 + 2 + 2 + 2 = 11 → 100 % of duties.
    assert result["officials"] == {
        officer_an.pk: {1: 2, 2: 2, 3: 1, 4: 2, 6: 2, 7: 2, "total": 11, "grade": "100%"}
    }
    stored = IndicatorScore.objects.filter(agency=dept, period_start=MARCH_1, period_end=MARCH_31)
    assert stored.filter(subject=ScoreSubject.AGENCY).count() == 9
    assert stored.filter(subject=ScoreSubject.OFFICIAL, official=officer_an).count() == 6
    # Scoring again replaces the rows rather than adding to them.
    score_period(agency=dept, start=MARCH_1, end=MARCH_31, as_of=at(2026, 4, 1, 8, 0))
    assert stored.count() == 15
    # Re-scoring the dossier leaves the per-dossier rows as they were.
    score_dossier(dossier, dossier.evaluation)
    assert IndicatorScore.objects.filter(dossier=dossier, subject="dossier").count() == 6


@pytest.mark.django_db
def test_score_period_command_prints_a_bilingual_table(receive, catalogue, coded_orgs):
    out = StringIO()
    call_command(
        "dossiers",
        "score_period",
        "--agency",
        coded_orgs.dept_a.qcvn_code,
        "--from",
        "2026-03-01",
        "--to",
        "2026-03-31",
        stdout=out,
    )
    text = out.getvalue()
    assert "TT01-2018" in text
    assert "Chỉ số / Indicator" in text
    assert "Tổng / Total" in text
    assert IndicatorScore.objects.filter(subject=ScoreSubject.AGENCY).count() == 3


@pytest.mark.django_db
def test_score_period_command_rejects_an_unknown_agency(coded_orgs):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="XYZ"):
        call_command(
            "dossiers",
            "score_period",
            "--agency",
            "XYZ",
            "--from",
            "2026-03-01",
            "--to",
            "2026-03-31",
        )
    assert IndicatorScore.objects.count() == 0
