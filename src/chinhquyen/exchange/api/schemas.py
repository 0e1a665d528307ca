"""Request and response schemas of the integration API (the OpenAPI contract)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from ninja import Field, Schema

from chinhquyen.dossiers.api import DossierStatusOut, ProcedureOut, StepOut  # noqa: F401

MAX_PAGE = 100


class Page(Schema):
    count: int
    limit: int
    offset: int


def page_of(rows, filters, render) -> dict:
    """One ``Page`` of ``rows``: their exact count, and ``render`` of the ``filters.limit`` rows
    from ``filters.offset`` (given the whole page, so it may read what they share at once)."""
    items = list(rows[filters.offset : filters.offset + filters.limit])
    return {
        "count": rows.count(),
        "limit": filters.limit,
        "offset": filters.offset,
        "items": render(items),
    }


# --- Procedures ---------------------------------------------------------------------------


class ProcedureSummaryOut(Schema):
    code: str
    name: str
    name_en: str
    version: int
    field: str | None
    level: str
    online_mode: str
    processing_time: Decimal
    time_unit: str
    effective_from: datetime | None


class ProcedurePageOut(Page):
    items: list[ProcedureSummaryOut]


class ComponentOut(Schema):
    id: int
    name: str
    name_en: str
    requirement: str
    originals: int
    copies: int
    condition: str


class FeeOut(Schema):
    kind: str
    name: str
    amount: Decimal
    note: str


class AgencyRefOut(Schema):
    code: str | None
    name: str


class ProcedureDetailOut(ProcedureSummaryOut):
    legal_basis: str
    where_to_apply: str
    applicants: str
    result_type: str
    components: list[ComponentOut]
    fees: list[FeeOut]
    agencies: list[AgencyRefOut]


# --- Dossiers -----------------------------------------------------------------------------


class ApplicantIn(Schema):
    kind: Literal["individual", "organisation"] = "individual"
    name: str = Field(..., min_length=1, max_length=255)
    id_number: str = Field("", max_length=20)
    phone: str = Field("", max_length=20)
    email: str = Field("", max_length=254)
    address: str = Field("", max_length=500)


class ComponentFileIn(Schema):
    component_id: int | None = None
    file_name: str = Field(..., min_length=1, max_length=200)
    content_base64: str = Field(..., min_length=1)


class DossierIn(Schema):
    procedure_code: str = Field(..., min_length=1, max_length=30)
    agency_code: str = Field(
        "", max_length=35, description="QCVN 102 code of the receiving agency (default: own)"
    )
    applicant: ApplicantIn
    components: list[ComponentFileIn] = Field(default_factory=list, max_length=50)


class DossierOut(Schema):
    code: str
    channel: str
    procedure_code: str
    procedure_name: str
    receiving_agency_code: str
    receiving_agency: str
    status: str
    status_label: str
    received_at: datetime
    due_at: datetime
    finished_at: datetime | None
    version: int


class DossierPageOut(Page):
    items: list[DossierOut]


class TransitionIn(Schema):
    action: str = Field(..., min_length=1, max_length=40)
    note: str = Field("", max_length=2000)
    expected_version: int | None = None


# --- Documents ----------------------------------------------------------------------------


class PackageAcceptedOut(Schema):
    id: int
    exchange_document_id: str
    organisation_code: str | None
    status: str
    duplicate: bool


class DocumentFileOut(Schema):
    name: str
    kind: str
    content_type: str
    size: int
    sha256: str


class IncomingDocumentOut(Schema):
    id: int
    exchange_document_id: str
    organisation_code: str | None
    issuer_name: str
    issuer_code: str
    number: str
    notation: str
    subject: str
    issued_date: date | None
    arrived_at: datetime
    channel: str
    status: str
    files: list[DocumentFileOut]


class IncomingPageOut(Page):
    items: list[IncomingDocumentOut]


class RecipientStatusOut(Schema):
    name: str
    code: str
    channel: str
    status: str
    status_label: str
    status_note: str
    status_at: datetime | None


class OutgoingStatusOut(Schema):
    id: int
    notation: str
    number: int | None
    subject: str
    status: str
    issued_at: datetime | None
    recipients: list[RecipientStatusOut]


# --- Directory ----------------------------------------------------------------------------


class OrganisationOut(Schema):
    code: str | None
    name: str
    name_en: str
    short_name: str
    kind: str
    parent_code: str | None
    depth: int
    administrative_unit: str | None
    address: str
    phone: str
    email: str


class OrganisationPageOut(Page):
    items: list[OrganisationOut]


class UnitOut(Schema):
    code: str
    name: str
    division_type: str
    level: str
    parent_code: str | None


class UnitPageOut(Page):
    items: list[UnitOut]
