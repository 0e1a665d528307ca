"""The back-office week view: Monday–Sunday of an ISO week, working days marked, no N+1."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from chinhquyen.meetings import services
from chinhquyen.meetings.tests.conftest import at

pytestmark = pytest.mark.django_db


def test_the_week_runs_monday_to_sunday_with_days_off_marked(org_tree, make_entry):
    # ISO week 36 of 2026: 31 Aug is the announced swap day off, 2 Sep National Day.
    make_entry("Hội nghị ba ngày", start=at(2026, 9, 3, 8), end=at(2026, 9, 5, 11))
    view = services.week_view(org_tree.dept_a, year=2026, week=36)
    assert [day.date.isoformat() for day in (view.days[0], view.days[-1])] == [
        "2026-08-31",
        "2026-09-06",
    ]
    working = {day.date.day: day.is_working for day in view.days}
    assert working[31] is False and working[2] is False
    assert working[3] is True and working[4] is True
    assert working[5] is False and working[6] is False
    # A multi-day entry is listed on each of its days.
    listed = {day.date.day: [e.title for e in day.entries] for day in view.days}
    assert listed[3] == listed[4] == listed[5] == ["Hội nghị ba ngày"]
    assert listed[6] == []
    assert (view.previous_code, view.code, view.next_code) == ("2026-W35", "2026-W36", "2026-W37")


def test_parse_week():
    assert services.parse_week("2026-W01") == (2026, 1)
    assert services.parse_week("2026-w49") == (2026, 49)
    for bad in ("2026-W54", "2026W49", "xx", "2026-W00"):
        with pytest.raises(ValueError):
            services.parse_week(bad)


def test_the_week_page_lists_entries_with_links_to_neighbouring_weeks(
    client, login, org_tree, make_entry, clerk_hoa, endpoint_a
):
    for hour in (8, 10, 14):
        entry = make_entry(
            f"Họp lúc {hour} giờ", start=at(2026, 12, 1, hour), end=at(2026, 12, 1, hour + 1)
        )
        services.book_endpoint(entry, endpoint_a, acting_user=clerk_hoa)
    login(clerk_hoa)
    url = f"/meetings/?agency={org_tree.dept_a.pk}&week=2026-W49"
    client.get(url)  # warm the caches (working calendar, session)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    for hour in (8, 10, 14):
        assert f"Họp lúc {hour} giờ" in page
    assert "Phòng họp trực tuyến Sở A" in page
    assert "week=2026-W48" in page and "week=2026-W50" in page
    assert "<caption" in page and 'scope="col"' in page
    baseline = len(queries)
    # Three more entries: not one query more (no N+1).
    for hour in (15, 16):
        entry = make_entry(
            f"Họp thêm {hour}", start=at(2026, 12, 2, hour), end=at(2026, 12, 2, hour + 1)
        )
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    assert len(queries) == baseline
