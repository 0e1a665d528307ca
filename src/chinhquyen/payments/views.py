"""Online payment pages (docs/payments.md).

* ``GET/POST thanh-toan/ho-so/<code>/`` (``payments:start``): the applicant's fee page of a
  dossier — fee lines, what is paid, receipts; the "Pay online" button posts here and is
  redirected (303) to the gateway.
* ``GET thanh-toan/ket-qua/`` (``payments:return``): the gateway sends the browser back here;
  shows the order's current status, settles nothing.
* ``GET thanh-toan/ipn/`` (``payments:ipn``): the gateway's server-to-server notification;
  answers JSON.
* ``GET thanh-toan/bien-lai/<reference>/`` and ``…/bien-lai.pdf`` (``payments:receipt``,
  ``payments:receipt_pdf``): the e-receipt, for the applicant and officials who may see the
  dossier.
"""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.db import transaction
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.csp import CSP
from django.utils.http import content_disposition_header
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from chinhquyen.audit.services import log_action
from chinhquyen.citizens.decorators import citizen_required
from chinhquyen.core.middleware import client_ip
from chinhquyen.dossiers.models import Dossier
from chinhquyen.dossiers.slips.render import SlipRenderingUnavailable
from chinhquyen.payments import services
from chinhquyen.payments.choices import OrderStatus
from chinhquyen.payments.exceptions import PaymentRefused
from chinhquyen.payments.gateways import get_gateway
from chinhquyen.payments.models import PaymentOrder
from chinhquyen.payments.receipts import receipt_for, render_receipt_pdf


def _login_redirect(request):
    try:
        login_url = reverse("citizens:login")
    except NoReverseMatch:
        login_url = reverse(settings.LOGIN_URL)
    return redirect(f"{login_url}?{urlencode({'next': request.get_full_path()})}")


def signed_in(view):
    """Anonymous visitors go to the sign-in page and come back."""

    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return _login_redirect(request)
        return view(request, *args, **kwargs)

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


def _gateway_csp(response):
    """The fee page posts to us and is redirected to the gateway: allow that origin as a
    form target (browsers apply ``form-action`` to the redirect too)."""
    parts = urlsplit(settings.PAYMENT_GATEWAY_URL or "")
    if parts.scheme in ("http", "https") and parts.netloc:
        policy = dict(settings.SECURE_CSP)
        policy["form-action"] = [CSP.SELF, f"{parts.scheme}://{parts.netloc}"]
        response._csp_config = policy
    return response


def _own_dossier(request, code: str) -> Dossier:
    dossier = get_object_or_404(
        Dossier.objects.select_related("procedure_version", "receiving_agency"), code=code
    )
    if not services.owns_dossier(request.user, dossier):
        raise Http404
    return dossier


@signed_in
@citizen_required
@require_http_methods(["GET", "POST"])
def start(request, code: str):
    """The applicant's fees of one dossier, and the "Pay online" button."""
    dossier = _own_dossier(request, code)
    error = None
    if request.method == "POST":
        try:
            _order, url = services.start_payment(
                dossier=dossier,
                acting_user=request.user,
                client_ip=client_ip(request) or "",
                language=translation.get_language() or "vi",
            )
        except PaymentRefused as refused:
            error = refused
        else:
            return _see_other(url)
    lines = list(dossier.payments.order_by("id"))
    unpaid = [line for line in lines if line.paid_at is None]
    if error is not None:
        problem = error
    else:
        problem = services.payable_problem(dossier, unpaid) if unpaid else None
    gateway_ready = get_gateway().is_configured
    context = {
        "dossier": dossier,
        "lines": lines,
        "has_unpaid": bool(unpaid),
        "unpaid_total": sum(int(line.amount) for line in unpaid),
        "can_pay": bool(unpaid) and problem is None and gateway_ready,
        "problem": problem,
        "gateway_ready": gateway_ready,
        "paid_orders": list(services.paid_orders(dossier)),
        "pending": dossier.payment_orders.filter(status=OrderStatus.PENDING).first(),
    }
    status = error.status if error is not None else 200
    return _gateway_csp(render(request, "payments/start.html", context, status=status))


def _see_other(url: str) -> HttpResponse:
    response = HttpResponse(status=303)
    response["Location"] = url
    return response


@require_GET
def payment_return(request):
    """Where the gateway sends the citizen back: the order's status as we know it."""
    outcome = services.handle_return(request.GET.dict())
    order = outcome.order
    context = {"outcome": outcome, "order": order}
    if order is not None:
        context["owner"] = services.owns_dossier(request.user, order.dossier)
    status = 200 if outcome.signature_valid and order is not None else 400
    response = render(request, "payments/return.html", context, status=status)
    response["Cache-Control"] = "private, no-store"
    return response


@csrf_exempt
@require_http_methods(["GET", "POST"])
def ipn(request):
    """The gateway's notification (server to server): judge, settle, answer JSON."""
    params = request.GET.dict() if request.method == "GET" else request.POST.dict()
    outcome = services.handle_notification(params, remote_addr=client_ip(request))
    return JsonResponse(outcome.reply)


def _readable_order(request, reference: str) -> PaymentOrder:
    """A paid order whose dossier the user may see (the applicant, or an official with view
    on the dossier); 404 otherwise, so a reference reveals nothing."""
    order = get_object_or_404(
        PaymentOrder.objects.select_related(
            "dossier", "dossier__receiving_agency", "dossier__procedure_version"
        ),
        reference=reference,
        status=OrderStatus.PAID,
    )
    user = request.user
    if services.owns_dossier(user, order.dossier):
        return order
    if getattr(user, "kind", "") != "citizen" and (
        Dossier.objects.restrict(user, "view").filter(pk=order.dossier_id).exists()
    ):
        return order
    raise Http404


@signed_in
@require_GET
def receipt(request, reference: str):
    order = _readable_order(request, reference)
    language = translation.get_language() or "vi"
    context = {
        "order": order,
        "receipt": receipt_for(order, language="en" if language == "en" else "vi"),
        "owner": services.owns_dossier(request.user, order.dossier),
    }
    response = render(request, "payments/receipt.html", context)
    response["Cache-Control"] = "private, no-store"
    return response


@signed_in
@require_GET
def receipt_pdf(request, reference: str):
    order = _readable_order(request, reference)
    try:
        content = render_receipt_pdf(order)
    except SlipRenderingUnavailable:
        return render(
            request,
            "payments/unavailable.html",
            {"order": order},
            status=503,
        )
    with transaction.atomic():
        log_action(
            "payments.download_receipt",
            target=order,
            actor=request.user,
            details={"dossier": order.dossier.code, "bytes": len(content)},
        )
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        True, f"bien-lai-{order.reference}.pdf"
    )
    response["Cache-Control"] = "private, no-store"
    return response
