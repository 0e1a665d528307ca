"""Pages of the procedure catalogue.

Public (no sign-in): the catalogue list and the procedure page (the version in force, its
components, fees, time, legal basis, agencies, the process diagram and the version history).

Back office (staff holding the permission somewhere in the organisation tree; the catalogue is
province-wide data, not owned by one agency): editing drafts, their components and fees,
publishing, internal processes, and the Excel import/export. Every change goes through
``procedures.services``; a wrong-state action answers 409, bad input 400.
"""

from __future__ import annotations

import base64
import functools

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from chinhquyen.accounts.scopes import ALL, organisation_scope
from chinhquyen.directory.models import Organisation
from chinhquyen.directory.services import fold
from chinhquyen.procedures import services
from chinhquyen.procedures.choices import VersionStatus
from chinhquyen.procedures.diagram import render_process_diagram
from chinhquyen.procedures.errors import InvalidState, NoProcessInForce, ProcessInvalid
from chinhquyen.procedures.forms import (
    END,
    CatalogueSearchForm,
    ComponentForm,
    FeeForm,
    ImportForm,
    NewProcedureForm,
    NewProcessForm,
    PublishForm,
    StepForm,
    TransitionForm,
    VersionForm,
)
from chinhquyen.procedures.importing import export_catalogue, import_catalogue
from chinhquyen.procedures.models import (
    Procedure,
    ProcedureComponent,
    ProcedureVersion,
    ProcessDefinition,
    ProcessStep,
    ProcessTransition,
)

VIEW_PERMISSION = "procedures.view_procedureversion"
EDIT_PERMISSION = "procedures.change_procedureversion"
IMPORT_PERMISSION = "procedures.add_procedureversion"
PROCESS_PERMISSION = "procedures.change_processdefinition"
IMPORT_SESSION_KEY = "procedures_import_file"
PAGE_SIZE = 25


def holds(user, permission: str) -> bool:
    """True when ``user`` holds ``permission`` anywhere in the organisation tree."""
    scope = organisation_scope(user, permission)
    return scope is ALL or bool(scope)


def permission_required(permission: str):
    """Staff with ``permission``: anonymous → sign-in page, others → 403."""

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if getattr(user, "kind", "official") == "citizen" or not holds(user, permission):
                raise PermissionDenied
            try:
                return view(request, *args, **kwargs)
            except InvalidState as exc:
                return render(
                    request, "procedures/conflict.html", {"message": exc.message}, status=409
                )

        return wrapper

    return decorator


def _errors_into(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


# --- Public catalogue -------------------------------------------------------------------


def catalogue(request):
    form = CatalogueSearchForm(request.GET or None)
    versions = services.current_versions().select_related("procedure", "field")
    query = ""
    if form.is_valid():
        query = form.cleaned_data["q"].strip()
        if query:
            versions = versions.filter(
                Q(search_name__contains=fold(query)) | Q(procedure__national_code__icontains=query)
            )
        if form.cleaned_data["field"]:
            versions = versions.filter(field=form.cleaned_data["field"])
        if form.cleaned_data["level"]:
            versions = versions.filter(level=form.cleaned_data["level"])
        if form.cleaned_data["online_mode"]:
            versions = versions.filter(online_mode=form.cleaned_data["online_mode"])
    page = Paginator(versions.order_by("field__name", "name", "pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "procedures/catalogue.html",
        {"form": form, "page": page, "query": query, "params": params.urlencode()},
    )


def _version_context(version: ProcedureVersion) -> dict:
    version = (
        ProcedureVersion.objects.select_related("procedure", "field")
        .prefetch_related("components", "fees", "implementing_agencies")
        .get(pk=version.pk)
    )
    procedure = version.procedure
    try:
        process = services.process_in_force(procedure, None)
    except NoProcessInForce:
        process = None
    history = list(
        procedure.versions.filter(status__in=services.PUBLISHED_STATUSES).order_by("-number")
    )
    return {
        "version": version,
        "procedure": procedure,
        "history": history,
        "process": process,
        "diagram": render_process_diagram(process) if process else "",
        "agency_processes": list(
            ProcessDefinition.objects.filter(
                procedure=procedure,
                agency__isnull=False,
                status=VersionStatus.PUBLISHED,
            ).select_related("agency")
        ),
    }


def procedure_detail(request, code: str):
    procedure = get_object_or_404(Procedure, national_code=code)
    try:
        version = services.version_in_force(procedure)
    except services.catalogue.NoVersionInForce as exc:
        raise Http404 from exc
    return render(request, "procedures/detail.html", _version_context(version))


def version_detail(request, code: str, number: int):
    version = get_object_or_404(
        ProcedureVersion,
        procedure__national_code=code,
        number=number,
        status__in=services.PUBLISHED_STATUSES,
    )
    context = _version_context(version)
    context["historic"] = True
    return render(request, "procedures/detail.html", context)


def component_template(request, pk: int):
    """Download a component's template form (published versions; drafts for editors)."""
    component = get_object_or_404(ProcedureComponent.objects.select_related("version"), pk=pk)
    if not component.template_file:
        raise Http404
    if component.version.status == VersionStatus.DRAFT and not (
        request.user.is_authenticated and holds(request.user, EDIT_PERMISSION)
    ):
        raise Http404
    return FileResponse(
        component.template_file.open("rb"),
        as_attachment=True,
        filename=component.template_file.name.rsplit("/", 1)[-1],
    )


# --- Back office: catalogue -------------------------------------------------------------


@permission_required(VIEW_PERMISSION)
def manage(request):
    query = request.GET.get("q", "").strip()
    procedures = Procedure.objects.annotate(version_count=Count("versions")).prefetch_related(
        Prefetch("versions", queryset=ProcedureVersion.objects.order_by("-number"))
    )
    if query:
        procedures = procedures.filter(
            Q(versions__search_name__contains=fold(query)) | Q(national_code__icontains=query)
        ).distinct()
    page = Paginator(procedures.order_by("national_code"), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "procedures/manage.html",
        {
            "page": page,
            "query": query,
            "may_edit": holds(request.user, EDIT_PERMISSION),
            "may_import": holds(request.user, IMPORT_PERMISSION),
        },
    )


@permission_required(EDIT_PERMISSION)
@require_http_methods(["GET", "POST"])
def procedure_create(request):
    form = NewProcedureForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            version = services.create_procedure(
                national_code=data.pop("national_code"), acting_user=request.user, **data
            )
        except ValidationError as exc:
            _errors_into(form, exc)
        else:
            return redirect("procedures:version_edit", pk=version.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "procedures/procedure_form.html", {"form": form}, status=status)


@permission_required(VIEW_PERMISSION)
def procedure_manage(request, code: str):
    procedure = get_object_or_404(Procedure, national_code=code)
    versions = list(procedure.versions.order_by("-number"))
    processes = list(
        ProcessDefinition.objects.filter(procedure=procedure)
        .select_related("agency")
        .annotate(step_count=Count("steps"))
        .order_by("agency__name", "-number")
    )
    return render(
        request,
        "procedures/procedure_manage.html",
        {
            "procedure": procedure,
            "versions": versions,
            "has_draft": any(v.status == VersionStatus.DRAFT for v in versions),
            "processes": processes,
            "process_form": NewProcessForm(),
            "may_edit": holds(request.user, EDIT_PERMISSION),
            "may_edit_process": holds(request.user, PROCESS_PERMISSION),
        },
    )


@permission_required(EDIT_PERMISSION)
@require_POST
def version_new(request, code: str):
    procedure = get_object_or_404(Procedure, national_code=code)
    version = services.draft_new_version(procedure, acting_user=request.user)
    messages.success(request, _("Draft version %(number)s created.") % {"number": version.number})
    return redirect("procedures:version_edit", pk=version.pk)


@permission_required(EDIT_PERMISSION)
@require_http_methods(["GET", "POST"])
def version_edit(request, pk: int):
    version = get_object_or_404(
        ProcedureVersion.objects.select_related("procedure", "field"), pk=pk
    )
    initial = {
        name: getattr(version, name)
        for name in VersionForm.base_fields
        if name != "implementing_agencies"
    }
    initial["implementing_agencies"] = list(version.implementing_agencies.all())
    form = VersionForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if version.status != VersionStatus.DRAFT:
            raise InvalidState(_("Published versions cannot be changed (phiên bản đã công bố)."))
        if form.is_valid():
            try:
                services.update_draft(version, acting_user=request.user, **form.cleaned_data)
            except ValidationError as exc:
                _errors_into(form, exc)
            else:
                messages.success(request, _("The draft was saved."))
                return redirect("procedures:version_edit", pk=version.pk)
        status = 400
    return render(
        request,
        "procedures/version_edit.html",
        {
            "version": version,
            "form": form,
            "components": list(version.components.all()),
            "fees": list(version.fees.all()),
            "component_form": ComponentForm(),
            "fee_form": FeeForm(),
            "publish_form": PublishForm(),
            "editable": version.status == VersionStatus.DRAFT,
        },
        status=status,
    )


@permission_required(EDIT_PERMISSION)
@require_POST
def version_publish(request, pk: int):
    version = get_object_or_404(ProcedureVersion, pk=pk)
    form = PublishForm(request.POST)
    if form.is_valid():
        try:
            services.publish_version(
                version,
                effective_from=form.cleaned_data["effective_from"],
                acting_user=request.user,
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
            return redirect("procedures:version_edit", pk=version.pk)
        messages.success(request, _("Version %(number)s published.") % {"number": version.number})
        return redirect("procedures:manage_procedure", code=version.procedure.national_code)
    return redirect("procedures:version_edit", pk=version.pk)


@permission_required(EDIT_PERMISSION)
@require_http_methods(["GET", "POST"])
def component_edit(request, version_pk: int, pk: int | None = None):
    version = get_object_or_404(ProcedureVersion, pk=version_pk)
    component = get_object_or_404(version.components, pk=pk) if pk else None
    initial = (
        {f: getattr(component, f) for f in ComponentForm.base_fields if f != "template_file"}
        if component
        else None
    )
    form = ComponentForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST":
        if request.POST.get("remove") and component is not None:
            services.remove_component(component, acting_user=request.user)
            return redirect("procedures:version_edit", pk=version.pk)
        if form.is_valid():
            data = dict(form.cleaned_data)
            if not data["template_file"]:
                data.pop("template_file")
            try:
                if component is None:
                    services.add_component(version, acting_user=request.user, **data)
                else:
                    services.update_component(component, acting_user=request.user, **data)
            except ValidationError as exc:
                _errors_into(form, exc)
            else:
                return redirect("procedures:version_edit", pk=version.pk)
    return render(
        request,
        "procedures/item_form.html",
        {"form": form, "version": version, "item": component, "kind": "component"},
        status=400 if request.method == "POST" else 200,
    )


@permission_required(EDIT_PERMISSION)
@require_http_methods(["GET", "POST"])
def fee_edit(request, version_pk: int, pk: int | None = None):
    version = get_object_or_404(ProcedureVersion, pk=version_pk)
    fee = get_object_or_404(version.fees, pk=pk) if pk else None
    initial = {f: getattr(fee, f) for f in FeeForm.base_fields} if fee else None
    form = FeeForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if request.POST.get("remove") and fee is not None:
            services.remove_fee(fee, acting_user=request.user)
            return redirect("procedures:version_edit", pk=version.pk)
        if form.is_valid():
            try:
                if fee is None:
                    services.add_fee(version, acting_user=request.user, **form.cleaned_data)
                else:
                    services.update_fee(fee, acting_user=request.user, **form.cleaned_data)
            except ValidationError as exc:
                _errors_into(form, exc)
            else:
                return redirect("procedures:version_edit", pk=version.pk)
    return render(
        request,
        "procedures/item_form.html",
        {"form": form, "version": version, "item": fee, "kind": "fee"},
        status=400 if request.method == "POST" else 200,
    )


# --- Back office: processes -------------------------------------------------------------


@permission_required(PROCESS_PERMISSION)
@require_POST
def process_new(request, code: str):
    procedure = get_object_or_404(Procedure, national_code=code)
    form = NewProcessForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a valid agency."))
        return redirect("procedures:manage_procedure", code=code)
    require_process_scope(request.user, form.cleaned_data["agency"])
    definition = services.create_process(
        procedure,
        agency=form.cleaned_data["agency"],
        name=form.cleaned_data["name"],
        acting_user=request.user,
    )
    return redirect("procedures:process_edit", pk=definition.pk)


@permission_required(PROCESS_PERMISSION)
@require_POST
def process_new_version(request, pk: int):
    definition = _editable_process(request, pk)
    copy = services.draft_new_process_version(definition, acting_user=request.user)
    return redirect("procedures:process_edit", pk=copy.pk)


def require_process_scope(user, agency) -> None:
    """Editing a process needs the permission where the process applies: an agency's own
    process within that agency's subtree; the default process (no agency), which applies to
    every implementing agency, only to those whose scope covers a whole top-level body."""
    scope = organisation_scope(user, PROCESS_PERMISSION)
    if scope is ALL:
        return
    if agency is None:
        if any(len(prefix) <= Organisation.steplen for prefix in scope):
            return
    elif any(agency.path.startswith(prefix) for prefix in scope):
        return
    raise PermissionDenied


def _editable_process(request, pk: int) -> ProcessDefinition:
    definition = get_object_or_404(
        ProcessDefinition.objects.select_related("procedure", "agency"), pk=pk
    )
    require_process_scope(request.user, definition.agency)
    return definition


def _process_page(
    request, definition, *, step_form=None, transition_form=None, problems=None, status=200
):
    steps = list(definition.steps.select_related("performer_agency").order_by("order"))
    transitions = list(
        ProcessTransition.objects.filter(step__definition=definition)
        .select_related("step", "next_step")
        .order_by("step__order", "action")
    )
    editable = definition.status == VersionStatus.DRAFT
    return render(
        request,
        "procedures/process_edit.html",
        {
            "definition": definition,
            "steps": steps,
            "transitions": transitions,
            "editable": editable,
            "step_form": step_form or StepForm(),
            "transition_form": transition_form or TransitionForm(steps=steps),
            "publish_form": PublishForm(),
            "problems": problems
            if problems is not None
            else (services.process_problems(definition) if editable else []),
            "total_hours": sum(s.allotted_hours for s in steps),
            "diagram": render_process_diagram(definition),
        },
        status=status,
    )


@permission_required(PROCESS_PERMISSION)
def process_edit(request, pk: int):
    definition = _editable_process(request, pk)
    return _process_page(request, definition)


@permission_required(PROCESS_PERMISSION)
@require_POST
def step_add(request, pk: int):
    definition = _editable_process(request, pk)
    form = StepForm(request.POST)
    if form.is_valid():
        try:
            services.add_step(definition, acting_user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _errors_into(form, exc)
        else:
            return redirect("procedures:process_edit", pk=definition.pk)
    return _process_page(request, definition, step_form=form, status=400)


@permission_required(PROCESS_PERMISSION)
@require_http_methods(["GET", "POST"])
def step_edit(request, pk: int):
    step = get_object_or_404(
        ProcessStep.objects.select_related("definition__agency", "definition__procedure"), pk=pk
    )
    definition = step.definition
    require_process_scope(request.user, definition.agency)
    if request.method == "POST" and request.POST.get("move") in ("up", "down"):
        services.move_step(
            step, offset=-1 if request.POST["move"] == "up" else 1, acting_user=request.user
        )
        return redirect("procedures:process_edit", pk=definition.pk)
    if request.method == "POST" and request.POST.get("remove"):
        services.remove_step(step, acting_user=request.user)
        return redirect("procedures:process_edit", pk=definition.pk)
    initial = {f: getattr(step, f) for f in StepForm.base_fields}
    form = StepForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_step(step, acting_user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _errors_into(form, exc)
        else:
            return redirect("procedures:process_edit", pk=definition.pk)
    return render(
        request,
        "procedures/step_form.html",
        {"form": form, "step": step, "definition": definition},
        status=400 if request.method == "POST" else 200,
    )


@permission_required(PROCESS_PERMISSION)
@require_POST
def transition_set(request, pk: int):
    definition = _editable_process(request, pk)
    steps = list(definition.steps.order_by("order"))
    form = TransitionForm(request.POST, steps=steps)
    if form.is_valid():
        by_pk = {s.pk: s for s in steps}
        target = form.cleaned_data["next_step"]
        try:
            services.set_transition(
                by_pk[form.cleaned_data["step"]],
                action=form.cleaned_data["action"],
                next_step=None if target == END else by_pk[int(target)],
                acting_user=request.user,
            )
        except ValidationError as exc:
            _errors_into(form, exc)
        else:
            return redirect("procedures:process_edit", pk=definition.pk)
    return _process_page(request, definition, transition_form=form, status=400)


@permission_required(PROCESS_PERMISSION)
@require_POST
def transition_remove(request, pk: int):
    transition = get_object_or_404(
        ProcessTransition.objects.select_related("step__definition__agency"), pk=pk
    )
    require_process_scope(request.user, transition.step.definition.agency)
    services.remove_transition(transition, acting_user=request.user)
    return redirect("procedures:process_edit", pk=transition.step.definition_id)


@permission_required(PROCESS_PERMISSION)
@require_POST
def process_publish(request, pk: int):
    definition = _editable_process(request, pk)
    form = PublishForm(request.POST)
    effective_from = form.cleaned_data["effective_from"] if form.is_valid() else None
    try:
        services.publish_process(
            definition, effective_from=effective_from, acting_user=request.user
        )
    except ProcessInvalid as exc:
        return _process_page(request, definition, problems=exc.problems, status=400)
    messages.success(request, _("The process was published."))
    return redirect("procedures:manage_procedure", code=definition.procedure.national_code)


# --- Back office: Excel -----------------------------------------------------------------


@permission_required(VIEW_PERMISSION)
def export_view(request):
    response = HttpResponse(
        export_catalogue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="danh-muc-tthc-{stamp}.xlsx"'
    return response


@permission_required(IMPORT_PERMISSION)
@require_http_methods(["GET", "POST"])
def import_view(request):
    if request.method == "GET":
        request.session.pop(IMPORT_SESSION_KEY, None)
        return render(request, "procedures/import.html", {"form": ImportForm()})
    if request.POST.get("confirm"):
        stored = request.session.get(IMPORT_SESSION_KEY)
        if not stored:
            messages.error(
                request,
                _(
                    "The uploaded file has expired; upload it again (tệp đã hết hạn, hãy tải "
                    "lên lại)."
                ),
            )
            return redirect("procedures:import")
        report = import_catalogue(
            base64.b64decode(stored["data"]),
            dry_run=False,
            publish=stored["publish"],
            acting_user=request.user,
            filename=stored["name"],
        )
        if report.applied:
            request.session.pop(IMPORT_SESSION_KEY, None)
            counts = report.counts()
            messages.success(
                request,
                _("Imported: %(new)s new procedures, %(changed)s changed, %(same)s unchanged.")
                % {
                    "new": counts["create"],
                    "changed": counts["update"],
                    "same": counts["unchanged"],
                },
            )
            return redirect("procedures:manage")
        return render(
            request,
            "procedures/import.html",
            {"form": ImportForm(), "report": report, "filename": stored["name"]},
            status=400,
        )
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(request, "procedures/import.html", {"form": form}, status=400)
    upload = form.cleaned_data["file"]
    data = upload.read()
    report = import_catalogue(data, dry_run=True, acting_user=request.user, filename=upload.name)
    if report.ok:
        request.session[IMPORT_SESSION_KEY] = {
            "name": upload.name,
            "data": base64.b64encode(data).decode("ascii"),
            "publish": form.cleaned_data["publish"],
        }
    return render(
        request,
        "procedures/import.html",
        {"form": ImportForm(), "report": report, "filename": upload.name},
        status=200 if report.ok else 400,
    )


def manage_url(procedure: Procedure) -> str:
    return reverse("procedures:manage_procedure", args=[procedure.national_code])
