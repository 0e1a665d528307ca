"""Average resolution time per procedure (766/2022 group 2: thời gian giải quyết trung bình
theo thủ tục), slowest first, from the per-procedure counters (``kpis.procedure_times``).

The counters per procedure are kept per month, so the period is widened to whole months
(``kpis.procedure_months``); the page and the exports say which months were read.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from chinhquyen.accounts.scopes import ALL
from chinhquyen.insights import exports, kpis, periods
from chinhquyen.insights.forms import query_for
from chinhquyen.insights.views import (
    PAGE_SIZE,
    _export,
    dashboard_required,
    format_value,
    read_filter,
    scope_lines,
)


@require_GET
@dashboard_required
def procedures_view(request, *, scope):
    form, data = read_filter(request, scope)
    context = {"form": form, "scope_all": scope is ALL}
    if data is None:
        return render(request, "insights/procedures.html", context, status=400)
    period, agency, level = data["period_obj"], data["agency"], data["level"]
    first, last = kpis.procedure_months(period.start, period.end)
    read = periods.Period("custom", first, last)
    rows = kpis.procedure_times(root=agency, start=period.start, end=period.end, level=level)
    table = exports.Table(
        title=_("Average resolution time per procedure"),
        subtitle=[
            *scope_lines(period, agency, level),
            _("Months read: %(months)s") % {"months": read.label},
        ],
        columns=[
            exports.Column("code", _("Procedure code"), "text"),
            exports.Column("name", _("Procedure"), "text"),
            exports.Column("resolved", str(kpis.KPIS["resolved"].label), "int"),
            exports.Column("days", _("Average (calendar days)"), "decimal"),
        ],
        rows=[[r.code, r.name, r.resolved, r.average_days] for r in rows],
        notes=[str(kpis.KPIS["average_resolution_days"].formula)],
    )
    response = _export(request, table, f"thoi-gian-giai-quyet-{period.value}")
    if response is not None:
        return response
    base = query_for(period, agency, level)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    context.update(
        {
            "period": period,
            "read": read,
            "agency": agency,
            "page": page,
            "rows": [
                {"row": r, "days": format_value(r.average_days, kpis.DAYS)}
                for r in page.object_list
            ],
            "base_query": urlencode(base),
            "generated_at": timezone.localtime(),
        }
    )
    return render(request, "insights/procedures.html", context)
