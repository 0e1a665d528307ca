"""Public statistics of dossier results for the whole province (issue 4 item 10).

Definitions (docs/portal.md):

* **received** — dossiers whose receipt time (``received_at``, local time) falls in the month,
  every channel;
* **resolved** — dossiers whose result (a decision, including a refusal) was ready in the month
  (``result_ready_at``), split by their timeliness ``outcome`` as the dossiers app measured it
  against the legal deadline (``dossiers.services.common.outcome_for``): early, on time, late;
* **on-time rate** — (early + on time) / resolved.

Each dossier counts for its processing (lead) agency. Two grouped queries and one for the
agency names, whatever the number of dossiers; nothing personal is read.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count
from django.db.models.functions import ExtractMonth
from django.utils import timezone

from chinhquyen.directory.models import Organisation
from chinhquyen.dossiers.choices import Outcome
from chinhquyen.dossiers.models import Dossier


@dataclass
class Counts:
    received: int = 0
    early: int = 0
    on_time: int = 0
    late: int = 0

    @property
    def resolved(self) -> int:
        return self.early + self.on_time + self.late

    @property
    def on_time_rate(self) -> Decimal | None:
        """Percentage, one decimal; ``None`` when nothing was resolved."""
        if not self.resolved:
            return None
        rate = Decimal(100 * (self.early + self.on_time)) / Decimal(self.resolved)
        return rate.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    def add(self, other: Counts) -> None:
        self.received += other.received
        self.early += other.early
        self.on_time += other.on_time
        self.late += other.late


@dataclass
class AgencyRow:
    agency_id: int
    name: str
    name_en: str
    code: str
    counts: Counts = field(default_factory=Counts)


@dataclass
class ProvinceStatistics:
    year: int
    month: int | None
    agency: Organisation | None
    by_month: dict[int, Counts]
    by_agency: list[AgencyRow]
    by_agency_month: dict[tuple[int, int], Counts]
    total: Counts


def period_bounds(year: int, month: int | None) -> tuple[datetime.datetime, datetime.datetime]:
    """The local-time start and end (exclusive) of the year or of one month of it."""
    tz = timezone.get_current_timezone()
    if month is None:
        start, end = datetime.date(year, 1, 1), datetime.date(year + 1, 1, 1)
    else:
        start = datetime.date(year, month, 1)
        end = datetime.date(year + (month == 12), month % 12 + 1, 1)
    return (
        datetime.datetime.combine(start, datetime.time(), tzinfo=tz),
        datetime.datetime.combine(end, datetime.time(), tzinfo=tz),
    )


def province_statistics(
    *, year: int, month: int | None = None, agency: Organisation | None = None
) -> ProvinceStatistics:
    """Received and resolved (early / on time / late) dossiers by agency and month."""
    start, end = period_bounds(year, month)
    dossiers = Dossier.objects.all()
    if agency is not None:
        dossiers = dossiers.filter(lead_agency=agency)
    cells: dict[tuple[int, int], Counts] = {}

    def cell(agency_id: int, month_number: int) -> Counts:
        return cells.setdefault((agency_id, month_number), Counts())

    received = (
        dossiers.filter(received_at__gte=start, received_at__lt=end)
        .annotate(month=ExtractMonth("received_at"))
        .values("lead_agency", "month")
        .annotate(count=Count("id"))
        .order_by()
    )
    for row in received:
        cell(row["lead_agency"], row["month"]).received = row["count"]
    resolved = (
        dossiers.filter(result_ready_at__gte=start, result_ready_at__lt=end)
        .exclude(outcome="")
        .annotate(month=ExtractMonth("result_ready_at"))
        .values("lead_agency", "month", "outcome")
        .annotate(count=Count("id"))
        .order_by()
    )
    attribute = {Outcome.EARLY: "early", Outcome.ON_TIME: "on_time", Outcome.LATE: "late"}
    for row in resolved:
        counts = cell(row["lead_agency"], row["month"])
        setattr(counts, attribute[row["outcome"]], row["count"])

    agencies = {
        org["pk"]: org
        for org in Organisation.objects.filter(pk__in={a for a, _m in cells}).values(
            "pk", "name", "name_en", "qcvn_code"
        )
    }
    months = [month] if month else list(range(1, 13))
    by_month = {m: Counts() for m in months}
    rows: dict[int, AgencyRow] = {}
    total = Counts()
    for (agency_id, month_number), counts in cells.items():
        by_month.setdefault(month_number, Counts()).add(counts)
        info = agencies[agency_id]
        row = rows.setdefault(
            agency_id,
            AgencyRow(agency_id, info["name"], info["name_en"], info["qcvn_code"] or ""),
        )
        row.counts.add(counts)
        total.add(counts)
    return ProvinceStatistics(
        year=year,
        month=month,
        agency=agency,
        by_month=by_month,
        by_agency=sorted(rows.values(), key=lambda r: (-r.counts.received, r.name, r.agency_id)),
        by_agency_month=cells,
        total=total,
    )
