"""The incremental counters equal the counters rebuilt from the raw tables, exactly.

Random dossiers (hypothesis) go through the real services — ``receive_dossier`` and
``transition`` — at random local hours (so local and UTC dates differ), across month
boundaries, on every channel, with and without files, some approved, some refused, some left
open; the counters they leave are compared row by row with ``rebuild()``'s.
"""

# ruff: noqa: F811 (fixtures imported from the dossier tests)
import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chinhquyen.dossiers.tests.conftest import (  # noqa: F401
    catalogue,
    coded_orgs,
    receive,
    specialist_minh,
)
from chinhquyen.insights.models import Counter
from chinhquyen.insights.rebuild import rebuild
from chinhquyen.insights.tests.helpers import CHANNELS, DAYS, prepare, snapshot, walk

pytestmark = pytest.mark.django_db


class _Rollback(Exception):
    pass


dossier_plans = st.lists(
    st.fixed_dictionaries(
        {
            "day": st.sampled_from(DAYS),
            "channel": st.sampled_from(CHANNELS),
            "hour": st.integers(0, 23),
            "files": st.booleans(),
            "fate": st.sampled_from([None, "approve", "reject"]),
            "delay_hours": st.integers(0, 24 * 20),
        }
    ),
    min_size=1,
    max_size=4,
)


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(plans=dossier_plans, full_online=st.booleans())
def test_incremental_counters_equal_rebuilt(
    plans,
    full_online,
    receive,
    catalogue,
    officer_an,
    specialist_dung,
    specialist_minh,
    leader_binh,
):
    people = (officer_an, specialist_dung, specialist_minh, leader_binh)
    prepare(catalogue, online_mode="full" if full_online else "partial")
    try:
        with transaction.atomic():
            for plan in plans:
                hour = plan["hour"] if plan["channel"] in ("online", "national_portal") else 9
                walk(receive, catalogue, people, **{**plan, "hour": hour})
            incremental = snapshot()
            # Then the counters are not empty, and a rebuild from the raw tables gives them
            # back row for row, every grain (day, month, year) and the per-procedure rows.
            assert incremental
            rebuild(feeds=["dossiers"])
            rebuilt = snapshot()
            missing = sorted(set(incremental) - set(rebuilt))
            extra = sorted(set(rebuilt) - set(incremental))
            assert (missing, extra) == ([], [])
            raise _Rollback
    except _Rollback:
        pass


def test_a_refused_intake_counts_nothing(receive, catalogue):
    # Given a dossier whose intake is refused (the procedure is not in force yet)
    from chinhquyen.dossiers.exceptions import IntakeRefused
    from chinhquyen.dossiers.tests.conftest import at

    with pytest.raises(IntakeRefused):
        receive(received_at=at(2025, 6, 2, 9, 0))
    # Then no counter row was written (the upsert rolled back with it).
    assert not Counter.objects.exists()


def test_rebuild_of_one_year_leaves_other_years_alone(receive, catalogue):
    import datetime

    from chinhquyen.dossiers.tests.conftest import at
    from chinhquyen.insights.models import FeedState

    prepare(catalogue)
    receive(received_at=at(2026, 1, 5, 9, 0))
    before = snapshot()
    # Given a row of another year (2027)
    Counter.objects.create(grain="y", period="2027-01-01", agency_id=1, metric="received", value=5)
    # When 2026 is rebuilt (a range inside it is widened to the whole year)
    rebuild(feeds=["dossiers"], start=datetime.date(2026, 3, 1), end=datetime.date(2026, 3, 2))
    # Then 2026 is as before and 2027 untouched.
    assert snapshot() == sorted([*before, ("y", datetime.date(2027, 1, 1), 0, 1, "received", 5)])
    state = FeedState.objects.get(feed="dossiers")
    assert (state.range_start, state.range_end) == (
        datetime.date(2026, 1, 1),
        datetime.date(2026, 12, 31),
    )
