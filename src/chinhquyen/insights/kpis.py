"""Key performance indicators of the operations centre (chỉ số điều hành) — the public API.

Used by the dashboard pages, exports and alerts (``insights.views*``, ``exports``, ``alerts``)::

    KPIS["on_time_rate"]                    -> KPI (code, label, formula, unit, target …)
    kpis_in_order()                         -> list[KPI] in dashboard order
    dashboard(root=None, start=date, end=date, level=None, codes=None) -> Dashboard
    series(code, root=None, start=date, end=date, granularity="month") -> list[Point]
    procedure_times(root=None, start=date, end=date, level=None, limit=None) -> list[ProcedureRow]

``start``/``end`` are **local dates, both included** (``insights.periods`` parses day, month,
quarter, year and custom periods). ``root`` is a ``directory.Organisation`` (None: the whole
province); ``by_agency`` holds one row per direct child of ``root`` (its subtree summed along
the materialised path) plus, when it has figures of its own, a row for ``root`` itself, so a
click on a row drills one level down (``dashboard(root=child, …)``). ``level`` keeps only the
agencies of one administrative level ("province", "district", "commune"; an agency without an
administrative unit counts as provincial).

Sources (``KPI.source``):

* ``counters`` — dossier figures, from ``insights.Counter`` only (never the dossier table):
  constant work per page whatever the number of dossiers (docs/insights.md, benchmark);
* ``catalogue`` — the procedure catalogue (thousands of rows, read live);
* ``scores`` — ``dossiers.IndicatorScore`` rows of Circular 01/2018 (one per agency/officer and
  period; read live);
* ``documents`` — ``documents.services.statistics.document_statistics`` (live, six queries);
* ``index`` — the Decision 766/2022 group points, computed from the other tiles with the
  configurable ``IndexComponent`` weights.

Every tile carries its numerator and denominator; ``drilldown.records(code, part, …)`` lists
the records behind them. A KPI whose data the platform does not have yet shows ``value None``
with ``note`` saying so — a figure is never invented.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from chinhquyen.insights import aggregates
from chinhquyen.insights.periods import buckets, month_end

PERCENT, COUNT, DAYS, POINTS = "%", "count", "days", "points"
UNITS = (PERCENT, COUNT, DAYS, POINTS)
ONE_DECIMAL = Decimal("0.1")
SECONDS_PER_DAY = Decimal(86400)
INDEX_GROUP_MAX = {1: Decimal(18), 2: Decimal(20), 3: Decimal(22), 4: Decimal(22), 5: Decimal(18)}
LEVELS = ("province", "district", "commune")


@dataclass(frozen=True)
class KPI:
    """One indicator: what it means, how it is computed and what is good.

    ``numerator``/``denominator`` name counter metrics (``aggregates.METRICS``) summed over
    the period for ``source == "counters"``; other sources compute both in this module.
    ``label`` and ``formula`` are lazy English strings, translated to Vietnamese by the app's
    ``locale_vi.po`` (``str()`` under ``translation.override("vi")`` for the Vietnamese).
    """

    code: str
    label: Promise
    formula: Promise
    unit: str
    higher_is_better: bool
    group: str  # "766-1" … "766-5", "766", "ND61", "TT01", "docs"
    source: str = "counters"
    numerator: tuple[str, ...] = ()
    denominator: tuple[str, ...] = ()
    default_target: Decimal | None = None
    confirmed: bool = True  # False: the formula is a configurable reading of an unread source
    note: Promise | str = ""
    drillable: bool = True

    def target(self) -> Decimal | None:
        """The province's target (``KpiTarget`` row) or the default; None = no target."""
        return targets().get(self.code, self.default_target)

    def meets(self, value: Decimal | None) -> bool | None:
        target = self.target()
        if value is None or target is None:
            return None
        return value >= target if self.higher_is_better else value <= target


@dataclass
class Tile:
    """The value of one KPI for one agency (or subtree) and period."""

    kpi: KPI
    value: Decimal | None
    numerator: Decimal | int | None = None
    denominator: Decimal | int | None = None
    target_met: bool | None = None
    note: Promise | str = ""
    breakdown: dict = field(default_factory=dict)  # e.g. grade -> number of agencies

    @property
    def code(self) -> str:
        return self.kpi.code

    @property
    def has_data(self) -> bool:
        return self.value is not None


@dataclass
class AgencyRow:
    """One direct child of the dashboard's root (its whole subtree), or the root itself."""

    agency_id: int
    name: str
    name_en: str
    code: str
    path: str
    has_children: bool
    is_root: bool
    tiles: dict[str, Tile]


@dataclass
class Dashboard:
    root: object | None
    start: datetime.date
    end: datetime.date
    level: str | None
    tiles: dict[str, Tile]
    by_agency: list[AgencyRow]
    fed: dict[str, datetime.datetime | None]  # feed -> last rebuilt (None: only incremental)


@dataclass
class Point:
    """One point of a series: the KPI over ``[start, end]`` (the last may be clipped)."""

    start: datetime.date
    end: datetime.date
    label: str
    tile: Tile


@dataclass
class ProcedureRow:
    procedure_id: int
    code: str
    name: str
    resolved: int
    average_days: Decimal | None


def _k(code, label, formula, unit, better, group, **kw) -> KPI:
    return KPI(code, label, formula, unit, better, group, **kw)


# Dashboard order. Formulas: docs/insights.md; legal sources: domain-vn.md §1.5, §1.6, §2.2, §5.1.
_REGISTRY: list[KPI] = [
    _k(
        "received",
        _("Dossiers received"),
        _("Dossiers whose receipt time falls in the period (every channel), by processing agency."),
        COUNT,
        True,
        "ND61",
        numerator=("received",),
    ),
    _k(
        "resolved",
        _("Dossiers resolved"),
        _("Dossiers whose result (approval or refusal) was ready in the period."),
        COUNT,
        True,
        "ND61",
        numerator=("resolved_early", "resolved_on_time", "resolved_late"),
    ),
    _k(
        "resolved_early",
        _("Resolved early"),
        _("Resolved dossiers whose result was ready a calendar day before the legal deadline."),
        COUNT,
        True,
        "TT01",
        numerator=("resolved_early",),
    ),
    _k(
        "resolved_on_time",
        _("Resolved on time"),
        _("Resolved dossiers whose result was ready on the legal deadline's day, not after it."),
        COUNT,
        True,
        "TT01",
        numerator=("resolved_on_time",),
    ),
    _k(
        "resolved_late",
        _("Resolved late"),
        _("Resolved dossiers whose result was ready after the legal deadline."),
        COUNT,
        False,
        "TT01",
        numerator=("resolved_late",),
    ),
    _k(
        "on_time_rate",
        _("Resolved early or on time"),
        _("(early + on time) / resolved × 100 %."),
        PERCENT,
        True,
        "766-2",
        numerator=("resolved_early", "resolved_on_time"),
        denominator=("resolved_early", "resolved_on_time", "resolved_late"),
        default_target=Decimal(95),
    ),
    _k(
        "average_resolution_days",
        _("Average resolution time"),
        _(
            "Sum over resolved dossiers of (result ready − received), in calendar days, "
            "/ resolved. Per procedure: procedure_times()."
        ),
        DAYS,
        False,
        "766-2",
        numerator=("resolution_seconds",),
        denominator=("resolved_early", "resolved_on_time", "resolved_late"),
    ),
    _k(
        "online_share",
        _("Received online"),
        _("Dossiers received online (provincial system or national portal) / received × 100 %."),
        PERCENT,
        True,
        "766-4",
        numerator=("received_online",),
        denominator=("received",),
        default_target=Decimal(30),
    ),
    _k(
        "full_online_share",
        _("Received fully online"),
        _(
            "Dossiers received online for a procedure version offered fully online (toàn trình) "
            "/ received × 100 %."
        ),
        PERCENT,
        True,
        "766-4",
        numerator=("received_full_online",),
        denominator=("received",),
    ),
    _k(
        "full_online_procedures_share",
        _("Procedures offered fully online"),
        _(
            "Procedure versions in force at the end of the period implemented by the agencies, "
            "offered fully online (toàn trình) / all in force × 100 %."
        ),
        PERCENT,
        True,
        "766-4",
        source="catalogue",
        default_target=Decimal(100),
        note=_("Decree 224/2026 Art. 14: procedures are to be provided fully online."),
    ),
    _k(
        "digitised_share",
        _("Dossiers digitised"),
        _(
            "Dossiers received with their components as electronic files (at least one file "
            "stored at intake) / received × 100 %."
        ),
        PERCENT,
        True,
        "766-3",
        numerator=("received_digitised",),
        denominator=("received",),
        confirmed=False,
    ),
    _k(
        "online_payment_share",
        _("Fees paid online"),
        _("Fee payments made online / fee payments recorded in the period × 100 %."),
        PERCENT,
        True,
        "766-4",
        numerator=("payments_online",),
        denominator=("payments",),
    ),
    _k(
        "national_sync_share",
        _("Synchronised to the national portal"),
        _(
            "Dossiers received in the period synchronised to the national portal "
            "/ received × 100 %."
        ),
        PERCENT,
        True,
        "766-1",
        numerator=("synced_national",),
        denominator=("received",),
        default_target=Decimal(100),
    ),
    _k(
        "feedback_on_time_rate",
        _("Feedback handled on time"),
        _(
            "Feedback answered on or before its deadline / feedback due in the period "
            "(within competence) × 100 %."
        ),
        PERCENT,
        True,
        "766-5",
        numerator=("feedback_on_time",),
        denominator=("feedback_due",),
        default_target=Decimal(100),
    ),
    _k(
        "feedback_satisfaction_rate",
        _("Satisfaction with feedback handling"),
        _(
            "(feedback due − feedback marked unsatisfied − feedback handled late) "
            "/ feedback due × 100 %."
        ),
        PERCENT,
        True,
        "766-5",
        numerator=("feedback_on_time",),
        denominator=("feedback_due",),
        note=_("No 'unsatisfied' marking is recorded on feedback yet: counted as none."),
    ),
    _k(
        "satisfaction_rate",
        _("Satisfaction with procedures"),
        _(
            "Evaluations in the period with no substantiated complaint whose mean rating (0–2) of "
            "the rated Decree 61 Art. 31 criteria is at least 1 / evaluations × 100 %."
        ),
        PERCENT,
        True,
        "766-5",
        numerator=("evaluations_satisfied",),
        denominator=("evaluations",),
        confirmed=False,
    ),
    *[
        _k(
            f"index_766_group{group}",
            label,
            _(
                "Group maximum × Σ(weight × min(1, value / value for full weight)) / Σ weight, "
                "over the group's configured indicators that have data."
            ),
            POINTS,
            True,
            f"766-{group}",
            source="index",
            confirmed=False,
            drillable=False,
        )
        for group, label in (
            (1, _("Index 766 group 1: transparency (of 18)")),
            (2, _("Index 766 group 2: timeliness (of 20)")),
            (3, _("Index 766 group 3: digitisation (of 22)")),
            (4, _("Index 766 group 4: online services (of 22)")),
            (5, _("Index 766 group 5: satisfaction (of 18)")),
        )
    ],
    _k(
        "index_766_total",
        _("Index 766 total (of 100)"),
        _("Sum of the five groups' points (18 + 20 + 22 + 22 + 18)."),
        POINTS,
        True,
        "766",
        source="index",
        confirmed=False,
        drillable=False,
    ),
    _k(
        "agency_points",
        _("Agency score (Circular 01/2018)"),
        _(
            "Mean total points of the agencies' scored periods ending in the range (Art. 15: "
            "≥ 15 excellent, 12 good, 9 fair, 6 average, below weak); breakdown by grade."
        ),
        POINTS,
        True,
        "TT01",
        source="scores",
        default_target=Decimal(12),
    ),
    _k(
        "officers_full_duty_share",
        _("Officers with 100 % of duties done"),
        _(
            "Officers whose total points in a scored period are ≥ 5 (Art. 14) / officers scored "
            "× 100 %."
        ),
        PERCENT,
        True,
        "TT01",
        source="scores",
    ),
    _k(
        "documents_electronic_share",
        _("Documents exchanged electronically"),
        _(
            "(incoming electronic + outgoing issued electronically) / (incoming received + "
            "outgoing issued) × 100 %."
        ),
        PERCENT,
        True,
        "docs",
        source="documents",
        default_target=Decimal(97),
    ),
    _k(
        "overdue_document_tasks",
        _("Overdue document assignments and tasks"),
        _(
            "Assignments and follow-up tasks due before the end of the period still open at its "
            "end or completed late in it."
        ),
        COUNT,
        False,
        "docs",
        source="documents",
        default_target=Decimal(0),
    ),
    _k(
        "signatures",
        _("Digital signatures made"),
        _("Outgoing documents issued with a digitally signed file + dossier results signed."),
        COUNT,
        True,
        "docs",
        source="documents",
    ),
]
KPIS: dict[str, KPI] = {kpi.code: kpi for kpi in _REGISTRY}
COUNTER_KPIS = tuple(k for k in _REGISTRY if k.source == "counters")


def kpis_in_order(codes: Iterable[str] | None = None) -> list[KPI]:
    """The KPIs in dashboard order (only ``codes`` when given; unknown codes → KeyError)."""
    if codes is None:
        return list(_REGISTRY)
    wanted = set(codes)
    unknown = wanted - KPIS.keys()
    if unknown:
        raise KeyError(sorted(unknown))
    return [k for k in _REGISTRY if k.code in wanted]


def targets() -> dict[str, Decimal]:
    from chinhquyen.insights.models import KpiTarget

    return dict(KpiTarget.objects.values_list("code", "target"))


# --- computing tiles ------------------------------------------------------------------------


def _ratio(num, den, unit: str) -> Decimal | None:
    if unit == COUNT:
        return Decimal(num)
    if not den:
        return None
    if unit == PERCENT:
        value = Decimal(100) * Decimal(num) / Decimal(den)
    elif unit == DAYS:
        value = Decimal(num) / SECONDS_PER_DAY / Decimal(den)
    else:
        value = Decimal(num) / Decimal(den)
    return value.quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


def _exact_meets(kpi: KPI, target_value, num, den) -> bool | None:
    """Compare exactly (never the rounded figure), as the documents statistics do."""
    if target_value is None:
        return None
    if kpi.unit == COUNT:
        num_d = Decimal(num)
        return num_d >= target_value if kpi.higher_is_better else num_d <= target_value
    if not den:
        return None
    scale = (
        Decimal(100) if kpi.unit == PERCENT else (1 / SECONDS_PER_DAY if kpi.unit == DAYS else 1)
    )
    left = Decimal(num) * scale
    right = target_value * Decimal(den)
    return left >= right if kpi.higher_is_better else left <= right


def tile_from_parts(kpi: KPI, num, den, *, note="", target_value=None, breakdown=None) -> Tile:
    """A tile from a numerator and denominator (None numerator = no data)."""
    if num is None:
        return Tile(kpi, None, None, den, None, note or _("No data."), breakdown or {})
    value = _ratio(num, den, kpi.unit)
    met = _exact_meets(kpi, target_value, num, den)
    return Tile(kpi, value, num, den, met, note or kpi.note, breakdown or {})


def counter_tile(kpi: KPI, sums: dict[str, int], *, target_value=None, fed=None) -> Tile:
    num = sum(sums.get(m, 0) for m in kpi.numerator)
    den = sum(sums.get(m, 0) for m in kpi.denominator) if kpi.denominator else None
    note = ""
    if kpi.code == "national_sync_share" and not aggregates.national_sync_available():
        return tile_from_parts(
            kpi, None, den, note=_("No data: the national portal synchronisation is not recorded.")
        )
    if fed is not None and any(
        aggregates.METRICS[m] != "dossiers" and fed.get(aggregates.METRICS[m]) is None
        for m in kpi.numerator + kpi.denominator
    ):
        note = _("No data yet: run “chinhquyen insights rebuild”.")
        return tile_from_parts(kpi, None, den, note=note)
    return tile_from_parts(kpi, num, den, target_value=target_value)


@dataclass
class _Scope:
    root: object | None
    start: datetime.date
    end: datetime.date
    level: str | None
    children: dict[str, dict]  # path -> organisation info (direct children + root itself)


def _scope(root, start, end, level) -> _Scope:
    from chinhquyen.directory.models import Organisation

    if level is not None and level not in LEVELS:
        raise ValueError(f"level must be one of {LEVELS}")
    if end < start:
        raise ValueError("end must not be before start")
    if root is None:
        rows = Organisation.objects.filter(depth=1)
    else:
        rows = Organisation.objects.filter(
            path__startswith=root.path, depth__in=(root.depth, root.depth + 1)
        )
    children = {
        o["path"]: o
        for o in rows.order_by("path").values(
            "pk", "path", "name", "name_en", "qcvn_code", "numchild", "depth"
        )
    }
    return _Scope(root, start, end, level, children)


def _live_parts(kpi: KPI, scope: _Scope, memo: dict) -> dict:
    """Per child path (None = the total): (numerator, denominator, breakdown)."""
    from chinhquyen.insights import live

    return live.compute(
        kpi.code,
        root=scope.root,
        start=scope.start,
        end=scope.end,
        level=scope.level,
        child_paths=list(scope.children),
        memo=memo,
    )


def dashboard(
    *,
    root=None,
    start: datetime.date,
    end: datetime.date,
    level: str | None = None,
    codes: Iterable[str] | None = None,
) -> Dashboard:
    """Every KPI (or ``codes``) for ``root``'s subtree over ``[start, end]``, and per child.

    Dossier KPIs read only the counters: one grouped query whatever the number of dossiers
    (plus one for the children, one for targets, one for feed states); the live KPIs add a
    few queries each on small tables.
    """
    scope = _scope(root, start, end, level)
    wanted = kpis_in_order(codes)
    goal = targets()
    fed = aggregates.feed_states()
    metrics = sorted(
        {m for k in wanted if k.source == "counters" for m in k.numerator + k.denominator}
    )
    sums = (
        aggregates.read(
            root=root,
            start=start,
            end=end,
            level=level,
            metrics=metrics,
            child_paths=list(scope.children),
        )
        if metrics
        else {None: {}}
    )
    tiles: dict[str, Tile] = {}
    per_child: dict[str, dict[str, Tile]] = defaultdict(dict)
    memo: dict = {}
    for kpi in wanted:
        target_value = goal.get(kpi.code, kpi.default_target)
        if kpi.source == "counters":
            tiles[kpi.code] = counter_tile(
                kpi, sums.get(None, {}), target_value=target_value, fed=fed
            )
            for path in scope.children:
                per_child[path][kpi.code] = counter_tile(
                    kpi, sums.get(path, {}), target_value=target_value, fed=fed
                )
        elif kpi.source in ("catalogue", "scores", "documents"):
            parts = _live_parts(kpi, scope, memo)
            for key, value in parts.items():
                num, den, breakdown = value
                tile = tile_from_parts(
                    kpi, num, den, target_value=target_value, breakdown=breakdown
                )
                if key is None:
                    tiles[kpi.code] = tile
                else:
                    per_child[key][kpi.code] = tile
    _index_tiles(wanted, tiles, per_child)
    rows = []
    root_path = root.path if root is not None else None
    for path, info in scope.children.items():
        child_tiles = per_child.get(path, {})
        is_root = path == root_path
        if is_root and not any(t.numerator for t in child_tiles.values()):
            continue  # the root's own figures are shown only when it has some
        rows.append(
            AgencyRow(
                agency_id=info["pk"],
                name=info["name"],
                name_en=info["name_en"],
                code=info["qcvn_code"] or "",
                path=path,
                has_children=bool(info["numchild"]) and not is_root,
                is_root=is_root,
                tiles=child_tiles,
            )
        )
    return Dashboard(root, start, end, level, tiles, rows, fed)


def _index_tiles(wanted: list[KPI], tiles: dict[str, Tile], per_child: dict[str, dict]) -> None:
    """Fill the 766 group tiles from the component tiles (configurable ``IndexComponent``)."""
    index_codes = [k for k in wanted if k.source == "index"]
    if not index_codes:
        return
    from chinhquyen.insights.models import IndexComponent

    components = list(IndexComponent.objects.all())
    for target in [tiles, *per_child.values()]:
        groups = {}
        for group in INDEX_GROUP_MAX:
            groups[group] = index_group_points(group, components, target)
        for kpi in index_codes:
            if kpi.code == "index_766_total":
                have = [p for p in groups.values() if p is not None]
                total = sum(have, Decimal(0)) if len(have) == len(groups) else None
                target[kpi.code] = Tile(
                    kpi,
                    total,
                    total,
                    Decimal(100),
                    None,
                    "" if total is not None else _("Not every group has data."),
                )
            else:
                group = int(kpi.code[-1])
                points = groups[group]
                target[kpi.code] = Tile(
                    kpi,
                    points,
                    points,
                    INDEX_GROUP_MAX[group],
                    None,
                    ""
                    if points is not None
                    else _("No configured indicator of the group has data."),
                )


def index_group_points(group: int, components, tiles: dict[str, Tile]) -> Decimal | None:
    """Points of one 766 group from ``tiles`` (see ``IndexComponent``); None without data."""
    weighted = Decimal(0)
    weights = Decimal(0)
    for comp in components:
        if comp.group != group:
            continue
        tile = tiles.get(comp.kpi)
        if tile is None:
            tile = None
        if tile is None or tile.value is None or not comp.weight:
            continue
        kpi = KPIS.get(comp.kpi)
        value = Decimal(tile.value)
        if kpi is not None and not kpi.higher_is_better:
            share = Decimal(1) if value <= 0 else min(Decimal(1), comp.full_at / value)
        else:
            share = (
                Decimal(1) if not comp.full_at else min(Decimal(1), max(value, 0) / comp.full_at)
            )
        weighted += comp.weight * share
        weights += comp.weight
    if not weights:
        return None
    return (INDEX_GROUP_MAX[group] * weighted / weights).quantize(
        ONE_DECIMAL, rounding=ROUND_HALF_UP
    )


def series(
    code: str,
    *,
    root=None,
    start: datetime.date,
    end: datetime.date,
    granularity: str = "day",
    level: str | None = None,
) -> list[Point]:
    """The KPI ``code`` per day / month / quarter / year over ``[start, end]`` (first and last
    points clipped to the range). Counter KPIs: one query for the whole series; others: one
    computation per point (index KPIs are computed from their components per point)."""
    kpi = KPIS[code]
    periods = buckets(start, end, granularity)
    goal = targets()
    target_value = goal.get(code, kpi.default_target)
    if kpi.source == "counters":
        fed = aggregates.feed_states()
        metrics = sorted(set(kpi.numerator + kpi.denominator))
        per = aggregates.read_series(
            root=root, level=level, metrics=metrics, periods=[(p.start, p.end) for p in periods]
        )
        return [
            Point(
                p.start,
                p.end,
                p.label,
                counter_tile(kpi, per[i], target_value=target_value, fed=fed),
            )
            for i, p in enumerate(periods)
        ]
    out = []
    for p in periods:
        board = dashboard(
            root=root, start=p.start, end=p.end, level=level, codes=_with_components(code)
        )
        out.append(Point(p.start, p.end, p.label, board.tiles[code]))
    return out


def _with_components(code: str) -> list[str]:
    kpi = KPIS[code]
    if kpi.source != "index":
        return [code]
    from chinhquyen.insights.models import IndexComponent

    comps = set(IndexComponent.objects.values_list("kpi", flat=True))
    codes = {code} | {c for c in comps if c in KPIS}
    if code == "index_766_total":
        codes |= {f"index_766_group{g}" for g in INDEX_GROUP_MAX}
    return sorted(codes)


def procedure_months(
    start: datetime.date, end: datetime.date
) -> tuple[datetime.date, datetime.date]:
    """The whole months covering ``[start, end]`` (what ``procedure_times`` reads)."""
    return start.replace(day=1), month_end(end)


def procedure_times(
    *,
    root=None,
    start: datetime.date,
    end: datetime.date,
    level: str | None = None,
    limit: int | None = None,
) -> list[ProcedureRow]:
    """Average resolution time per procedure (766 group 2), slowest first, from counters.

    Per-procedure counters are kept per month: the range is widened to whole months
    (``procedure_months(start, end)`` gives the range actually read; show it)."""
    start, end = procedure_months(start, end)
    from chinhquyen.procedures.models import Procedure
    from chinhquyen.procedures.services.catalogue import current_versions

    rows = aggregates.read_procedures(root=root, start=start, end=end, level=level)
    names = dict(Procedure.objects.filter(pk__in=list(rows)).values_list("pk", "national_code"))
    titles = dict(
        current_versions().filter(procedure_id__in=list(rows)).values_list("procedure_id", "name")
    )
    out = [
        ProcedureRow(
            procedure_id=pk,
            code=names.get(pk, ""),
            name=titles.get(pk, names.get(pk, str(pk))),
            resolved=resolved,
            average_days=_ratio(seconds, resolved, DAYS),
        )
        for pk, (resolved, seconds) in rows.items()
    ]
    out.sort(key=lambda r: (-(r.average_days or 0), r.name))
    return out[:limit] if limit else out
