"""KPIs read live from small tables: the procedure catalogue, the Circular 01/2018 scores and
the official-documents statistics (``kpis.KPI.source`` other than ``counters``/``index``).

``compute(code, root=, start=, end=, level=, child_paths=)`` returns
``{None: (numerator, denominator, breakdown), child_path: (…), …}`` — the subtree total and
one entry per path of ``child_paths`` (direct children of root, and root itself = its own
figures), like ``aggregates.read``. A numerator ``None`` means "no data".
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal

from chinhquyen.insights.periods import bounds


def _child_of(path: str, child_paths: list[str], root_path: str | None) -> str | None:
    """The entry of ``child_paths`` an organisation at ``path`` belongs to (its prefix one
    level below root, or root itself)."""
    if root_path is not None and path == root_path:
        return root_path
    width = len(root_path or "") + _steplen()
    prefix = path[:width]
    return prefix if prefix in _as_set(child_paths) else None


def _steplen() -> int:
    from chinhquyen.directory.models import Organisation

    return Organisation.steplen


_SETS: dict[int, tuple[list, frozenset]] = {}


def _as_set(paths: list[str]) -> frozenset:
    """The same list is asked thousands of times per dashboard: keep its set."""
    found = _SETS.get(id(paths))
    if found is None or found[0] is not paths:
        _SETS.clear()
        found = _SETS[id(paths)] = (paths, frozenset(paths))
    return found[1]


def _in_scope(path: str, root) -> bool:
    return root is None or path.startswith(root.path)


def _level_ok(unit_level: str | None, level: str | None) -> bool:
    return level is None or (unit_level or "province") == level


def compute(code, *, root, start: datetime.date, end: datetime.date, level, child_paths, memo=None):
    """See the module docstring; ``memo`` (a dict) shares one reading of the documents
    statistics between the three document KPIs of one dashboard."""
    handler = {
        "full_online_procedures_share": _catalogue,
        "agency_points": _agency_points,
        "officers_full_duty_share": _officers,
        "documents_electronic_share": _documents,
        "overdue_document_tasks": _documents,
        "signatures": _documents,
    }[code]
    if handler is _documents:
        return _documents(code, root, start, end, level, list(child_paths), memo)
    return handler(code, root, start, end, level, list(child_paths))


def _catalogue(code, root, start, end, level, child_paths):
    """Versions in force at the end of the period implemented by an agency of the scope.

    The versions in force are read once (one per procedure: thousands at most), then the
    implementing-agency links are counted in the database per child (distinct versions):
    two queries; root's own agency is the prefix equal to its path."""
    from django.db.models import Count, Q
    from django.db.models.functions import Substr

    from chinhquyen.procedures.choices import OnlineMode
    from chinhquyen.procedures.models import ProcedureVersion
    from chinhquyen.procedures.services.catalogue import current_versions

    _lo, hi = bounds(start, end)
    modes = dict(
        current_versions(hi - datetime.timedelta(microseconds=1)).values_list("pk", "online_mode")
    )
    full = [pk for pk, mode in modes.items() if mode == OnlineMode.FULL]
    links = ProcedureVersion.implementing_agencies.through.objects.filter(
        procedureversion_id__in=list(modes)
    )
    if root is not None:
        links = links.filter(organisation__path__startswith=root.path)
    if level is not None:
        unit = "organisation__administrative_unit__level"
        links = links.filter(
            Q(**{f"{unit}__isnull": True}) | Q(**{unit: level})
            if level == "province"
            else Q(**{unit: level})
        )
    counts = {
        "n": Count("procedureversion_id", distinct=True),
        "full": Count("procedureversion_id", filter=Q(procedureversion_id__in=full), distinct=True),
    }
    out: dict = {}

    def put(key, row):
        out[key] = (row["full"], row["n"], {}) if row["n"] else (None, 0, {})

    put(None, links.order_by().aggregate(**counts))
    width = (root.depth + 1 if root is not None else 1) * _steplen()
    grouped = (
        links.order_by()
        .annotate(child=Substr("organisation__path", 1, width))
        .values("child")
        .annotate(**counts)
    )
    for row in grouped:
        if row["child"] in _as_set(child_paths):
            put(row["child"], row)
    for key in child_paths:
        out.setdefault(key, (None, 0, {}))
    return out


def _scores(subject: str, root, start, end, level):
    """(agency path, subject id, period) -> total points of the periods ending in range."""
    from chinhquyen.dossiers.models import IndicatorScore

    rows = IndicatorScore.objects.filter(
        subject=subject, period_end__gte=start, period_end__lte=end, agency__isnull=False
    )
    if root is not None:
        rows = rows.filter(agency__path__startswith=root.path)
    totals: dict[tuple, Decimal] = defaultdict(Decimal)
    for path, unit_level, agency_id, official_id, p_start, p_end, points in rows.values_list(
        "agency__path",
        "agency__administrative_unit__level",
        "agency_id",
        "official_id",
        "period_start",
        "period_end",
        "points",
    ):
        if not _level_ok(unit_level, level):
            continue
        totals[(path, agency_id if subject == "agency" else official_id, p_start, p_end)] += points
    return totals


def _agency_points(code, root, start, end, level, child_paths):
    """Mean agency total (Art. 15) and the number of scored agency-periods by grade."""
    from chinhquyen.dossiers.services.evaluation import agency_grade, indicator_rules_in_force

    totals = _scores("agency", root, start, end, level)
    root_path = root.path if root is not None else None
    groups: dict[str | None, list[Decimal]] = defaultdict(list)
    grades: dict[str | None, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    rules = {}
    for (path, _agency, _p_start, p_end), total in totals.items():
        if p_end not in rules:
            rules[p_end] = indicator_rules_in_force(bounds(p_end, p_end)[1])
        grade = agency_grade(total, rules[p_end])
        for key in {None, _child_of(path, child_paths, root_path)}:
            groups[key].append(total)
            grades[key][grade] += 1
    out = {}
    for key in [None, *child_paths]:
        values = groups.get(key)
        if values:
            out[key] = (sum(values, Decimal(0)), len(values), dict(grades[key]))
        else:
            out[key] = (None, 0, {})
    return out


def _officers(code, root, start, end, level, child_paths):
    """Officers (per scored period) with total ≥ the Art. 14 full-duty points / officers."""
    from chinhquyen.dossiers.services.evaluation import indicator_rules_in_force, officer_grade

    totals = _scores("official", root, start, end, level)
    root_path = root.path if root is not None else None
    counts: dict[str | None, list[int]] = defaultdict(lambda: [0, 0])
    grades: dict[str | None, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    rules = {}
    for (path, _official, _p_start, p_end), total in totals.items():
        if p_end not in rules:
            rules[p_end] = indicator_rules_in_force(bounds(p_end, p_end)[1])
        grade = officer_grade(total, rules[p_end])
        for key in {None, _child_of(path, child_paths, root_path)}:
            counts[key][1] += 1
            counts[key][0] += int(grade == "100%")
            grades[key][grade] += 1
    out = {}
    for key in [None, *child_paths]:
        num, den = counts[key] if key in counts else (None, 0)
        out[key] = (num if den else None, den, dict(grades.get(key, {})))
    return out


def _documents(code, root, start, end, level, child_paths, memo=None):
    """From ``document_statistics`` (by agency), summed per child; signatures also add the
    dossier results signed (counter ``results_signed``, signing feed)."""
    from chinhquyen.documents.services.statistics import document_statistics
    from chinhquyen.insights import aggregates

    lo, hi = bounds(start, end)
    key = ("documents", root.pk if root is not None else None, start, end)
    if memo is not None and key in memo:
        rows = memo[key]
    else:
        rows = document_statistics(root=root, start=lo, end=hi, by="agency")
        if memo is not None:
            memo[key] = rows
    root_path = root.path if root is not None else None
    parts: dict[str | None, list[int]] = defaultdict(lambda: [0, 0])
    for row in rows:
        if code == "documents_electronic_share":
            num, den = row.exchanged_electronically, row.exchanged
        elif code == "overdue_document_tasks":
            num, den = row.assignments_overdue + row.tasks_overdue, 0
        else:
            num, den = row.signed_digitally, 0
        for key in {None, _child_of(row.path or "", child_paths, root_path)}:
            parts[key][0] += num
            parts[key][1] += den
    if code == "signatures":
        signed = aggregates.read(
            root=root,
            start=start,
            end=end,
            level=level,
            metrics=["results_signed"],
            child_paths=child_paths,
        )
        for key, sums in signed.items():
            parts[key][0] += sums.get("results_signed", 0)
    out = {}
    for key in [None, *child_paths]:
        num, den = parts.get(key, [0, 0])
        if code == "documents_electronic_share":
            out[key] = (num if den else None, den, {})
        else:
            out[key] = (num, None, {})
    return out
