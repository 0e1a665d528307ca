"""Demo work calendars and video-conference endpoints (``chinhquyen load_demo``).

One endpoint per current agency (province, departments, communes; at most ``MAX_AGENCIES``), a
published calendar for this week and the next for the province and a few agencies, and one
province-wide video conference booking the endpoints of the departments and communes. Runs
through the services (audited); a second run adds nothing.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from chinhquyen.directory.choices import OfficialStatus, OrganisationKind
from chinhquyen.directory.models import Official, Organisation
from chinhquyen.meetings import services
from chinhquyen.meetings.choices import EndpointLevel
from chinhquyen.meetings.errors import MeetingError
from chinhquyen.meetings.models import CalendarEntry, ConferenceEndpoint

DEMO = " (dữ liệu minh họa)"
MAX_AGENCIES = 40
CALENDARS = 6
LEVELS = {
    OrganisationKind.PEOPLES_COMMITTEE: EndpointLevel.PROVINCE,
    OrganisationKind.COMMUNE_COMMITTEE: EndpointLevel.COMMUNE,
}
# (weekday 0 = Monday, start hour, minutes, content, place)
WEEK = [
    (0, 8, 90, "Giao ban lãnh đạo đầu tuần", "Phòng họp số 1"),
    (1, 14, 120, "Làm việc với các phòng chuyên môn về kế hoạch năm", "Phòng họp số 2"),
    (2, 8, 180, "Tiếp công dân định kỳ", "Trụ sở tiếp công dân"),
    (3, 8, 240, "Kiểm tra tiến độ các dự án trọng điểm", "Thực địa"),
    (4, 15, 90, "Họp rà soát hồ sơ trễ hạn", "Phòng họp số 1"),
]


def _chair(organisation: Organisation) -> Official | None:
    return (
        Official.objects.filter(organisation=organisation)
        .exclude(status=OfficialStatus.LEFT)
        .order_by("pk")
        .first()
    )


def load_demo_meetings() -> dict[str, int]:
    created = {"endpoints": 0, "entries": 0, "bookings": 0}
    agencies = list(
        Organisation.objects.filter(valid_until__isnull=True)
        .exclude(kind=OrganisationKind.DIVISION)
        .order_by("path")[:MAX_AGENCIES]
    )
    if not agencies:
        return created
    endpoints = {}
    for agency in agencies:
        endpoint = ConferenceEndpoint.objects.filter(organisation=agency).first()
        if endpoint is None:
            endpoint = services.create_endpoint(
                organisation=agency,
                name=f"Điểm cầu {agency.short_name or agency.name}"[:200],
                level=LEVELS.get(agency.kind, EndpointLevel.DEPARTMENT),
                location="Phòng họp trực tuyến",
                capacity=30,
                equipment="Camera, màn hình, micro, đường truyền số liệu chuyên dùng",
                acting_user=None,
            )
            created["endpoints"] += 1
        endpoints[agency.pk] = endpoint
    if CalendarEntry.objects.filter(title__endswith=DEMO).exists():
        return created
    monday = timezone.localdate() - datetime.timedelta(days=timezone.localdate().weekday())
    for agency in agencies[:CALENDARS]:
        chair = _chair(agency)
        for week in (0, 7):
            for weekday, hour, minutes, title, place in WEEK:
                day = monday + datetime.timedelta(days=week + weekday)
                start = services.local_midnight(day) + datetime.timedelta(hours=hour)
                entry = services.create_entry(
                    organisation=agency,
                    title=title + DEMO,
                    starts_at=start,
                    ends_at=start + datetime.timedelta(minutes=minutes),
                    place=place,
                    chair=chair,
                    acting_user=None,
                ).entry
                services.publish_entry(entry, acting_user=None)
                created["entries"] += 1
    province = agencies[0]
    start = services.local_midnight(monday + datetime.timedelta(days=9)) + datetime.timedelta(
        hours=8
    )
    conference = services.create_entry(
        organisation=province,
        title="Hội nghị trực tuyến triển khai nhiệm vụ chuyển đổi số" + DEMO,
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=3),
        place="Hội trường UBND tỉnh, kết nối trực tuyến đến các sở và xã",
        chair=_chair(province),
        acting_user=None,
    ).entry
    services.publish_entry(conference, acting_user=None)
    created["entries"] += 1
    for endpoint in endpoints.values():
        try:
            services.book_endpoint(conference, endpoint, acting_user=None)
        except MeetingError:
            continue
        created["bookings"] += 1
    return created
