"""Simple server-rendered SVG bar charts (no JavaScript, no style attribute: CSP-safe).

The table next to each chart is the primary, accessible form of the data; the SVG is
``role="img"`` with a title and a text description summarising it, and scales to the width of
a 320 px phone through its viewBox. Colours come from CSS classes (``portal/portal.css``).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

LABEL_WIDTH = 64
BAR_AREA = 220
ROW_HEIGHT = 34
BAR_HEIGHT = 12
PADDING = 8


@dataclass(frozen=True)
class BarRow:
    """One row: a label, a "received" bar, and a "resolved" bar split in segments."""

    label: str
    received: int
    segments: tuple[tuple[str, int], ...]  # (css class, value) for early / on time / late


def bar_chart(*, chart_id: str, title: str, description: str, rows: list[BarRow]) -> SafeString:
    """An SVG drawing two bars per row: received (top) and resolved split by timeliness."""
    largest = max([1, *(max(r.received, sum(v for _c, v in r.segments)) for r in rows)])
    scale = BAR_AREA / largest
    height = PADDING * 2 + ROW_HEIGHT * len(rows)
    width = LABEL_WIDTH + BAR_AREA + 40
    shapes = []
    for index, row in enumerate(rows):
        top = PADDING + index * ROW_HEIGHT
        shapes.append(
            format_html(
                '<text class="chart-label" x="{}" y="{}" text-anchor="end">{}</text>',
                LABEL_WIDTH - 6,
                top + BAR_HEIGHT + 4,
                row.label,
            )
        )
        shapes.append(
            format_html(
                '<rect class="chart-received" x="{}" y="{}" width="{}" height="{}"></rect>'
                '<text class="chart-value" x="{}" y="{}">{}</text>',
                LABEL_WIDTH,
                top,
                round(row.received * scale, 1),
                BAR_HEIGHT,
                LABEL_WIDTH + round(row.received * scale, 1) + 4,
                top + BAR_HEIGHT - 2,
                row.received,
            )
        )
        x = float(LABEL_WIDTH)
        for css_class, value in row.segments:
            if value:
                shapes.append(
                    format_html(
                        '<rect class="{}" x="{}" y="{}" width="{}" height="{}"></rect>',
                        css_class,
                        round(x, 1),
                        top + BAR_HEIGHT + 2,
                        round(value * scale, 1),
                        BAR_HEIGHT,
                    )
                )
                x += value * scale
        resolved = sum(v for _c, v in row.segments)
        shapes.append(
            format_html(
                '<text class="chart-value" x="{}" y="{}">{}</text>',
                round(x, 1) + 4,
                top + 2 * BAR_HEIGHT,
                resolved,
            )
        )
    return format_html(
        '<svg class="bar-chart" viewBox="0 0 {} {}" role="img" '
        'aria-labelledby="{}-title {}-desc" focusable="false">'
        '<title id="{}-title">{}</title><desc id="{}-desc">{}</desc>{}</svg>',
        width,
        height,
        chart_id,
        chart_id,
        chart_id,
        title,
        chart_id,
        description,
        format_html_join("", "{}", ((shape,) for shape in shapes)),
    )
