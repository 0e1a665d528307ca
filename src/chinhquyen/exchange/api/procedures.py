"""``/api/v1/procedures`` — the published catalogue (scope ``procedures:read``)."""

from __future__ import annotations

from django.db.models import Prefetch
from ninja import Field as NinjaField
from ninja import Query, Router, Schema

from chinhquyen.exchange.api.auth import secured
from chinhquyen.exchange.api.errors import ApiError, responses
from chinhquyen.exchange.api.schemas import (
    MAX_PAGE,
    ProcedureDetailOut,
    ProcedurePageOut,
    page_of,
)

router = Router(tags=["procedures"])


class ProcedureFilters(Schema):
    q: str = NinjaField("", max_length=200, description="Words of the name or text")
    level: str = NinjaField("", max_length=20)
    online_mode: str = NinjaField("", max_length=20)
    limit: int = NinjaField(20, ge=1, le=MAX_PAGE)
    offset: int = NinjaField(0, ge=0, le=1_000_000)


def summary(version) -> dict:
    return {
        "code": version.procedure.national_code,
        "name": version.name,
        "name_en": version.name_en,
        "version": version.number,
        "field": version.field.name if version.field_id else None,
        "level": version.level,
        "online_mode": version.online_mode,
        "processing_time": version.processing_time,
        "time_unit": version.time_unit,
        "effective_from": version.effective_from,
    }


@router.get(
    "",
    response=responses(s200=ProcedurePageOut),
    summary="Search the published procedure catalogue",
    operation_id="procedures_list",
    **secured("procedures:read"),
)
def list_procedures(request, filters: Query[ProcedureFilters]):
    from chinhquyen.portal.search import CatalogueFilters, search_catalogue

    found = search_catalogue(
        CatalogueFilters(
            query=filters.q.strip(), level=filters.level, online_mode=filters.online_mode
        )
    )
    return page_of(found, filters, lambda items: [summary(v) for v in items])


@router.get(
    "/{code}",
    response=responses(404, s200=ProcedureDetailOut),
    summary="A procedure of the catalogue, as in force",
    operation_id="procedures_detail",
    **secured("procedures:read"),
)
def procedure_detail(request, code: str):
    from chinhquyen.directory.models import Organisation
    from chinhquyen.procedures.errors import NoVersionInForce
    from chinhquyen.procedures.models import Procedure, ProcedureVersion
    from chinhquyen.procedures.services import version_in_force

    procedure = Procedure.objects.filter(national_code=code[:30]).first()
    if procedure is None:
        raise ApiError(404, "not_found")
    try:
        version = version_in_force(procedure)
    except NoVersionInForce as exc:
        raise ApiError(404, "not_found") from exc
    version = (
        ProcedureVersion.objects.select_related("procedure", "field")
        .prefetch_related(
            "components",
            "fees",
            Prefetch("implementing_agencies", queryset=Organisation.objects.order_by("name", "pk")),
        )
        .get(pk=version.pk)
    )
    return {
        **summary(version),
        "legal_basis": version.legal_basis,
        "where_to_apply": version.where_to_apply,
        "applicants": version.applicants,
        "result_type": version.result_type,
        "components": [
            {
                "id": c.pk,
                "name": c.name,
                "name_en": c.name_en,
                "requirement": c.requirement,
                "originals": c.originals,
                "copies": c.copies,
                "condition": c.condition,
            }
            for c in sorted(version.components.all(), key=lambda c: (c.order, c.pk))
        ],
        "fees": [
            {"kind": f.kind, "name": f.name, "amount": f.amount, "note": f.note}
            for f in version.fees.all()
        ],
        "agencies": [
            {"code": a.qcvn_code or None, "name": a.name}
            for a in version.implementing_agencies.all()
        ],
    }
