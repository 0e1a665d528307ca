"""Which organisations report, at which level, and what the directory already knows.

An IT inventory is kept per *agency* (cơ quan, đơn vị báo cáo): a current organisation that is
not a division (phòng) nor a public service unit (đơn vị sự nghiệp) — those are counted in the
agency above them, like ``documents.services.statistics`` counts a division for its agency.
``ROLLED_UP_KINDS`` is the one place to change that rule (a province whose hospitals report on
their own removes ``PUBLIC_SERVICE_UNIT``).

The level of an agency (``ReportLevel``): a commune People's Committee and anything under it is
the commune level; a (historic) district committee and its units the district level; every
other agency the province level (departments, the committee and its office).
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass

from django.db.models import Count
from django.utils import timezone

from chinhquyen.accounts.scopes import ALL, organisation_scope
from chinhquyen.directory.choices import OfficialStatus, OrganisationKind
from chinhquyen.directory.models import Official, Organisation
from chinhquyen.infrastructure.choices import ReportLevel
from chinhquyen.worktime.calendar import TZ

ROLLED_UP_KINDS = frozenset({OrganisationKind.DIVISION, OrganisationKind.PUBLIC_SERVICE_UNIT})
LEVEL_KINDS = {
    OrganisationKind.COMMUNE_COMMITTEE: ReportLevel.COMMUNE,
    OrganisationKind.DISTRICT_COMMITTEE: ReportLevel.DISTRICT,
}


@dataclass(frozen=True)
class Agency:
    pk: int
    name: str
    path: str
    level: str
    qcvn_code: str
    decision20_code: str

    @property
    def code(self) -> str:
        return self.qcvn_code or self.decision20_code


def year_bounds(year: int) -> tuple[datetime.datetime, datetime.datetime]:
    """The local calendar year as the half-open period [1 Jan, 1 Jan next year)."""
    return (
        datetime.datetime(year, 1, 1, tzinfo=TZ),
        datetime.datetime(year + 1, 1, 1, tzinfo=TZ),
    )


def snapshot_at(year: int, *, now: datetime.datetime | None = None) -> datetime.datetime:
    """When the registries are read for ``year``: its last moment, or now for the current
    year (a report drafted in December counts what is in service today)."""
    now = now or timezone.now()
    end = year_bounds(year)[1] - datetime.timedelta(microseconds=1)
    return min(end, now)


def _tree(root: Organisation | None) -> list[dict]:
    queryset = Organisation.objects.all()
    if root is not None:
        queryset = queryset.filter(path__startswith=root.path)
    return list(
        queryset.order_by("path").values(
            "pk",
            "path",
            "kind",
            "name",
            "qcvn_code",
            "decision20_code",
            "valid_from",
            "valid_until",
        )
    )


def agency_map() -> dict[int, int]:
    """Organisation id → the id of the agency it reports in (itself for an agency)."""
    orgs = _tree(None)
    by_path = {org["path"]: org for org in orgs}
    step = Organisation.steplen
    keys: dict[int, int] = {}
    for org in orgs:
        target, path = org, org["path"]
        while target["kind"] in ROLLED_UP_KINDS and len(path) > step:
            path = path[:-step]
            parent = by_path.get(path)
            if parent is None:
                break
            target = parent
        keys[org["pk"]] = target["pk"]
    return keys


def level_of(path: str, kinds_by_path: dict[str, str]) -> str:
    """The report level of the organisation at ``path`` (from its own kind and ancestors)."""
    step = Organisation.steplen
    for end in range(len(path), 0, -step):
        level = LEVEL_KINDS.get(kinds_by_path.get(path[:end], ""))
        if level:
            return level
    return ReportLevel.PROVINCE


def reporting_agencies(year: int, root: Organisation | None = None) -> list[Agency]:
    """The agencies that report for ``year`` under ``root`` (tree order): organisations not
    rolled up into another, in existence at some time of the year."""
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    orgs = _tree(root)
    kinds = {org["path"]: org["kind"] for org in _tree(None)}
    result = []
    for org in orgs:
        if org["kind"] in ROLLED_UP_KINDS:
            continue
        if org["valid_from"] and org["valid_from"] > last:
            continue
        if org["valid_until"] and org["valid_until"] < first:
            continue
        result.append(
            Agency(
                pk=org["pk"],
                name=org["name"],
                path=org["path"],
                level=level_of(org["path"], kinds),
                qcvn_code=org["qcvn_code"] or "",
                decision20_code=org["decision20_code"] or "",
            )
        )
    return result


def is_reporting_agency(organisation: Organisation, year: int) -> bool:
    return any(a.pk == organisation.pk for a in reporting_agencies(year, organisation))


def directory_official_counts() -> Counter:
    """Agency id → officials in the directory not marked as left, units counted in their
    agency (the prefill of the inventory's "officials")."""
    keys = agency_map()
    counts: Counter = Counter()
    rows = (
        Official.objects.exclude(status=OfficialStatus.LEFT)
        .order_by()
        .values("organisation_id")
        .annotate(n=Count("pk"))
    )
    for row in rows:
        organisation_id = row["organisation_id"]
        counts[keys.get(organisation_id, organisation_id)] += row["n"]
    return counts


def in_scope(user, permission: str, path: str) -> bool:
    """``user`` holds ``permission`` at the organisation ``path`` or above it."""
    scope = organisation_scope(user, permission)
    if scope is ALL:
        return True
    return any(path.startswith(prefix) for prefix in scope)


def scope_prefixes(user, permission: str):
    """ALL or the list of path prefixes where ``user`` holds ``permission``."""
    return organisation_scope(user, permission)


def visible_agencies(user, permission: str, agencies: list[Agency]) -> list[Agency]:
    scope = organisation_scope(user, permission)
    if scope is ALL:
        return agencies
    return [a for a in agencies if any(a.path.startswith(p) for p in scope)]


def province_roots() -> list[Organisation]:
    """The roots of the organisation tree (the provincial People's Committee)."""
    return list(Organisation.objects.filter(depth=1).order_by("path"))


def covers_province(user, permission: str) -> bool:
    """``user`` holds ``permission`` for a whole province (at a root, or system-wide)."""
    scope = organisation_scope(user, permission)
    if scope is ALL:
        return True
    return any(len(prefix) == Organisation.steplen for prefix in scope)
