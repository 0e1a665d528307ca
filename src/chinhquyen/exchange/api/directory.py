"""``/api/v1/directory`` — organisations (QCVN 102 codes) and administrative units
(scope ``directory:read``)."""

from __future__ import annotations

from ninja import Field as NinjaField
from ninja import Query, Router, Schema

from chinhquyen.exchange.api.auth import secured
from chinhquyen.exchange.api.errors import ApiError, responses
from chinhquyen.exchange.api.schemas import (
    MAX_PAGE,
    OrganisationOut,
    OrganisationPageOut,
    UnitPageOut,
    page_of,
)

router = Router(tags=["directory"])


class OrganisationFilters(Schema):
    q: str = NinjaField("", max_length=200, description="Words of the name")
    parent: str = NinjaField("", max_length=35, description="QCVN code of the parent")
    limit: int = NinjaField(50, ge=1, le=MAX_PAGE)
    offset: int = NinjaField(0, ge=0, le=1_000_000)


class UnitFilters(Schema):
    level: str = NinjaField("", max_length=10)
    parent: str = NinjaField("", max_length=10, description="Official code of the parent")
    limit: int = NinjaField(50, ge=1, le=MAX_PAGE)
    offset: int = NinjaField(0, ge=0, le=1_000_000)


def _parents(organisations) -> dict[str, str | None]:
    """Parent codes of ``organisations`` (one query: treebeard paths)."""
    from chinhquyen.directory.models import Organisation

    step = Organisation.steplen
    paths = {o.path[:-step] for o in organisations if o.depth > 1}
    codes = dict(Organisation.objects.filter(path__in=paths).values_list("path", "qcvn_code"))
    return {o.path: codes.get(o.path[:-step]) or None for o in organisations}


def organisation_out(o, parents: dict) -> dict:
    return {
        "code": o.qcvn_code or None,
        "name": o.name,
        "name_en": o.name_en,
        "short_name": o.short_name,
        "kind": o.kind,
        "parent_code": parents.get(o.path),
        "depth": o.depth,
        "administrative_unit": (o.administrative_unit.code if o.administrative_unit_id else None),
        "address": o.address,
        "phone": o.phone,
        "email": o.email,
    }


@router.get(
    "/organisations",
    response=responses(404, s200=OrganisationPageOut),
    summary="Organisations of the directory",
    operation_id="directory_organisations",
    **secured("directory:read"),
)
def organisations(request, filters: Query[OrganisationFilters]):
    from chinhquyen.directory.models import Organisation
    from chinhquyen.directory.services import search_organisations

    found = Organisation.objects.select_related("administrative_unit").order_by("path")
    if filters.parent:
        parent = Organisation.objects.filter(qcvn_code=filters.parent).first()
        if parent is None:
            raise ApiError(404, "not_found")
        found = found.filter(path__startswith=parent.path, depth=parent.depth + 1)
    found = search_organisations(found, filters.q)

    def render(items):
        parents = _parents(items)
        return [organisation_out(o, parents) for o in items]

    return page_of(found, filters, render)


@router.get(
    "/organisations/{code}",
    response=responses(404, s200=OrganisationOut),
    summary="An organisation by its QCVN 102 code",
    operation_id="directory_organisation",
    **secured("directory:read"),
)
def organisation(request, code: str):
    from chinhquyen.directory.models import Organisation

    found = (
        Organisation.objects.select_related("administrative_unit")
        .filter(qcvn_code=code[:35])
        .first()
    )
    if found is None:
        raise ApiError(404, "not_found")
    return organisation_out(found, _parents([found]))


@router.get(
    "/units",
    response=responses(404, s200=UnitPageOut),
    summary="Administrative units (current)",
    operation_id="directory_units",
    **secured("directory:read"),
)
def units(request, filters: Query[UnitFilters]):
    from chinhquyen.directory.models import AdministrativeUnit

    found = (
        AdministrativeUnit.objects.filter(is_historic=False)
        .select_related("parent")
        .order_by("level", "code", "pk")
    )
    if filters.level:
        found = found.filter(level=filters.level)
    if filters.parent:
        found = found.filter(parent__code=filters.parent, parent__is_historic=False)
    return page_of(
        found,
        filters,
        lambda items: [
            {
                "code": u.code,
                "name": u.name,
                "division_type": u.division_type,
                "level": u.level,
                "parent_code": u.parent.code if u.parent_id else None,
            }
            for u in items
        ],
    )
