"""``chinhquyen insights rebuild|generate``: arguments, messages, what it records."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from chinhquyen.insights.models import Counter, FeedState

pytestmark = pytest.mark.django_db


def test_rebuild_every_feed_and_record_it():
    Counter.objects.create(grain="d", period="2026-01-05", agency_id=1, metric="received", value=3)
    out = io.StringIO()
    call_command("insights", "rebuild", stdout=out)
    # Then the stray counter (no dossier behind it) is gone and every feed is stamped.
    assert not Counter.objects.exists()
    assert set(FeedState.objects.values_list("feed", flat=True)) == {
        "dossiers",
        "payments",
        "evaluations",
        "feedback",
        "national_sync",
        "signing",
    }
    assert "dossiers: 0" in out.getvalue()


def test_rebuild_one_feed_for_a_range():
    call_command(
        "insights",
        "rebuild",
        "--feed",
        "payments",
        "--from",
        "2026-01-01",
        "--to",
        "2026-03-31",
        stdout=io.StringIO(),
    )
    state = FeedState.objects.get()
    assert (state.feed, str(state.range_start), str(state.range_end)) == (
        "payments",
        "2026-01-01",
        "2026-12-31",
    )


@pytest.mark.parametrize(
    "args",
    [
        ["rebuild", "--from", "2026-01-01"],
        ["rebuild", "--from", "2026-02-01", "--to", "2026-01-01"],
        ["rebuild", "--from", "01/02/2026", "--to", "2026-03-01"],
    ],
)
def test_bad_arguments_are_refused_in_both_languages(args):
    with pytest.raises((CommandError, SystemExit)):
        call_command("insights", *args, stdout=io.StringIO(), stderr=io.StringIO())
    assert not FeedState.objects.exists()


def test_generate_is_for_postgresql_only():
    from django.db import connection

    if connection.vendor == "postgresql":
        pytest.skip("refused only on other databases")
    with pytest.raises(CommandError, match="PostgreSQL"):
        call_command("insights", "generate", "--dossiers", "10")
