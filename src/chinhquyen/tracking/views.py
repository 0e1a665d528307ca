"""Public status lookup (no account) and "my dossiers" for signed-in citizens.

Thin: the lookup and its brute-force guard are ``dossiers.services.lookup`` (shared with the
public API, so the page and the API never disagree); a citizen's dossiers are
``tracking.services.citizen_dossiers``; changes go through the dossier services
(``transition`` for an online supplement, ``record_evaluation`` for the rating).
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from chinhquyen.audit.services import log_action
from chinhquyen.citizens.decorators import citizen_required
from chinhquyen.core.middleware import client_ip
from chinhquyen.dossiers.choices import Action, DossierStatus
from chinhquyen.dossiers.exceptions import DossierError
from chinhquyen.dossiers.forms import EvaluationForm
from chinhquyen.dossiers.models import Evaluation, Payment
from chinhquyen.dossiers.services import record_evaluation, transition
from chinhquyen.dossiers.services.access import bilingual
from chinhquyen.dossiers.services.lookup import (
    NOT_FOUND,
    SecretMissing,
    lookup_throttled,
    public_status,
    record_failed_lookup,
)
from chinhquyen.dossiers.services.queries import step_runs
from chinhquyen.dossiers.services.transitions import open_supplement_request
from chinhquyen.dossiers.views import result_file_name
from chinhquyen.payments import services as payment_services
from chinhquyen.payments.gateways import get_gateway
from chinhquyen.tracking.forms import LookupForm, SupplementForm
from chinhquyen.tracking.services import access_citizen_dossier, citizen_dossiers, citizen_timeline

RETRY_AFTER_SECONDS = 60


def _private(response):
    response["Cache-Control"] = "private, no-store"
    return response


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def lookup_view(request, code: str | None = None):
    """The lookup form; on POST, the status of the matching dossier.

    ``/tra-cuu/<code>/`` (the QR code of the slips) shows the same form with the code filled
    in: nothing about the dossier is shown, not even whether it exists, before the phone or
    ID number matches.
    """
    if request.method != "POST":
        form = LookupForm(initial={"code": code} if code else None)
        return render(request, "tracking/lookup.html", {"form": form})
    form = LookupForm(request.POST)
    if not form.is_valid():
        return render(request, "tracking/lookup.html", {"form": form}, status=400)
    data = form.cleaned_data
    refused = lookup_throttled(ip=client_ip(request), code=data["code"])
    if refused is not None:
        response = render(
            request,
            "tracking/throttled.html",
            {"message": bilingual(refused), "form": LookupForm(initial={"code": data["code"]})},
            status=429,
        )
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    try:
        found = public_status(data["code"], phone=data["phone"], id_number=data["id_number"])
    except SecretMissing as exc:  # pragma: no cover - the form requires one already
        form.add_error("phone", exc.message)
        return render(request, "tracking/lookup.html", {"form": form}, status=400)
    if found is None:
        record_failed_lookup(data["code"])
        form.add_error(None, bilingual(NOT_FOUND))
        return render(request, "tracking/lookup.html", {"form": form}, status=404)
    return _private(render(request, "tracking/status.html", {"status": found}))


@citizen_required
def my_dossiers_view(request):
    dossiers = citizen_dossiers(request.user).select_related(
        "procedure", "procedure_version", "receiving_agency"
    )
    page = Paginator(dossiers, 20).get_page(request.GET.get("page"))
    return _private(render(request, "tracking/my_dossiers.html", {"page": page}))


def _detail_context(request, dossier, *, supplement_form=None, rating_form=None) -> dict:
    request_ = (
        open_supplement_request(dossier)
        if dossier.status == DossierStatus.AWAITING_SUPPLEMENT
        else None
    )
    requested = sorted(request_.components.all(), key=lambda c: (c.order, c.pk)) if request_ else []
    evaluation = Evaluation.objects.filter(dossier=dossier).first()
    payments = list(Payment.objects.filter(dossier=dossier).order_by("id"))
    if request_ is not None and supplement_form is None:
        supplement_form = SupplementForm(components=requested)
    can_rate = dossier.status == DossierStatus.RETURNED and evaluation is None
    if can_rate and rating_form is None:
        rating_form = EvaluationForm()
    unpaid = [p for p in payments if not p.is_paid]
    return {
        "dossier": dossier,
        "runs": [
            {
                "name": run.step.name,
                "agency": run.agency.name,
                "started_at": run.started_at,
                "due_at": run.due_at,
                "finished_at": run.finished_at,
            }
            for run in step_runs(dossier)
        ],
        "timeline": citizen_timeline(dossier),
        "payments": payments,
        "pay_online": bool(unpaid)
        and payment_services.owns_dossier(request.user, dossier)
        and payment_services.payable_problem(dossier, unpaid) is None
        and get_gateway().is_configured,
        "eform_answers": _eform_answers(dossier),
        "supplement_request": request_,
        "requested_components": requested,
        "supplement_form": supplement_form if request_ is not None else None,
        "result_available": result_available(dossier, payments),
        "result_file_name": result_file_name(dossier) if dossier.result_file else "",
        "evaluation": evaluation,
        "rating_form": rating_form if can_rate else None,
    }


def _eform_answers(dossier) -> list[tuple[str, str]] | None:
    """The answers of the online form the dossier was filed with (None: not filed online
    through this portal's forms)."""
    from chinhquyen.eforms.models import Submission
    from chinhquyen.eforms.schema import flat_values

    submission = Submission.objects.select_related("form_version").filter(dossier=dossier).first()
    if submission is None:
        return None
    return flat_values(submission.form_version.schema, submission.data)


def result_available(dossier, payments=None) -> bool:
    """The electronic result is offered once it is stored and signed by the leader
    (``dossiers.services.results.sign_results``), the result is ready or returned, and the
    fees are paid (as for a return at the counter)."""
    if (
        not dossier.result_file
        or dossier.result_signed_at is None
        or dossier.status not in (DossierStatus.RESULT_READY, DossierStatus.RETURNED)
    ):
        return False
    payments = payments if payments is not None else dossier.payments.all()
    return all(p.is_paid for p in payments)


@citizen_required
def my_dossier_view(request, pk: int):
    dossier = access_citizen_dossier(request.user, pk)
    return _private(render(request, "tracking/my_dossier.html", _detail_context(request, dossier)))


@citizen_required
@require_POST
def supplement_view(request, pk: int):
    """The applicant answers the open supplement request online: exactly the requested
    components, each checked like an intake upload, through ``transition``."""
    dossier = access_citizen_dossier(request.user, pk)
    supplement_request = (
        open_supplement_request(dossier)
        if dossier.status == DossierStatus.AWAITING_SUPPLEMENT
        else None
    )
    if supplement_request is None:
        messages.error(request, bilingual(_("This dossier is not waiting for a supplement.")))
        context = _detail_context(request, dossier)
        return _private(render(request, "tracking/my_dossier.html", context, status=409))
    components = sorted(supplement_request.components.all(), key=lambda c: (c.order, c.pk))
    form = SupplementForm(request.POST, request.FILES, components=components)
    status = 400
    if form.is_valid():
        try:
            transition(
                dossier,
                Action.RECEIVE_SUPPLEMENT,
                acting_user=request.user,
                expected_version=dossier.version,
                note=form.cleaned_data["note"],
                files=form.files_by_component(),
            )
        except DossierError as exc:
            form.add_service_error(exc)
            status = exc.status
        else:
            messages.success(
                request,
                bilingual(_("Your supplement was sent; the agency continues with your dossier.")),
            )
            return redirect(reverse("tracking:my_dossier", args=[dossier.pk]))
    context = _detail_context(request, dossier, supplement_form=form)
    return _private(render(request, "tracking/my_dossier.html", context, status=status))


@citizen_required
def result_view(request, pk: int):
    """The electronic result, streamed to its applicant (never a public media URL)."""
    dossier = access_citizen_dossier(request.user, pk)
    if not result_available(dossier):
        raise Http404
    try:
        handle = dossier.result_file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    name = result_file_name(dossier)
    log_action(
        "tracking.result_downloaded", target=dossier, actor=request.user, details={"file": name}
    )
    response = FileResponse(handle, as_attachment=True, filename=name)
    response["X-Content-Type-Options"] = "nosniff"
    return _private(response)


@citizen_required
@require_POST
def rate_view(request, pk: int):
    """The applicant rates the service once, after return (Decree 61/2018 Art. 31)."""
    dossier = access_citizen_dossier(request.user, pk)
    form = EvaluationForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            record_evaluation(dossier, ratings=form.cleaned_data, acting_user=request.user)
        except DossierError as exc:
            messages.error(request, exc.message)  # e.g. already rated (409)
            status = exc.status
        else:
            messages.success(request, bilingual(_("Thank you: your rating was recorded.")))
            return redirect(reverse("tracking:my_dossier", args=[dossier.pk]))
    context = _detail_context(request, dossier, rating_form=form)
    return _private(render(request, "tracking/my_dossier.html", context, status=status))
