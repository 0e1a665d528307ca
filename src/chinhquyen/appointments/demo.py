"""Demo queue tickets: slot settings for two demo agencies and a few bookings.

DEVELOPMENT DATA ONLY (``chinhquyen load_demo`` refuses to run in production). Made through the
services, acting as the demo IT administrator (``quantri_it``) and three demo citizens
(``congdan-demo-1`` … ``-3``, no password: they cannot sign in; sign in through the
development OIDC provider to book yourself). Idempotent: an agency that already has slot
settings is left alone.
"""

from __future__ import annotations

from django.db.models import Count

from chinhquyen.accounts.choices import UserKind
from chinhquyen.accounts.models import User
from chinhquyen.appointments import services
from chinhquyen.appointments.models import AgencySlotSettings
from chinhquyen.directory.models import Official, Organisation

DEMO_CITIZENS = [
    ("congdan-demo-1", "Nguyễn Thị Mai"),
    ("congdan-demo-2", "Trần Văn Hùng"),
    ("congdan-demo-3", "Lê Thị Hồng"),
]
# (slot minutes, capacity, days ahead, ticket letter) of the two demo agencies.
DEMO_SETTINGS = [(30, 4, 10, "A"), (20, 2, 5, "B")]


def _citizens() -> list[User]:
    users = []
    for username, full_name in DEMO_CITIZENS:
        user, created = User.objects.get_or_create(
            username=username, defaults={"kind": UserKind.CITIZEN, "full_name": full_name}
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        users.append(user)
    return users


def load_demo_appointments() -> dict[str, int]:
    """Configure slots at two demo agencies and book a few tickets on their next working
    days. Returns counts."""
    admin = User.objects.filter(username="quantri_it").first()
    candidates = (
        Organisation.objects.exclude(qcvn_code__isnull=True)
        .exclude(qcvn_code="")
        .annotate(procedures=Count("procedure_versions"))
        .filter(procedures__gt=0)
    )
    # The demo one-stop officer's agency (``motcua``, Department of Justice) first, so that
    # account can try the counter screen, then the agency implementing the most procedures.
    officer = Official.objects.filter(user__username="motcua").first()
    first = candidates.filter(pk=officer.organisation_id).first() if officer else None
    agencies = [first] if first else []
    agencies += list(
        candidates.exclude(pk__in=[a.pk for a in agencies]).order_by("-procedures", "path")[
            : 2 - len(agencies)
        ]
    )
    if admin is None or not agencies:
        return {"agencies": 0, "tickets": 0}
    citizens = _citizens()
    configured = tickets = 0
    for agency, (minutes, capacity, ahead, prefix) in zip(agencies, DEMO_SETTINGS, strict=False):
        if AgencySlotSettings.objects.filter(agency=agency).exists():
            continue
        services.configure_slots(
            agency=agency, slot_minutes=minutes, capacity=capacity, days_ahead=ahead,
            prefix=prefix, acting_user=admin,
        )  # fmt: skip
        configured += 1
        procedures = [v.procedure for v in agency.procedure_versions.select_related("procedure")]
        days = services.bookable_days(agency)[1:3]
        for index, citizen in enumerate(citizens):
            day = days[index % len(days)]
            slots = [s for s in services.day_slots(agency, day) if s.bookable]
            services.book_ticket(
                procedure=procedures[index % len(procedures)],
                agency=agency,
                starts_at=slots[index].starts_at,
                acting_user=citizen,
                phone=f"09120000{index:02d}",
            )
            tickets += 1
    return {"agencies": configured, "tickets": tickets}
