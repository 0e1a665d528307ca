"""Shared helpers of the insights tests: walk dossiers through the real services."""

from __future__ import annotations

import datetime

from chinhquyen.dossiers.services import transition
from chinhquyen.dossiers.tests.conftest import at, pdf

# Working days of Jan–Mar 2026 (Tết 14–22 Feb left out) spanning two month boundaries.
DAYS = [datetime.date(2026, 1, d) for d in (5, 6, 7, 8, 9, 12, 13, 26, 27, 28, 29, 30)] + [
    datetime.date(2026, 2, d) for d in (2, 3, 4, 5, 6, 9, 10, 11, 12, 13, 23, 24, 25, 26, 27)
]
CHANNELS = ("counter", "post", "online", "national_portal")


def snapshot() -> list[tuple]:
    """Every counter row, in key order (what the dashboard reads)."""
    from chinhquyen.insights.models import Counter

    return list(
        Counter.objects.order_by(
            "grain", "period", "procedure_id", "agency_id", "metric"
        ).values_list("grain", "period", "procedure_id", "agency_id", "metric", "value")
    )


def prepare(catalogue, *, online_mode: str = "full") -> None:
    """Components optional (a dossier may come without any file: not digitised) and the
    version's online mode set; the intake caches published versions, so they are emptied."""
    from chinhquyen.dossiers.services import in_force, intake
    from chinhquyen.procedures.choices import ComponentRequirement
    from chinhquyen.procedures.models import ProcedureComponent, ProcedureVersion

    ProcedureComponent.objects.filter(version=catalogue.version).update(
        requirement=ComponentRequirement.OPTIONAL
    )
    ProcedureVersion.objects.filter(pk=catalogue.version.pk).update(online_mode=online_mode)
    in_force.forget()
    intake._PARTS_CACHE.clear()


def walk(
    receive,
    catalogue,
    people,
    *,
    day: datetime.date,
    hour: int,
    channel: str,
    files: bool,
    fate: str | None,
    delay_hours: int,
):
    """Receive one dossier; then, for a fate, forward → transfer → forward → approve/reject,
    the decision ``delay_hours`` after receipt. Returns the dossier."""
    officer_an, specialist_dung, specialist_minh, leader_binh = people
    received = at(day.year, day.month, day.day, hour, 17)
    components = [(catalogue.application_form, pdf())] if files else []
    dossier = receive(channel=channel, received_at=received, components=components)
    if fate is None:
        return dossier
    step = datetime.timedelta(minutes=10)
    transition(dossier, "forward", acting_user=officer_an, at=received + step)
    transition(dossier, "transfer", acting_user=specialist_dung, at=received + 2 * step)
    transition(dossier, "forward", acting_user=specialist_minh, at=received + 3 * step)
    decided = received + 4 * step + datetime.timedelta(hours=delay_hours, seconds=13)
    note = "Không đủ điều kiện" if fate == "reject" else ""
    transition(dossier, fate, acting_user=leader_binh, at=decided, note=note)
    return dossier
