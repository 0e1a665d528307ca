"""Server-rendered SVG charts of the operations centre (no JavaScript, no ``style`` attribute).

Two shapes, both drawn from plain numbers so any KPI can use them:

* :func:`series_chart` — a time series (one point per day, month, quarter or year) as a line
  (rates, averages) or as columns (counts), with its axis labels;
* :func:`agency_bars` — one horizontal bar per agency (the per-agency table's column).

Accessibility, as in ``portal/charts.py``: the chart is ``role="img"`` with a ``<title>`` and a
``<desc>`` that summarises it in words (first and last value, the highest, the lowest); the page
puts the full data table next to it, which is the primary form of the data. The SVG scales to
a 320 px phone through its ``viewBox``. Colours come from CSS classes
(``insights/insights.css``), so the high-contrast mode restyles them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.formats import number_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

Number = int | float | Decimal

# Geometry of the time-series chart (SVG user units; the viewBox scales it).
WIDTH = 640
HEIGHT = 260
LEFT = 56
RIGHT = 16
TOP = 16
BOTTOM = 48
# Geometry of the per-agency bars.
LABEL_WIDTH = 150
BAR_AREA = 380
ROW_HEIGHT = 26
BAR_HEIGHT = 16
MAX_LABEL = 24


@dataclass(frozen=True)
class Point:
    """One period of a series: its short axis label, its long label, its value (None: no data)."""

    label: str
    value: Number | None
    long_label: str = ""

    @property
    def title(self) -> str:
        return self.long_label or self.label


def _fmt(value: Number | None, unit: str = "") -> str:
    if value is None:
        return "—"
    if isinstance(value, float | Decimal) and value != int(value):
        text = number_format(value, decimal_pos=1)
    else:
        text = number_format(int(value), force_grouping=True)
    return f"{text}{unit}"


def _nice_max(value: float, *, whole: bool = True) -> float:
    """The top of the axis: four equal steps of 1, 2, 2.5 or 5 × 10^n at or above ``value``;
    with ``whole`` (counts) the steps are whole numbers (at least 1, never 2.5)."""
    if value <= 0:
        return 4.0 if whole else 1.0
    quarter = value / 4
    if whole and quarter <= 1:
        return 4.0
    magnitude = 10.0 ** math.floor(math.log10(quarter))
    for factor in (1, 2, 2.5, 5, 10):
        step = factor * magnitude
        if whole and (step < 1 or (factor == 2.5 and step < 10)):
            continue
        if step >= quarter:
            return step * 4
    return 10 * magnitude * 4  # not reached: a factor of 10 always fits


def describe(points: Sequence[Point], *, unit: str = "") -> str:
    """A sentence summarising a series for screen readers (the table has every value)."""
    known = [p for p in points if p.value is not None]
    if not known:
        return _("No data in this period.")
    highest = max(known, key=lambda p: p.value)
    lowest = min(known, key=lambda p: p.value)
    return _(
        "%(count)d periods from %(first)s to %(last)s. First value %(first_value)s, last value "
        "%(last_value)s; highest %(high)s (%(high_at)s), lowest %(low)s (%(low_at)s). The table "
        "below gives every value."
    ) % {
        "count": len(points),
        "first": points[0].title,
        "last": points[-1].title,
        "first_value": _fmt(known[0].value, unit),
        "last_value": _fmt(known[-1].value, unit),
        "high": _fmt(highest.value, unit),
        "high_at": highest.title,
        "low": _fmt(lowest.value, unit),
        "low_at": lowest.title,
    }


def _svg(chart_id: str, width: int, height: int, title: str, desc: str, shapes) -> SafeString:
    return format_html(
        '<svg class="insights-chart" viewBox="0 0 {} {}" role="img" '
        'aria-labelledby="{}-title {}-desc" focusable="false">'
        '<title id="{}-title">{}</title><desc id="{}-desc">{}</desc>{}</svg>',
        width,
        height,
        chart_id,
        chart_id,
        chart_id,
        title,
        chart_id,
        desc,
        format_html_join("", "{}", ((shape,) for shape in shapes)),
    )


def series_chart(
    *,
    chart_id: str,
    title: str,
    points: Sequence[Point],
    kind: str = "line",
    unit: str = "",
    maximum: Number | None = None,
) -> SafeString:
    """A time series as a line (``kind="line"``) or as columns (``kind="bars"``).

    ``maximum`` fixes the top of the axis (100 for a percentage); otherwise a round number above
    the highest value. Missing values (None) leave a gap in the line and no column.
    """
    if kind not in ("line", "bars"):
        raise ValueError(f"Unknown chart kind {kind!r}")
    known = [float(p.value) for p in points if p.value is not None]
    top = (
        float(maximum)
        if maximum is not None
        else _nice_max(max(known, default=0.0), whole=kind == "bars")
    )
    plot_w = WIDTH - LEFT - RIGHT
    plot_h = HEIGHT - TOP - BOTTOM
    n = max(len(points), 1)
    step = plot_w / n
    shapes = []
    # Horizontal grid lines with their values: 0, ¼, ½, ¾ and the top of the axis.
    for i in range(5):
        value = top * i / 4
        y = round(TOP + plot_h - plot_h * i / 4, 1)
        shapes.append(
            format_html(
                '<line class="chart-grid" x1="{}" y1="{}" x2="{}" y2="{}"></line>'
                '<text class="chart-axis" x="{}" y="{}" text-anchor="end">{}</text>',
                LEFT,
                y,
                WIDTH - RIGHT,
                y,
                LEFT - 6,
                y + 4,
                _fmt(value if value != int(value) else int(value), unit),
            )
        )
    # Every label when they fit, else about eight of them.
    every = max(1, -(-len(points) // 8))
    for index, point in enumerate(points):
        centre = LEFT + step * index + step / 2
        if index % every == 0 or index == len(points) - 1:
            shapes.append(
                format_html(
                    '<text class="chart-axis" x="{}" y="{}" text-anchor="middle">{}</text>',
                    round(centre, 1),
                    HEIGHT - BOTTOM + 18,
                    point.label,
                )
            )
    coords: list[tuple[float, float] | None] = []
    for index, point in enumerate(points):
        if point.value is None:
            coords.append(None)
            continue
        value = min(float(point.value), top)
        x = round(LEFT + step * index + step / 2, 1)
        y = round(TOP + plot_h - plot_h * value / top, 1)
        coords.append((x, y))
        if kind == "bars":
            width = round(max(step * 0.7, 1.0), 1)
            shapes.append(
                format_html(
                    '<rect class="chart-column" x="{}" y="{}" width="{}" height="{}">'
                    "<title>{}: {}</title></rect>",
                    round(x - width / 2, 1),
                    y,
                    width,
                    round(TOP + plot_h - y, 1),
                    point.title,
                    _fmt(point.value, unit),
                )
            )
    if kind == "line":
        # One polyline per run of known values, so a missing period shows as a gap.
        runs: list[list[tuple[float, float]]] = [[]]
        for coord in coords:
            if coord is None:
                runs.append([])
            else:
                runs[-1].append(coord)
        for run in runs:
            if len(run) > 1:
                shapes.append(
                    format_html(
                        '<polyline class="chart-line" points="{}"></polyline>',
                        " ".join(f"{x},{y}" for x, y in run),
                    )
                )
        for point, coord in zip(points, coords, strict=True):
            if coord is not None:
                shapes.append(
                    format_html(
                        '<circle class="chart-point" cx="{}" cy="{}" r="3.5">'
                        "<title>{}: {}</title></circle>",
                        coord[0],
                        coord[1],
                        point.title,
                        _fmt(point.value, unit),
                    )
                )
    shapes.append(
        format_html(
            '<line class="chart-axis-line" x1="{}" y1="{}" x2="{}" y2="{}"></line>',
            LEFT,
            TOP + plot_h,
            WIDTH - RIGHT,
            TOP + plot_h,
        )
    )
    return _svg(chart_id, WIDTH, HEIGHT, title, describe(points, unit=unit), shapes)


@dataclass(frozen=True)
class Bar:
    label: str
    value: Number | None


def _short(label: str) -> str:
    return label if len(label) <= MAX_LABEL else label[: MAX_LABEL - 1] + "…"


def agency_bars(
    *,
    chart_id: str,
    title: str,
    bars: Sequence[Bar],
    unit: str = "",
    maximum: Number | None = None,
) -> SafeString:
    """One horizontal bar per agency with its value written at the end of the bar."""
    known = [float(b.value) for b in bars if b.value is not None]
    top = float(maximum) if maximum is not None else max([1.0, *known])
    scale = BAR_AREA / top
    height = 8 * 2 + ROW_HEIGHT * max(len(bars), 1)
    width = LABEL_WIDTH + BAR_AREA + 70
    shapes = []
    for index, bar in enumerate(bars):
        y = 8 + index * ROW_HEIGHT
        length = round(min(float(bar.value or 0), top) * scale, 1)
        shapes.append(
            format_html(
                '<text class="chart-label" x="{}" y="{}" text-anchor="end">{}</text>'
                '<rect class="chart-bar" x="{}" y="{}" width="{}" height="{}"></rect>'
                '<text class="chart-value" x="{}" y="{}">{}</text>',
                LABEL_WIDTH - 6,
                y + BAR_HEIGHT - 3,
                _short(bar.label),
                LABEL_WIDTH,
                y,
                length,
                BAR_HEIGHT,
                LABEL_WIDTH + length + 4,
                y + BAR_HEIGHT - 3,
                _fmt(bar.value, unit),
            )
        )
    if known:
        best = max((b for b in bars if b.value is not None), key=lambda b: b.value)
        worst = min((b for b in bars if b.value is not None), key=lambda b: b.value)
        desc = _(
            "%(count)d agencies. Highest: %(best)s, %(best_value)s; lowest: %(worst)s, "
            "%(worst_value)s. The table gives every value."
        ) % {
            "count": len(bars),
            "best": best.label,
            "best_value": _fmt(best.value, unit),
            "worst": worst.label,
            "worst_value": _fmt(worst.value, unit),
        }
    else:
        desc = _("No data in this period.")
    return _svg(chart_id, width, height, title, desc, shapes)
