"""Demo dossiers: a few hundred one-stop dossiers of the last three months, in every state.

DEVELOPMENT DATA ONLY (``chinhquyen load_demo`` refuses to run in production). Every dossier
is made THROUGH THE SERVICES (``receive_dossier``, ``transition``, ``record_payment``,
``record_evaluation``) with past instants on working days and hours of the working-time
calendar, so codes, deadlines, step runs, events, audit entries and indicator scores are
exactly what real use would produce. Applicants are invented (plausible Vietnamese names,
12-digit citizen ID numbers, mobile numbers) and live in real communes of Tuyên Quang.

Deterministic for a given ``seed`` (the instants are relative to ``timezone.now()``).
Idempotent: when demo dossiers already exist, nothing is created.

About a third of the dossiers are Sở Tư pháp's judicial-record certificates, so the demo
accounts ``motcua``, ``chuyenvien``, ``truongphong`` and ``lanhdao`` find work in their
queues; the rest are spread over the commune and provincial procedures of the demo catalogue.
The officials acting at other agencies are created here as staff accounts that cannot sign
in (no password), one per role and agency.
"""

# ruff: noqa: S311 (seeded pseudo-random demo data, reproducible on purpose; nothing secret)

from __future__ import annotations

import datetime
import random
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from chinhquyen.accounts.choices import Role
from chinhquyen.audit.services import log_action
from chinhquyen.directory.demo import DEMO_ORGANISATIONS, DemoRefused
from chinhquyen.directory.models import AdministrativeUnit, Official, Organisation
from chinhquyen.dossiers import clock
from chinhquyen.dossiers.choices import (
    Action,
    ApplicantKind,
    Channel,
    DossierStatus,
    PaymentMethod,
    ReturnMethod,
)
from chinhquyen.dossiers.models import Dossier
from chinhquyen.dossiers.services.intake import hand_over_instant

# --- Applicants -----------------------------------------------------------------------------

SURNAMES = (
    ["Nguyễn"] * 8
    + ["Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô", "Dương", "Lý"] * 2
    + ["Ma", "Nông", "Triệu", "Bàn", "Hà", "Quan", "Lương", "Âu", "Chu", "Mạc"]
)
MALE_MIDDLE = ("Văn", "Đức", "Minh", "Quang", "Hữu", "Xuân", "Thanh", "Ngọc", "Công")
FEMALE_MIDDLE = ("Thị", "Thị", "Thị", "Thu", "Ngọc", "Thanh", "Minh", "Hồng", "Kim")
MALE_GIVEN = (
    "An Bảo Bình Cường Dũng Duy Đạt Giang Hải Hiếu Hòa Hùng Huy Khánh Khoa Kiên Lâm Long "
    "Mạnh Nam Nghĩa Phong Phúc Quân Sơn Tài Thắng Thành Toàn Trung Tuấn Tùng Việt Vinh"
).split()
FEMALE_GIVEN = (
    "Anh Chi Dung Duyên Giang Hà Hạnh Hằng Hoa Huyền Hương Lan Liên Linh Loan Mai My Nga "
    "Ngân Nhung Oanh Phương Quyên Tâm Thảo Thơm Thủy Trang Uyên Vân Xuân Yến"
).split()
VILLAGES = (
    "Thôn Nà Khà",
    "Thôn Khuôn Phươn",
    "Thôn Đồng Bến",
    "Thôn Làng Mới",
    "Thôn Bản Pình",
    "Thôn Tân Thành",
    "Thôn Cầu Cả",
    "Thôn Soi Đúng",
    "Thôn Nà Héc",
    "Thôn Thác Con",
)
STREETS = (
    "đường Bình Thuận",
    "đường Chiến Thắng Sông Lô",
    "đường Tân Trào",
    "đường 17 Tháng 8",
    "đường Lê Duẩn",
    "đường Trường Chinh",
    "đường Phan Thiết",
    "đường Quang Trung",
)
# Used only when the administrative units are not loaded (e.g. a bare test database).
FALLBACK_COMMUNES = (
    "Phường Minh Xuân",
    "Phường Nông Tiến",
    "Phường Hà Giang 1",
    "Xã Yên Sơn",
    "Xã Sơn Dương",
    "Xã Hàm Yên",
)
COMPANY_NAMES = (
    "Công ty TNHH Chè Tân Trào",
    "Công ty TNHH Xây dựng Sông Lô",
    "Công ty cổ phần Du lịch Na Hang",
    "Hợp tác xã Cam sành Hàm Yên",
    "Công ty TNHH Vận tải Mỹ Lâm",
    "Công ty cổ phần Gỗ Yên Sơn",
)
MOBILE_PREFIXES = ("096", "097", "098", "086", "091", "094", "088", "083", "033", "035", "039")

# --- Organisation of the demo ----------------------------------------------------------------

# Share of the dossiers per group of procedures (by the DemoOrg keys of their agencies).
JUSTICE_SHARE = 0.34  # Sở Tư pháp: judicial records (the demo accounts work there)
COMMUNE_SHARE = 0.44  # commune procedures, mostly at Minh Xuân and Nông Tiến
COMMUNE_WEIGHTS = {
    "x_minhxuan": 5,
    "x_nongtien": 3,
    "x_hagiang1": 1,
    "x_yenson": 1,
    "x_sonduong": 1,
    "x_hamyen": 1,
}

STEP_ROLE_POSITIONS = {
    Role.ONE_STOP_OFFICER: ("motcua", "Công chức tiếp nhận và trả kết quả"),
    Role.SPECIALIST: ("chuyenvien", "Chuyên viên"),
    Role.DIVISION_LEADER: ("truongphong", "Trưởng phòng"),
    Role.AGENCY_LEADER: ("lanhdao", "Lãnh đạo cơ quan"),
}
PROGRESS_ACTIONS = (Action.APPROVE, Action.TRANSFER, Action.FORWARD)
IN_HAND = (DossierStatus.RECEIVED, DossierStatus.IN_PROCESSING, DossierStatus.TRANSFERRED)


def tiny_pdf(title: str, lines: list[str]) -> bytes:
    """A real one-page A4 PDF of a few hundred bytes (Helvetica, ASCII text)."""

    def ascii_text(text: str) -> str:
        text = text.replace("đ", "d").replace("Đ", "D")
        plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
        return plain.replace("\\", "").replace("(", "[").replace(")", "]")

    rows = [f"BT /F1 14 Tf 56 780 Td ({ascii_text(title)}) Tj ET"]
    rows += [
        f"BT /F1 10 Tf 56 {756 - 16 * i} Td ({ascii_text(line)}) Tj ET"
        for i, line in enumerate(lines)
    ]
    stream = "\n".join(rows).encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def s10_tracking_number(rng: random.Random) -> str:
    """A postal tracking number in the UPU S10 format (e.g. ``EB123456785VN``)."""
    digits = [rng.randrange(10) for _ in range(8)]
    total = sum(d * w for d, w in zip(digits, (8, 6, 4, 2, 3, 5, 9, 7), strict=True))
    check = 11 - total % 11
    check = 0 if check == 10 else 5 if check == 11 else check
    return f"E{rng.choice('BCDEFG')}{''.join(map(str, digits))}{check}VN"


@dataclass
class Applicant:
    values: dict
    female: bool = False


class People:
    """Plausible applicants living in real communes of the province."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.units = list(
            AdministrativeUnit.objects.filter(
                level="commune", is_historic=False, parent__code="08"
            ).order_by("code")
        )

    def name(self, female: bool) -> str:
        rng = self.rng
        middle = rng.choice(FEMALE_MIDDLE if female else MALE_MIDDLE)
        given = rng.choice(FEMALE_GIVEN if female else MALE_GIVEN)
        return f"{rng.choice(SURNAMES)} {middle} {given}"

    def address(self) -> tuple[str, AdministrativeUnit | None]:
        rng = self.rng
        unit = rng.choice(self.units) if self.units else None
        commune = unit.name if unit else rng.choice(FALLBACK_COMMUNES)
        urban = commune.startswith("Phường")
        commune = commune[0].lower() + commune[1:]  # "…, xã Yên Sơn, tỉnh Tuyên Quang"
        if urban:
            place = f"Số {rng.randint(1, 250)}, {rng.choice(STREETS)}, tổ {rng.randint(1, 30)}"
        else:
            place = rng.choice(VILLAGES)
        return f"{place}, {commune}, tỉnh Tuyên Quang", unit

    def phone(self) -> str:
        return self.rng.choice(MOBILE_PREFIXES) + "".join(
            str(self.rng.randrange(10)) for _ in range(7)
        )

    def id_number(self, female: bool) -> str:
        """Citizen ID (CCCD): province of birth, century and sex, year of birth, 6 digits."""
        rng = self.rng
        year = rng.randint(1955, 2006)
        century_sex = (0 if year < 2000 else 2) + (1 if female else 0)
        birth_province = rng.choice(("008", "008", "008", "002", "001", "019"))
        return f"{birth_province}{century_sex}{year % 100:02d}{rng.randrange(10**6):06d}"

    def individual(self) -> Applicant:
        female = self.rng.random() < 0.5
        address, unit = self.address()
        values = {
            "kind": ApplicantKind.INDIVIDUAL,
            "name": self.name(female),
            "id_number": self.id_number(female),
            "phone": self.phone(),
            "address": address,
            "unit": unit,
        }
        return Applicant(values, female)

    def organisation(self) -> Applicant:
        address, unit = self.address()
        values = {
            "kind": ApplicantKind.ORGANISATION,
            "name": self.rng.choice(COMPANY_NAMES),
            "id_number": f"50{self.rng.randrange(10**8):08d}",  # tax code of Tuyên Quang
            "phone": self.phone(),
            "email": "lienhe@example.vn",
            "address": address,
            "unit": unit,
        }
        return Applicant(values)


# --- Scenarios --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scenario:
    """How far a dossier goes. ``open`` dossiers were received recently, closed ones earlier."""

    name: str
    weight: int
    open: bool
    needs_transfer: bool = False
    min_days: int = 0  # the procedure's legal time, at least (working days)
    max_days: int = 30


SCENARIOS: list[Scenario] = [
    Scenario("received", 8, True),
    Scenario("at_review", 12, True),
    Scenario("at_division", 6, True, min_days=2),
    Scenario("at_decision", 8, True),
    Scenario("at_result_step", 5, True),
    Scenario("awaiting_supplement", 6, True),
    Scenario("transferred", 4, True, needs_transfer=True),
    Scenario("overdue", 5, True, max_days=15),
    Scenario("apology_open", 3, True, min_days=5),
    Scenario("result_ready", 7, False),
    Scenario("returned_counter", 10, False),
    Scenario("returned_post", 5, False, max_days=20),
    Scenario("returned_online", 4, False, max_days=20),
    Scenario("supplement_done", 4, False, max_days=20),
    Scenario("transfer_done", 3, False, needs_transfer=True),
    Scenario("sent_back", 3, False, max_days=20),
    Scenario("apology_done", 3, False, min_days=5, max_days=20),
    Scenario("rejected", 2, False, max_days=20),
    Scenario("rejected_returned", 2, False, max_days=20),
    Scenario("withdrawn", 3, False),
    Scenario("rated", 10, False, max_days=20),
]


@dataclass
class Op:
    """One action of the plan, ``hours`` working hours after the previous one."""

    kind: str  # a step Action, or "assign", "receive_supplement", "pay", "return_result", …
    hours: float
    extra: dict = field(default_factory=dict)


@dataclass
class Plan:
    scenario: Scenario
    procedure: object
    version: object
    steps: list
    receiving_agency: Organisation
    channel: str
    received_at: datetime.datetime
    applicant: Applicant
    ops: list[Op]
    seed: int


def legal_days(version) -> float:
    from chinhquyen.procedures.choices import TimeUnit

    amount = float(version.processing_time)
    return amount / 7.5 if version.time_unit == TimeUnit.WORKING_HOURS else amount


def legal_hours(version) -> float:
    return legal_days(version) * 7.5


class Builder:
    """Builds deterministic plans and carries them out through the services."""

    def __init__(self, *, seed: int, now: datetime.datetime) -> None:
        from chinhquyen.dossiers.services import rule_set_in_force
        from chinhquyen.procedures.demo import DEMO_PROCEDURES
        from chinhquyen.procedures.models import Procedure
        from chinhquyen.procedures.services import process_in_force, version_in_force

        self.rng = random.Random(seed)
        self.now = now
        self.limit = now - datetime.timedelta(minutes=20)
        self.people = People(self.rng)
        codes = {spec.qcvn_code: spec.key for spec in DEMO_ORGANISATIONS}
        self.orgs: dict[str, Organisation] = {
            codes[o.qcvn_code]: o for o in Organisation.objects.filter(qcvn_code__in=list(codes))
        }
        self.keys = {org.pk: key for key, org in self.orgs.items()}
        procedures = {
            p.national_code: p
            for p in Procedure.objects.filter(national_code__in=[s.code for s in DEMO_PROCEDURES])
        }
        # (spec, procedure, version, ordered steps) of every demo procedure that is loaded.
        self.catalogue = []
        for spec in DEMO_PROCEDURES:
            procedure = procedures.get(spec.code)
            if procedure is None:
                continue
            version = version_in_force(procedure, now)
            process = process_in_force(procedure, None, now)
            steps = list(process.steps.select_related("performer_agency").order_by("order"))
            components = list(version.components.order_by("order"))
            self.catalogue.append((spec, procedure, version, steps, components))
        if not self.catalogue:
            raise DemoRefused(
                "Load the demo catalogue first (chinhquyen.procedures.demo.load_demo_procedures)."
            )
        self.staff: dict[tuple[int, str], Official] = {}
        self.rule_set = rule_set_in_force(now)

    # -- choosing ---------------------------------------------------------------------------

    def _pick_scenario(self, index: int) -> Scenario:
        if index < len(SCENARIOS):
            return SCENARIOS[index]
        return self.rng.choices(SCENARIOS, weights=[s.weight for s in SCENARIOS])[0]

    def _fits(self, scenario: Scenario, entry) -> bool:
        spec, _procedure, version, steps, _components = entry
        days = legal_days(version)
        if scenario.needs_transfer and not spec.transfer_to:
            return False
        if scenario.name == "at_division" and not any(
            s.performer_role == Role.DIVISION_LEADER for s in steps
        ):
            return False
        return scenario.min_days <= days <= max(scenario.max_days, 0)

    def _pick_procedure(self, scenario: Scenario):
        rng = self.rng
        candidates = [e for e in self.catalogue if self._fits(scenario, e)]
        if not scenario.needs_transfer:
            roll = rng.random()
            if roll < JUSTICE_SHARE:
                group = [e for e in candidates if "stp" in e[0].agencies]
            elif roll < JUSTICE_SHARE + COMMUNE_SHARE:
                group = [e for e in candidates if "x_minhxuan" in e[0].agencies]
            else:
                group = [
                    e
                    for e in candidates
                    if "stp" not in e[0].agencies and "x_minhxuan" not in e[0].agencies
                ]
            candidates = group or candidates
        if not candidates:
            candidates = [e for e in self.catalogue if not e[0].transfer_to]
            scenario = SCENARIOS[0]
        entry = rng.choice(candidates)
        spec = entry[0]
        keys = [key for key in spec.agencies if key in self.orgs]
        weights = [COMMUNE_WEIGHTS.get(key, 1) for key in keys]
        agency = self.orgs[rng.choices(keys, weights=weights)[0]]
        return entry, agency

    def _pick_channel(self, spec) -> str:
        from chinhquyen.procedures.choices import OnlineMode

        roll = self.rng.random()
        if spec.online != OnlineMode.NONE and roll < 0.38:
            return Channel.NATIONAL_PORTAL if roll < 0.08 else Channel.ONLINE
        if roll > 0.85:
            return Channel.POST
        return Channel.COUNTER

    def _received_at(self, scenario: Scenario, version, channel: str) -> datetime.datetime:
        rng = self.rng
        span = legal_days(version) * 7 / 5 + 1  # calendar days the legal time roughly takes
        if scenario.name == "received":
            back = rng.uniform(0.02, 0.8)
        elif scenario.name == "overdue":
            back = rng.uniform(min(span * 1.3 + 3, 70), min(span * 2 + 12, 85))
        elif scenario.open:
            back = rng.uniform(0.2, 0.6) * span + 0.5
        else:
            back = rng.uniform(min(span * 1.6 + 4, 78), 88)
        moment = self.now - datetime.timedelta(days=back)
        if channel in (Channel.ONLINE, Channel.NATIONAL_PORTAL) and rng.random() < 0.4:
            # Online dossiers arrive at any hour, weekends too; the clock starts at receipt.
            return moment
        moment = clock.next_working_instant(moment)
        if moment > self.limit:
            moment = clock.next_working_instant(self.now - datetime.timedelta(days=3))
        # A paper dossier received after the cut-off reaches the processing agency the next
        # working day: keep that in the past too.
        while hand_over_instant(self.rule_set, channel, moment) > self.limit:
            moment = clock.next_working_instant(moment - datetime.timedelta(days=1))
        return moment

    def plan(self, index: int) -> Plan:
        scenario = self._pick_scenario(index)
        entry, agency = self._pick_procedure(scenario)
        spec, procedure, version, steps, _components = entry
        channel = self._pick_channel(spec)
        received_at = self._received_at(scenario, version, channel)
        organisation_applicant = spec.field in ("DKKD", "XD", "MT", "TNN", "TC") and (
            self.rng.random() < 0.6
        )
        applicant = (
            self.people.organisation() if organisation_applicant else self.people.individual()
        )
        ops = self._ops(scenario, version, steps, channel)
        return Plan(
            scenario=scenario,
            procedure=procedure,
            version=version,
            steps=steps,
            receiving_agency=agency,
            channel=channel,
            received_at=received_at,
            applicant=applicant,
            ops=ops,
            seed=self.rng.randrange(2**31),
        )

    # -- the plan of actions ----------------------------------------------------------------

    def _ops(self, scenario: Scenario, version, steps, channel: str) -> list[Op]:
        """Unroll the scenario over the (linear) demo process into timed actions."""
        rng = self.rng
        name = scenario.name
        ops: list[Op] = []
        index = 0
        slow = name in ("overdue", "apology_done") or rng.random() < 0.12

        def duration(step, factor=None) -> float:
            f = factor if factor is not None else rng.uniform(0.25, 0.95)
            return max(float(step.allotted_hours) * f, 0.1)

        def advance(factor=None) -> None:
            nonlocal index
            step = steps[index]
            ops.append(Op("progress", duration(step, factor)))
            index += 1

        def advance_to(code_or_role) -> None:
            while index < len(steps) and code_or_role not in (
                steps[index].code,
                steps[index].performer_role,
            ):
                advance()

        if channel in Channel.paper() and version.fees.exists() and rng.random() < 0.7:
            ops.append(Op("pay", 0.1))
        if name == "received":
            return ops
        if name in ("at_review", "overdue"):
            advance()
            return ops
        if name == "at_division":
            advance_to(Role.DIVISION_LEADER)
            return ops
        if name == "at_decision":
            advance_to(Role.AGENCY_LEADER)
            return ops
        if name == "at_result_step":
            advance_to(Role.AGENCY_LEADER)
            advance()
            return ops
        if name in ("awaiting_supplement", "supplement_done"):
            advance(rng.uniform(0.2, 0.6))
            ops.append(Op(Action.REQUEST_SUPPLEMENT, rng.uniform(0.5, 4)))
            if name == "awaiting_supplement":
                return ops
            ops.append(Op("receive_supplement", rng.uniform(4, 20)))
            index = 0
        if name in ("transferred", "transfer_done"):
            advance_to("lien_thong")
            if name == "transferred":
                return ops
        if name in ("apology_open", "apology_done"):
            advance()
            ops.append(Op(Action.ISSUE_APOLOGY, rng.uniform(1, 6)))
            if name == "apology_open":
                return ops
            # The step after the apology overruns the legal deadline.
            ops.append(Op("progress_late", legal_hours(version) + rng.uniform(1, 6)))
            index += 1
        if name == "sent_back":
            advance_to(Role.AGENCY_LEADER)
            ops.append(Op(Action.RETURN, rng.uniform(0.5, 3)))
            index -= 1
        if name in ("rejected", "rejected_returned"):
            advance_to(Role.AGENCY_LEADER)
            ops.append(Op(Action.REJECT, duration(steps[index])))
            if name == "rejected_returned":
                ops.append(Op("return_result", rng.uniform(1, 12), {"method": "counter"}))
            return ops
        if name == "withdrawn":
            for _ in range(rng.randrange(0, max(len(steps) - 2, 1))):
                advance()
            ops.append(Op(Action.WITHDRAW, rng.uniform(0.5, 8)))
            return ops
        while index < len(steps):
            advance(rng.uniform(1.1, 1.6) if slow and rng.random() < 0.5 else None)
        if name == "result_ready":
            if rng.random() < 0.5:
                ops.append(Op("pay", rng.uniform(0.5, 6)))
            return ops
        ops.append(Op("pay", rng.uniform(0.5, 10)))
        method = {
            "returned_post": ReturnMethod.POST,
            "returned_online": ReturnMethod.ONLINE,
            "transfer_done": ReturnMethod.POST,
        }.get(name)
        if method is None:
            method = rng.choice(
                [ReturnMethod.COUNTER] * 6 + [ReturnMethod.POST] * 2 + [ReturnMethod.ONLINE]
            )
        ops.append(Op("return_result", 0.05, {"method": method}))
        if name in ("rated", "apology_done") or rng.random() < 0.35:
            ops.append(Op("rate", rng.uniform(0.05, 20)))
        return ops

    # -- who acts ---------------------------------------------------------------------------

    def official(self, agency: Organisation, role: str) -> Official:
        """An official holding ``role`` at ``agency`` (a demo account, or a staff account)."""
        from chinhquyen.accounts.models import RoleAssignment
        from chinhquyen.accounts.services import assign_role
        from chinhquyen.directory import services as directory_services

        key = (agency.pk, role)
        if key in self.staff:
            return self.staff[key]
        found = (
            RoleAssignment.objects.active_on(timezone.localdate())
            .filter(role=role, organisation__path__startswith=agency.path)
            .select_related("official__user", "official__organisation")
            .order_by("organisation__depth", "id")
            .first()
        )
        if found is not None:
            self.staff[key] = found.official
            return found.official
        prefix, position = STEP_ROLE_POSITIONS[role]
        agency_key = self.keys.get(agency.pk, str(agency.pk))
        username = f"{prefix}.{agency_key}".replace("_", "")
        official = Official.objects.filter(user__username=username).select_related("user").first()
        if official is None:
            name_rng = random.Random(username)
            female = name_rng.random() < 0.5
            middle = name_rng.choice(FEMALE_MIDDLE if female else MALE_MIDDLE)
            given = name_rng.choice(FEMALE_GIVEN if female else MALE_GIVEN)
            official = directory_services.create_official(
                username=username,
                full_name=f"{name_rng.choice(SURNAMES)} {middle} {given}",
                organisation=agency,
                position=position,
                email=f"{username}@demo.chinhquyen.invalid",
                password=None,  # staff of the demo: cannot sign in
            )
        assign_role(official=official, role=role, organisation=agency)
        self.staff[key] = official
        return official

    def user(self, agency: Organisation, role: str):
        return self.official(agency, role).user

    # -- carrying a plan out ----------------------------------------------------------------

    def attachments(self, plan: Plan, components) -> list:
        rng = random.Random(plan.seed)
        name = plan.applicant.values["name"]
        files = []
        for component in components:
            if component.requirement != "required" and rng.random() < 0.5:
                continue
            content = tiny_pdf(
                component.name[:70],
                [f"Nguoi nop: {name}", f"Thu tuc: {plan.version.name[:70]}", "Ban so hoa (demo)"],
            )
            files.append(
                (
                    component,
                    SimpleUploadedFile(
                        f"thanh-phan-{component.order}.pdf", content, "application/pdf"
                    ),
                )
            )
        return files

    def execute(self, plan: Plan) -> Dossier:
        from chinhquyen.dossiers.services import receive_dossier

        rng = random.Random(plan.seed)
        components = next(e[4] for e in self.catalogue if e[1].pk == plan.procedure.pk)
        paper = plan.channel in Channel.paper()
        one_stop = self.user(plan.receiving_agency, Role.ONE_STOP_OFFICER)
        dossier = receive_dossier(
            procedure=plan.procedure,
            receiving_agency=plan.receiving_agency,
            channel=plan.channel,
            applicant=plan.applicant.values,
            components=self.attachments(plan, components),
            received_at=plan.received_at,
            acting_user=one_stop if paper else None,
            is_demo=True,
        )
        start = max(dossier.handed_over_at, plan.received_at)
        total = sum(op.hours for op in plan.ops)
        available = clock.between(start, self.limit).total_seconds() / 3600
        scale = min(1.0, 0.9 * available / total) if total else 1.0
        at = start
        for op in plan.ops:
            at = clock.add_hours(at, Decimal(str(round(op.hours * scale, 3))))
            if op.kind == "progress_late" and scale == 1.0:
                at = max(at, clock.add_hours(dossier.legal_due_at, Decimal("1.5")))
            if at > self.limit:
                break
            dossier = self._do(dossier, op, at, rng, one_stop)
        return dossier

    def _hand_over(self, dossier: Dossier, by, at) -> Dossier:
        """Name the official of the step the dossier has reached, as the one-stop software
        does on every hand-over: a leader gives a specialist step to a specialist; other steps
        go to the official holding the step's role (the work queues follow the assignee)."""
        from chinhquyen.dossiers.services import transition
        from chinhquyen.dossiers.services.access import holds_permission

        if dossier.status not in IN_HAND or dossier.current_step is None:
            return dossier
        agency, role = dossier.current_agency, dossier.current_step.performer_role
        assignee = self.official(agency, role)
        if role == Role.SPECIALIST:
            leader_role = (
                Role.DIVISION_LEADER
                if any(s.performer_role == Role.DIVISION_LEADER for s in self.steps_of(dossier))
                else Role.AGENCY_LEADER
            )
            by, note = self.user(agency, leader_role), "Giao chuyên viên thụ lý."
        else:
            note = f"Chuyển {assignee.full_name} xử lý."
            if not holds_permission(by, "dossiers.process_dossier", agency):
                by = self.user(agency, Role.AGENCY_LEADER)  # one-stop officers do not assign
        return transition(
            dossier, Action.ASSIGN, acting_user=by, assignee=assignee, note=note, at=at
        )

    def steps_of(self, dossier: Dossier) -> list:
        return next(e[3] for e in self.catalogue if e[1].pk == dossier.procedure_id)

    def _do(self, dossier: Dossier, op: Op, at, rng: random.Random, one_stop) -> Dossier:
        from chinhquyen.dossiers.services import record_evaluation, record_payment, transition

        kind = op.kind
        step = dossier.current_step
        if kind in ("progress", "progress_late"):
            actions = set(step.transitions.values_list("action", flat=True))
            action = next(a for a in PROGRESS_ACTIONS if a in actions)
            actor = self.user(dossier.current_agency, step.performer_role)
            result_file = None
            last = not step.transitions.filter(action=action, next_step__isnull=False).exists()
            if last:
                result_file = SimpleUploadedFile(
                    "ket-qua.pdf",
                    tiny_pdf(
                        dossier.procedure_version.result_type[:70] or "Ket qua",
                        [f"Ho so {dossier.code}", dossier.applicant_name],
                    ),
                    "application/pdf",
                )
            notes = {
                Action.FORWARD: "Đã kiểm tra, chuyển bước tiếp theo.",
                Action.APPROVE: "Đồng ý, ký duyệt kết quả.",
                Action.TRANSFER: "Chuyển cơ quan phối hợp giải quyết (liên thông).",
            }
            dossier = transition(
                dossier,
                action,
                acting_user=actor,
                note=notes[action],
                result_file=result_file,
                at=at,
            )
            return self._hand_over(dossier, actor, at)
        if kind == Action.REQUEST_SUPPLEMENT:
            window_end = clock.add_days(
                dossier.received_at, dossier.rule_set.supplement_window_working_days
            )
            required = [
                c
                for c in dossier.procedure_version.components.order_by("order", "pk")
                if c.requirement == "required"
            ] or list(dossier.procedure_version.components.order_by("order", "pk"))
            return transition(
                dossier,
                kind,
                acting_user=self.user(dossier.current_agency, step.performer_role),
                requested_components=[rng.choice(required)],
                note=rng.choice(
                    [
                        "Bổ sung bản sao giấy tờ tùy thân còn hiệu lực.",
                        "Tờ khai thiếu chữ ký của người yêu cầu; đề nghị ký và nộp lại.",
                        "Bổ sung giấy tờ chứng minh nơi cư trú.",
                    ]
                ),
                at=min(at, window_end),
            )
        if kind == "receive_supplement":
            if dossier.status != DossierStatus.AWAITING_SUPPLEMENT:
                return dossier
            # Exactly the components the request named (the service accepts no other).
            components = sorted(
                dossier.supplement_requests.order_by("-requested_at", "-id")
                .first()
                .components.all(),
                key=lambda c: (c.order, c.pk),
            )
            files = [
                (
                    c,
                    SimpleUploadedFile(
                        "bo-sung.pdf",
                        tiny_pdf(c.name[:70], ["Ho so bo sung", dossier.code]),
                        "application/pdf",
                    ),
                )
                for c in components
            ]
            dossier = transition(
                dossier,
                Action.RECEIVE_SUPPLEMENT,
                acting_user=one_stop,
                files=files,
                note="Công dân đã nộp bổ sung đầy đủ.",
                at=at,
            )
            return self._hand_over(dossier, one_stop, at)
        if kind == Action.ISSUE_APOLOGY:
            version = dossier.procedure_version
            days = int(legal_days(version))
            latest = clock.add_days(dossier.received_at, max(days - 1, 0))
            at = min(at, latest)
            if clock.add_days(at, 1) > dossier.due_at:
                return dossier
            return transition(
                dossier,
                Action.ISSUE_APOLOGY,
                acting_user=self.user(dossier.lead_agency, Role.AGENCY_LEADER),
                note=rng.choice(
                    [
                        "Cần xác minh thêm thông tin tại cơ quan quản lý dữ liệu.",
                        "Chờ ý kiến của cơ quan phối hợp.",
                        "Hệ thống cơ sở dữ liệu chuyên ngành gián đoạn.",
                    ]
                ),
                new_due_at=clock.add_days(dossier.due_at, rng.randint(3, 5)),
                at=at,
            )
        if kind in (Action.REJECT, Action.RETURN):
            note = (
                "Người yêu cầu không thuộc trường hợp được giải quyết theo quy định."
                if kind == Action.REJECT
                else "Đề nghị chuyên viên rà soát lại thông tin trước khi trình."
            )
            actor = self.user(dossier.current_agency, step.performer_role)
            dossier = transition(dossier, kind, acting_user=actor, note=note, at=at)
            return self._hand_over(dossier, actor, at)
        if kind == Action.WITHDRAW:
            return transition(
                dossier,
                Action.WITHDRAW,
                acting_user=one_stop,
                note="Người nộp có đơn xin rút hồ sơ.",
                at=at,
            )
        if kind == "pay":
            method = (
                PaymentMethod.CASH
                if dossier.channel in Channel.paper()
                else rng.choice([PaymentMethod.TRANSFER, PaymentMethod.ONLINE])
            )
            for payment in dossier.payments.filter(paid_at__isnull=True).order_by("id"):
                record_payment(
                    payment,
                    method=method,
                    receipt_number=f"BL{at:%y}-{rng.randrange(10**6):06d}",
                    acting_user=one_stop if method == PaymentMethod.CASH else None,
                    paid_at=at,
                )
            return dossier
        if kind == "return_result":
            method = op.extra["method"]
            if (
                dossier.status == DossierStatus.RESULT_READY
                and dossier.payments.filter(paid_at__isnull=True).exists()
            ):
                return dossier
            return transition(
                dossier,
                Action.RETURN_RESULT,
                acting_user=one_stop,
                return_method=method,
                tracking_number=s10_tracking_number(rng) if method == ReturnMethod.POST else "",
                postal_address=dossier.applicant_address if method == ReturnMethod.POST else "",
                note="",
                at=at,
            )
        if kind == "rate":
            if dossier.status != DossierStatus.RETURNED:
                return dossier
            good = rng.random() < 0.8
            record_evaluation(
                dossier,
                ratings={
                    "time_rating": 2 if good else rng.choice([0, 1]),
                    "procedure_accuracy": 2 if good else 1,
                    "attitude": 2 if good or rng.random() < 0.5 else 1,
                    "lawfulness": 2,
                    "complaint_handling": "",
                    "online_quality": 2 if dossier.channel not in Channel.paper() else "",
                    "agencies_contacted": 0 if good else 1,
                    "contacts_needed": dossier.supplement_count + (0 if good else 1),
                    "has_complaint": False,
                    "comment": rng.choice(
                        [
                            "",
                            "Cán bộ hướng dẫn tận tình.",
                            "Thủ tục nhanh gọn.",
                            "Cần rút ngắn thời gian chờ.",
                        ]
                    ),
                },
                acting_user=one_stop,
                at=at,
            )
            return dossier
        raise ValueError(kind)


def load_demo_dossiers(
    count: int = 300, *, seed: int = 2026, progress: bool = False
) -> dict[str, int]:
    """Create ``count`` demo dossiers through the services (nothing when some exist already).

    Needs the demo agencies, accounts and catalogue (``load_demo`` loads them in order).
    Returns ``{"created": n, "by_status": {...}, "flagged_overdue": m}``.
    """
    from chinhquyen.dossiers.services import flag_overdue

    if settings.PRODUCTION:
        raise DemoRefused(
            "The demo data cannot be loaded in production "
            "(không được nạp dữ liệu mẫu ở chế độ production)."
        )
    if Dossier.objects.filter(is_demo=True).exists():
        return {"created": 0, "flagged_overdue": 0}
    now = timezone.now()
    builder = Builder(seed=seed, now=now)
    plans = [builder.plan(index) for index in range(count)]
    # In order of receipt, so the daily sequence numbers follow the clock of each day.
    plans.sort(key=lambda plan: plan.received_at)
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=len(plans), desc="demo dossiers", unit="dossier")
    with transaction.atomic():
        for plan in plans:
            builder.execute(plan)
            if bar is not None:
                bar.update()
        flagged = flag_overdue(now=now)
        log_action("dossiers.load_demo_dossiers", details={"created": len(plans), "seed": seed})
    if bar is not None:
        bar.close()
    return {"created": len(plans), "flagged_overdue": flagged}
