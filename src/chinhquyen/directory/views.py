"""Back-office pages of the directory: organisations, officials, units, Excel import.

Every list goes through ``Model.objects.restrict(request.user, "view")`` and every detail
through ``access_object`` (404 outside the user's organisation subtree).
"""

from __future__ import annotations

import base64
import functools
from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from chinhquyen.accounts.scopes import organisation_scope
from chinhquyen.core.authz import access_object
from chinhquyen.directory.choices import UnitLevel
from chinhquyen.directory.forms import ImportForm
from chinhquyen.directory.importing import build_template, import_directory
from chinhquyen.directory.models import AdministrativeUnit, Official, Organisation
from chinhquyen.directory.services import search_organisations

IMPORT_SESSION_KEY = "directory_import_file"
IMPORT_PERMISSION = "directory.add_organisation"


def staff_required(view):
    """Signed-in staff only: anonymous users go to the sign-in page, citizens get 403."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if getattr(user, "kind", "official") == "citizen":
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _may_import(user) -> bool:
    return bool(organisation_scope(user, IMPORT_PERMISSION))


# --- Organisations ----------------------------------------------------------------------


@dataclass
class TreeNode:
    organisation: Organisation
    children: list[TreeNode] = field(default_factory=list)


def build_tree(organisations: list[Organisation]) -> list[TreeNode]:
    """Nest a path-ordered list; a node whose parent is not in the list becomes a top node."""
    roots: list[TreeNode] = []
    stack: list[TreeNode] = []
    for organisation in organisations:
        node = TreeNode(organisation)
        while stack and not organisation.path.startswith(stack[-1].organisation.path):
            stack.pop()
        (stack[-1].children if stack else roots).append(node)
        stack.append(node)
    return roots


@staff_required
def organisation_list(request):
    query = request.GET.get("q", "").strip()
    show_closed = request.GET.get("closed") == "1"
    organisations = Organisation.objects.restrict(request.user, "view").annotate(
        official_count=Count("officials")
    )
    if not show_closed:
        organisations = organisations.filter(valid_until__isnull=True)
    context = {
        "query": query,
        "show_closed": show_closed,
        "may_import": _may_import(request.user),
    }
    if query:
        context["results"] = list(search_organisations(organisations, query)[:200])
    else:
        context["tree"] = build_tree(list(organisations))
    return render(request, "directory/organisation_list.html", context)


@staff_required
def organisation_detail(request, pk: int):
    organisation = access_object(
        Organisation.objects.select_related("administrative_unit", "successor"),
        request.user,
        pk,
    )
    visible = Organisation.objects.restrict(request.user, "view")
    parent = Organisation.objects.get_parent(organisation)
    context = {
        "organisation": organisation,
        "parent": parent if parent and visible.filter(pk=parent.pk).exists() else None,
        "children": list(
            visible.filter(
                path__startswith=organisation.path, depth=organisation.depth + 1
            ).order_by("name")
        ),
        "predecessors": list(visible.filter(successor=organisation).order_by("name")),
        "officials": list(
            Official.objects.restrict(request.user, "view")
            .filter(organisation=organisation)
            .select_related("user")
        ),
    }
    return render(request, "directory/organisation_detail.html", context)


# --- Officials --------------------------------------------------------------------------


@staff_required
def official_list(request):
    query = request.GET.get("q", "").strip()
    officials = Official.objects.restrict(request.user, "view").select_related(
        "organisation", "user"
    )
    if query:
        officials = officials.filter(
            Q(full_name__icontains=query)
            | Q(user__username__icontains=query)
            | Q(position__icontains=query)
            | Q(organisation__name__icontains=query)
        )
    page = Paginator(officials.order_by("full_name", "pk"), 50).get_page(request.GET.get("page"))
    return render(request, "directory/official_list.html", {"page": page, "query": query})


@staff_required
def official_detail(request, pk: int):
    official = access_object(
        Official.objects.select_related("organisation", "user"), request.user, pk
    )
    return render(request, "directory/official_detail.html", {"official": official})


# --- Administrative units ---------------------------------------------------------------


@staff_required
def unit_browser(request):
    historic = request.GET.get("historic") == "1"
    units = AdministrativeUnit.objects.filter(is_historic=historic)
    provinces = list(units.filter(level=UnitLevel.PROVINCE).order_by("name"))
    context: dict = {"historic": historic, "provinces": provinces}
    province = next((p for p in provinces if p.code == request.GET.get("province")), None)
    if province is not None:
        context["province"] = province
        if historic:
            districts = list(
                units.filter(level=UnitLevel.DISTRICT, parent=province)
                .annotate(commune_count=Count("children"))
                .order_by("code")
            )
            context["districts"] = districts
            district = next((d for d in districts if d.code == request.GET.get("district")), None)
            if district is not None:
                context["district"] = district
                context["communes"] = list(district.children.order_by("code"))
        else:
            context["communes"] = list(
                units.filter(level=UnitLevel.COMMUNE, parent=province).order_by("code")
            )
    return render(request, "directory/unit_browser.html", context)


# --- Excel import -----------------------------------------------------------------------


@staff_required
@require_http_methods(["GET", "POST"])
def import_view(request):
    if not _may_import(request.user):
        raise PermissionDenied
    if request.method == "GET":
        request.session.pop(IMPORT_SESSION_KEY, None)
        return render(request, "directory/import.html", {"form": ImportForm()})

    if request.POST.get("confirm"):
        stored = request.session.get(IMPORT_SESSION_KEY)
        if not stored:
            messages.error(
                request,
                _(
                    "The uploaded file has expired; upload it again (tệp đã hết hạn, hãy "
                    "tải lên lại)."
                ),
            )
            return redirect("directory:import")
        data = base64.b64decode(stored["data"])
        report = import_directory(
            data, dry_run=False, acting_user=request.user, filename=stored["name"]
        )
        if report.applied:
            request.session.pop(IMPORT_SESSION_KEY, None)
            counts = report.counts()
            messages.success(
                request,
                _(
                    "Imported: %(orgs_new)s new and %(orgs_changed)s updated organisations, "
                    "%(officials_new)s new and %(officials_changed)s updated officials."
                )
                % {
                    "orgs_new": counts["organisations_create"],
                    "orgs_changed": counts["organisations_update"],
                    "officials_new": counts["officials_create"],
                    "officials_changed": counts["officials_update"],
                },
            )
            return redirect("directory:organisations")
        return render(
            request,
            "directory/import.html",
            {"form": ImportForm(), "report": report, "filename": stored["name"]},
            status=400,
        )

    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(request, "directory/import.html", {"form": form}, status=400)
    upload = form.cleaned_data["file"]
    data = upload.read()
    report = import_directory(data, dry_run=True, acting_user=request.user, filename=upload.name)
    if report.ok:
        request.session[IMPORT_SESSION_KEY] = {
            "name": upload.name,
            "data": base64.b64encode(data).decode("ascii"),
        }
    else:
        request.session.pop(IMPORT_SESSION_KEY, None)
    return render(
        request,
        "directory/import.html",
        {"form": ImportForm(), "report": report, "filename": upload.name},
        status=200 if report.ok else 400,
    )


@staff_required
def import_template(request):
    if not _may_import(request.user):
        raise PermissionDenied
    response = HttpResponse(
        build_template(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="chinhquyen-danh-ba-mau.xlsx"'
    return response
