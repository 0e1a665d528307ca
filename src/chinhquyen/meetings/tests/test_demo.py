"""The demo calendars go through the services and a second run adds nothing."""

import pytest

from chinhquyen.meetings.demo import load_demo_meetings
from chinhquyen.meetings.models import CalendarEntry, EndpointBooking

pytestmark = pytest.mark.django_db


def test_demo_calendars_and_endpoints(org_tree, leader_binh):
    first = load_demo_meetings()
    # Province, department A and department B (divisions have no endpoint of their own).
    assert first == {"endpoints": 3, "entries": 3 * 10 + 1, "bookings": 3}
    assert CalendarEntry.objects.filter(status="published").count() == 31
    assert EndpointBooking.objects.filter(released_at__isnull=True).count() == 3
    assert load_demo_meetings() == {"endpoints": 0, "entries": 0, "bookings": 0}
