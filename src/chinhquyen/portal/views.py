"""Public portal pages: home, catalogue search, procedure page, statistics, agency directory.

All are public (no sign-in), server-rendered, GET only, and read through bounded queries.
"""

from __future__ import annotations

import csv
import datetime

from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from chinhquyen.directory.models import Organisation
from chinhquyen.dossiers.models import Dossier
from chinhquyen.portal.charts import BarRow, bar_chart
from chinhquyen.portal.forms import (
    AgencySearchForm,
    CatalogueForm,
    StatisticsForm,
    public_agencies,
)
from chinhquyen.portal.search import ORDER, CatalogueFilters, search_agencies, search_catalogue
from chinhquyen.portal.statistics import ProvinceStatistics, province_statistics
from chinhquyen.procedures.choices import OnlineMode
from chinhquyen.procedures.diagram import render_process_diagram
from chinhquyen.procedures.errors import NoProcessInForce, NoVersionInForce
from chinhquyen.procedures.models import Procedure, ProcedureVersion
from chinhquyen.procedures.services import current_versions, process_in_force, version_in_force

PAGE_SIZE = 20
AGENCY_PAGE_SIZE = 30
POPULAR_COUNT = 6
POPULAR_DAYS = 365
POPULAR_CACHE_SECONDS = 3600
STATISTICS_CACHE_SECONDS = 600
ONLINE_MODES = (OnlineMode.FULL, OnlineMode.PARTIAL)


def apply_online_path(national_code: str) -> str:
    """Where a procedure's online application starts (the eforms app's start page, which also
    says when the form is not ready or the national portal takes the application)."""
    return reverse("eforms:start", args=[national_code])


def _page_params(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


# --- Home -------------------------------------------------------------------------------


def popular_procedures() -> list[ProcedureVersion]:
    """The procedures most filed in the last year (cached an hour), else online ones first."""
    key = f"portal:popular:{timezone.localdate().isoformat()}"
    ids = cache.get(key)
    if ids is None:
        since = timezone.now() - datetime.timedelta(days=POPULAR_DAYS)
        ids = list(
            Dossier.objects.filter(received_at__gte=since)
            .values("procedure")
            .annotate(count=Count("id"))
            .order_by("-count", "procedure")
            .values_list("procedure", flat=True)[:POPULAR_COUNT]
        )
        cache.set(key, ids, POPULAR_CACHE_SECONDS)
    versions = current_versions().select_related("procedure")
    if ids:
        found = {v.procedure_id: v for v in versions.filter(procedure_id__in=ids)}
        return [found[i] for i in ids if i in found]
    return list(versions.filter(online_mode__in=ONLINE_MODES).order_by(*ORDER)[:POPULAR_COUNT])


@require_GET
def home(request):
    return render(request, "portal/home.html", {"popular": popular_procedures()})


# --- Catalogue --------------------------------------------------------------------------


@require_GET
def catalogue(request):
    form = CatalogueForm(request.GET or None)
    filters = CatalogueFilters()
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = CatalogueFilters(
            query=data["q"].strip(),
            field_id=data["field"].pk if data["field"] else None,
            agency_id=data["agency"].pk if data["agency"] else None,
            level=data["level"],
            online_mode=data["online_mode"],
        )
    status = 200
    if form.is_bound and not form.is_valid():
        status = 400
        results = ProcedureVersion.objects.none()
    else:
        results = search_catalogue(filters)
    page = Paginator(results, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "portal/catalogue.html",
        {
            "form": form,
            "filters": filters,
            "page": page,
            "params": _page_params(request),
            "online_modes": ONLINE_MODES,
        },
        status=status,
    )


@require_GET
def procedure(request, code: str):
    procedure = get_object_or_404(Procedure, national_code=code)
    try:
        version = version_in_force(procedure)
    except NoVersionInForce as exc:
        raise Http404 from exc
    version = (
        ProcedureVersion.objects.select_related("procedure", "field")
        .prefetch_related(
            "components",
            "fees",
            Prefetch(
                "implementing_agencies",
                queryset=Organisation.objects.select_related("public_contact").order_by("name"),
            ),
        )
        .get(pk=version.pk)
    )
    try:
        process = process_in_force(procedure, None)
    except NoProcessInForce:
        process = None
    return render(
        request,
        "portal/procedure.html",
        {
            "version": version,
            "procedure": procedure,
            "diagram": render_process_diagram(process) if process else "",
            "apply_online_url": apply_online_path(procedure.national_code)
            if version.online_mode in ONLINE_MODES
            else "",
        },
    )


# --- Statistics -------------------------------------------------------------------------


def _statistics_from(request) -> tuple[StatisticsForm, ProvinceStatistics | None]:
    form = StatisticsForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return form, None
    data = form.cleaned_data if form.is_bound else {}
    year = data.get("year") or timezone.localdate().year
    month, agency = data.get("month"), data.get("agency")
    # Public and read at deadline-day peaks: the figures are cached for a few minutes.
    key = f"portal:statistics:{year}:{month}:{agency.pk if agency else ''}"
    stats = cache.get(key)
    if stats is None:
        stats = province_statistics(year=year, month=month, agency=agency)
        cache.set(key, stats, STATISTICS_CACHE_SECONDS)
    return form, stats


def _month_chart(stats: ProvinceStatistics):
    rows = [
        BarRow(
            label=_("Month %(month)d") % {"month": month},
            received=counts.received,
            segments=(
                ("chart-early", counts.early),
                ("chart-on-time", counts.on_time),
                ("chart-late", counts.late),
            ),
        )
        for month, counts in sorted(stats.by_month.items())
    ]
    total = stats.total
    return bar_chart(
        chart_id="chart-months",
        title=_("Dossiers received and resolved by month, %(year)d") % {"year": stats.year},
        description=_(
            "In total %(received)d received and %(resolved)d resolved: %(early)d early, "
            "%(on_time)d on time, %(late)d late. The table below gives every figure."
        )
        % {
            "received": total.received,
            "resolved": total.resolved,
            "early": total.early,
            "on_time": total.on_time,
            "late": total.late,
        },
        rows=rows,
    )


@require_GET
def statistics(request):
    form, stats = _statistics_from(request)
    context = {"form": form, "stats": stats, "params": request.GET.urlencode()}
    if stats is None:
        return render(request, "portal/statistics.html", context, status=400)
    context["chart"] = _month_chart(stats)
    return render(request, "portal/statistics.html", context)


@require_GET
def statistics_csv(request):
    form, stats = _statistics_from(request)
    if stats is None:
        return HttpResponse(
            "\n".join(f"{name}: {'; '.join(errors)}" for name, errors in form.errors.items()),
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    suffix = f"-{stats.month:02d}" if stats.month else ""
    response["Content-Disposition"] = f'attachment; filename="thong-ke-{stats.year}{suffix}.csv"'
    response.write("\ufeff")  # so that spreadsheet programs read UTF-8
    writer = csv.writer(response)
    writer.writerow(
        [
            _("Year"),
            _("Month"),
            _("Agency code"),
            _("Agency"),
            _("Received"),
            _("Resolved"),
            _("Early"),
            _("On time"),
            _("Late"),
        ]
    )
    names = {row.agency_id: (row.code, row.name) for row in stats.by_agency}
    for (agency_id, month), counts in sorted(
        stats.by_agency_month.items(), key=lambda item: (item[0][1], names[item[0][0]][1])
    ):
        code, name = names[agency_id]
        writer.writerow(
            [
                stats.year,
                month,
                code,
                name,
                counts.received,
                counts.resolved,
                counts.early,
                counts.on_time,
                counts.late,
            ]
        )
    return response


# --- Agency directory -------------------------------------------------------------------


@require_GET
def agencies(request):
    form = AgencySearchForm(request.GET or None)
    query = ""
    if form.is_bound and form.is_valid():
        query = form.cleaned_data["q"].strip()
    found = search_agencies(public_agencies().select_related("public_contact"), query).order_by(
        "path"
    )
    page = Paginator(found, AGENCY_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "portal/agencies.html",
        {
            "form": form,
            "query": query,
            "page": page,
            "params": _page_params(request),
            "english": get_language() == "en",
        },
        status=400 if form.is_bound and not form.is_valid() else 200,
    )
