"""Dashboard pages of the operations centre (IOC): overview, one KPI over time, drill-down.

Who: holders of ``insights.view_counter`` (agency and division leaders, IT administrators) for
the subtree of their role; system administrators for the whole province (``forms`` module
docstring: the query parameters). Every figure comes from ``insights.kpis`` (dossier figures from
the incremental counters, never a scan of the dossier table: the overview's query count is pinned
by ``tests/test_pages.py``), every number links to the records behind it
(``insights.drilldown.records``), every table downloads as Excel or PDF (``?export=xlsx|pdf``,
``insights.exports``) and every chart has its data table next to it.
"""

from __future__ import annotations

import datetime
import functools
from decimal import Decimal
from urllib.parse import urlencode

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from chinhquyen.accounts.scopes import ALL
from chinhquyen.insights import charts, exports, kpis, periods
from chinhquyen.insights.forms import (
    DashboardForm,
    dashboard_scope,
    next_period,
    query_for,
)

GROUPS = (
    ("ND61", gettext_lazy("Dossiers received and resolved (Decree 61/2018)")),
    ("TT01", gettext_lazy("Timeliness and scores (Circular 01/2018)")),
    ("766-1", gettext_lazy("Decision 766/2022 group 1: transparency")),
    ("766-2", gettext_lazy("Decision 766/2022 group 2: timeliness")),
    ("766-3", gettext_lazy("Decision 766/2022 group 3: digitisation")),
    ("766-4", gettext_lazy("Decision 766/2022 group 4: online services")),
    ("766-5", gettext_lazy("Decision 766/2022 group 5: satisfaction")),
    ("766", gettext_lazy("Decision 766/2022 index")),
    ("docs", gettext_lazy("Official documents and signatures")),
)
# Columns of the per-agency table (and the choices of its bar chart), in this order.
AGENCY_COLUMNS = (
    "received",
    "resolved",
    "resolved_late",
    "on_time_rate",
    "average_resolution_days",
    "online_share",
    "full_online_share",
    "digitised_share",
    "online_payment_share",
    "satisfaction_rate",
    "documents_electronic_share",
    "overdue_document_tasks",
)
DEFAULT_TREND = "received"
DEFAULT_BARS = "on_time_rate"
PAGE_SIZE = 50
EXPORT_FORMATS = ("xlsx", "pdf")
UNIT_SUFFIX = {kpis.PERCENT: " %", kpis.DAYS: "", kpis.POINTS: "", kpis.COUNT: ""}


def dashboard_required(view):
    """Signed-in staff holding the dashboard permission somewhere; the scope goes to the view."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        scope = dashboard_scope(user)
        if scope is not ALL and not scope:
            raise PermissionDenied
        return view(request, *args, scope=scope, **kwargs)

    return wrapper


# --- Shared helpers ------------------------------------------------------------------------


def read_filter(request, scope) -> tuple[DashboardForm, dict | None]:
    """The bound filter form and its cleaned data (None when invalid: the page says why)."""
    form = DashboardForm(request.GET or None, scope=scope)
    if not form.is_bound:
        return DashboardForm(scope=scope, initial={"period": "month"}), DashboardForm.defaults(
            scope
        )
    if not form.is_valid():
        return form, None
    return form, form.cleaned_data


def format_value(value, unit: str) -> str:
    """A KPI value as shown: "1.234", "96,5 %", "3,2" (days), "—" without data."""
    if value is None:
        return "—"
    if unit == kpis.COUNT:
        return number_format(int(value), force_grouping=True)
    return number_format(Decimal(value), decimal_pos=1) + UNIT_SUFFIX.get(unit, "")


def unit_label(unit: str) -> str:
    return {
        kpis.PERCENT: _("per cent"),
        kpis.COUNT: _("number"),
        kpis.DAYS: _("days"),
        kpis.POINTS: _("points"),
    }[unit]


def granularity_for(period: periods.Period) -> str:
    """The natural step of a trend over ``period``: days in a month, months in a year …"""
    if period.kind in ("day", "month"):
        return "day"
    if period.kind in ("quarter", "year"):
        return "month"
    if period.days <= 62:
        return "day"
    if period.days <= 3 * 366:
        return "month"
    return "year"


def trend_range(period: periods.Period) -> periods.Period:
    """A day alone is no trend: show the 30 days up to it; other periods as they are."""
    if period.kind == "day":
        return periods.Period("custom", period.start - datetime.timedelta(days=29), period.end)
    return period


def _url(name: str, query: dict, *args) -> str:
    return reverse(name, args=args) + "?" + urlencode(query)


def tile_view(tile: kpis.Tile, *, query: dict, goals: dict | None = None) -> dict:
    """What a template needs to show one tile (or table cell) and its drill-down link.

    ``goals``: the province's targets (``kpis.targets()``), read once per page by the caller.
    """
    kpi = tile.kpi
    target = (goals or {}).get(kpi.code, kpi.default_target) if goals is not None else None
    link = ""
    if kpi.drillable and tile.value is not None:
        link = _url("insights:drilldown", query, kpi.code, "numerator")
    denominator_link = ""
    if kpi.drillable and tile.denominator:
        denominator_link = _url("insights:drilldown", query, kpi.code, "denominator")
    return {
        "kpi": kpi,
        "code": kpi.code,
        "label": kpi.label,
        "value": tile.value,
        "text": format_value(tile.value, kpi.unit),
        "numerator": tile.numerator,
        "denominator": tile.denominator,
        "numerator_text": format_value(tile.numerator, kpis.COUNT)
        if tile.numerator is not None and kpi.unit == kpis.PERCENT
        else "",
        "denominator_text": format_value(tile.denominator, kpis.COUNT)
        if tile.denominator is not None and kpi.unit == kpis.PERCENT
        else "",
        "target": target,
        "target_met": tile.target_met,
        "note": tile.note,
        "link": link,
        "denominator_link": denominator_link,
        "breakdown": tile.breakdown,
        "series_link": _url("insights:series", query, kpi.code),
    }


def _sort_key(code: str):
    def key(row: kpis.AgencyRow):
        if code == "name":
            return (0, row.name.casefold())
        tile = row.tiles.get(code)
        value = tile.value if tile is not None else None
        return (0, value) if value is not None else (1, 0)

    return key


def sort_rows(rows: list[kpis.AgencyRow], sort: str) -> tuple[list[kpis.AgencyRow], str, bool]:
    """Rows sorted by ``sort`` ("name", "<code>" or "-<code>"); rows without data last."""
    descending = sort.startswith("-")
    code = sort.lstrip("-")
    if code != "name" and code not in AGENCY_COLUMNS:
        code, descending = "name", False
    with_data = [r for r in rows if code == "name" or _sort_key(code)(r)[0] == 0]
    without = [r for r in rows if r not in with_data]
    with_data.sort(key=_sort_key(code), reverse=descending)
    return with_data + without, code, descending


def agency_columns(sort_code: str, descending: bool, base: dict) -> list[dict]:
    """Header cells of the per-agency table: label, sort link and ``aria-sort``."""
    columns = []
    for code in ("name", *AGENCY_COLUMNS):
        label = _("Agency") if code == "name" else kpis.KPIS[code].label
        active = code == sort_code
        # First click sorts numbers from the highest, names from A; a second click reverses.
        if active:
            next_sort = code if descending else f"-{code}"
        else:
            next_sort = code if code == "name" else f"-{code}"
        columns.append(
            {
                "code": code,
                "label": label,
                "numeric": code != "name",
                "url": "?" + urlencode({**base, "sort": next_sort}) + "#agencies",
                "aria_sort": ("descending" if descending else "ascending") if active else "",
                "unit": kpis.KPIS[code].unit if code != "name" else "",
            }
        )
    return columns


def agency_rows(board: kpis.Dashboard, rows, *, query_base: dict) -> list[dict]:
    out = []
    for row in rows:
        row_query = {**query_base, "agency": str(row.agency_id)}
        cells = [
            tile_view(row.tiles[code], query=row_query)
            if code in row.tiles
            else {"text": "—", "link": "", "code": code}
            for code in AGENCY_COLUMNS
        ]
        if row.is_root:
            # The agency's own figures (without its units): the drill-down lists a whole
            # subtree, so a link here would list more than the number; the tiles link it.
            cells = [{**cell, "link": "", "denominator_link": ""} for cell in cells]
        out.append(
            {
                "row": row,
                "cells": cells,
                "down": _url("insights:overview", row_query) if row.has_children else "",
            }
        )
    return out


def series_points(points: list[kpis.Point]) -> list[charts.Point]:
    return [
        charts.Point(
            label=_axis_label(p),
            value=p.tile.value,
            long_label=p.label,
        )
        for p in points
    ]


def _axis_label(point: kpis.Point) -> str:
    if point.start == point.end:
        return f"{point.start:%d/%m}"
    if point.start.day == 1 and point.start.month == 1 and point.end.month == 12:
        return str(point.start.year)
    if point.start.month == point.end.month and point.start.year == point.end.year:
        return f"{point.start:%m/%y}"
    return point.label


def series_chart(kpi: kpis.KPI, points: list[kpis.Point], *, chart_id: str) -> str:
    return charts.series_chart(
        chart_id=chart_id,
        title=_("%(kpi)s, %(first)s – %(last)s")
        % {
            "kpi": kpi.label,
            "first": points[0].label if points else "",
            "last": points[-1].label if points else "",
        },
        points=series_points(points),
        kind="bars" if kpi.unit == kpis.COUNT else "line",
        unit=UNIT_SUFFIX.get(kpi.unit, ""),
        maximum=100 if kpi.unit == kpis.PERCENT else None,
    )


def scope_lines(period: periods.Period, agency, level: str | None) -> list[str]:
    lines = [_("Period: %(period)s") % {"period": period.label}]
    lines.append(
        _("Agency: %(agency)s (and the units below it)") % {"agency": agency.name}
        if agency is not None
        else _("Agency: the whole province")
    )
    if level:
        lines.append(_("Level: %(level)s") % {"level": dict(_level_choices())[level]})
    return lines


def _level_choices():
    from chinhquyen.insights.forms import LEVEL_CHOICES

    return LEVEL_CHOICES


def _export(request, table: exports.Table, filename: str) -> HttpResponse | None:
    fmt = request.GET.get("export")
    if fmt is None:
        return None
    if fmt not in EXPORT_FORMATS:
        raise Http404
    return exports.download(table, fmt=fmt, filename=filename)


def _kpi_column(code: str) -> exports.Column:
    kpi = kpis.KPIS[code]
    kind = {kpis.PERCENT: "percent", kpis.COUNT: "int"}.get(kpi.unit, "decimal")
    return exports.Column(code, str(kpi.label), kind)


def agencies_table(board, rows, period, agency, level) -> exports.Table:
    columns = [
        exports.Column("code", _("Agency code"), "text"),
        exports.Column("name", _("Agency"), "text"),
        *(_kpi_column(code) for code in AGENCY_COLUMNS),
    ]

    def value(tile):
        return tile.value if tile is not None else None

    return exports.Table(
        title=_("Indicators per agency"),
        subtitle=scope_lines(period, agency, level),
        columns=columns,
        rows=[
            [row.code, row.name, *(value(row.tiles.get(code)) for code in AGENCY_COLUMNS)]
            for row in rows
        ],
        total=[
            "",
            _("Total"),
            *(value(board.tiles.get(code)) for code in AGENCY_COLUMNS),
        ],
        notes=[f"{kpis.KPIS[c].label}: {kpis.KPIS[c].formula}" for c in AGENCY_COLUMNS],
    )


def tiles_table(board, period, agency, level) -> exports.Table:
    goals = kpis.targets()
    rows = []
    for tile in board.tiles.values():
        kpi = tile.kpi
        rows.append(
            [
                str(kpi.label),
                tile.value,
                unit_label(kpi.unit),
                tile.numerator if kpi.unit == kpis.PERCENT else None,
                tile.denominator if kpi.unit == kpis.PERCENT else None,
                goals.get(kpi.code, kpi.default_target),
                {True: _("yes"), False: _("no")}.get(tile.target_met, ""),
                str(kpi.formula),
                str(tile.note or ""),
            ]
        )
    return exports.Table(
        title=_("Indicators"),
        subtitle=scope_lines(period, agency, level),
        columns=[
            exports.Column("label", _("Indicator"), "text"),
            exports.Column("value", _("Value"), "decimal"),
            exports.Column("unit", _("Unit"), "text"),
            exports.Column("numerator", _("Counted"), "int"),
            exports.Column("denominator", _("Out of"), "int"),
            exports.Column("target", _("Target"), "decimal"),
            exports.Column("met", _("Target met"), "text"),
            exports.Column("formula", _("Formula"), "text"),
            exports.Column("note", _("Note"), "text"),
        ],
        rows=rows,
    )


def series_table(kpi, points, period, agency, level, granularity) -> exports.Table:
    percent = kpi.unit == kpis.PERCENT
    columns = [
        exports.Column("period", _("Period"), "text"),
        _kpi_column(kpi.code),
    ]
    if percent:
        columns += [
            exports.Column("numerator", _("Counted"), "int"),
            exports.Column("denominator", _("Out of"), "int"),
        ]
    rows = []
    for p in points:
        row = [p.label, p.tile.value]
        if percent:
            row += [p.tile.numerator, p.tile.denominator]
        rows.append(row)
    return exports.Table(
        title=str(kpi.label),
        subtitle=[*scope_lines(period, agency, level), _("Step: %(step)s") % {"step": granularity}],
        columns=columns,
        rows=rows,
        notes=[str(kpi.formula)],
    )


# --- Pages ---------------------------------------------------------------------------------


@require_GET
@dashboard_required
def overview(request, *, scope):
    """KPI tiles by group, the per-agency table (sortable) with its bar chart, and a trend."""
    form, data = read_filter(request, scope)
    context = {"form": form, "scope_all": scope is ALL}
    if data is None:
        return render(request, "insights/overview.html", context, status=400)
    period, agency, level = data["period_obj"], data["agency"], data["level"]
    base = query_for(period, agency, level)
    board = kpis.dashboard(root=agency, start=period.start, end=period.end, level=level)
    sort = request.GET.get("sort") or "name"
    rows, sort_code, descending = sort_rows(board.by_agency, sort)
    export = request.GET.get("export")
    if export is not None:
        which = request.GET.get("table") or "agencies"
        if which == "tiles":
            table = tiles_table(board, period, agency, level)
        elif which == "agencies":
            table = agencies_table(board, rows, period, agency, level)
        else:
            raise Http404
        return _export(request, table, f"chi-so-{which}-{period.value}")
    bars_code = request.GET.get("bars") or DEFAULT_BARS
    if bars_code not in AGENCY_COLUMNS:
        bars_code = DEFAULT_BARS
    trend_code = request.GET.get("trend") or DEFAULT_TREND
    if trend_code not in kpis.KPIS or kpis.KPIS[trend_code].source != "counters":
        trend_code = DEFAULT_TREND
    bars_kpi = kpis.KPIS[bars_code]
    trend_kpi = kpis.KPIS[trend_code]
    span = trend_range(period)
    granularity = granularity_for(period)
    trend = kpis.series(
        trend_code,
        root=agency,
        start=span.start,
        end=span.end,
        granularity=granularity,
        level=level,
    )
    goals = kpis.targets()
    groups = []
    for group, label in GROUPS:
        tiles = [
            tile_view(tile, query=base, goals=goals)
            for tile in board.tiles.values()
            if tile.kpi.group == group
        ]
        if tiles:
            groups.append({"code": group, "label": label, "tiles": tiles})
    context.update(
        {
            "period": period,
            "agency": agency,
            "level": level,
            "level_label": dict(_level_choices()).get(level, "") if level else "",
            "board": board,
            "groups": groups,
            "columns": agency_columns(sort_code, descending, base),
            "rows": agency_rows(board, rows, query_base={**base}),
            "total_cells": [
                tile_view(board.tiles[c], query=base) if c in board.tiles else {"text": "—"}
                for c in AGENCY_COLUMNS
            ],
            "bars_kpi": bars_kpi,
            "bars_choices": [kpis.KPIS[c] for c in AGENCY_COLUMNS],
            "bars_chart": charts.agency_bars(
                chart_id="chart-agencies",
                title=_("%(kpi)s per agency, %(period)s")
                % {"kpi": bars_kpi.label, "period": period.label},
                bars=[
                    charts.Bar(
                        row.name,
                        row.tiles[bars_code].value if bars_code in row.tiles else None,
                    )
                    for row in rows
                ],
                unit=UNIT_SUFFIX.get(bars_kpi.unit, ""),
                maximum=100 if bars_kpi.unit == kpis.PERCENT else None,
            ),
            "trend_kpi": trend_kpi,
            "trend_choices": list(kpis.COUNTER_KPIS),
            "trend": [
                {"point": p, "text": format_value(p.tile.value, trend_kpi.unit)} for p in trend
            ],
            "trend_chart": series_chart(trend_kpi, trend, chart_id="chart-trend"),
            "granularity": granularity,
            "base": base,
            "base_query": urlencode(base),
            "sort": sort,
            "previous_query": urlencode(query_for(period.previous(), agency, level)),
            "next_query": urlencode(query_for(next_period(period), agency, level)),
            "up_query": _up_query(period, agency, level, scope),
            "generated_at": timezone.localtime(),
            "trend_query": urlencode({**base, "sort": sort, "bars": bars_code}),
            "bars_query": urlencode({**base, "sort": sort, "trend": trend_code}),
            "export_query": urlencode({**base, "sort": sort}),
        }
    )
    return render(request, "insights/overview.html", context)


def _up_query(period, agency, level, scope) -> str:
    if agency is None:
        return ""
    parent = _parent(agency, scope)
    return "" if parent is False else urlencode(query_for(period, parent, level))


def _parent(agency, scope):
    """The agency one level up when the reader may see it; None = the province; False = no."""
    from chinhquyen.directory.models import Organisation
    from chinhquyen.insights.forms import in_scope

    if agency.depth <= 1:
        return False  # the top of the tree: nothing above
    parent = Organisation.objects.filter(path=agency.path[: -Organisation.steplen]).first()
    if parent is not None and in_scope(scope, parent):
        return parent
    return False


@require_GET
@dashboard_required
def series_view(request, code: str, *, scope):
    """One KPI over time (day, month, quarter or year steps): chart, data table, exports."""
    kpi = kpis.KPIS.get(code)
    if kpi is None:
        raise Http404
    form, data = read_filter(request, scope)
    context = {"form": form, "kpi": kpi, "scope_all": scope is ALL}
    if data is None:
        return render(request, "insights/series.html", context, status=400)
    period, agency, level = data["period_obj"], data["agency"], data["level"]
    span = trend_range(period)
    granularity = request.GET.get("step") or granularity_for(period)
    if granularity not in periods.GRANULARITIES:
        granularity = granularity_for(period)
    if granularity == "day" and (span.days > 400 or kpi.source != "counters"):
        # More than 400 columns say nothing; and a KPI not kept in the counters is computed
        # once per point (the catalogue, scores, documents, the 766 index): months at most.
        granularity = "month"
    points = kpis.series(
        code, root=agency, start=span.start, end=span.end, granularity=granularity, level=level
    )
    base = query_for(period, agency, level)
    table = series_table(kpi, points, span, agency, level, granularity)
    response = _export(request, table, f"chi-so-{code}-{period.value}")
    if response is not None:
        return response
    context.update(
        {
            "period": period,
            "span": span,
            "agency": agency,
            "level": level,
            "granularity": granularity,
            "steps": [
                (step, label, urlencode({**base, "step": step}))
                for step, label in (
                    ("day", _("Days")),
                    ("month", _("Months")),
                    ("quarter", _("Quarters")),
                    ("year", _("Years")),
                )
            ],
            "chart": series_chart(kpi, points, chart_id="chart-series"),
            "points": [
                {
                    "point": p,
                    "tile": tile_view(
                        p.tile,
                        query=query_for(periods.Period("custom", p.start, p.end), agency, level),
                    ),
                }
                for p in points
            ],
            "base_query": urlencode(base),
            "export_query": urlencode({**base, "step": granularity}),
            "generated_at": timezone.localtime(),
        }
    )
    return render(request, "insights/series.html", context)
