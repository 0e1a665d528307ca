"""The dashboard's figures for a small, known province, every number checked exactly.

Four dossiers at department A (January–February 2026): two resolved (one early, one late),
one refused on time… built through the real services, then payments, an evaluation and
feedback, and the nightly rebuild of those feeds.
"""

# ruff: noqa: F811 (fixtures imported from the dossier tests)
import datetime
from decimal import Decimal

import pytest

from chinhquyen.dossiers.tests.conftest import (  # noqa: F401
    at,
    catalogue,
    coded_orgs,
    receive,
    specialist_minh,
)
from chinhquyen.insights import kpis
from chinhquyen.insights.models import IndexComponent, KpiTarget
from chinhquyen.insights.periods import PeriodError, parse, pieces
from chinhquyen.insights.rebuild import rebuild
from chinhquyen.insights.tests.helpers import prepare, walk

pytestmark = pytest.mark.django_db

JAN, FEB = (
    (datetime.date(2026, 1, 1), datetime.date(2026, 1, 31)),
    (
        datetime.date(2026, 2, 1),
        datetime.date(2026, 2, 28),
    ),
)
Q1 = (datetime.date(2026, 1, 1), datetime.date(2026, 3, 31))


@pytest.fixture
def province(receive, catalogue, officer_an, specialist_dung, specialist_minh, leader_binh):
    """Given four dossiers at department A, processing agency A (legal time 5 working days):

    1. counter, 5 Jan 09:17, with a file, approved 1 h later → early (Jan);
    2. online, 6 Jan 09:17, no file, approved after 15 days → late (decided in Jan);
    3. national portal, 2 Feb 09:17, with a file, refused 7 days later → on time (Feb);
    4. post, 3 Feb 09:17, no file, still open.
    """
    prepare(catalogue, online_mode="full")
    people = (officer_an, specialist_dung, specialist_minh, leader_binh)
    plans = [
        (datetime.date(2026, 1, 5), "counter", True, "approve", 1),
        (datetime.date(2026, 1, 6), "online", False, "approve", 24 * 15),
        (datetime.date(2026, 2, 2), "national_portal", True, "reject", 24 * 7 - 2),
        (datetime.date(2026, 2, 3), "post", False, None, 0),
    ]
    return [
        walk(receive, catalogue, people, day=d, hour=9, channel=c, files=f, fate=x, delay_hours=h)
        for d, c, f, x, h in plans
    ]


def test_dossier_tiles_for_the_quarter(province, coded_orgs):
    one, two, three, _four = (d.__class__.objects.get(pk=d.pk) for d in province)
    assert (one.outcome, two.outcome, three.outcome) == ("early", "late", "on_time")
    board = kpis.dashboard(start=Q1[0], end=Q1[1])
    t = board.tiles
    assert t["received"].value == 4
    assert (t["resolved_early"].value, t["resolved_on_time"].value, t["resolved_late"].value) == (
        1,
        1,
        1,
    )
    assert t["resolved"].value == 3
    # (early + on time) / resolved = 2/3 → 66.7 %, below the default target of 95 %.
    assert (
        t["on_time_rate"].value,
        t["on_time_rate"].numerator,
        t["on_time_rate"].denominator,
    ) == (
        Decimal("66.7"),
        2,
        3,
    )
    assert t["on_time_rate"].target_met is False
    # online: online + national portal = 2 of 4; the version is fully online: the same two.
    assert t["online_share"].value == Decimal("50.0")
    assert t["full_online_share"].numerator == 2
    assert t["digitised_share"].numerator == 2
    seconds = sum(
        int(d.result_ready_at.timestamp()) - int(d.received_at.timestamp())
        for d in (one, two, three)
    )
    assert t["average_resolution_days"].numerator == seconds
    assert t["average_resolution_days"].value == (Decimal(seconds) / 86400 / 3).quantize(
        Decimal("0.1")
    )
    # The national-portal synchronisation is not recorded on this installation: no data.
    assert t["national_sync_share"].value is None
    assert t["national_sync_share"].note


def test_months_split_by_the_day_of_each_event(province):
    jan = kpis.dashboard(start=JAN[0], end=JAN[1]).tiles
    feb = kpis.dashboard(start=FEB[0], end=FEB[1]).tiles
    assert (jan["received"].value, feb["received"].value) == (2, 2)
    # dossier 2 was decided on 21 Jan (15 days after 6 Jan): January, not February.
    assert (jan["resolved"].value, feb["resolved"].value) == (2, 1)
    points = kpis.series("received", start=Q1[0], end=Q1[1], granularity="month")
    assert [(p.label, p.tile.value) for p in points] == [
        ("01/2026", 2),
        ("02/2026", 2),
        ("03/2026", 0),
    ]
    # A custom range cut inside the months counts days exactly: 5 Jan only.
    assert (
        kpis.dashboard(start=datetime.date(2026, 1, 5), end=datetime.date(2026, 1, 5))
        .tiles["received"]
        .value
        == 1
    )


def test_drill_one_level_down_by_agency(province, coded_orgs):
    board = kpis.dashboard(root=coded_orgs.province, start=Q1[0], end=Q1[1])
    rows = {row.name: row for row in board.by_agency}
    # Department A's subtree holds all four; department B processed none as lead agency.
    assert rows["Sở A"].tiles["received"].value == 4
    assert rows["Sở A"].has_children is True
    assert rows["Sở B"].tiles["received"].value == 0
    assert rows["Sở B"].tiles["on_time_rate"].value is None
    down = kpis.dashboard(root=coded_orgs.dept_a, start=Q1[0], end=Q1[1])
    # One level down: department A's own figures (it is the lead agency) and its division.
    assert [(r.name, r.is_root) for r in down.by_agency] == [
        ("Sở A", True),
        ("Phòng A1", False),
    ]
    assert down.by_agency[1].tiles["received"].value == 0
    assert down.tiles["received"].value == 4
    # Level filter: no agency of this tree has a commune-level administrative unit.
    assert kpis.dashboard(start=Q1[0], end=Q1[1], level="commune").tiles["received"].value == 0


def test_targets_are_data(province):
    KpiTarget.objects.create(code="on_time_rate", target=Decimal("60"))
    assert kpis.dashboard(start=Q1[0], end=Q1[1]).tiles["on_time_rate"].target_met is True
    # "lower is better": at most one late dossier → met with exactly one.
    KpiTarget.objects.create(code="resolved_late", target=Decimal("1"))
    assert kpis.dashboard(start=Q1[0], end=Q1[1]).tiles["resolved_late"].target_met is True


def test_payments_evaluation_and_feedback_after_the_nightly_rebuild(
    province, officer_an, leader_binh, coded_orgs, citizen_chi
):
    from chinhquyen.dossiers.services import record_payment, transition
    from chinhquyen.dossiers.services.evaluation import answer_feedback, record_feedback

    one = province[0].__class__.objects.get(pk=province[0].pk)
    # Before any rebuild these feeds have no data (never invented as 0 %).
    tiles = kpis.dashboard(start=Q1[0], end=Q1[1]).tiles
    assert tiles["online_payment_share"].value is None
    # Given dossier 1's fee paid online and dossier 2's in cash, both in January
    record_payment(
        one.payments.get(),
        method="online",
        receipt_number="BL-1",
        acting_user=officer_an,
        paid_at=at(2026, 1, 5, 11, 0),
    )
    two = province[1]
    record_payment(
        two.payments.get(),
        method="cash",
        receipt_number="BL-2",
        acting_user=officer_an,
        paid_at=at(2026, 1, 22, 8, 0),
    )
    transition(
        one,
        "return_result",
        acting_user=officer_an,
        return_method="counter",
        at=at(2026, 1, 5, 11, 5),
    )
    from chinhquyen.dossiers.services import record_evaluation

    record_evaluation(
        one,
        ratings={
            "time_rating": 2,
            "agencies_contacted": 5,
            "contacts_needed": 3,
            "procedure_accuracy": 1,
            "attitude": 1,
            "lawfulness": 0,
        },
        acting_user=officer_an,
        at=at(2026, 1, 6, 9, 0),
    )
    # and two feedback items about department A: one answered in time, one never
    early = record_feedback(
        content="Hỏi tiến độ",
        acting_user=None,
        agency=coded_orgs.dept_a,
        received_at=at(2026, 1, 7, 9, 0),
    )
    answer_feedback(early, answer="Đã trả lời", acting_user=leader_binh, at=at(2026, 1, 8, 9, 0))
    record_feedback(
        content="Chưa trả lời",
        acting_user=None,
        agency=coded_orgs.dept_a,
        received_at=at(2026, 1, 9, 9, 0),
    )
    rebuild(feeds=["payments", "evaluations", "feedback", "signing"])
    province[0].procedure_version.implementing_agencies.add(coded_orgs.dept_a)
    t = kpis.dashboard(start=Q1[0], end=Q1[1]).tiles
    assert (t["online_payment_share"].numerator, t["online_payment_share"].denominator) == (1, 2)
    assert t["online_payment_share"].value == Decimal("50.0")
    # mean of the four ratings (2+1+1+0)/4 = 1 → satisfied (the counts 5 and 3 are not ratings)
    assert (t["satisfaction_rate"].numerator, t["satisfaction_rate"].denominator) == (1, 1)
    assert (t["feedback_on_time_rate"].numerator, t["feedback_on_time_rate"].denominator) == (1, 2)
    assert t["feedback_on_time_rate"].target_met is False
    # 766 group 5 from its configured components: on time 50 %, satisfaction (feedback) 50 %,
    # satisfaction 100 % → 18 × (0.5 + 0.5 + 1) / 3 = 12.0 points.
    assert t["index_766_group5"].value == Decimal("12.0")
    # Group 4: online 50 %, payments 50 %, procedures offered fully online 1 of 1 → 14.7.
    assert t["full_online_procedures_share"].value == Decimal("100.0")
    assert t["index_766_group4"].value == Decimal("14.7")
    # Group 1 has no data (national sync), so the total is not given.
    assert t["index_766_group1"].value is None
    assert t["index_766_total"].value is None
    # Weights are data: group 5 counting only satisfaction → 18.0.
    IndexComponent.objects.filter(group=5).exclude(kpi="satisfaction_rate").update(weight=0)
    assert kpis.dashboard(start=Q1[0], end=Q1[1]).tiles["index_766_group5"].value == Decimal("18.0")


def test_circular_01_grades_from_the_period_scores(province, coded_orgs):
    from chinhquyen.dossiers.services.evaluation import score_period

    result = score_period(
        agency=coded_orgs.dept_a, start=Q1[0], end=Q1[1], as_of=at(2026, 4, 1, 0, 0)
    )
    tile = kpis.dashboard(start=Q1[0], end=Q1[1]).tiles["agency_points"]
    assert tile.value == result["agency"]["total"].quantize(Decimal("0.1"))
    assert tile.breakdown == {result["agency"]["grade"]: 1}


def test_periods():
    assert parse("quarter", "2026-Q4").start == datetime.date(2026, 10, 1)
    assert parse("month", "2026-02").end == datetime.date(2026, 2, 28)
    assert parse("custom", start="2026-01-30", end="2026-03-02").days == 32
    with pytest.raises(PeriodError):
        parse("month", "2026-13")
    with pytest.raises(PeriodError):
        parse("custom", start="2026-02-01", end="2026-01-01")
    # 30 Jan – 2 Mar: two days of January, the whole of February, two days of March.
    assert pieces(datetime.date(2026, 1, 30), datetime.date(2026, 3, 2)) == [
        ("d", datetime.date(2026, 1, 30)),
        ("d", datetime.date(2026, 1, 31)),
        ("m", datetime.date(2026, 2, 1)),
        ("d", datetime.date(2026, 3, 1)),
        ("d", datetime.date(2026, 3, 2)),
    ]
    # 15 Mar – 10 Feb: weeks inside March and February, whole months between.
    assert pieces(datetime.date(2025, 3, 15), datetime.date(2025, 4, 30))[:6] == [
        ("d", datetime.date(2025, 3, 15)),
        ("d", datetime.date(2025, 3, 16)),
        ("w", datetime.date(2025, 3, 17)),
        ("w", datetime.date(2025, 3, 24)),
        ("d", datetime.date(2025, 3, 31)),
        ("m", datetime.date(2025, 4, 1)),
    ]
    assert pieces(datetime.date(2025, 1, 1), datetime.date(2026, 1, 31)) == [
        ("y", datetime.date(2025, 1, 1)),
        ("m", datetime.date(2026, 1, 1)),
    ]


def test_procedure_times_are_read_for_whole_months(province, catalogue):
    rows = kpis.procedure_times(start=datetime.date(2026, 1, 20), end=datetime.date(2026, 1, 25))
    # Widened to January: dossiers 1 and 2 (decided in January).
    assert kpis.procedure_months(datetime.date(2026, 1, 20), datetime.date(2026, 1, 25)) == JAN
    assert [(r.code, r.resolved) for r in rows] == [(catalogue.procedure.national_code, 2)]
