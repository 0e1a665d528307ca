"""Demo opening hours for the agencies of the demo province (development only, idempotent)."""

from chinhquyen.directory.choices import OrganisationKind
from chinhquyen.directory.models import Organisation
from chinhquyen.portal.models import AgencyContact
from chinhquyen.portal.services import set_agency_contact

DEMO_HOURS = "Thứ Hai – Thứ Sáu: sáng 7:30–11:30, chiều 13:30–17:00 (dữ liệu minh họa)"
DEMO_HOURS_EN = "Monday – Friday: 7:30–11:30 and 13:30–17:00 (demo data)"


def load_demo_contacts() -> int:
    """Give every public agency without opening hours the demo hours; returns how many."""
    missing = (
        Organisation.objects.exclude(kind=OrganisationKind.DIVISION)
        .filter(valid_until__isnull=True)
        .exclude(pk__in=AgencyContact.objects.values("organisation"))
    )
    count = 0
    for organisation in missing:
        set_agency_contact(
            organisation=organisation,
            opening_hours=DEMO_HOURS,
            opening_hours_en=DEMO_HOURS_EN,
            acting_user=None,
        )
        count += 1
    return count
