"""Public statistics: received, resolved early / on time / late, by agency and month; CSV."""

import csv
import datetime
import io
import re

import pytest
from django.urls import reverse

from chinhquyen.dossiers.choices import Outcome
from chinhquyen.dossiers.services import transition
from chinhquyen.portal.statistics import province_statistics
from chinhquyen.portal.tests.conftest import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def resolved_dossiers(receive, officer_an, specialist_dung, specialist_minh, leader_binh):
    """Four dossiers received at department A on Thu 5 Feb 2026: one resolved early, one on
    time (half an hour before its legal deadline), one late (in March), one still open."""

    def walk(dossier, approved_at):
        transition(dossier, "forward", acting_user=officer_an, at=at(2026, 2, 6, 8, 0))
        transition(dossier, "transfer", acting_user=specialist_dung, at=at(2026, 2, 6, 9, 0))
        transition(dossier, "forward", acting_user=specialist_minh, at=at(2026, 2, 6, 10, 0))
        transition(dossier, "approve", acting_user=leader_binh, at=approved_at)
        return dossier

    early = walk(receive(), at(2026, 2, 9, 10, 0))
    second = receive()
    on_time = walk(second, second.legal_due_at - datetime.timedelta(minutes=30))
    late = walk(receive(), at(2026, 3, 3, 9, 0))
    still_open = receive()
    assert [early.outcome, on_time.outcome, late.outcome, still_open.outcome] == [
        Outcome.EARLY,
        Outcome.ON_TIME,
        Outcome.LATE,
        "",
    ]
    return [early, on_time, late, still_open]


def test_the_year_counts_received_and_resolved_by_month(resolved_dossiers, coded_orgs):
    stats = province_statistics(year=2026)

    february, march = stats.by_month[2], stats.by_month[3]
    assert (february.received, february.early, february.on_time, february.late) == (4, 1, 1, 0)
    assert (march.received, march.early, march.on_time, march.late) == (0, 0, 0, 1)
    assert (stats.total.received, stats.total.resolved) == (4, 3)
    assert str(stats.total.on_time_rate) == "66.7"
    assert [(row.name, row.counts.received) for row in stats.by_agency] == [("Sở A", 4)]
    assert sorted(stats.by_month) == list(range(1, 13))


def test_a_month_and_an_agency_narrow_the_figures(resolved_dossiers, coded_orgs):
    march = province_statistics(year=2026, month=3)
    other_agency = province_statistics(year=2026, agency=coded_orgs.dept_b)

    assert list(march.by_month) == [3]
    assert (march.total.received, march.total.late, march.total.resolved) == (0, 1, 1)
    assert (other_agency.total.received, other_agency.by_agency) == (0, [])


def test_the_page_shows_tables_with_captions_and_an_accessible_chart(
    client, resolved_dossiers, django_assert_max_num_queries
):
    with django_assert_max_num_queries(8):
        response = client.get(reverse("portal:statistics"), {"year": 2026})

    html = response.content.decode()
    assert response.status_code == 200
    assert '<caption id="months-caption">Hồ sơ theo tháng, năm 2026</caption>' in html
    assert '<caption id="agencies-caption">Hồ sơ theo cơ quan giải quyết</caption>' in html
    row = re.search(r'<tr><th scope="row">2/2026</th>(.*?)</tr>', html).group(1)
    assert re.findall(r"<td>([^<]*)</td>", row) == ["4", "2", "1", "1", "0", "100,0 %"]
    agency = re.search(r'<tr><th scope="row">Sở A</th>(.*?)</tr>', html).group(1)
    assert re.findall(r"<td>([^<]*)</td>", agency) == ["4", "3", "1", "1", "1", "66,7 %"]
    assert 'role="img" aria-labelledby="chart-months-title chart-months-desc"' in html
    assert (
        "Tổng cộng 4 hồ sơ tiếp nhận và 3 hồ sơ giải quyết: 1 trước hạn, 1 đúng hạn, 1 quá hạn."
        in html
    )
    assert " style=" not in html and "<script" not in html


def test_the_csv_has_one_row_per_agency_and_month(client, resolved_dossiers, coded_orgs):
    client.cookies["chinhquyen_language"] = "en"

    response = client.get(reverse("portal:statistics_csv"), {"year": 2026})

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="thong-ke-2026.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows == [
        [
            "Year",
            "Month",
            "Agency code",
            "Agency",
            "Received",
            "Resolved",
            "Early",
            "On time",
            "Late",
        ],
        ["2026", "2", "000.00.12.H37", "Sở A", "4", "2", "1", "1", "0"],
        ["2026", "3", "000.00.12.H37", "Sở A", "0", "1", "0", "0", "1"],
    ]


def test_an_empty_year_says_so(client, org_tree):
    html = client.get(reverse("portal:statistics"), {"year": 2020}).content.decode()

    assert "Không có hồ sơ trong kỳ." in html or "No dossier in this period." in html


@pytest.mark.parametrize("params", [{"year": "1990"}, {"month": "13"}, {"agency": "abc"}])
def test_bad_filters_answer_400_and_show_no_figures(client, org_tree, params):
    page = client.get(reverse("portal:statistics"), params)
    download = client.get(reverse("portal:statistics_csv"), params)

    assert page.status_code == 400
    assert "Hãy chọn một giá trị trong danh sách" in page.content.decode()
    assert "<caption" not in page.content.decode()
    assert download.status_code == 400
    assert "choose one of the listed values" in download.content.decode()
