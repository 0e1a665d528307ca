"""Demo IT inventory (``load_demo_infrastructure``), for ``chinhquyen load_demo``.

DEVELOPMENT DATA ONLY — illustrative figures, not any province's real ones. For the year whose
report is being prepared (``reporting_year_due``): the servers of the provincial data centre
(Trung tâm CNTT, Sở KH&CN) and a few departments, the platform services mapped to them, and an
inventory for every demo agency, submitted through the services as the demo IT administrator
(``quantri_it``) — except the last commune, left in draft so the completion list shows one.
Figures are drawn from a seeded generator around the ratios one province published
(computers per official ≈ 0.95 province / 0.38 commune, e-mail ≈ 98 %, antivirus ≈ 81 %).
Idempotent: a second run adds nothing.
"""

from __future__ import annotations

import datetime
import random

from chinhquyen.directory.models import Official, Organisation
from chinhquyen.infrastructure.choices import ReportLevel, ServiceKind
from chinhquyen.infrastructure.models import AgencyInventory, PlatformService, Server
from chinhquyen.infrastructure.services import inventory, platform
from chinhquyen.infrastructure.services.agencies import (
    directory_official_counts,
    reporting_agencies,
)
from chinhquyen.infrastructure.services.report import reporting_year_due

DEMO_ADMIN = "quantri_it"
DATA_CENTRE_CODE = "000.02.05.H99"  # Trung tâm CNTT và Truyền thông (directory demo)
# (name, role, operating system)
DATA_CENTRE_SERVERS = [
    ("srv-app-01", "Máy chủ ứng dụng (một cửa, cổng DVC)", "Ubuntu Server 24.04 LTS"),
    ("srv-app-02", "Máy chủ ứng dụng dự phòng", "Ubuntu Server 24.04 LTS"),
    ("srv-db-01", "Cơ sở dữ liệu PostgreSQL (chính)", "Debian 12"),
    ("srv-db-02", "Cơ sở dữ liệu PostgreSQL (bản sao)", "Debian 12"),
    ("srv-lgsp-01", "Nền tảng tích hợp, chia sẻ dữ liệu (LGSP)", "Red Hat Enterprise Linux 9"),
    ("srv-mail-01", "Thư điện tử công vụ", "Debian 12"),
]
# (code, name, English name, kind, servers)
SERVICES = [
    (
        "mot-cua",
        "Hệ thống thông tin giải quyết TTHC tỉnh",
        "One-stop information system",
        ServiceKind.ONE_STOP,
        ("srv-app-01", "srv-app-02", "srv-db-01"),
    ),
    (
        "cong-dvc",
        "Cổng dịch vụ công tỉnh",
        "Provincial public service portal",
        ServiceKind.PORTAL,
        ("srv-app-01", "srv-app-02", "srv-db-01"),
    ),
    (
        "qlvb",
        "Hệ thống quản lý văn bản và điều hành",
        "Document management",
        ServiceKind.DOCUMENTS,
        ("srv-app-02", "srv-db-01"),
    ),
    (
        "lgsp",
        "Nền tảng tích hợp, chia sẻ dữ liệu tỉnh (LGSP)",
        "Integration platform (LGSP)",
        ServiceKind.LGSP,
        ("srv-lgsp-01",),
    ),
    (
        "thu-dien-tu",
        "Hệ thống thư điện tử công vụ",
        "Official e-mail",
        ServiceKind.EMAIL,
        ("srv-mail-01",),
    ),
]
PROFILE = {  # level → (officials range, computers per official, e-mail share)
    ReportLevel.PROVINCE: ((60, 180), 0.95, 0.98),
    ReportLevel.DISTRICT: ((80, 120), 0.65, 0.95),
    ReportLevel.COMMUNE: ((22, 38), 0.38, 0.96),
}
FIREWALLS = ["Fortinet FortiGate 100F", "Sophos XGS 2100", "Palo Alto PA-440", ""]


def _admin():
    official = Official.objects.select_related("user").filter(user__username=DEMO_ADMIN).first()
    return official.user if official else None


def _figures(rng: random.Random, level: str, directory_count: int) -> dict:
    (low, high), per_official, email_share = PROFILE[level]
    officials = rng.randint(low, high)
    computers = max(1, round(officials * per_official * rng.uniform(0.9, 1.1)))
    has_lan = level != ReportLevel.COMMUNE or rng.random() < 0.85
    lan = round(computers * rng.uniform(0.85, 1.0)) if has_lan else 0
    firewall = (
        rng.choice(FIREWALLS)
        if level != ReportLevel.COMMUNE
        else rng.choice(["", "", "Fortinet FortiGate 40F"])
    )
    antivirus = round(computers * rng.uniform(0.7, 0.95)) if rng.random() < 0.81 else 0
    wifi = rng.random() < 0.9
    it_staff = rng.randint(1, 4) if level != ReportLevel.COMMUNE else rng.randint(0, 1)
    sessions = rng.randint(0, 3)
    data_network = level != ReportLevel.COMMUNE or rng.random() < 0.7
    return {
        "officials": officials,
        "officials_reason": (
            "Theo biên chế được giao; danh bạ mới có tài khoản của một số cán bộ (dữ liệu minh họa)"
            if officials != directory_count
            else ""
        ),
        "computers": computers,
        "computers_lan": lan,
        "computers_internet": round(computers * rng.uniform(0.9, 1.0)),
        "has_lan": has_lan,
        "internet_mbps": rng.choice([100, 200, 300, 500]),
        "data_network": data_network,
        "data_network_mbps": rng.choice([20, 40, 100]) if data_network else 0,
        "firewall_model": firewall,
        "firewall_layers": (rng.randint(1, 2) if firewall else 0),
        "antivirus_seats": antivirus,
        "has_wifi": wifi,
        "wifi_access_points": rng.randint(1, 8) if wifi else 0,
        "officials_with_email": min(officials, round(officials * email_share)),
        "it_staff": it_staff,
        "it_staff_degrees": rng.randint(0, it_staff),
        "training_sessions": sessions,
        "trainees": sessions * rng.randint(10, 40),
        "note": "Dữ liệu minh họa",
    }


def load_demo_infrastructure(*, year: int | None = None, seed: int = 2026) -> dict[str, int]:
    """Servers, services and the demo agencies' inventories for ``year`` (default: the year
    whose report is being prepared). Returns what was created."""
    created = {"servers": 0, "services": 0, "inventories": 0}
    admin = _admin()
    if admin is None:
        return created
    year = year or reporting_year_due()
    centre = Organisation.objects.filter(qcvn_code=DATA_CENTRE_CODE).first()
    root = Organisation.objects.filter(depth=1).order_by("path").first()
    if centre is None or root is None:
        return created
    servers = {}
    for name, role, operating_system in DATA_CENTRE_SERVERS:
        server = Server.objects.filter(organisation=centre, name=name).first()
        if server is None:
            server = platform.save_server(
                organisation=centre,
                values={
                    "name": name,
                    "location": "Trung tâm dữ liệu tỉnh, phòng máy chủ tầng 2",
                    "role": role,
                    "operating_system": operating_system,
                    "commissioned_on": datetime.date(2024, 3, 1),
                },
                acting_user=admin,
            )
            created["servers"] += 1
        servers[name] = server
    for code, name, name_en, kind, names in SERVICES:
        if PlatformService.objects.filter(code=code).exists():
            continue
        platform.save_service(
            operator=centre,
            values={
                "code": code,
                "name": name,
                "name_en": name_en,
                "kind": kind,
                "description": "Dữ liệu minh họa",
                "used_by_all": True,
            },
            servers=[servers[n] for n in names],
            used_by=[],
            acting_user=admin,
        )
        created["services"] += 1

    rng = random.Random(seed + year)  # noqa: S311 (demo data, reproducible)
    agencies = reporting_agencies(year, root)
    directory = directory_official_counts()
    communes = [a for a in agencies if a.level == ReportLevel.COMMUNE]
    draft_pk = communes[-1].pk if communes else None
    for agency in agencies:
        values = _figures(rng, agency.level, directory[agency.pk])
        if AgencyInventory.objects.filter(organisation_id=agency.pk, year=year).exists():
            continue
        organisation = Organisation.objects.get(pk=agency.pk)
        if (
            agency.level != ReportLevel.COMMUNE
            and not Server.objects.filter(organisation=organisation).exists()
            and agency.pk != centre.pk
        ):
            platform.save_server(
                organisation=organisation,
                values={
                    "name": "srv-file-01",
                    "location": "Phòng máy chủ của cơ quan",
                    "role": "Máy chủ tệp, sao lưu",
                    "operating_system": "Windows Server 2022",
                    "commissioned_on": datetime.date(2023, 6, 1),
                },
                acting_user=admin,
            )
            created["servers"] += 1
        inventory.save_inventory(
            organisation=organisation,
            year=year,
            values=values,
            acting_user=admin,
            submit=agency.pk != draft_pk,
            directory_count=directory[agency.pk],
        )
        created["inventories"] += 1
    return created
