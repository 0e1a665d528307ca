"""Every number on the dashboard drills down to exactly the records it counts."""

# ruff: noqa: F811 (fixtures imported from the dossier and KPI tests)
import pytest

from chinhquyen.dossiers.tests.conftest import (  # noqa: F401
    at,
    catalogue,
    coded_orgs,
    receive,
    specialist_minh,
)
from chinhquyen.insights import drilldown, kpis
from chinhquyen.insights.rebuild import rebuild
from chinhquyen.insights.tests.test_kpis import Q1, province  # noqa: F401

pytestmark = pytest.mark.django_db


def test_counts_of_the_records_equal_the_tiles(province, coded_orgs, officer_an):
    from chinhquyen.dossiers.services import record_payment

    record_payment(
        province[0].payments.get(),
        method="online",
        receipt_number="BL-1",
        acting_user=officer_an,
        paid_at=at(2026, 1, 5, 11, 0),
    )
    rebuild()
    for root in (None, coded_orgs.province, coded_orgs.dept_a, coded_orgs.dept_b):
        board = kpis.dashboard(root=root, start=Q1[0], end=Q1[1])
        for code, tile in board.tiles.items():
            kpi = kpis.KPIS[code]
            if not kpi.drillable or code in drilldown.DOCUMENT_PARTS or kpi.source == "scores":
                continue
            if tile.numerator is None:  # no data: nothing to list
                continue
            listed = drilldown.records(code, root=root, start=Q1[0], end=Q1[1])
            if kpi.unit != kpis.DAYS:
                assert listed.count() == tile.numerator, (code, root)
            if kpi.denominator or kpi.source == "catalogue":
                total = drilldown.records(code, "denominator", root=root, start=Q1[0], end=Q1[1])
                assert total.count() == tile.denominator, (code, root)


def test_the_records_are_the_right_ones(province):
    late = drilldown.records("resolved_late", root=None, start=Q1[0], end=Q1[1])
    assert list(late) == [province[1].__class__.objects.get(pk=province[1].pk)]
    online = drilldown.records("online_share", root=None, start=Q1[0], end=Q1[1])
    assert {d.pk for d in online} == {province[1].pk, province[2].pk}
    digitised = drilldown.records("digitised_share", root=None, start=Q1[0], end=Q1[1])
    assert {d.pk for d in digitised} == {province[0].pk, province[2].pk}


def test_documents_parts_and_computed_kpis(coded_orgs):
    assert [p.name for p in drilldown.parts("documents_electronic_share")] == [
        "incoming_electronic",
        "incoming",
        "outgoing_electronic",
        "outgoing",
    ]
    for code, parts in drilldown.DOCUMENT_PARTS.items():
        for part in parts:
            qs = drilldown.records(
                code, part.name, root=coded_orgs.province, start=Q1[0], end=Q1[1]
            )
            assert qs.count() == 0
    with pytest.raises(KeyError):
        drilldown.records("documents_electronic_share", "numerator", start=Q1[0], end=Q1[1])
    with pytest.raises(drilldown.NotDrillable):
        drilldown.records("index_766_total", start=Q1[0], end=Q1[1])
    assert drilldown.parts("index_766_group1") == []
