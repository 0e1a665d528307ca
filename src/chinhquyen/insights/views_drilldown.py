"""Drill-down (xem chi tiết số liệu): the records behind one number of the dashboard.

``/insights/drilldown/<kpi>/<part>/?period=…&agency=…`` lists, 50 a page, what
``insights.drilldown.records(code, part, root=, start=, end=)`` returns for the numerator or the
denominator of the KPI — dossiers, documents, assignments, tasks, payments, evaluations … —
with the columns that identify each (never the applicant's personal data) and a link to its own
page, which authorises the reader again. The whole list downloads as Excel or PDF (at most
``EXPORT_LIMIT`` rows, said so in the file).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from chinhquyen.accounts.scopes import ALL
from chinhquyen.insights import exports, kpis
from chinhquyen.insights.forms import query_for
from chinhquyen.insights.views import (
    PAGE_SIZE,
    _export,
    dashboard_required,
    read_filter,
    scope_lines,
)

EXPORT_LIMIT = 20000


def _when(value) -> str:
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).strftime("%d/%m/%Y %H:%M")
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    return ""


def _display(obj, name: str) -> str:
    """The display value of a choice field, else the value, "" when missing."""
    getter = getattr(obj, f"get_{name}_display", None)
    if getter is not None:
        return str(getter())
    value = getattr(obj, name, None)
    if value is None:
        return ""
    if isinstance(value, datetime.date | datetime.datetime):
        return _when(value)
    return str(value)


def _related(obj, *names: str) -> str:
    for name in names:
        value = getattr(obj, name, None)
        if value is not None:
            return str(getattr(value, "name", value))
    return ""


Column = tuple[str, Callable[[object], str]]

# Columns per model (app_label.ModelName); any other model shows its text and its dates.
COLUMNS: dict[str, list[Column]] = {
    "dossiers.Dossier": [
        (gettext_lazy("Dossier code"), lambda o: o.code),
        (gettext_lazy("Procedure"), lambda o: _related(o, "procedure")),
        (gettext_lazy("Agency"), lambda o: _related(o, "lead_agency", "current_agency")),
        (gettext_lazy("Channel"), lambda o: _display(o, "channel")),
        (gettext_lazy("Received"), lambda o: _when(o.received_at)),
        (gettext_lazy("Legal deadline"), lambda o: _when(o.legal_due_at)),
        (gettext_lazy("Result ready"), lambda o: _when(o.result_ready_at)),
        (gettext_lazy("Timeliness"), lambda o: _display(o, "outcome")),
        (gettext_lazy("Status"), lambda o: _display(o, "status")),
    ],
    "documents.IncomingDocument": [
        (gettext_lazy("Arrival number"), lambda o: _display(o, "arrival_number")),
        (gettext_lazy("Number and notation"), lambda o: _display(o, "code")),
        (gettext_lazy("Subject"), lambda o: o.subject[:200]),
        (gettext_lazy("Agency"), lambda o: _related(o, "organisation")),
        (gettext_lazy("Arrived"), lambda o: _when(o.arrived_at)),
        (gettext_lazy("Status"), lambda o: _display(o, "status")),
    ],
    "documents.OutgoingDocument": [
        (gettext_lazy("Number and notation"), lambda o: _display(o, "code")),
        (gettext_lazy("Subject"), lambda o: o.subject[:200]),
        (gettext_lazy("Agency"), lambda o: _related(o, "organisation")),
        (gettext_lazy("Issued"), lambda o: _display(o, "issued_at")),
        (gettext_lazy("Status"), lambda o: _display(o, "status")),
    ],
    "documents.Assignment": [
        (gettext_lazy("Document"), lambda o: str(o.document)),
        (gettext_lazy("Unit"), lambda o: _related(o, "unit")),
        (gettext_lazy("Role"), lambda o: _display(o, "role")),
        (gettext_lazy("Deadline"), lambda o: _when(o.due_at)),
        (gettext_lazy("Completed"), lambda o: _when(o.completed_at)),
        (gettext_lazy("Status"), lambda o: _display(o, "status")),
    ],
    "documents.FollowUpTask": [
        (gettext_lazy("Task"), lambda o: o.title[:200]),
        (gettext_lazy("Unit"), lambda o: _related(o, "unit")),
        (gettext_lazy("Deadline"), lambda o: _when(o.due_at)),
        (gettext_lazy("Status"), lambda o: _display(o, "status")),
    ],
}


def _generic_columns(model) -> list[Column]:
    """Text of the record and its date/time fields (a model without its own columns)."""
    columns: list[Column] = [(gettext_lazy("Record"), str)]
    for field in model._meta.concrete_fields:
        if field.get_internal_type() in ("DateTimeField", "DateField") and len(columns) < 5:
            columns.append((field.verbose_name, lambda o, name=field.name: _when(getattr(o, name))))
    return columns


def columns_for(model) -> list[Column]:
    return COLUMNS.get(model._meta.label, None) or _generic_columns(model)


def _link(obj) -> str:
    getter = getattr(obj, "get_absolute_url", None)
    if getter is None:
        return ""
    try:
        return getter()
    except Exception:  # noqa: BLE001 (a record without a page of its own is listed unlinked)
        return ""


def _visible(records, user):
    """``records`` the reader may open (their own pages authorise the same way), when the
    model has an object-level rule (``Model.objects.restrict``); else all of them."""
    restrict = getattr(records.model.objects, "restrict", None)
    if restrict is None:
        return records
    return records.filter(pk__in=restrict(user, "view").values("pk"))


def part_of(code: str, part: str):
    """The ``drilldown.Part`` for a URL part; "numerator"/"denominator" map to the first
    named part of KPIs whose figures count several kinds of record (documents)."""
    from chinhquyen.insights import drilldown

    available = drilldown.parts(code)
    for item in available:
        if item.name == part:
            return item, available
    if part in ("numerator", "denominator") and available:
        return available[0 if part == "numerator" else min(1, len(available) - 1)], available
    return None, available


@require_GET
@dashboard_required
def drilldown_view(request, code: str, part: str, *, scope):
    from chinhquyen.insights import drilldown

    kpi = kpis.KPIS.get(code)
    if kpi is None or not kpi.drillable:
        raise Http404
    chosen, available = part_of(code, part)
    if chosen is None:
        raise Http404
    form, data = read_filter(request, scope)
    context = {"form": form, "kpi": kpi, "part": chosen.name, "scope_all": scope is ALL}
    if data is None:
        return render(request, "insights/drilldown.html", context, status=400)
    period, agency, level = data["period_obj"], data["agency"], data["level"]
    everything = drilldown.records(
        code, chosen.name, root=agency, start=period.start, end=period.end, level=level
    )
    records = _visible(everything, request.user)
    columns = columns_for(records.model)
    if request.GET.get("export") is not None:
        rows = list(records[: EXPORT_LIMIT + 1])
        notes = []
        if len(rows) > EXPORT_LIMIT:
            rows = rows[:EXPORT_LIMIT]
            notes.append(
                _("Only the first %(n)d records; narrow the period or the agency for the rest.")
                % {"n": EXPORT_LIMIT}
            )
        table = exports.Table(
            title=f"{kpi.label} — {chosen.label}",
            subtitle=scope_lines(period, agency, level),
            columns=[
                exports.Column(f"c{i}", str(label), "text")
                for i, (label, _getter) in enumerate(columns)
            ],
            rows=[[getter(obj) for _label, getter in columns] for obj in rows],
            notes=[str(kpi.formula), *notes],
        )
        return _export(request, table, f"chi-tiet-{code}-{chosen.name}-{period.value}")
    page = Paginator(records, PAGE_SIZE).get_page(request.GET.get("page"))
    total = everything.count() if records is not everything else page.paginator.count
    base = query_for(period, agency, level)
    context.update(
        {
            "period": period,
            "agency": agency,
            "part_label": chosen.label,
            "parts": [
                {
                    "label": item.label,
                    "current": item.name == chosen.name,
                    "url": reverse("insights:drilldown", args=[code, item.name])
                    + "?"
                    + urlencode(base),
                }
                for item in available
            ],
            "headers": [label for label, _getter in columns],
            "rows": [
                {"link": _link(obj), "cells": [getter(obj) for _label, getter in columns]}
                for obj in page.object_list
            ],
            "page": page,
            "hidden": total - page.paginator.count,
            "base_query": urlencode(base),
            "export_query": urlencode(base),
        }
    )
    return render(request, "insights/drilldown.html", context)
