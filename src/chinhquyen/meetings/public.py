"""The public work calendar on the portal (/lich-cong-tac/) and its iCalendar feed.

Public, GET only, no sign-in: the published calendar of the province's and each agency's
leaders, one ISO week per page (a list per day: readable on a 320 px phone and with a screen
reader), and an iCalendar (RFC 5545) feed per agency with the published entries of a bounded
window (cancelled ones as ``STATUS:CANCELLED``, so calendar programs remove them). Drafts and
entries the agency keeps internal are never shown.
"""

from __future__ import annotations

import datetime

import icalendar
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from chinhquyen.meetings import services
from chinhquyen.meetings.choices import EntryStatus
from chinhquyen.meetings.models import CalendarEntry
from chinhquyen.portal.forms import public_agencies
from chinhquyen.worktime.calendar import TZ

FEED_PAST_DAYS = 60
FEED_FUTURE_DAYS = 180
FEED_LIMIT = 1000
PRODID = "-//ChinhQuyen//Lich cong tac//VI"


def _week_link(agency_pk: int, code: str) -> str:
    return reverse("meetings_public:agency", args=[agency_pk]) + "?" + urlencode({"tuan": code})


@require_GET
def index(request):
    """The agencies whose calendars are published, in tree order (province first)."""
    agencies = public_agencies().order_by("path").only("pk", "name", "name_en", "depth", "path")
    return render(request, "meetings/public/index.html", {"agencies": agencies})


@require_GET
def agency_week(request, pk: int):
    agency = get_object_or_404(public_agencies(), pk=pk)
    try:
        year, number = services.parse_week(request.GET.get("tuan"))
    except ValueError as exc:
        raise Http404 from exc
    view = services.week_view(agency, year=year, week=number, public=True)
    return render(
        request,
        "meetings/public/week.html",
        {
            "agency": agency,
            "view": view,
            "previous_url": _week_link(agency.pk, view.previous_code),
            "next_url": _week_link(agency.pk, view.next_code),
            "this_week_url": reverse("meetings_public:agency", args=[agency.pk]),
            "feed_url": reverse("meetings_public:feed", args=[agency.pk]),
        },
    )


def _description(entry: CalendarEntry) -> str:
    lines = []
    if entry.chair_id:
        chair = entry.chair
        lines.append(
            f"Chủ trì / Chaired by: {chair.full_name}"
            + (f", {chair.position}" if chair.position else "")
        )
    participants = [official.full_name for official in entry.participants.all()]
    invitees = [line.strip() for line in entry.invitees.splitlines() if line.strip()]
    if participants or invitees:
        lines.append("Thành phần / Participants: " + "; ".join(participants + invitees))
    if entry.preparing_unit_id:
        lines.append(f"Chuẩn bị / Prepared by: {entry.preparing_unit.name}")
    if entry.status == EntryStatus.CANCELLED:
        lines.append(
            "ĐÃ HỦY / CANCELLED" + (f": {entry.cancel_reason}" if entry.cancel_reason else "")
        )
    return "\n".join(lines)


def build_feed(agency, entries) -> bytes:
    """The iCalendar document of ``entries`` (already limited to what the public may see)."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", f"Lịch công tác — {agency.name}")
    calendar.add("x-wr-timezone", "Asia/Ho_Chi_Minh")
    host = "chinhquyen"
    for entry in entries:
        event = icalendar.Event()
        event.add("uid", f"{entry.uid}@{host}")
        event.add("dtstamp", entry.updated_at)
        event.add("sequence", entry.sequence)
        if entry.all_day:
            event.add("dtstart", entry.starts_at.astimezone(TZ).date())
            event.add("dtend", entry.ends_at.astimezone(TZ).date())
        else:
            # Local wall-clock times with TZID=Asia/Ho_Chi_Minh (add_missing_timezones below
            # writes its VTIMEZONE), as people read them.
            event.add("dtstart", entry.starts_at.astimezone(TZ))
            event.add("dtend", entry.ends_at.astimezone(TZ))
        event.add("summary", entry.title)
        if entry.place:
            event.add("location", entry.place)
        description = _description(entry)
        if description:
            event.add("description", description)
        event.add("status", "CANCELLED" if entry.status == EntryStatus.CANCELLED else "CONFIRMED")
        event.add("last-modified", entry.updated_at)
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()


@require_GET
def feed(request, pk: int):
    agency = get_object_or_404(public_agencies(), pk=pk)
    now = timezone.now()
    entries = (
        services.published_entries()
        .filter(
            organisation=agency,
            ends_at__gt=now - datetime.timedelta(days=FEED_PAST_DAYS),
            starts_at__lt=now + datetime.timedelta(days=FEED_FUTURE_DAYS),
        )
        .select_related("chair", "preparing_unit")
        .prefetch_related("participants")
        .order_by("starts_at", "pk")[:FEED_LIMIT]
    )
    response = HttpResponse(
        build_feed(agency, entries), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'inline; filename="lich-cong-tac-{agency.pk}.ics"'
    response["Cache-Control"] = "public, max-age=300"
    return response
