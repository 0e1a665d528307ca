"""The public calendar and its iCalendar feed show published entries only."""

import datetime

import icalendar
import pytest

from chinhquyen.meetings import services
from chinhquyen.meetings.tests.conftest import at

pytestmark = pytest.mark.django_db

WEEK = "/lich-cong-tac/{pk}/?tuan=2026-W49"


@pytest.fixture
def calendar(org_tree, make_entry, specialist_dung):
    published = make_entry(
        "Họp giao ban lãnh đạo Sở",
        start=at(2026, 11, 30, 8),
        end=at(2026, 11, 30, 10),
        place="Phòng họp số 1",
        invitees="Đại diện Sở Tài chính",
    )
    published.participants.add(specialist_dung.official)
    services.publish_entry(published, acting_user=None)
    draft = make_entry("Dự thảo chưa công bố", start=at(2026, 12, 1, 8), end=at(2026, 12, 1, 9))
    internal = make_entry(
        "Làm việc nội bộ", start=at(2026, 12, 2, 8), end=at(2026, 12, 2, 9), is_public=False
    )
    services.publish_entry(internal, acting_user=None)
    cancelled = make_entry("Tiếp đoàn công tác", start=at(2026, 12, 3, 14), end=at(2026, 12, 3, 16))
    services.publish_entry(cancelled, acting_user=None)
    services.cancel_entry(cancelled, acting_user=None, reason="Đoàn hoãn chuyến đi")
    all_day = make_entry(
        "Đi công tác huyện đảo",
        start=at(2026, 12, 4),
        end=at(2026, 12, 5),
        all_day=True,
    )
    services.publish_entry(all_day, acting_user=None)
    other_agency = make_entry("Họp của Sở B", organisation=org_tree.dept_b, chair=None)
    services.publish_entry(other_agency, acting_user=None)
    return {
        "published": published,
        "draft": draft,
        "internal": internal,
        "cancelled": cancelled,
        "all_day": all_day,
    }


def test_the_public_week_shows_published_entries_only(client, org_tree, calendar):
    response = client.get(WEEK.format(pk=org_tree.dept_a.pk))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Họp giao ban lãnh đạo Sở" in page
    assert "Phòng họp số 1" in page and "Trần Thị Bình" in page and "Phạm Minh Dũng" in page
    assert "Đại diện Sở Tài chính" in page
    assert "Tiếp đoàn công tác" in page  # published, then cancelled: shown as cancelled
    assert "<del>Tiếp đoàn công tác</del>" in page
    assert "Dự thảo chưa công bố" not in page
    assert "Làm việc nội bộ" not in page
    assert "Họp của Sở B" not in page
    # One heading per day, Monday to Sunday; links to the neighbouring weeks and the feed.
    assert page.count('<section class="calendar-day"') == 7
    assert "tuan=2026-W48" in page and "tuan=2026-W50" in page
    assert f"/lich-cong-tac/{org_tree.dept_a.pk}/lich.ics" in page


def test_a_bad_week_or_agency_is_not_found(client, org_tree):
    assert client.get(f"/lich-cong-tac/{org_tree.dept_a.pk}/?tuan=2026-W60").status_code == 404
    assert client.get(f"/lich-cong-tac/{org_tree.division_a1.pk}/").status_code == 404
    assert client.get("/lich-cong-tac/").status_code == 200


def test_the_icalendar_feed_parses_back(client, org_tree, calendar, monkeypatch):
    from chinhquyen.meetings import public

    # The feed covers a window around "now": the week before the entries.
    monkeypatch.setattr(public.timezone, "now", lambda: at(2026, 11, 25, 9))
    response = client.get(f"/lich-cong-tac/{org_tree.dept_a.pk}/lich.ics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    parsed = icalendar.Calendar.from_ical(response.content)
    events = {str(event["SUMMARY"]): event for event in parsed.walk("VEVENT")}
    assert set(events) == {
        "Họp giao ban lãnh đạo Sở",
        "Tiếp đoàn công tác",
        "Đi công tác huyện đảo",
    }

    meeting = events["Họp giao ban lãnh đạo Sở"]
    assert str(meeting["UID"]) == f"{calendar['published'].uid}@chinhquyen"
    assert meeting["DTSTART"].params["TZID"] == "Asia/Ho_Chi_Minh"
    assert meeting.decoded("DTSTART") == at(2026, 11, 30, 8)
    assert meeting.decoded("DTEND") == at(2026, 11, 30, 10)
    assert str(meeting["LOCATION"]) == "Phòng họp số 1"
    assert "Trần Thị Bình" in str(meeting["DESCRIPTION"])
    assert "Đại diện Sở Tài chính" in str(meeting["DESCRIPTION"])
    assert str(meeting["STATUS"]) == "CONFIRMED"

    cancelled = events["Tiếp đoàn công tác"]
    assert str(cancelled["STATUS"]) == "CANCELLED"
    assert int(cancelled["SEQUENCE"]) == 2  # published (1), cancelled (2)

    whole_day = events["Đi công tác huyện đảo"]
    assert whole_day.decoded("DTSTART") == datetime.date(2026, 12, 4)
    assert whole_day.decoded("DTEND") == datetime.date(2026, 12, 5)  # exclusive
    assert any(c.name == "VTIMEZONE" for c in parsed.subcomponents)
