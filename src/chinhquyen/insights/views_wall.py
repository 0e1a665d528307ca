"""The wall view of the operations centre (màn hình trung tâm điều hành): large tiles, high
contrast, nothing to click; it refreshes itself every ``REFRESH_SECONDS`` (htmx polling, the
vendored ``core/vendor/htmx``; without JavaScript a ``<meta http-equiv="refresh">`` inside
``<noscript>``) and says the time of the data it shows.

Today's counts and the month to date, for the reader's scope (or ``?agency=``), read from the
counters like the overview (``kpis.dashboard`` with the few codes it shows).
"""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from chinhquyen.directory.models import Organisation
from chinhquyen.insights import kpis, periods
from chinhquyen.insights.forms import default_root, in_scope
from chinhquyen.insights.views import dashboard_required, format_value

REFRESH_SECONDS = 60
TODAY_CODES = ("received", "resolved", "resolved_late")
MONTH_CODES = (
    "received",
    "on_time_rate",
    "resolved_late",
    "average_resolution_days",
    "online_share",
    "online_payment_share",
    "satisfaction_rate",
    "overdue_document_tasks",
)
AGENCY_CODES = ("received", "resolved", "on_time_rate")


def _tile(tile: kpis.Tile) -> dict:
    return {
        "label": tile.kpi.label,
        "text": format_value(tile.value, tile.kpi.unit),
        "target_met": tile.target_met,
        "denominator": format_value(tile.denominator, kpis.COUNT)
        if tile.kpi.unit == kpis.PERCENT and tile.denominator
        else "",
    }


@require_GET
@dashboard_required
def wall(request, *, scope):
    agency = default_root(scope)
    wanted = request.GET.get("agency")
    if wanted:
        if not wanted.isdigit():
            raise Http404
        agency = Organisation.objects.filter(pk=int(wanted)).first()
        if agency is None or not in_scope(scope, agency):
            raise Http404
    now = timezone.localtime()
    today = periods.containing("day", now.date())
    month = periods.Period("custom", now.date().replace(day=1), now.date())
    day_board = kpis.dashboard(root=agency, start=today.start, end=today.end, codes=TODAY_CODES)
    month_board = kpis.dashboard(root=agency, start=month.start, end=month.end, codes=MONTH_CODES)
    rows = [
        {
            "name": row.name,
            "cells": [
                format_value(row.tiles[c].value, row.tiles[c].kpi.unit) if c in row.tiles else "—"
                for c in AGENCY_CODES
            ],
        }
        for row in month_board.by_agency
    ]
    return render(
        request,
        "insights/wall.html",
        {
            "agency": agency,
            "now": now,
            "refresh": REFRESH_SECONDS,
            "today_tiles": [_tile(day_board.tiles[c]) for c in TODAY_CODES],
            "month_tiles": [_tile(month_board.tiles[c]) for c in MONTH_CODES],
            "agency_headers": [kpis.KPIS[c].label for c in AGENCY_CODES],
            "rows": rows,
            "month": month,
            "today": today,
            "fed": month_board.fed,
        },
    )
