"""Pages of the online application (public, under /nop-ho-so/) and its back office.

Public: start an application for a procedure, fill the form (explicit "Save draft" without
JavaScript; htmx autosave with it), upload a file per component, review, submit, the
confirmation, and "my drafts". Every change goes through ``eforms.services``; bad input
re-shows the page with HTTP 400 and each message next to its field.

Back office (``eforms.change_formversion``, IT administrators): the schema editor with a
server-side preview, publishing, and the "served by the national portal" setting.
"""

from __future__ import annotations

import functools

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from chinhquyen.accounts.scopes import ALL, organisation_scope
from chinhquyen.citizens.decorators import citizen_required
from chinhquyen.dossiers.exceptions import DossierError
from chinhquyen.dossiers.services.access import is_citizen
from chinhquyen.eforms import schema as schemas
from chinhquyen.eforms import services
from chinhquyen.eforms.choices import FormStatus
from chinhquyen.eforms.exceptions import EformError, SchemaInvalid
from chinhquyen.eforms.forms import OnlineServiceForm, PublishForm, SchemaForm
from chinhquyen.eforms.models import ApplicationDraft, DraftFile, FormVersion, Submission
from chinhquyen.procedures.choices import OnlineMode
from chinhquyen.procedures.models import Procedure

EDIT_PERMISSION = "eforms.change_formversion"


def tracking_url(code: str) -> str:
    """The public status page of a dossier (the tracking app, ``/tra-cuu/<code>/``)."""
    return reverse("tracking:lookup_code", args=[code])


def _own_draft(request, pk: int) -> ApplicationDraft:
    return get_object_or_404(
        ApplicationDraft.objects.select_related("procedure", "form_version", "receiving_agency"),
        pk=pk,
        citizen=request.user,
    )


def _conflict(request, exc: EformError):
    return render(request, "eforms/problem.html", {"message": exc.message}, status=exc.status)


# --- Public -------------------------------------------------------------------------------


@require_GET
def index(request):
    """Procedures that can be applied for online on this portal or the national portal."""
    from chinhquyen.procedures.services import current_versions

    versions = list(
        current_versions()
        .filter(online_mode__in=[OnlineMode.FULL, OnlineMode.PARTIAL])
        .select_related("procedure", "procedure__online_service")
        .order_by("name")
    )
    published = set(
        FormVersion.objects.filter(
            status=FormStatus.PUBLISHED, effective_from__lte=timezone.now()
        ).values_list("procedure_id", flat=True)
    )
    rows = []
    for version in versions:
        service = getattr(version.procedure, "online_service", None)
        national = service is not None and service.national_portal
        if national or version.procedure_id in published:
            rows.append((version, national))
    return render(request, "eforms/index.html", {"rows": rows})


@require_http_methods(["GET", "POST"])
def start(request, code: str):
    procedure = get_object_or_404(Procedure, national_code=code)
    found = services.availability(procedure)
    if request.method == "POST":
        if not request.user.is_authenticated or not is_citizen(request.user):
            return citizen_required(lambda r: None)(request)
        try:
            draft = services.start_application(procedure=procedure, acting_user=request.user)
        except EformError as exc:
            return _conflict(request, exc)
        return redirect("eforms:draft", pk=draft.pk)
    drafts = []
    if request.user.is_authenticated:
        drafts = list(ApplicationDraft.objects.filter(citizen=request.user, procedure=procedure))
    return render(
        request,
        "eforms/start.html",
        {
            "procedure": procedure,
            "found": found,
            "counter": services.counter_components(found.version)
            if found.version is not None and found.partial
            else [],
            "drafts": drafts,
            "is_citizen": is_citizen(request.user),
        },
    )


@citizen_required
@require_GET
def drafts(request):
    items = list(
        ApplicationDraft.objects.filter(citizen=request.user)
        .select_related("procedure")
        .order_by("-updated_at")
    )
    from chinhquyen.procedures.services import current_versions

    names = dict(
        current_versions()
        .filter(procedure_id__in=[d.procedure_id for d in items])
        .values_list("procedure_id", "name")
    )
    rows = [(d, names.get(d.procedure_id, d.procedure.national_code)) for d in items]
    return render(request, "eforms/drafts.html", {"rows": rows})


def _form_context(draft: ApplicationDraft, errors: dict | None = None) -> dict:
    found = services.availability(draft.procedure)
    return {
        "draft": draft,
        "found": found,
        "fields": schemas.build_fields(draft.form_version.schema, draft.data, errors),
        "errors": errors or {},
        "agency_errors": (errors or {}).get("receiving_agency", []),
        "counter": services.counter_components(found.version)
        if found.version is not None and found.partial
        else [],
    }


def _posted_agency(request, draft):
    pk = request.POST.get("receiving_agency")
    if not pk:
        return None
    if pk == str(draft.receiving_agency_id):
        # The usual autosave (every few seconds while typing): the choice has not changed.
        return draft.receiving_agency
    found = services.availability(draft.procedure)
    return next((a for a in found.agencies if str(a.pk) == pk), None)


@citizen_required
@require_http_methods(["GET", "POST"])
def draft_form(request, pk: int):
    draft = _own_draft(request, pk)
    if request.method == "GET":
        return render(request, "eforms/form.html", _form_context(draft))
    data = schemas.data_from_post(draft.form_version.schema, request.POST)
    services.save_draft_data(
        draft,
        data=data,
        acting_user=request.user,
        receiving_agency=_posted_agency(request, draft),
    )
    if request.POST.get("action") != "continue":
        messages.success(request, _("Your draft was saved. You can come back to it later."))
        return redirect("eforms:draft", pk=draft.pk)
    errors = services.draft_errors(draft)
    found = services.availability(draft.procedure)
    if draft.receiving_agency is None or draft.receiving_agency not in found.agencies:
        errors["receiving_agency"] = [gettext("Choose the agency to apply to.")]
    if errors:
        return render(request, "eforms/form.html", _form_context(draft, errors), status=400)
    return redirect("eforms:files", pk=draft.pk)


@citizen_required
@require_POST
def draft_autosave(request, pk: int):
    draft = _own_draft(request, pk)
    data = schemas.data_from_post(draft.form_version.schema, request.POST)
    services.save_draft_data(
        draft,
        data=data,
        acting_user=request.user,
        receiving_agency=_posted_agency(request, draft),
    )
    time = timezone.localtime(draft.updated_at).strftime("%H:%M:%S")
    return render(request, "eforms/_autosaved.html", {"time": time})


def _files_context(draft: ApplicationDraft, errors: dict | None = None) -> dict:
    found = services.availability(draft.procedure)
    version = found.version
    files = {f.component_id: f for f in draft.files.all()}
    rows = []
    if version is not None:
        for component in version.components.all():
            rows.append(
                {
                    "component": component,
                    "file": files.get(component.pk),
                    "errors": (errors or {}).get(component.pk, []),
                }
            )
    from chinhquyen.dossiers.uploads import max_upload_bytes

    return {
        "draft": draft,
        "found": found,
        "rows": rows,
        "has_errors": bool(errors),
        "max_mb": max_upload_bytes() // (1024 * 1024),
        "counter": services.counter_components(version) if version and found.partial else [],
    }


@citizen_required
@require_http_methods(["GET", "POST"])
def draft_files(request, pk: int):
    from chinhquyen.dossiers.exceptions import UploadRefused

    draft = _own_draft(request, pk)
    if request.method == "GET":
        return render(request, "eforms/files.html", _files_context(draft))
    found = services.availability(draft.procedure)
    components = {c.pk: c for c in found.version.components.all()} if found.version else {}
    errors: dict[int, list[str]] = {}
    remove = request.POST.get("remove", "")
    if remove:
        if not remove.isdigit():
            raise Http404
        item = get_object_or_404(DraftFile, pk=remove, draft=draft)
        services.remove_file(item, acting_user=request.user)
        messages.success(request, _("The file was removed."))
        return redirect("eforms:files", pk=draft.pk)
    uploaded_any = False
    for pk_, component in components.items():
        uploaded = request.FILES.get(f"component-{pk_}")
        if uploaded is None:
            continue
        try:
            services.attach_file(
                draft, component=component, uploaded=uploaded, acting_user=request.user
            )
            uploaded_any = True
        except UploadRefused as exc:
            errors.setdefault(pk_, []).append(exc.message)
    if errors:
        return render(request, "eforms/files.html", _files_context(draft, errors), status=400)
    if request.POST.get("action") == "continue":
        return redirect("eforms:review", pk=draft.pk)
    if uploaded_any:
        messages.success(request, _("The files were uploaded."))
    return redirect("eforms:files", pk=draft.pk)


def _review_context(draft: ApplicationDraft, problem: str = "") -> dict:
    found = services.availability(draft.procedure)
    errors = services.draft_errors(draft)
    return {
        "draft": draft,
        "found": found,
        "answers": schemas.flat_values(draft.form_version.schema, draft.data),
        "errors": errors,
        "files": list(draft.files.select_related("component")),
        "missing": services.missing_components(draft, found.version) if found.version else [],
        "counter": services.counter_components(found.version)
        if found.version is not None and found.partial
        else [],
        "problem": problem,
    }


@citizen_required
@require_http_methods(["GET", "POST"])
def draft_review(request, pk: int):
    draft = _own_draft(request, pk)
    if request.method == "GET":
        return render(request, "eforms/review.html", _review_context(draft))
    try:
        submission = services.submit_draft(draft, acting_user=request.user)
    except EformError as exc:
        if exc.errors:
            return render(request, "eforms/form.html", _form_context(draft, exc.errors), status=400)
        return _conflict(request, exc)
    except DossierError as exc:
        return render(
            request, "eforms/review.html", _review_context(draft, exc.message), status=exc.status
        )
    return redirect("eforms:submitted", code=submission.dossier.code)


@citizen_required
@require_POST
def draft_delete(request, pk: int):
    draft = _own_draft(request, pk)
    services.delete_draft(draft, acting_user=request.user)
    messages.success(request, _("The draft was deleted."))
    return redirect("eforms:drafts")


@citizen_required
@require_GET
def submitted(request, code: str):
    submission = (
        Submission.objects.select_related("dossier", "dossier__procedure_version")
        .filter(dossier__code=code, citizen=request.user)
        .first()
    )
    if submission is None:
        raise Http404
    version = submission.dossier.procedure_version
    counter = (
        services.counter_components(version) if version.online_mode == OnlineMode.PARTIAL else []
    )
    service = getattr(submission.dossier.procedure, "online_service", None)
    return render(
        request,
        "eforms/submitted.html",
        {
            "submission": submission,
            "dossier": submission.dossier,
            "tracking_url": tracking_url(code),
            "counter": counter,
            "service": service,
        },
    )


# --- Back office --------------------------------------------------------------------------


def _holds(user, permission: str) -> bool:
    scope = organisation_scope(user, permission)
    return scope is ALL or bool(scope)


def staff_permission_required(view):
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if is_citizen(user) or not _holds(user, EDIT_PERMISSION):
            raise PermissionDenied
        try:
            return view(request, *args, **kwargs)
        except EformError as exc:
            return render(
                request, "eforms/manage_problem.html", {"message": exc.message}, status=exc.status
            )

    return wrapper


@staff_permission_required
@require_GET
def manage(request):
    from chinhquyen.procedures.services import current_versions

    versions = list(
        current_versions()
        .filter(online_mode__in=[OnlineMode.FULL, OnlineMode.PARTIAL])
        .select_related("procedure", "procedure__online_service")
        .order_by("procedure__national_code")
    )
    forms_by_procedure: dict[int, list[FormVersion]] = {}
    for form in FormVersion.objects.filter(
        procedure_id__in=[v.procedure_id for v in versions]
    ).order_by("-number"):
        forms_by_procedure.setdefault(form.procedure_id, []).append(form)
    rows = [
        (
            v,
            getattr(v.procedure, "online_service", None),
            forms_by_procedure.get(v.procedure_id, []),
        )
        for v in versions
    ]
    return render(request, "eforms/manage.html", {"rows": rows})


@staff_permission_required
@require_http_methods(["GET", "POST"])
def manage_procedure(request, code: str):
    import json

    procedure = get_object_or_404(Procedure, national_code=code)
    versions = list(FormVersion.objects.filter(procedure=procedure).order_by("-number"))
    draft = next((v for v in versions if v.status == FormStatus.DRAFT), None)
    current = services.form_in_force(procedure)
    base = draft or current or (versions[0] if versions else None)
    initial = json.dumps(base.schema, ensure_ascii=False, indent=2) if base else ""
    form = SchemaForm(request.POST or None, initial={"schema": initial})
    preview = None
    status = 200
    schema_error = ""
    if request.method == "POST":
        action = request.POST.get("action", "preview")
        if form.is_valid():
            try:
                parsed = schemas.parse_schema_text(form.cleaned_data["schema"])
            except SchemaInvalid as exc:
                schema_error = exc.message
                status = 400
            else:
                if action == "save":
                    services.save_form_draft(
                        procedure=procedure,
                        schema_text=form.cleaned_data["schema"],
                        acting_user=request.user,
                    )
                    messages.success(request, _("The draft form was saved."))
                    return redirect("eforms:manage_procedure", code=code)
                preview = schemas.build_fields(parsed)
        else:
            status = 400
    elif base is not None:
        preview = schemas.build_fields(base.schema)
    service = getattr(procedure, "online_service", None)
    service_form = OnlineServiceForm(
        initial={
            "national_portal": service.national_portal if service else False,
            "national_portal_url": service.national_portal_url if service else "",
            "counter_note": service.counter_note if service else "",
            "counter_note_en": service.counter_note_en if service else "",
        }
    )
    return render(
        request,
        "eforms/manage_procedure.html",
        {
            "procedure": procedure,
            "found": services.availability(procedure),
            "versions": versions,
            "draft": draft,
            "current": current,
            "form": form,
            "schema_error": schema_error,
            "preview": preview,
            "publish_form": PublishForm(),
            "service_form": service_form,
        },
        status=status,
    )


@staff_permission_required
@require_POST
def manage_publish(request, pk: int):
    version = get_object_or_404(FormVersion.objects.select_related("procedure"), pk=pk)
    form = PublishForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter a valid date and time."))
        return redirect("eforms:manage_procedure", code=version.procedure.national_code)
    effective_from = form.cleaned_data["effective_from"] or timezone.now()
    services.publish_form(version, effective_from=effective_from, acting_user=request.user)
    messages.success(request, _("Form version %(number)s published.") % {"number": version.number})
    return redirect("eforms:manage_procedure", code=version.procedure.national_code)


@staff_permission_required
@require_POST
def manage_service(request, code: str):
    procedure = get_object_or_404(Procedure, national_code=code)
    form = OnlineServiceForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("eforms:manage_procedure", code=code)
    services.set_online_service(procedure=procedure, acting_user=request.user, **form.cleaned_data)
    messages.success(request, _("The online service settings were saved."))
    return redirect("eforms:manage_procedure", code=code)


@require_GET
def submission_detail(request, code: str):
    """The form answers of an online dossier, for the officials who may see the dossier."""
    from chinhquyen.dossiers.models import Dossier

    user = request.user
    if not user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if is_citizen(user):
        raise PermissionDenied
    dossier = get_object_or_404(Dossier.objects.restrict(user, "view"), code=code)
    submission = get_object_or_404(
        Submission.objects.select_related("form_version"), dossier=dossier
    )
    return render(
        request,
        "eforms/submission.html",
        {
            "dossier": dossier,
            "submission": submission,
            "answers": schemas.flat_values(submission.form_version.schema, submission.data),
        },
    )
