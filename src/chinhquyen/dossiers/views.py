"""Back-office pages of the one-stop dossiers: work queues, counter intake, dossier page.

Thin: every list is ``queue(user, name)`` (``Dossier.objects.restrict``), every detail is
``access_dossier``, every change is a service call. Service errors become bilingual pages:
``InvalidTransition`` → 409, ``PermissionDenied`` → 403, other refusals → 400.
"""

import re
from pathlib import PurePosixPath

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from chinhquyen.accounts.choices import Role
from chinhquyen.accounts.scopes import ALL, organisation_scope
from chinhquyen.directory.models import Official, Organisation
from chinhquyen.directory.views import staff_required
from chinhquyen.dossiers.choices import Action, Channel, DossierStatus, EventType
from chinhquyen.dossiers.exceptions import DossierError
from chinhquyen.dossiers.forms import ActionForm, EvaluationForm, IntakeForm, PaymentForm
from chinhquyen.dossiers.models import Evaluation, Payment
from chinhquyen.dossiers.services import (
    access_dossier,
    permitted_actions,
    queue,
    receive_dossier,
    record_evaluation,
    record_payment,
    timeline,
    transition,
)
from chinhquyen.dossiers.services.access import bilingual
from chinhquyen.dossiers.services.lateness import (
    dossier_outcome,
    is_at_risk,
    median_step_seconds,
)
from chinhquyen.dossiers.services.queries import QUEUES, annotate_risk, step_runs
from chinhquyen.dossiers.services.transitions import open_supplement_request

QUEUE_LABELS = {
    "to_process": _("To process"),
    "due_soon": _("Due soon"),
    "overdue": _("Overdue"),
    "flagged": _("Overdue without an apology"),
    "awaiting_supplement": _("Waiting for supplement"),
    "transferred": _("Transferred to another agency"),
    "ready": _("Result ready"),
    "all": _("All dossiers"),
}


# Where the applicant's rating came from (``Evaluation.channel``).
EVALUATION_CHANNELS = {
    "counter": _("paper form at the counter"),
    "online": _("online"),
}

# Django's storage appends "_" + 7 random characters when a name is taken.
STORAGE_SUFFIX = re.compile(r"_[A-Za-z0-9]{7}(?=\.[^.]+$|$)")


def evaluation_channel_label(channel: str) -> str:
    if channel in EVALUATION_CHANNELS:
        return EVALUATION_CHANNELS[channel]
    return Channel(channel).label if channel in Channel.values else channel


def result_file_name(dossier, events=None) -> str:
    """The result file's original name: recorded on the event that stored it; for older
    dossiers, the stored name without its folders and storage suffix."""
    if not dossier.result_file:
        return ""
    if events is None:
        events = dossier.events.filter(type__in=(EventType.APPROVED, EventType.FORWARDED)).order_by(
            "-at", "-id"
        )
    else:
        events = sorted(events, key=lambda e: (e.at, e.pk), reverse=True)
    for event in events:
        name = (event.data or {}).get("result_file_name")
        if name:
            return name
    return STORAGE_SUFFIX.sub("", PurePosixPath(dossier.result_file.name).name)


def error_page(request, exc: DossierError, *, dossier=None):
    return render(
        request,
        "dossiers/error.html",
        {"error": exc, "dossier": dossier},
        status=exc.status,
    )


@staff_required
def queue_view(request):
    name = request.GET.get("queue", "to_process")
    if name not in QUEUES:
        name = "to_process"
    now = timezone.now()
    dossiers = queue(request.user, name, now=now)
    page = Paginator(dossiers, 50).get_page(request.GET.get("page"))
    annotate_risk(list(page.object_list), now=now)
    flagged = (
        queue(request.user, "flagged", now=now).count()
        if holds_any_role(request.user, (Role.AGENCY_LEADER, Role.DIVISION_LEADER))
        else 0
    )
    return render(
        request,
        "dossiers/queue.html",
        {
            "page": page,
            "queue": name,
            "queues": [(key, QUEUE_LABELS[key]) for key in QUEUES],
            "queue_label": QUEUE_LABELS[name],
            "now": now,
            "flagged_count": flagged,
        },
    )


def holds_any_role(user, roles) -> bool:
    from chinhquyen.accounts.scopes import roles_of

    return bool(set(roles) & roles_of(user))


def _address_units(agency):
    """Current communes / wards of the agency's province (the applicant's address unit)."""
    from django.conf import settings

    from chinhquyen.directory.choices import UnitLevel
    from chinhquyen.directory.models import AdministrativeUnit

    province = agency.administrative_unit if agency.administrative_unit_id else None
    while province is not None and province.level != UnitLevel.PROVINCE:
        province = province.parent
    if province is None:
        province = AdministrativeUnit.objects.filter(
            level=UnitLevel.PROVINCE, is_historic=False, name__icontains=settings.PROVINCE_NAME
        ).first()
    if province is None:
        return AdministrativeUnit.objects.none()
    return AdministrativeUnit.objects.filter(
        parent=province, is_historic=False, level=UnitLevel.COMMUNE
    ).order_by("name")


def _intake_agencies(user):
    scope = organisation_scope(user, "dossiers.add_dossier")
    agencies = Organisation.objects.exclude(qcvn_code__isnull=True).exclude(qcvn_code="")
    if scope is ALL:
        return agencies.order_by("path")
    if not scope:
        return agencies.none()
    return agencies.filter(path__in=scope).order_by("path")


@staff_required
def intake_view(request):
    """Counter intake by a one-stop officer (counter or post): choose the agency and the
    procedure, enter the applicant and upload each component; lands on the dossier page.
    A refusal re-shows the form (400) with bilingual messages next to the fields; nothing is
    saved."""
    from chinhquyen.procedures.services import current_versions

    agencies = list(_intake_agencies(request.user).select_related("administrative_unit"))
    if not agencies:
        raise PermissionDenied
    versions = list(current_versions().select_related("procedure").order_by("name")[:500])
    procedure_id = request.POST.get("procedure") or request.GET.get("procedure")
    chosen = next((v for v in versions if str(v.procedure_id) == str(procedure_id)), None)
    agency_id = request.POST.get("agency") or request.GET.get("agency")
    agency = next((a for a in agencies if str(a.pk) == str(agency_id)), agencies[0])
    components = list(chosen.components.order_by("order", "pk")) if chosen else []
    form = IntakeForm(
        request.POST or None,
        request.FILES or None,
        components=components,
        units=_address_units(agency),
    )
    context = {
        "form": form,
        "versions": versions,
        "chosen": chosen,
        "agencies": agencies,
        "agency": agency,
    }
    if request.method != "POST":
        return render(request, "dossiers/intake.html", context)
    if chosen is None:
        form.is_valid()
        form.add_error(None, bilingual(_("Choose the procedure first.")))
        return render(request, "dossiers/intake.html", context, status=400)
    if not form.is_valid():
        return render(request, "dossiers/intake.html", context, status=400)
    data = form.cleaned_data
    try:
        dossier = receive_dossier(
            procedure=chosen.procedure,
            receiving_agency=agency,
            channel=data["channel"],
            applicant={
                "kind": data["applicant_kind"],
                "name": data["applicant_name"],
                "id_number": data["applicant_id_number"],
                "phone": data["applicant_phone"],
                "email": data["applicant_email"],
                "address": data["applicant_address"],
                "unit": data["applicant_unit"],
            },
            components=[
                (c, data.get(f"component_{c.pk}"))
                for c in components
                if data.get(f"component_{c.pk}")
            ],
            acting_user=request.user,
        )
    except DossierError as exc:
        form.add_service_error(exc)
        return render(request, "dossiers/intake.html", context, status=exc.status)
    messages.success(
        request,
        bilingual(
            _("Dossier %(code)s received; due %(due)s."),
            code=dossier.code,
            due=(timezone.localtime(dossier.due_at).strftime("%H:%M %d/%m/%Y")),
        ),
    )
    return redirect(dossier)


@staff_required
def detail_view(request, pk: int):
    from chinhquyen.dossiers.models import Dossier

    dossier = access_dossier(
        request.user,
        pk,
        queryset=Dossier.objects.select_related(
            "procedure",
            "procedure_version",
            "rule_set",
            "receiving_agency",
            "lead_agency",
            "current_agency",
            "current_step",
            "assignee",
            "result_signed_by",
            "eform_submission",
        ).prefetch_related(
            Prefetch("payments", queryset=Payment.objects.order_by("id")), "attachments"
        ),
    )
    runs = step_runs(dossier)
    evaluation = Evaluation.objects.filter(dossier=dossier).first()
    can_evaluate = dossier.status == DossierStatus.RETURNED and evaluation is None
    open_runs = [r for r in runs if r.finished_at is None]
    at_risk = False
    if open_runs:
        median = median_step_seconds(open_runs[-1].step_id)
        at_risk = is_at_risk(open_runs[-1], median=median)
    actions = []
    if dossier.current_step_id and dossier.status in (
        DossierStatus.RECEIVED,
        DossierStatus.IN_PROCESSING,
        DossierStatus.TRANSFERRED,
    ):
        actions = list(dossier.current_step.transitions.values_list("action", flat=True))
    permitted = permitted_actions(dossier, request.user)
    actions = [a for a in actions if a in permitted]
    entries = timeline(dossier)
    components = list(dossier.procedure_version.components.order_by("order", "pk"))
    supplement_request = (
        open_supplement_request(dossier)
        if dossier.status == DossierStatus.AWAITING_SUPPLEMENT
        else None
    )
    return render(
        request,
        "dossiers/detail.html",
        {
            "dossier": dossier,
            "timeline": entries,
            "result_file_name": result_file_name(dossier, [e.event for e in entries]),
            "evaluation_channel": (
                evaluation_channel_label(evaluation.channel) if evaluation else ""
            ),
            "runs": runs,
            "at_risk": at_risk,
            "step_actions": [(a, Action(a).label) for a in actions],
            "permitted": permitted,
            "Action": Action,
            "officials": Official.objects.filter(
                organisation__path__startswith=dossier.current_agency.path
            ).order_by("full_name")[:200],
            "agencies": Organisation.objects.exclude(pk=dossier.current_agency_id).order_by("path")[
                :300
            ],
            "components": components,
            "supplement_request": supplement_request,
            "supplement_components": (
                (
                    sorted(supplement_request.components.all(), key=lambda c: (c.order, c.pk))
                    if supplement_request is not None
                    else components
                )
                if dossier.status == DossierStatus.AWAITING_SUPPLEMENT
                else []
            ),
            "payment_form": PaymentForm(),
            "evaluation_form": EvaluationForm() if can_evaluate else None,
            "evaluation": evaluation,
            "lateness": dossier_outcome(dossier),
            "has_eform": hasattr(dossier, "eform_submission"),
        },
    )


@staff_required
def result_file_view(request, pk: int):
    """The result file, to an official who may see the dossier (never a public media URL)."""
    dossier = access_dossier(request.user, pk)
    if not dossier.result_file:
        raise Http404
    try:
        handle = dossier.result_file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(handle, as_attachment=True, filename=result_file_name(dossier))
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@staff_required
@require_POST
def act_view(request, pk: int):
    dossier = access_dossier(request.user, pk)
    form = ActionForm(request.POST, request.FILES)
    if not form.is_valid() or form.cleaned_data["action"] not in Action.values:
        return error_page(
            request, DossierError(bilingual(_("The form is not valid."))), dossier=dossier
        )
    data = form.cleaned_data
    target = (
        Organisation.objects.filter(pk=data["target_agency"]).first()
        if data["target_agency"]
        else None
    )
    assignee = Official.objects.filter(pk=data["assignee"]).first() if data["assignee"] else None
    files = None
    requested = None
    if data["action"] == Action.REQUEST_SUPPLEMENT:
        # The ticked components (checkboxes "components"); the service checks them.
        requested = request.POST.getlist("components")
    if data["action"] == Action.RECEIVE_SUPPLEMENT:
        # One optional file per component: the supplement brings only what was asked for.
        files = [
            (component, request.FILES[f"supplement_{component.pk}"])
            for component in dossier.procedure_version.components.order_by("order", "pk")
            if f"supplement_{component.pk}" in request.FILES
        ]
    try:
        transition(
            dossier,
            data["action"],
            acting_user=request.user,
            expected_version=data["version"],
            note=data["note"],
            target_agency=target,
            assignee=assignee,
            result_file=data["result_file"],
            new_due_at=data["new_due_at"],
            return_method=data["return_method"] or "",
            tracking_number=data["tracking_number"],
            postal_address=data["postal_address"],
            files=files,
            requested_components=requested,
        )
    except DossierError as exc:
        return error_page(request, exc, dossier=dossier)
    messages.success(request, bilingual(_("Done.")))
    return redirect(dossier)


@staff_required
@require_POST
def pay_view(request, pk: int, payment_pk: int):
    dossier = access_dossier(request.user, pk)
    payment = Payment.objects.filter(dossier=dossier, pk=payment_pk).first()
    form = PaymentForm(request.POST)
    if payment is None or not form.is_valid():
        return error_page(
            request, DossierError(bilingual(_("The form is not valid."))), dossier=dossier
        )
    try:
        record_payment(
            payment,
            method=form.cleaned_data["method"],
            receipt_number=form.cleaned_data["receipt_number"],
            acting_user=request.user,
        )
    except DossierError as exc:
        return error_page(request, exc, dossier=dossier)
    return redirect(dossier)


@staff_required
@require_POST
def evaluate_view(request, pk: int):
    """The one-stop officer enters the applicant's rating from the paper form (Art. 31)."""
    dossier = access_dossier(request.user, pk)
    form = EvaluationForm(request.POST)
    if not form.is_valid():
        return error_page(
            request,
            DossierError(
                bilingual(
                    _("These ratings are missing or out of range: %(fields)s."),
                    fields=", ".join(str(form.fields[name].label) for name in form.errors),
                )
            ),
            dossier=dossier,
        )
    try:
        record_evaluation(dossier, ratings=form.cleaned_data, acting_user=request.user)
    except DossierError as exc:
        return error_page(request, exc, dossier=dossier)
    messages.success(request, bilingual(_("The rating was recorded.")))
    return redirect(dossier)
