# ruff: noqa: F811 (fixtures imported from the dossier tests)
"""Payments, ratings and signed results are counted in their own transaction, and the counters
they leave are exactly what ``insights rebuild`` computes from the raw tables."""

import pytest

from chinhquyen.dossiers.services import record_evaluation, record_payment, transition
from chinhquyen.dossiers.services.results import _replace_result
from chinhquyen.dossiers.tests.conftest import (  # noqa: F401
    catalogue,
    coded_orgs,
    receive,
    specialist_minh,
)
from chinhquyen.dossiers.tests.test_page_polish import RATINGS, approved_with
from chinhquyen.insights.models import Counter
from chinhquyen.insights.rebuild import rebuild
from chinhquyen.insights.tests.helpers import snapshot

pytestmark = pytest.mark.django_db

FEEDS = ["payments", "evaluations", "signing"]
METRICS = [
    "payments",
    "payments_online",
    "evaluations",
    "evaluations_satisfied",
    "results_signed",
]


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)


def live_rows():
    return [row for row in snapshot() if row[4] in METRICS]


def test_payment_rating_and_signature_are_counted_live_as_a_rebuild_counts_them(
    receive, officer_an, specialist_dung, specialist_minh, leader_binh, media
):
    dossier = approved_with(
        receive, "kq.pdf", officer_an, specialist_dung, specialist_minh, leader_binh
    )
    assert not Counter.objects.filter(metric__in=METRICS).exists()

    _replace_result(dossier.pk, b"%PDF-1.7 signed", acting_user=leader_binh, saved=[])
    record_payment(
        dossier.payments.get(), method="online", receipt_number="GD-1", acting_user=officer_an
    )
    transition(dossier, "return_result", acting_user=officer_an, return_method="counter")
    record_evaluation(dossier, ratings=RATINGS, acting_user=officer_an)

    live = live_rows()
    assert {row[4] for row in live} == set(METRICS)
    assert {row[5] for row in live if row[0] == "y"} == {1}  # one of each, this year
    rebuild(feeds=FEEDS)
    assert live_rows() == live
