"""endpoint_counts: video-conference endpoints per agency and level at a date (issue 8)."""

import pytest

from chinhquyen.meetings import services
from chinhquyen.meetings.choices import EndpointLevel
from chinhquyen.meetings.models import ConferenceEndpoint
from chinhquyen.meetings.tests.conftest import at

pytestmark = pytest.mark.django_db


def test_endpoints_per_agency_and_level_at_a_date(org_tree, django_assert_num_queries):
    def add(org, name, level):
        return services.create_endpoint(organisation=org, name=name, level=level, acting_user=None)

    add(org_tree.province, "Trung tâm tỉnh", EndpointLevel.PROVINCE)
    add(org_tree.dept_a, "Sở A — phòng 1", EndpointLevel.DEPARTMENT)
    add(org_tree.dept_a, "Sở A — phòng 2", EndpointLevel.DEPARTMENT)
    retired = add(org_tree.dept_a, "Sở A — cũ", EndpointLevel.DEPARTMENT)
    add(org_tree.dept_b, "Sở B", EndpointLevel.DEPARTMENT)
    ConferenceEndpoint.objects.update(created_at=at(2026, 1, 5))
    services.update_endpoint(retired, acting_user=None, is_active=False)
    ConferenceEndpoint.objects.filter(pk=retired.pk).update(retired_at=at(2026, 6, 1))

    with django_assert_num_queries(2):
        rows = services.endpoint_counts(at=at(2026, 12, 31))
    assert [(r.name, r.by_level[EndpointLevel.DEPARTMENT], r.total) for r in rows] == [
        ("Ủy ban nhân dân tỉnh Thử Nghiệm", 0, 1),
        ("Sở A", 2, 2),
        ("Sở B", 1, 1),
    ]
    # Before it went out of service the old endpoint counted; before registration nothing.
    earlier = services.endpoint_counts(org_tree.dept_a, at=at(2026, 3, 1))
    assert [(r.name, r.total) for r in earlier] == [("Sở A", 3)]
    assert services.endpoint_counts(at=at(2025, 12, 31)) == []
