"""``/api/v1/documents`` — official documents through the exchange (văn bản điện tử).

* ``POST /packages`` (``documents:send``): an edXML package (QCVN 102:2016, ``application/xml``)
  from the client's organisation. The parser verifies it (safe XML, XML signature of the
  sending organisation, trust list); the sender (``From/OrganId``) must be the client's
  organisation or an agency inside it; then
  ``documents.services.exchange_receive.receive_package`` puts it in the queue of the
  recipient on this platform (a resent package returns the existing document, ``duplicate``).
* ``GET /incoming`` (``documents:read``): documents in the queue of the client's organisation
  (default: arrived, waiting to be registered).
* ``GET /outgoing/{id}/status`` (``documents:read``): where a document issued by the client's
  organisation is, per recipient.
"""

from __future__ import annotations

from ninja import Field as NinjaField
from ninja import Query, Router, Schema, Status

from chinhquyen.exchange.api.auth import secured
from chinhquyen.exchange.api.errors import ApiError, responses
from chinhquyen.exchange.api.schemas import (
    MAX_PAGE,
    IncomingPageOut,
    OutgoingStatusOut,
    PackageAcceptedOut,
    page_of,
)

router = Router(tags=["documents"])

PACKAGE_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/xml": {
                "schema": {"type": "string", "description": "edXML document package"}
            }
        },
    }
}


class IncomingFilters(Schema):
    status: str = NinjaField("received", max_length=20)
    limit: int = NinjaField(20, ge=1, le=MAX_PAGE)
    offset: int = NinjaField(0, ge=0, le=1_000_000)


def _sender_allowed(client, organ_id: str) -> bool:
    from chinhquyen.directory.models import Organisation

    sender = Organisation.objects.filter(qcvn_code=organ_id).first()
    return sender is not None and sender.path.startswith(client.organisation.path)


@router.post(
    "/packages",
    response=responses(400, 404, 409, s202=PackageAcceptedOut),
    summary="Send an official document (edXML package)",
    operation_id="documents_send",
    **secured("documents:send", PACKAGE_BODY),
)
def send_package(request):
    from chinhquyen.documents.services.exchange_receive import receive_package
    from chinhquyen.exchange.edxml.parser import parse_document

    client = request.auth
    data = request.body
    if not data:
        raise ApiError(400, "bad_request")
    package = parse_document(data)  # refused (coded ExchangeError) before anything is stored
    if not _sender_allowed(client, package.header.sender.organ_id):
        raise ApiError(403, "sender_mismatch")
    document = receive_package(data, received_via=f"api:{client.client_id}")
    return Status(
        202,
        {
            "id": document.pk,
            "exchange_document_id": document.exchange_document_id,
            "organisation_code": document.organisation.qcvn_code or None,
            "status": document.status,
            "duplicate": bool(getattr(document, "exchange_duplicate", False)),
        },
    )


@router.get(
    "/incoming",
    response=responses(s200=IncomingPageOut),
    summary="Documents waiting for the client's organisation",
    operation_id="documents_incoming",
    **secured("documents:read"),
)
def incoming(request, filters: Query[IncomingFilters]):
    from chinhquyen.documents.models import IncomingDocument

    organisation = request.auth.organisation
    found = (
        IncomingDocument.objects.filter(organisation=organisation, status=filters.status)
        .prefetch_related("files")
        .order_by("-arrived_at", "-pk")
    )
    return page_of(
        found,
        filters,
        lambda items: [
            {
                "id": d.pk,
                "exchange_document_id": d.exchange_document_id,
                "organisation_code": organisation.qcvn_code or None,
                "issuer_name": d.issuer_name,
                "issuer_code": d.issuer_code,
                "number": d.number,
                "notation": d.notation,
                "subject": d.subject,
                "issued_date": d.issued_date,
                "arrived_at": d.arrived_at,
                "channel": d.channel,
                "status": d.status,
                "files": [
                    {
                        "name": f.name,
                        "kind": f.kind,
                        "content_type": f.content_type,
                        "size": f.size,
                        "sha256": f.sha256,
                    }
                    for f in d.files.all()
                ],
            }
            for d in items
        ],
    )


@router.get(
    "/outgoing/{document_id}/status",
    response=responses(404, s200=OutgoingStatusOut),
    summary="Delivery status of an issued document, per recipient",
    operation_id="documents_outgoing_status",
    **secured("documents:read"),
)
def outgoing_status(request, document_id: int):
    from django.db.models import Prefetch

    from chinhquyen.documents.models import OutgoingDocument, Recipient

    document = (
        OutgoingDocument.objects.filter(
            pk=document_id, organisation__path__startswith=request.auth.organisation.path
        )
        .prefetch_related(
            Prefetch("recipients", queryset=Recipient.objects.select_related("organisation"))
        )
        .first()
    )
    if document is None:
        raise ApiError(404, "not_found")
    return {
        "id": document.pk,
        "notation": document.notation,
        "number": document.number,
        "subject": document.subject,
        "status": document.status,
        "issued_at": document.issued_at,
        "recipients": [
            {
                "name": r.name,
                "code": r.external_code
                or (r.organisation.qcvn_code if r.organisation_id else "")
                or "",
                "channel": r.channel,
                "status": r.status,
                "status_label": str(r.get_status_display()),
                "status_note": r.status_note,
                "status_at": r.status_at,
            }
            for r in sorted(document.recipients.all(), key=lambda r: r.pk)
        ],
    }
