"""The demo inventory: every demo agency filled through the services, the report has real
numbers, and a second run adds nothing."""

import pytest

from chinhquyen.directory.demo import load_demo_accounts, load_demo_organisations
from chinhquyen.directory.models import Organisation
from chinhquyen.directory.units import load_units
from chinhquyen.infrastructure import report_files
from chinhquyen.infrastructure.demo import load_demo_infrastructure
from chinhquyen.infrastructure.models import AgencyInventory, PlatformService, Server
from chinhquyen.infrastructure.services.report import build_report, reporting_year_due


@pytest.fixture
def demo_province(db):
    load_units(province_code="08")
    organisations = load_demo_organisations()
    load_demo_accounts(organisations)
    return organisations


def test_demo_fills_the_agencies_and_the_report_has_numbers(demo_province):
    from chinhquyen.meetings.demo import load_demo_meetings

    load_demo_meetings()
    created = load_demo_infrastructure()
    year = reporting_year_due()
    # 16 current agencies: the committee, its office, 8 departments, 6 communes.
    assert created["inventories"] == AgencyInventory.objects.filter(year=year).count() == 16
    assert AgencyInventory.objects.filter(status="draft").count() == 1
    assert PlatformService.objects.count() == 5
    assert Server.objects.count() == created["servers"] > 6
    data = build_report(year, Organisation.objects.get(depth=1))
    assert data.total.submitted == 15
    assert (
        data.levels["province"].computers_per_official
        > data.levels["commune"].computers_per_official
    )
    assert data.total.email_share > 90
    # one endpoint per agency and public service unit (meetings demo): 16 + 5
    assert sum(data.endpoints_by_level.values()) == 21
    assert report_files.build_workbook(data).startswith(b"PK")
    assert load_demo_infrastructure() == {"servers": 0, "services": 0, "inventories": 0}
