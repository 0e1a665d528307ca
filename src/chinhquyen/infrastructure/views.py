"""Back-office pages: the year's inventory list, the entry form per agency, import/export,
servers and services, the outage view and the report. Thin: parse, call ``services``, render.

Lists show only agencies in the user's scope; a detail outside it is 404; an action not
allowed 403; a wrong state (locked year, already submitted) 409; bad figures 400 with the
form again and a bilingual message on each field.
"""

from __future__ import annotations

import base64
import functools

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from chinhquyen.accounts.scopes import ALL, organisation_scope
from chinhquyen.core.authz import access_object
from chinhquyen.directory.models import Organisation
from chinhquyen.infrastructure import importing, report_files
from chinhquyen.infrastructure.choices import InventoryStatus, ServerStatus
from chinhquyen.infrastructure.errors import InfrastructureError, InventoryInvalid
from chinhquyen.infrastructure.forms import (
    ImportForm,
    InventoryForm,
    LockForm,
    ReasonForm,
    ServerDownForm,
    ServerForm,
    ServiceForm,
)
from chinhquyen.infrastructure.models import AgencyInventory, InventoryYear, PlatformService, Server
from chinhquyen.infrastructure.services import inventory as inventory_services
from chinhquyen.infrastructure.services import platform
from chinhquyen.infrastructure.services.agencies import (
    agency_map,
    covers_province,
    directory_official_counts,
    in_scope,
    province_roots,
    reporting_agencies,
    snapshot_at,
    visible_agencies,
)
from chinhquyen.infrastructure.services.report import (
    build_report,
    completion,
    report_basis,
    reporting_year_due,
)

VIEW = "infrastructure.view_agencyinventory"
CHANGE = inventory_services.CHANGE
SUBMIT = inventory_services.SUBMIT
LOCK = inventory_services.LOCK
IMPORT_SESSION_KEY = "infrastructure_import_file"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def staff_view(permission: str):
    """Sign-in for anonymous users, 403 without ``permission`` anywhere, and the service's
    errors as a page with their status (409 wrong state, 400 bad input)."""

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            scope = organisation_scope(user, permission)
            if scope is not ALL and not scope:
                raise PermissionDenied
            try:
                return view(request, *args, **kwargs)
            except InfrastructureError as exc:
                return render(
                    request,
                    "infrastructure/problem.html",
                    {"message": exc.message},
                    status=exc.status,
                )

        return wrapper

    return decorator


def _year(year: int) -> int:
    if not 2000 <= year <= timezone.localdate().year:
        raise Http404
    return year


def _years() -> list[int]:
    this_year = timezone.localdate().year
    return list(range(this_year, this_year - 5, -1))


def _agency(user, year: int, organisation_id: int, permission: str = VIEW):
    """The reporting agency ``organisation_id`` if ``user`` may see it (else 404)."""
    agency = next((a for a in reporting_agencies(year) if a.pk == organisation_id), None)
    if agency is None or not in_scope(user, VIEW, agency.path):
        raise Http404
    if permission != VIEW and not in_scope(user, permission, agency.path):
        raise PermissionDenied
    return agency, Organisation.objects.get(pk=agency.pk)


@require_GET
@staff_view(VIEW)
def index(request):
    return redirect("infrastructure:year", year=reporting_year_due())


@require_GET
@staff_view(VIEW)
def year_list(request, year: int):
    year = _year(year)
    agencies = visible_agencies(request.user, VIEW, reporting_agencies(year))
    inventories = completion(year, agencies)
    rows = [(agency, inventories.get(agency.pk)) for agency in agencies]
    submitted = sum(1 for _a, inv in rows if inv and inv.status == InventoryStatus.SUBMITTED)
    drafts = sum(1 for _a, inv in rows if inv and inv.status == InventoryStatus.DRAFT)
    year_row = InventoryYear.objects.filter(year=year).first()
    return render(
        request,
        "infrastructure/year.html",
        {
            "year": year,
            "years": _years(),
            "rows": rows,
            "submitted": submitted,
            "drafts": drafts,
            "missing": len(rows) - submitted - drafts,
            "year_row": year_row,
            "locked": bool(year_row and year_row.is_locked),
            "may_lock": covers_province(request.user, LOCK),
            "may_import": _may(request.user, CHANGE),
            "may_report": covers_province(request.user, VIEW),
            "due_before": report_basis().due_before(year),
            "lock_form": LockForm(),
            "current_year": reporting_year_due(),
        },
    )


def _may(user, permission: str) -> bool:
    scope = organisation_scope(user, permission)
    return scope is ALL or bool(scope)


def _registry_figures(organisation: Organisation, year: int) -> dict:
    """The agency's endpoints, certificates and servers as the report counts them (its
    divisions and units included, other agencies below it — for the province committee,
    every department — not)."""
    from chinhquyen.meetings.services import endpoint_counts
    from chinhquyen.signing.registry import certificate_counts

    at = snapshot_at(year)
    keys = agency_map()
    mine = {pk for pk, agency in keys.items() if agency == organisation.pk}
    counts = endpoint_counts(organisation, at=at)
    endpoints = sum(c.total for c in counts if c.organisation_id in mine)
    certificates = {"organisational": 0, "personal": 0, "sim": 0}
    for count in certificate_counts(at=timezone.localtime(at).date(), root=organisation):
        if count.organisation_id in mine:
            certificates["organisational"] += count.organisational
            certificates["personal"] += count.personal
            certificates["sim"] += count.sim
    servers = Server.objects.filter(
        platform.servers_in_service(list(mine), timezone.localtime(at).date())
    ).count()
    return {"endpoints": endpoints, "certificates": certificates, "servers": servers, "at": at}


@require_http_methods(["GET", "POST"])
@staff_view(VIEW)
def inventory_edit(request, year: int, organisation_id: int):
    year = _year(year)
    agency, organisation = _agency(request.user, year, organisation_id)
    inventory = AgencyInventory.objects.filter(organisation=organisation, year=year).first()
    directory_count = directory_official_counts()[organisation.pk]
    locked = inventory_services.is_year_locked(year)
    may_change = in_scope(request.user, CHANGE, agency.path)
    editable = may_change and not locked and (inventory is None or inventory.status == "draft")
    if inventory is not None:
        initial = inventory_services.snapshot(inventory)
    else:
        initial = inventory_services.blank_values(organisation, directory_count=directory_count)
    status = 200
    if request.method == "POST":
        if not may_change:
            raise PermissionDenied
        form = InventoryForm(request.POST)
        if form.is_valid():
            try:
                inventory_services.save_inventory(
                    organisation=organisation,
                    year=year,
                    values=form.cleaned_data,
                    acting_user=request.user,
                    submit=request.POST.get("action") == "submit",
                    directory_count=directory_count,
                )
            except InventoryInvalid as exc:
                for field, errors in exc.errors.items():
                    for error in errors:
                        form.add_error(field if field in form.fields else None, error)
            else:
                messages.success(
                    request,
                    _("The inventory of %(name)s for %(year)s was saved.")
                    % {"name": organisation.name, "year": year},
                )
                return redirect("infrastructure:inventory", year=year, organisation_id=agency.pk)
        status = 400
    else:
        form = InventoryForm(initial=initial)
    if not editable:
        for field in form.fields.values():
            field.disabled = True
    return render(
        request,
        "infrastructure/inventory_form.html",
        {
            "year": year,
            "agency": agency,
            "organisation": organisation,
            "inventory": inventory,
            "form": form,
            "editable": editable,
            "locked": locked,
            "may_submit": in_scope(request.user, SUBMIT, agency.path) and not locked,
            "directory_count": directory_count,
            "registry": _registry_figures(organisation, year),
            "reason_form": ReasonForm(),
        },
        status=status,
    )


@require_POST
@staff_view(VIEW)
def inventory_submit(request, year: int, organisation_id: int):
    year = _year(year)
    _agency_row, organisation = _agency(request.user, year, organisation_id, SUBMIT)
    inventory = AgencyInventory.objects.filter(organisation=organisation, year=year).first()
    if inventory is None:
        raise Http404
    inventory_services.submit_inventory(inventory, acting_user=request.user)
    messages.success(request, _("The inventory was submitted."))
    return redirect("infrastructure:inventory", year=year, organisation_id=organisation.pk)


@require_POST
@staff_view(VIEW)
def inventory_reopen(request, year: int, organisation_id: int):
    year = _year(year)
    _agency_row, organisation = _agency(request.user, year, organisation_id, SUBMIT)
    inventory = AgencyInventory.objects.filter(organisation=organisation, year=year).first()
    if inventory is None:
        raise Http404
    inventory_services.reopen_inventory(
        inventory, acting_user=request.user, reason=request.POST.get("reason", "")
    )
    messages.success(request, _("The inventory is open for changes again."))
    return redirect("infrastructure:inventory", year=year, organisation_id=organisation.pk)


@require_POST
@staff_view(LOCK)
def year_lock(request, year: int):
    year = _year(year)
    locked = request.POST.get("action") == "lock"
    inventory_services.set_year_lock(
        year, locked=locked, acting_user=request.user, note=request.POST.get("note", "")
    )
    messages.success(
        request,
        _("The year %(year)s is locked.") % {"year": year}
        if locked
        else _("The year %(year)s is unlocked.") % {"year": year},
    )
    return redirect("infrastructure:year", year=year)


# --- Import and export ------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@staff_view(CHANGE)
def import_view(request, year: int):
    year = _year(year)
    context = {"year": year, "form": ImportForm()}
    if request.method == "GET":
        request.session.pop(IMPORT_SESSION_KEY, None)
        return render(request, "infrastructure/import.html", context)
    if request.POST.get("confirm"):
        stored = request.session.get(IMPORT_SESSION_KEY)
        if not stored or stored.get("year") != year:
            messages.error(
                request,
                _(
                    "The uploaded file has expired; upload it again (tệp đã hết hạn, hãy "
                    "tải lên lại)."
                ),
            )
            return redirect("infrastructure:import", year=year)
        report = importing.import_inventory(
            base64.b64decode(stored["data"]),
            year=year,
            acting_user=request.user,
            dry_run=False,
            submit=stored["submit"],
            filename=stored["name"],
        )
        if report.applied:
            request.session.pop(IMPORT_SESSION_KEY, None)
            messages.success(
                request,
                _("Imported the inventories of %(count)s agencies.") % {"count": len(report.rows)},
            )
            return redirect("infrastructure:year", year=year)
        context.update(report=report, filename=stored["name"])
        return render(request, "infrastructure/import.html", context, status=400)
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        context["form"] = form
        return render(request, "infrastructure/import.html", context, status=400)
    upload = form.cleaned_data["file"]
    data = upload.read()
    submit = form.cleaned_data["submit"]
    report = importing.import_inventory(
        data,
        year=year,
        acting_user=request.user,
        dry_run=True,
        submit=submit,
        filename=upload.name,
    )
    if report.ok:
        request.session[IMPORT_SESSION_KEY] = {
            "name": upload.name,
            "year": year,
            "submit": submit,
            "data": base64.b64encode(data).decode("ascii"),
        }
    context.update(report=report, filename=upload.name, submit=submit)
    return render(request, "infrastructure/import.html", context, status=200 if report.ok else 400)


def _xlsx(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_GET
@staff_view(CHANGE)
def import_template(request, year: int):
    year = _year(year)
    agencies = visible_agencies(request.user, CHANGE, reporting_agencies(year))
    return _xlsx(
        importing.build_workbook(year, agencies, with_values=False),
        f"ha-tang-cntt-mau-{year}.xlsx",
    )


@require_GET
@staff_view(VIEW)
def export(request, year: int):
    year = _year(year)
    agencies = visible_agencies(request.user, VIEW, reporting_agencies(year))
    return _xlsx(
        importing.build_workbook(year, agencies, with_values=True), f"ha-tang-cntt-{year}.xlsx"
    )


# --- The report -------------------------------------------------------------------------


def _report_root(request) -> Organisation:
    if not covers_province(request.user, VIEW):
        raise PermissionDenied
    roots = province_roots()
    if not roots:
        raise Http404
    wanted = request.GET.get("root")
    root = next((r for r in roots if str(r.pk) == wanted), roots[0])
    if not in_scope(request.user, VIEW, root.path):
        raise PermissionDenied
    return root


@require_GET
@staff_view(VIEW)
def report_index(request):
    return redirect("infrastructure:report", year=reporting_year_due())


@require_GET
@staff_view(VIEW)
def report(request, year: int):
    year = _year(year)
    data = build_report(year, _report_root(request))
    headers, rows = report_files.indicator_table(data)
    return render(
        request,
        "infrastructure/report.html",
        {
            "data": data,
            "year": year,
            "years": _years(),
            "headers": headers,
            "indicator_rows": rows,
            "endpoint_rows": [
                (*report_files.ENDPOINT_LEVEL_LABELS.get(k, (k, k)), v)
                for k, v in data.endpoints_by_level.items()
            ],
            "certificate_rows": [
                (*report_files.CERTIFICATE_LABELS[k], v) for k, v in data.certificates.items()
            ],
            "online_totals": data.online_totals,
            "full_online_share": report_files.display(data.full_online_share, "%"),
            "electronic_share": report_files.display(data.documents["electronic_share"], "%"),
        },
    )


@require_GET
@staff_view(VIEW)
def report_xlsx(request, year: int):
    year = _year(year)
    data = build_report(year, _report_root(request))
    return _xlsx(report_files.build_workbook(data), f"bao-cao-ung-dung-cntt-{year}.xlsx")


@require_GET
@staff_view(VIEW)
def report_pdf(request, year: int):
    year = _year(year)
    data = build_report(year, _report_root(request))
    response = HttpResponse(report_files.build_pdf(data), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="bao-cao-ung-dung-cntt-{year}.pdf"'
    return response


# --- Servers, services, outage ----------------------------------------------------------


@require_GET
@staff_view("infrastructure.view_server")
def servers(request):
    rows = (
        Server.objects.restrict(request.user, "view")
        .select_related("organisation")
        .prefetch_related("services")
    )
    services = PlatformService.objects.restrict(request.user, "view").select_related("operator")
    return render(
        request,
        "infrastructure/servers.html",
        {
            "servers": rows,
            "services": services.prefetch_related("servers"),
            "may_add_server": _may(request.user, "infrastructure.change_server"),
            "may_add_service": _may(request.user, "infrastructure.change_platformservice"),
        },
    )


def _change_scope_orgs(user, permission: str):
    return Organisation.objects.restrict(user, "view").filter(
        pk__in=[
            o.pk
            for o in Organisation.objects.filter(valid_until__isnull=True).only("pk", "path")
            if in_scope(user, permission, o.path)
        ]
    )


@require_http_methods(["GET", "POST"])
@staff_view("infrastructure.change_server")
def server_edit(request, pk: int | None = None):
    server = None
    if pk is not None:
        server = access_object(
            Server.objects.select_related("organisation"), request.user, pk, "change"
        )
    organisations = _change_scope_orgs(request.user, "infrastructure.change_server")
    form = ServerForm(request.POST or None, instance=server, organisations=organisations)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            values = {k: v for k, v in form.cleaned_data.items() if k != "organisation"}
            try:
                platform.save_server(
                    organisation=form.cleaned_data["organisation"],
                    values=values,
                    acting_user=request.user,
                    server=server,
                )
            except InventoryInvalid as exc:
                for field, errors in exc.errors.items():
                    for error in errors:
                        form.add_error(field if field in form.fields else None, error)
            else:
                messages.success(request, _("The server was saved."))
                return redirect("infrastructure:servers")
        status = 400
    return render(
        request,
        "infrastructure/server_form.html",
        {"form": form, "server": server},
        status=status,
    )


@require_http_methods(["GET", "POST"])
@staff_view("infrastructure.view_server")
def server_outage(request, pk: int):
    server = access_object(Server.objects.select_related("organisation"), request.user, pk)
    form = ServerDownForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if not in_scope(request.user, "infrastructure.change_server", server.organisation.path):
            raise PermissionDenied
        down = request.POST.get("action") == "down"
        try:
            server = platform.set_server_down(
                server,
                down=down,
                acting_user=request.user,
                reason=request.POST.get("reason", ""),
            )
        except InventoryInvalid as exc:
            for field, errors in exc.errors.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
            status = 400
        else:
            messages.success(
                request,
                _("The server is marked down.") if down else _("The server is back in service."),
            )
            return redirect("infrastructure:outage", pk=server.pk)
    affected = platform.outage(server)
    all_agencies = any(a.all_agencies for a in affected)
    agency_count = None
    if all_agencies:
        agency_count = len(reporting_agencies(timezone.localdate().year))
    return render(
        request,
        "infrastructure/outage.html",
        {
            "server": server,
            "affected": affected,
            "form": form,
            "is_down": server.status == ServerStatus.DOWN,
            "may_change": in_scope(
                request.user, "infrastructure.change_server", server.organisation.path
            ),
            "agency_count": agency_count,
            "other_servers": Server.objects.restrict(request.user, "view").exclude(pk=server.pk),
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
@staff_view("infrastructure.change_platformservice")
def service_edit(request, pk: int | None = None):
    service = None
    if pk is not None:
        service = access_object(PlatformService.objects.all(), request.user, pk, "change")
    perm = "infrastructure.change_platformservice"
    form = ServiceForm(
        request.POST or None,
        instance=service,
        organisations=_change_scope_orgs(request.user, perm),
        servers=Server.objects.restrict(request.user, "view").select_related("organisation"),
        agencies=Organisation.objects.filter(
            pk__in=[a.pk for a in reporting_agencies(timezone.localdate().year)]
        ),
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                platform.save_service(
                    operator=data["operator"],
                    values={k: data[k] for k in platform.SERVICE_FIELDS},
                    servers=list(data["servers"]),
                    used_by=list(data["used_by"]),
                    acting_user=request.user,
                    service=service,
                )
            except InventoryInvalid as exc:
                for field, errors in exc.errors.items():
                    for error in errors:
                        form.add_error(field if field in form.fields else None, error)
            else:
                messages.success(request, _("The service was saved."))
                return redirect("infrastructure:servers")
        status = 400
    return render(
        request,
        "infrastructure/service_form.html",
        {"form": form, "service": service},
        status=status,
    )
