"""The periodic IT-application report (báo cáo định kỳ tình hình ứng dụng CNTT), computed.

Legal basis (domain-vn.md §5.2): Circular 06/2013/TT-BTTTT — calendar year, sent to the
ministry before 1 February of the next year; contents (Art. 2): IT infrastructure, IT use,
portals, online public services, security, policies, staff. Its Appendix II line items are
UNCONFIRMED, and so is whether the circular still applies after Decree 224/2026 (Art. 8):
the basis is therefore data (:data:`REPORT_BASES`, chosen by the setting
``INFRASTRUCTURE_REPORT_BASIS``), and the report says so in its note.

Every figure is computed, none typed as a total:

* from the **submitted** inventories of the year (drafts and missing agencies are listed but
  not counted): officials, computers, LAN, Internet, firewall, antivirus, Wi-Fi, e-mail, IT
  staff, trainings — per level (``ReportLevel``) and in total;
* **servers** = ``Server`` rows of the agency in service at the snapshot date;
* **video-conference endpoints** = ``meetings.services.endpoint_counts`` at the snapshot;
* **certificates** = ``signing.registry.certificate_counts`` valid on the snapshot date;
* **online services** = the procedure versions in force at the snapshot, by online mode and
  implementing level (``procedures.services.catalogue.current_versions``);
* **e-document share** = ``documents.services.statistics.document_statistics`` for the
  calendar year (electronic share of documents received and issued).

The snapshot is the year's last moment, or now while the year is running
(``agencies.snapshot_at``). Formulas:

* computers per official = computers / officials (2 decimals, half up);
* % officials with e-mail = officials with an official e-mail account / officials × 100;
* % agencies with LAN (with a firewall, licensed antivirus, Wi-Fi, on the specialised data
  network) = agencies answering yes (antivirus: seats > 0) / agencies that submitted × 100;
* % computers with licensed antivirus = Σ min(seats, computers) / computers × 100;
* % computers on the LAN / the Internet = connected / computers × 100;
* percentages have one decimal (half up); "—" when the denominator is 0.
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.utils import timezone

from chinhquyen.directory.models import Organisation
from chinhquyen.infrastructure.choices import InventoryStatus, ReportLevel
from chinhquyen.infrastructure.models import AgencyInventory, InventoryYear, Server
from chinhquyen.infrastructure.services.agencies import (
    Agency,
    agency_map,
    reporting_agencies,
    snapshot_at,
    year_bounds,
)
from chinhquyen.infrastructure.services.platform import servers_in_service


@dataclass(frozen=True)
class ReportBasis:
    """The legal instrument a report follows; versioned data, not constants in code."""

    code: str
    legal_basis: str
    title_vi: str
    title_en: str
    effective_from: datetime.date
    due_month: int  # the report is due *before* this day of the next year
    due_day: int
    note_vi: str
    note_en: str

    def due_before(self, year: int) -> datetime.date:
        return datetime.date(year + 1, self.due_month, self.due_day)


CIRCULAR_06_2013 = ReportBasis(
    code="tt06-2013",
    legal_basis="Thông tư 06/2013/TT-BTTTT (07/3/2013)",
    title_vi="Báo cáo định kỳ tình hình ứng dụng công nghệ thông tin của cơ quan nhà nước",
    title_en="Periodic report on the use of information technology in state agencies",
    effective_from=datetime.date(2013, 5, 1),
    due_month=2,
    due_day=1,
    note_vi=(
        "Căn cứ: Thông tư 06/2013/TT-BTTTT (kỳ báo cáo năm, gửi trước ngày 01 tháng 02 năm "
        "sau). CHƯA XÁC NHẬN: hiệu lực của Thông tư sau Nghị định 224/2026/NĐ-CP (Điều 8) và "
        "danh mục chỉ tiêu của Phụ lục II; các chỉ tiêu dưới đây là các chỉ tiêu các tỉnh "
        "thường công bố. Số liệu được tính tự động từ bản kê khai của các cơ quan và dữ liệu "
        "của hệ thống, không nhập tay."
    ),
    note_en=(
        "Basis: Circular 06/2013/TT-BTTTT (yearly, sent before 1 February of the next year). "
        "UNCONFIRMED: whether the circular still applies after Decree 224/2026/NĐ-CP (Art. 8), "
        "and the line items of its Appendix II; the indicators below are those provinces "
        "publish. Every figure is computed from the agencies' inventories and the platform's "
        "data, none typed by hand."
    ),
)
REPORT_BASES = {CIRCULAR_06_2013.code: CIRCULAR_06_2013}
DEFAULT_BASIS = CIRCULAR_06_2013.code


def report_basis() -> ReportBasis:
    code = getattr(settings, "INFRASTRUCTURE_REPORT_BASIS", DEFAULT_BASIS)
    return REPORT_BASES.get(code, CIRCULAR_06_2013)


def reporting_year_due(today: datetime.date | None = None) -> int:
    """The year whose report is being prepared: last year until 1 February, then this year."""
    today = today or timezone.localdate()
    basis = report_basis()
    if today < datetime.date(today.year, basis.due_month, basis.due_day):
        return today.year - 1
    return today.year


def pct(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(100 * part) / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP)


def ratio(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(Decimal("0.01"), ROUND_HALF_UP)


@dataclass
class LevelFigures:
    """Sums over the submitted inventories of one level (or all levels)."""

    level: str
    agencies: int = 0
    submitted: int = 0
    officials: int = 0
    computers: int = 0
    computers_lan: int = 0
    computers_internet: int = 0
    officials_with_email: int = 0
    agencies_lan: int = 0
    agencies_data_network: int = 0
    agencies_firewall: int = 0
    agencies_antivirus: int = 0
    agencies_wifi: int = 0
    antivirus_covered: int = 0
    wifi_access_points: int = 0
    internet_mbps: int = 0
    servers: int = 0
    endpoints: int = 0
    certificates: int = 0
    it_staff: int = 0
    it_staff_degrees: int = 0
    training_sessions: int = 0
    trainees: int = 0

    def add_inventory(self, inventory: AgencyInventory) -> None:
        self.submitted += 1
        for name in (
            "officials",
            "computers",
            "computers_lan",
            "computers_internet",
            "officials_with_email",
            "wifi_access_points",
            "internet_mbps",
            "it_staff",
            "it_staff_degrees",
            "training_sessions",
            "trainees",
        ):
            setattr(self, name, getattr(self, name) + getattr(inventory, name))
        self.agencies_lan += inventory.has_lan
        self.agencies_data_network += inventory.data_network
        self.agencies_firewall += bool(inventory.firewall_model)
        self.agencies_antivirus += inventory.antivirus_seats > 0
        self.agencies_wifi += inventory.has_wifi
        self.antivirus_covered += min(inventory.antivirus_seats, inventory.computers)

    @property
    def computers_per_official(self):
        return ratio(self.computers, self.officials)

    @property
    def email_share(self):
        return pct(self.officials_with_email, self.officials)

    @property
    def lan_share(self):
        return pct(self.agencies_lan, self.submitted)

    @property
    def data_network_share(self):
        return pct(self.agencies_data_network, self.submitted)

    @property
    def firewall_share(self):
        return pct(self.agencies_firewall, self.submitted)

    @property
    def antivirus_share(self):
        return pct(self.agencies_antivirus, self.submitted)

    @property
    def antivirus_computer_share(self):
        return pct(self.antivirus_covered, self.computers)

    @property
    def wifi_share(self):
        return pct(self.agencies_wifi, self.submitted)

    @property
    def computers_lan_share(self):
        return pct(self.computers_lan, self.computers)

    @property
    def computers_internet_share(self):
        return pct(self.computers_internet, self.computers)

    @property
    def average_internet_mbps(self):
        return ratio(self.internet_mbps, self.submitted)


@dataclass
class AgencyRow:
    agency: Agency
    inventory: AgencyInventory | None
    servers: int = 0
    endpoints: int = 0
    certificates_organisational: int = 0
    certificates_personal: int = 0
    certificates_sim: int = 0

    @property
    def status(self) -> str:
        return self.inventory.status if self.inventory else "missing"

    @property
    def counted(self) -> bool:
        return self.inventory is not None and self.inventory.status == InventoryStatus.SUBMITTED


@dataclass
class ReportData:
    year: int
    root: Organisation
    basis: ReportBasis
    snapshot: datetime.datetime
    generated_at: datetime.datetime
    locked: bool
    rows: list[AgencyRow]
    levels: dict[str, LevelFigures]
    total: LevelFigures
    endpoints_by_level: dict[str, int]
    certificates: dict[str, int]
    online_services: dict[str, dict[str, int]]  # level → mode → count
    documents: dict[str, object]
    servers: list[Server] = field(default_factory=list)

    @property
    def due_before(self) -> datetime.date:
        return self.basis.due_before(self.year)

    @property
    def missing(self) -> list[AgencyRow]:
        return [row for row in self.rows if not row.counted]

    @property
    def levels_shown(self) -> list[LevelFigures]:
        return [figures for figures in self.levels.values() if figures.agencies]

    @property
    def online_totals(self) -> dict[str, int]:
        totals: Counter = Counter()
        for modes in self.online_services.values():
            totals.update(modes)
        return dict(totals)

    @property
    def full_online_share(self):
        totals = self.online_totals
        return pct(totals.get("full", 0), sum(totals.values()))


def _online_services(at: datetime.datetime) -> dict[str, dict[str, int]]:
    from django.db.models import Count

    from chinhquyen.procedures.choices import ImplementingLevel, OnlineMode
    from chinhquyen.procedures.services.catalogue import current_versions

    result = {level: dict.fromkeys(OnlineMode.values, 0) for level in ImplementingLevel.values}
    rows = current_versions(at).order_by().values("level", "online_mode").annotate(n=Count("pk"))
    for row in rows:
        result.setdefault(row["level"], dict.fromkeys(OnlineMode.values, 0))
        result[row["level"]][row["online_mode"]] = row["n"]
    return result


def _documents(root: Organisation, year: int, snapshot: datetime.datetime) -> dict[str, object]:
    from chinhquyen.documents.services.statistics import document_statistics, total_of

    start, end = year_bounds(year)
    end = min(end, max(snapshot, start + datetime.timedelta(seconds=1)))
    total = total_of(document_statistics(root=root, start=start, end=end))
    return {
        "incoming": total.incoming_received,
        "incoming_electronic": total.incoming_electronic,
        "outgoing": total.outgoing_issued,
        "outgoing_electronic": total.outgoing_electronic,
        "signed_digitally": total.signed_digitally,
        "exchanged": total.exchanged,
        "exchanged_electronically": total.exchanged_electronically,
        "electronic_share": total.electronic_share,
    }


def build_report(year: int, root: Organisation, *, now: datetime.datetime | None = None):
    """Everything the report shows for ``year`` and the province ``root``."""
    from chinhquyen.meetings.choices import EndpointLevel
    from chinhquyen.meetings.services import endpoint_counts
    from chinhquyen.signing.registry import certificate_counts

    now = now or timezone.now()
    at = snapshot_at(year, now=now)
    agencies = reporting_agencies(year, root)
    keys = agency_map()
    inventories = {
        inv.organisation_id: inv
        for inv in AgencyInventory.objects.filter(
            year=year, organisation_id__in=[a.pk for a in agencies]
        )
    }
    rows = {a.pk: AgencyRow(agency=a, inventory=inventories.get(a.pk)) for a in agencies}

    servers = list(
        Server.objects.filter(organisation__path__startswith=root.path)
        .filter(servers_in_service(None, timezone.localtime(at).date()))
        .select_related("organisation")
        .prefetch_related("services")
    )
    for server in servers:
        row = rows.get(keys.get(server.organisation_id, server.organisation_id))
        if row:
            row.servers += 1
    endpoints_by_level = dict.fromkeys(EndpointLevel.values, 0)
    for count in endpoint_counts(root, at=at):
        for level, n in count.by_level.items():
            endpoints_by_level[level] = endpoints_by_level.get(level, 0) + n
        row = rows.get(keys.get(count.organisation_id, count.organisation_id))
        if row:
            row.endpoints += count.total
    certificates = {"organisational": 0, "personal": 0, "sim": 0}
    for count in certificate_counts(at=timezone.localtime(at).date(), root=root):
        certificates["organisational"] += count.organisational
        certificates["personal"] += count.personal
        certificates["sim"] += count.sim
        row = rows.get(keys.get(count.organisation_id, count.organisation_id))
        if row:
            row.certificates_organisational += count.organisational
            row.certificates_personal += count.personal
            row.certificates_sim += count.sim

    levels = {level: LevelFigures(level=level) for level in ReportLevel.values}
    total = LevelFigures(level="total")
    for row in rows.values():
        for figures in (levels[row.agency.level], total):
            figures.agencies += 1
            figures.servers += row.servers
            figures.endpoints += row.endpoints
            figures.certificates += (
                row.certificates_organisational + row.certificates_personal + row.certificates_sim
            )
            if row.counted:
                figures.add_inventory(row.inventory)
    year_row = InventoryYear.objects.filter(year=year).first()
    return ReportData(
        year=year,
        root=root,
        basis=report_basis(),
        snapshot=at,
        generated_at=now,
        locked=bool(year_row and year_row.is_locked),
        rows=list(rows.values()),
        levels=levels,
        total=total,
        endpoints_by_level=endpoints_by_level,
        certificates=certificates,
        online_services=_online_services(at),
        documents=_documents(root, year, at),
        servers=servers,
    )


def completion(year: int, agencies: list[Agency]) -> dict[int, AgencyInventory]:
    """Agency id → its inventory for ``year`` (absent: not started)."""
    return {
        inv.organisation_id: inv
        for inv in AgencyInventory.objects.filter(
            year=year, organisation_id__in=[a.pk for a in agencies]
        ).select_related("submitted_by", "updated_by")
    }


__all__ = [
    "CIRCULAR_06_2013",
    "REPORT_BASES",
    "AgencyRow",
    "LevelFigures",
    "ReportBasis",
    "ReportData",
    "build_report",
    "completion",
    "pct",
    "ratio",
    "report_basis",
    "reporting_year_due",
]
