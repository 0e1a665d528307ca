"""The demo province: Tuyên Quang (GSO code 08), its agencies and one account per role.

DEVELOPMENT DATA ONLY. ``chinhquyen load_demo`` refuses to run when ``settings.PRODUCTION``.

* Administrative units are real: the current units of all 34 provinces and the historic units
  (before 1 July 2025) from the ``vietnam-provinces`` data (see ``units.py``).
* The agency tree is realistic but the **organisation codes are illustrative**: the QCVN 102
  level-1 code of Tuyên Quang is UNCONFIRMED (domain-vn.md §4.1), so the demo uses ``H99``,
  which is not meant to be anyone's real code; the level-2/3 numbers are made up too.
  ``DEMO_LEVEL1`` is the one place to change it.
* The former Yên Sơn district People's Committee shows history: closed on 30 June 2025 with
  the Yên Sơn commune People's Committee as its successor (illustrative: the real territory
  of the district was split between several new communes).
* The passwords are public (printed by ``chinhquyen demo_accounts``).

Idempotent: organisations are found by their QCVN code, officials by username; running
twice creates nothing new.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from chinhquyen.accounts.choices import Role
from chinhquyen.audit.services import log_action
from chinhquyen.directory import services
from chinhquyen.directory.choices import OrganisationKind as Kind
from chinhquyen.directory.choices import UnitLevel
from chinhquyen.directory.models import AdministrativeUnit, Official, Organisation
from chinhquyen.directory.units import load_units

DEMO_PROVINCE_CODE = "08"  # Tuyên Quang (merged with Hà Giang on 1 July 2025, kept code 08)
DEMO_LEVEL1 = "H99"  # ILLUSTRATIVE: the real QCVN 102 level-1 code is UNCONFIRMED
DEMO_PASSWORD = "ChinhQuyen-Demo-2026"  # noqa: S105 (public demo password, development only)
MERGER_DAY = datetime.date(2025, 7, 1)


@dataclass(frozen=True)
class DemoOrg:
    key: str
    name: str
    kind: str
    y: str  # level-2 number (Y1Y2)
    z: str = "00"  # level-3 number (Z1Z2)
    parent: str | None = None
    short_name: str = ""
    name_en: str = ""
    unit: tuple[str, str, bool] | None = None  # (level, GSO code, historic)

    @property
    def qcvn_code(self) -> str:
        return f"000.{self.z}.{self.y}.{DEMO_LEVEL1}"

    @property
    def decision20_code(self) -> str:
        parts = [DEMO_LEVEL1]
        if self.y != "00":
            parts.append(self.y)
        if self.z != "00":
            parts.append(self.z)
        return ".".join(parts)


DEMO_ORGANISATIONS: list[DemoOrg] = [
    DemoOrg(
        "ubnd",
        "Ủy ban nhân dân tỉnh Tuyên Quang",
        Kind.PEOPLES_COMMITTEE,
        "00",
        short_name="UBND tỉnh",
        name_en="Tuyên Quang Provincial People's Committee",
        unit=(UnitLevel.PROVINCE, DEMO_PROVINCE_CODE, False),
    ),
    DemoOrg(
        "vp",
        "Văn phòng Ủy ban nhân dân tỉnh",
        Kind.OFFICE,
        "01",
        parent="ubnd",
        short_name="VP UBND tỉnh",
        name_en="Office of the People's Committee",
    ),
    DemoOrg("vp_hc", "Phòng Hành chính - Tổ chức", Kind.DIVISION, "01", "01", parent="vp"),
    DemoOrg(
        "vp_kstt", "Phòng Kiểm soát thủ tục hành chính", Kind.DIVISION, "01", "02", parent="vp"
    ),
    DemoOrg(
        "vp_tthc",
        "Trung tâm Phục vụ hành chính công tỉnh",
        Kind.PUBLIC_SERVICE_UNIT,
        "01",
        "03",
        parent="vp",
        name_en="Provincial Public Administration Service Centre",
    ),
    DemoOrg(
        "snv",
        "Sở Nội vụ",
        Kind.DEPARTMENT,
        "02",
        parent="ubnd",
        name_en="Department of Home Affairs",
    ),
    DemoOrg("snv_vp", "Văn phòng Sở Nội vụ", Kind.DIVISION, "02", "01", parent="snv"),
    DemoOrg("snv_ccvc", "Phòng Công chức, viên chức", Kind.DIVISION, "02", "02", parent="snv"),
    DemoOrg(
        "stp", "Sở Tư pháp", Kind.DEPARTMENT, "03", parent="ubnd", name_en="Department of Justice"
    ),
    DemoOrg("stp_vp", "Văn phòng Sở Tư pháp", Kind.DIVISION, "03", "01", parent="stp"),
    DemoOrg("stp_hctp", "Phòng Hành chính tư pháp", Kind.DIVISION, "03", "02", parent="stp"),
    DemoOrg(
        "stp_tgpl",
        "Trung tâm Trợ giúp pháp lý nhà nước",
        Kind.PUBLIC_SERVICE_UNIT,
        "03",
        "03",
        parent="stp",
    ),
    DemoOrg(
        "sgd",
        "Sở Giáo dục và Đào tạo",
        Kind.DEPARTMENT,
        "04",
        parent="ubnd",
        name_en="Department of Education and Training",
    ),
    DemoOrg("sgd_gdth", "Phòng Giáo dục Trung học", Kind.DIVISION, "04", "01", parent="sgd"),
    DemoOrg("sgd_qlcl", "Phòng Quản lý chất lượng", Kind.DIVISION, "04", "02", parent="sgd"),
    DemoOrg(
        "skhcn",
        "Sở Khoa học và Công nghệ",
        Kind.DEPARTMENT,
        "05",
        parent="ubnd",
        name_en="Department of Science and Technology",
    ),
    DemoOrg("skhcn_cds", "Phòng Chuyển đổi số", Kind.DIVISION, "05", "01", parent="skhcn"),
    DemoOrg(
        "skhcn_ttcntt",
        "Trung tâm Công nghệ thông tin và Truyền thông",
        Kind.PUBLIC_SERVICE_UNIT,
        "05",
        "02",
        parent="skhcn",
    ),
    DemoOrg(
        "stc", "Sở Tài chính", Kind.DEPARTMENT, "06", parent="ubnd", name_en="Department of Finance"
    ),
    DemoOrg("stc_qlns", "Phòng Quản lý ngân sách", Kind.DIVISION, "06", "01", parent="stc"),
    DemoOrg("stc_dkkd", "Phòng Đăng ký kinh doanh", Kind.DIVISION, "06", "02", parent="stc"),
    DemoOrg(
        "snnmt",
        "Sở Nông nghiệp và Môi trường",
        Kind.DEPARTMENT,
        "07",
        parent="ubnd",
        name_en="Department of Agriculture and Environment",
    ),
    DemoOrg("snnmt_dd", "Phòng Đất đai", Kind.DIVISION, "07", "01", parent="snnmt"),
    DemoOrg(
        "snnmt_vpdk",
        "Văn phòng Đăng ký đất đai",
        Kind.PUBLIC_SERVICE_UNIT,
        "07",
        "02",
        parent="snnmt",
    ),
    DemoOrg(
        "sxd",
        "Sở Xây dựng",
        Kind.DEPARTMENT,
        "08",
        parent="ubnd",
        name_en="Department of Construction",
    ),
    DemoOrg("sxd_qlxd", "Phòng Quản lý xây dựng", Kind.DIVISION, "08", "01", parent="sxd"),
    DemoOrg("syt", "Sở Y tế", Kind.DEPARTMENT, "09", parent="ubnd", name_en="Department of Health"),
    DemoOrg("syt_nvy", "Phòng Nghiệp vụ Y", Kind.DIVISION, "09", "01", parent="syt"),
    DemoOrg(
        "syt_ttksbt",
        "Trung tâm Kiểm soát bệnh tật",
        Kind.PUBLIC_SERVICE_UNIT,
        "09",
        "02",
        parent="syt",
    ),
]
# Commune People's Committees, linked to real communes of the province (GSO codes).
DEMO_COMMUNES = [  # (key, name, level-2 number, GSO commune code)
    ("x_minhxuan", "Ủy ban nhân dân phường Minh Xuân", "51", "02215"),
    ("x_nongtien", "Ủy ban nhân dân phường Nông Tiến", "52", "02212"),
    ("x_hagiang1", "Ủy ban nhân dân phường Hà Giang 1", "53", "00694"),
    ("x_yenson", "Ủy ban nhân dân xã Yên Sơn", "54", "02473"),
    ("x_sonduong", "Ủy ban nhân dân xã Sơn Dương", "55", "02536"),
    ("x_hamyen", "Ủy ban nhân dân xã Hàm Yên", "56", "02374"),
]
DEMO_ORGANISATIONS += [
    DemoOrg(
        key,
        name,
        Kind.COMMUNE_COMMITTEE,
        y,
        parent="ubnd",
        unit=(UnitLevel.COMMUNE, gso_code, False),
    )
    for key, name, y, gso_code in DEMO_COMMUNES
]
DEMO_ORGANISATIONS += [
    # History: a district committee abolished with the districts on 1 July 2025.
    DemoOrg(
        "h_yenson",
        "Ủy ban nhân dân huyện Yên Sơn",
        Kind.DISTRICT_COMMITTEE,
        "41",
        parent="ubnd",
        unit=(UnitLevel.DISTRICT, "075", True),
    ),
]
HISTORIC_CLOSURES = {"h_yenson": ("x_yenson", datetime.date(2025, 6, 30))}


@dataclass(frozen=True)
class DemoAccount:
    username: str
    full_name: str
    role: str
    organisation: str  # DemoOrg key
    position: str


DEMO_ACCOUNTS: list[DemoAccount] = [
    DemoAccount("vanthu", "Nguyễn Thị Thu", Role.CLERK, "stp", "Văn thư"),
    DemoAccount("motcua", "Trần Văn Cửa", Role.ONE_STOP_OFFICER, "stp", "Cán bộ một cửa"),
    DemoAccount("chuyenvien", "Lê Minh Chuyên", Role.SPECIALIST, "stp_hctp", "Chuyên viên"),
    DemoAccount("truongphong", "Phạm Thị Phương", Role.DIVISION_LEADER, "stp_hctp", "Trưởng phòng"),
    DemoAccount("lanhdao", "Hoàng Văn Đạo", Role.AGENCY_LEADER, "stp", "Giám đốc Sở"),
    DemoAccount("quantri_it", "Vũ Đức Tin", Role.IT_ADMIN, "ubnd", "Quản trị công nghệ thông tin"),
    DemoAccount("quantri", "Đỗ Thị Quản", Role.SYSTEM_ADMIN, "ubnd", "Quản trị hệ thống"),
]


class DemoRefused(Exception):
    pass


def _unit(spec: tuple[str, str, bool] | None) -> AdministrativeUnit | None:
    if spec is None:
        return None
    level, code, historic = spec
    return AdministrativeUnit.objects.filter(level=level, code=code, is_historic=historic).first()


def load_demo_organisations() -> dict[str, Organisation]:
    """Create the demo agency tree (missing rows only) and return it by key."""
    by_key: dict[str, Organisation] = {}
    for spec in DEMO_ORGANISATIONS:
        existing = Organisation.objects.filter(qcvn_code=spec.qcvn_code).first()
        if existing is None:
            existing = services.create_organisation(
                parent=by_key[spec.parent] if spec.parent else None,
                name=spec.name,
                kind=spec.kind,
                qcvn_code=spec.qcvn_code,
                decision20_code=spec.decision20_code,
                short_name=spec.short_name,
                name_en=spec.name_en,
                administrative_unit=_unit(spec.unit),
                valid_from=None if spec.key in HISTORIC_CLOSURES else MERGER_DAY,
            )
        by_key[spec.key] = existing
    for key, (successor_key, closed_on) in HISTORIC_CLOSURES.items():
        organisation = by_key[key]
        if organisation.valid_until is None:
            by_key[key] = services.close_organisation(
                organisation, valid_until=closed_on, successor=by_key[successor_key]
            )
    return by_key


def load_demo_accounts(organisations: dict[str, Organisation]) -> list[Official]:
    """One official per role with the public demo password; roles via accounts.services."""
    from chinhquyen.accounts.services import assign_role

    officials = []
    for account in DEMO_ACCOUNTS:
        organisation = organisations[account.organisation]
        official = Official.objects.filter(user__username=account.username).first()
        if official is None:
            official = services.create_official(
                username=account.username,
                full_name=account.full_name,
                organisation=organisation,
                position=account.position,
                email=f"{account.username}@demo.chinhquyen.invalid",
                password=DEMO_PASSWORD,
            )
        assign_role(official=official, role=account.role, organisation=organisation)
        officials.append(official)
    return officials


def load_demo(*, progress: bool = False) -> dict[str, int]:
    """Load units (current and historic), the agency tree and the demo accounts."""
    if settings.PRODUCTION:
        raise DemoRefused(
            "The demo data has public passwords and cannot be loaded in production "
            "(không được nạp dữ liệu mẫu ở chế độ production)."
        )
    current = load_units(progress=progress)
    historic = load_units(historic=True, progress=progress)
    with transaction.atomic():
        organisations = load_demo_organisations()
        officials = load_demo_accounts(organisations)
        log_action(
            "directory.load_demo",
            details={"organisations": len(organisations), "officials": len(officials)},
        )
    return {
        "units_created": current["created"] + historic["created"],
        "organisations": len(organisations),
        "officials": len(officials),
    }


def demo_account_rows() -> list[tuple[str, str, str, str]]:
    """(username, role label, organisation, password) for every demo account."""
    names = dict(
        Official.objects.filter(user__username__in=[a.username for a in DEMO_ACCOUNTS]).values_list(
            "user__username", "organisation__name"
        )
    )
    specs = {spec.key: spec for spec in DEMO_ORGANISATIONS}
    return [
        (
            account.username,
            str(Role(account.role).label),
            names.get(account.username, specs[account.organisation].name),
            DEMO_PASSWORD,
        )
        for account in DEMO_ACCOUNTS
    ]
