"""The data printed on the one-stop slips: the contract between the dossiers app and the renderer.

Every slip is a frozen dataclass holding exactly what the form prints, already resolved to
plain values (names, codes, aware datetimes, amounts in VND). The dossiers app builds them
from its models (see ``slips/mapping.py``); the renderer never touches the database, so a slip
can be rendered in a test, a task or a preview with no query.

Form numbers follow Circular 01/2018/TT-VPCP Art. 9 (forms 01–06, see ``docs/slips.md``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _


class SlipKind(models.TextChoices):
    RECEIPT = "receipt", _("Receipt and appointment slip")
    SUPPLEMENT_REQUEST = "supplement_request", _("Request to supplement the dossier")
    REFUSAL = "refusal", _("Refusal slip")
    APOLOGY = "apology", _("Apology and new appointment slip")
    CONTROL_SHEET = "control_sheet", _("Processing control sheet")
    REGISTER = "register", _("Dossier register")


class ReturnMethod(models.TextChoices):
    """Where the applicant registered to receive the result (form 01, item 6)."""

    COUNTER = "counter", _("At the one-stop counter")
    POST = "post", _("By public postal service")
    ONLINE = "online", _("Online")


class Outcome(models.TextChoices):
    """Early / on time / late against a deadline (Circular 01/2018 Art. 13)."""

    EARLY = "early", _("Early")
    ON_TIME = "on_time", _("On time")
    LATE = "late", _("Late")


class TimeUnit(models.TextChoices):
    """Same values as ``procedures.choices.TimeUnit``."""

    WORKING_DAYS = "working_days", _("working days")
    WORKING_HOURS = "working_hours", _("working hours")


# --- Parts shared by several forms -------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class SlipAgency:
    """The issuing agency as printed in the top-left header block.

    ``parent_name`` is the governing body printed above (e.g. "UBND TỈNH TUYÊN QUANG"),
    ``name`` the unit itself (e.g. "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG"); ``place_name`` is the
    place on the date line ("Tuyên Quang, ngày … tháng … năm …").
    """

    name: str
    parent_name: str = ""
    qcvn_code: str = ""
    place_name: str = ""


@dataclass(frozen=True, kw_only=True)
class SlipApplicant:
    name: str
    id_number: str = ""
    phone: str = ""
    address: str = ""
    email: str = ""


@dataclass(frozen=True, kw_only=True)
class SlipComponent:
    """One dossier component received: its name and how many originals and copies."""

    name: str
    originals: int = 0
    copies: int = 0


@dataclass(frozen=True, kw_only=True)
class SlipFee:
    """One fee or charge line, in whole Vietnamese đồng."""

    name: str
    amount: int
    paid: bool = False


@dataclass(frozen=True, kw_only=True)
class SupplementItem:
    """One thing the applicant must supplement or correct, and why (form 02)."""

    content: str
    reason: str = ""


@dataclass(frozen=True, kw_only=True)
class HandOver:
    """One row of the control sheet (form 05): a dossier handed from one unit to another."""

    from_unit: str
    to_unit: str
    at: dt.datetime
    giver: str = ""
    receiver: str = ""
    due_at: dt.datetime | None = None
    outcome: str = ""  # an ``Outcome`` value, or "" while the step is still open
    note: str = ""


@dataclass(frozen=True, kw_only=True)
class RegisterRow:
    """One line of the dossier register (form 06)."""

    sequence: int
    code: str
    applicant: str
    procedure: str
    received_at: dt.datetime
    due_at: dt.datetime | None = None
    finished_at: dt.datetime | None = None
    returned_at: dt.datetime | None = None
    outcome: str = ""  # an ``Outcome`` value, or "" while processing
    note: str = ""


# --- The forms ---------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class _DossierSlip:
    """Fields every per-dossier slip (forms 01–05) carries.

    ``issued_at`` is the date on the place/date line (defaults to the render time);
    ``status_url`` is the absolute URL of the public status page, encoded in the QR code.
    """

    kind: ClassVar[str]
    dossier_code: str
    procedure_name: str
    agency: SlipAgency
    applicant: SlipApplicant
    status_url: str = ""
    issued_at: dt.datetime | None = None
    number: str = ""  # the slip's own number ("Số: …"), if the agency numbers them


@dataclass(frozen=True, kw_only=True)
class ReceiptSlip(_DossierSlip):
    """Form 01: Giấy tiếp nhận hồ sơ và hẹn trả kết quả."""

    kind: ClassVar[str] = SlipKind.RECEIPT
    received_at: dt.datetime
    due_at: dt.datetime
    officer_name: str
    components: tuple[SlipComponent, ...] = ()
    sets: int = 1  # number of dossier sets (bộ)
    processing_time: int | None = None  # the legal time, in ``processing_time_unit``
    processing_time_unit: str = TimeUnit.WORKING_DAYS
    return_method: str = ReturnMethod.COUNTER
    return_place: str = ""  # counter address, or the postal address when by post
    fees: tuple[SlipFee, ...] = ()
    register_book: str = ""  # "Vào Sổ theo dõi hồ sơ, Quyển số …"
    register_sequence: int | None = None  # "… Số thứ tự …"

    @property
    def fees_total(self) -> int:
        return sum(fee.amount for fee in self.fees)


@dataclass(frozen=True, kw_only=True)
class SupplementRequest(_DossierSlip):
    """Form 02: Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ."""

    kind: ClassVar[str] = SlipKind.SUPPLEMENT_REQUEST
    items: tuple[SupplementItem, ...]
    officer_name: str
    received_at: dt.datetime | None = None
    deadline: dt.datetime | None = None  # by when the supplement is expected, if any
    notes: str = ""
    contact_phone: str = ""  # whom to call with questions (the officer's desk)


@dataclass(frozen=True, kw_only=True)
class RefusalSlip(_DossierSlip):
    """Form 03: Phiếu từ chối tiếp nhận giải quyết hồ sơ."""

    kind: ClassVar[str] = SlipKind.REFUSAL
    reasons: tuple[str, ...]
    officer_name: str
    received_at: dt.datetime | None = None
    signer_position: str = ""  # printed above the name; defaults to the receiving officer


@dataclass(frozen=True, kw_only=True)
class ApologySlip(_DossierSlip):
    """Form 04: Phiếu xin lỗi và hẹn lại ngày trả kết quả (Decree 61/2018 Art. 19(9))."""

    kind: ClassVar[str] = SlipKind.APOLOGY
    received_at: dt.datetime
    original_due_at: dt.datetime
    new_due_at: dt.datetime
    reason: str
    signer_name: str
    signer_position: str = ""  # e.g. "GIÁM ĐỐC"; defaults to "head of the agency"


@dataclass(frozen=True, kw_only=True)
class ControlSheet(_DossierSlip):
    """Form 05: Phiếu kiểm soát quá trình giải quyết hồ sơ, one row per hand-over."""

    kind: ClassVar[str] = SlipKind.CONTROL_SHEET
    received_at: dt.datetime
    due_at: dt.datetime
    processing_agency: str = ""  # cơ quan (bộ phận) giải quyết hồ sơ
    coordinating_agencies: tuple[str, ...] = ()  # cơ quan phối hợp giải quyết
    rows: tuple[HandOver, ...] = ()


@dataclass(frozen=True, kw_only=True)
class DossierRegister:
    """Form 06: Sổ theo dõi hồ sơ, printed on A4 landscape for a period."""

    kind: ClassVar[str] = SlipKind.REGISTER
    agency: SlipAgency
    period_start: dt.date
    period_end: dt.date
    rows: tuple[RegisterRow, ...] = ()
    book_number: str = ""
    issued_at: dt.datetime | None = None
    field_name: str = ""  # lĩnh vực, when the register is kept per field

    @property
    def totals(self) -> dict[str, int]:
        """How many rows, and how many early / on time / late / still open."""
        counts = {"total": len(self.rows), "open": 0, **{value: 0 for value in Outcome.values}}
        for row in self.rows:
            counts[row.outcome or "open"] += 1
        return counts


Slip = ReceiptSlip | SupplementRequest | RefusalSlip | ApologySlip | ControlSheet | DossierRegister

__all__ = [
    "ApologySlip",
    "ControlSheet",
    "DossierRegister",
    "HandOver",
    "Outcome",
    "ReceiptSlip",
    "RefusalSlip",
    "RegisterRow",
    "ReturnMethod",
    "Slip",
    "SlipAgency",
    "SlipApplicant",
    "SlipComponent",
    "SlipFee",
    "SlipKind",
    "SupplementItem",
    "SupplementRequest",
    "TimeUnit",
]
