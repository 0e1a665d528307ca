"""Typed content of edXML packages (QCVN 102:2016), independent of Django models.

The builder writes these and the parser returns them; ``mapping`` converts them from and to the
documents app. Field names follow the element names (``organ_id`` ↔ ``OrganId``).
"""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass, field

NS = "http://www.mic.gov.vn/TBT/QCVN_102_2016"
PREFIX = "edXML"
DS_NS = "http://www.w3.org/2000/09/xmldsig#"


def q(name: str) -> str:
    """Clark name of an edXML element (``{NS}name``)."""
    return f"{{{NS}}}{name}"


@dataclass
class Organ:
    """``From`` / ``To``: an organisation with its QCVN 102 identifier (OrganId)."""

    organ_id: str
    organ_name: str = ""
    organization_in_charge: str = ""
    organ_add: str = ""
    email: str = ""
    telephone: str = ""
    fax: str = ""
    website: str = ""


@dataclass
class SignerInfo:
    competence: str = ""
    position: str = ""
    full_name: str = ""


@dataclass
class OtherInfo:
    priority: str = "0"
    sphere_of_promulgation: str = ""
    typer_notation: str = ""
    promulgation_amount: int | None = None
    page_amount: int | None = None
    direction: str = ""
    appendixes: list[str] = field(default_factory=list)


@dataclass
class ResponseFor:
    """The document a reply or status message is about."""

    organ_id: str
    code: str  # number/notation, "45/QĐ-UBND"
    promulgation_date: datetime.date | None
    document_id: str


@dataclass
class MessageHeader:
    sender: Organ  # From
    to: list[Organ]
    code_number: str
    code_notation: str
    place: str
    promulgation_date: datetime.date
    document_type: str  # DocumentType/Type (code value, UNCONFIRMED table)
    type_name: str
    subject: str
    document_id: str
    type_detail: str = ""
    content: str = ""
    signer: SignerInfo = field(default_factory=SignerInfo)
    due_date: datetime.date | None = None
    to_places: list[str] = field(default_factory=list)
    other: OtherInfo = field(default_factory=OtherInfo)
    response_for: list[ResponseFor] = field(default_factory=list)
    steering_type: str = ""

    @property
    def code(self) -> str:
        return "/".join(part for part in (self.code_number, self.code_notation) if part)


@dataclass
class StaffInfo:
    department: str = ""
    staff: str = ""
    mobile: str = ""
    email: str = ""


@dataclass
class TraceHeader:
    organ_id: str
    timestamp: datetime.datetime


@dataclass
class Business:
    """``Bussiness`` (sic, as in the standard): why this package is sent."""

    doc_type: str = "0"  # BussinessDocType; 0 = new document
    reason: str = "Văn bản điện tử mới"  # BussinessDocReason
    kind: str = "new"  # our name of doc_type (conf.business_doc_types), "" when unknown
    staff: StaffInfo = field(default_factory=StaffInfo)
    paper: str = "0"
    # DocumentIds of the documents a replacement/update/recall is about.
    related_document_ids: list[str] = field(default_factory=list)


@dataclass
class Attachment:
    name: str
    content_type: str
    data: bytes
    content_id: str = ""  # without "cid:"
    description: str = ""

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    @property
    def size(self) -> int:
        return len(self.data)


@dataclass
class SignatureInfo:
    """Who signed a verified package and how far the certificate could be tied to From."""

    subject: str
    issuer: str
    serial: str
    sha256: str  # certificate fingerprint
    organisation_check: str  # "confirmed" (tied to From/OrganId) or "unknown" (could not tell)
    certificate_der: bytes = b""


@dataclass
class DocumentPackage:
    """An edXML document package (văn bản điện tử)."""

    header: MessageHeader
    traces: list[TraceHeader]
    business: Business
    attachments: list[Attachment]
    signature: SignatureInfo | None = None
    size: int = 0  # bytes of the package as received
    sha256: str = ""  # of the package as received


@dataclass
class StatusMessage:
    """An edXML ``Status`` message (trạng thái xử lý) about one document."""

    response_for: ResponseFor
    sender: Organ  # From: the organisation reporting the status
    status_code: str  # "01" … "16"
    description: str = ""
    timestamp: datetime.datetime | None = None
    staff: StaffInfo = field(default_factory=StaffInfo)
    signature: SignatureInfo | None = None
    size: int = 0
    sha256: str = ""
