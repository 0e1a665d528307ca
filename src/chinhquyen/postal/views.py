"""Postal back office: orders with status filters, one order with its tracking history, a
pickup order taken at the counter, and "send again" for an order the operator refused.

The operator's callbacks are in ``callbacks.py``; reconciliation pages of the payment
platform live in ``payments`` (``views_reconciliation.py``)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from chinhquyen.accounts.scopes import organisation_scope
from chinhquyen.core.authz import access_object, scope_condition
from chinhquyen.directory.models import Organisation
from chinhquyen.directory.views import staff_required
from chinhquyen.exchange.outbox import OutboxError
from chinhquyen.postal.choices import Channel, OrderStatus
from chinhquyen.postal.errors import PostalError
from chinhquyen.postal.forms import OrderFilterForm, PickupForm
from chinhquyen.postal.models import Order
from chinhquyen.postal.services.orders import create_pickup_order, retry_refused

PAGE_SIZE = 50


@staff_required
def order_list(request):
    form = OrderFilterForm(request.GET or None)
    rows = Order.objects.restrict(request.user, "view").select_related("organisation", "dossier")
    status = 200
    if form.is_bound:
        if form.is_valid():
            data = form.cleaned_data
            if data["kind"]:
                rows = rows.filter(kind=data["kind"])
            if data["status"]:
                rows = rows.filter(status=data["status"])
            if data["q"]:
                q = data["q"].strip()
                rows = rows.filter(
                    Q(reference__iexact=q)
                    | Q(tracking_number__iexact=q)
                    | Q(person_name__icontains=q)
                    | Q(dossier__code__iexact=q)
                )
        else:
            status, rows = 400, rows.none()
    page = Paginator(rows.order_by("-created_at", "-id"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "may_add": bool(organisation_scope(request.user, "postal.add_order")),
    }
    return render(request, "postal/list.html", context, status=status)


@staff_required
def order_detail(request, pk: int):
    order = access_object(
        Order.objects.select_related("organisation", "dossier", "requested_by"),
        request.user,
        pk,
    )
    may_retry = order.status == OrderStatus.REFUSED and (
        Order.objects.restrict(request.user, "change").filter(pk=order.pk).exists()
    )
    context = {
        "order": order,
        "events": order.events.order_by("at", "id"),
        "may_retry": may_retry,
    }
    return render(request, "postal/detail.html", context)


def _pickup_units(user):
    condition = scope_condition(organisation_scope(user, "postal.add_order"))
    if condition is None:
        raise PermissionDenied
    return Organisation.objects.filter(condition, valid_until__isnull=True).order_by("path")


@staff_required
def pickup_new(request):
    units = _pickup_units(request.user)
    form = PickupForm(request.POST or None, organisations=units)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                order = create_pickup_order(
                    channel=Channel.COUNTER, acting_user=request.user, **form.cleaned_data
                )
            except PostalError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(
                    request,
                    _("Pickup order %(reference)s recorded.") % {"reference": order.reference},
                )
                return redirect(order.get_absolute_url())
        status = 400
    return render(request, "postal/pickup_form.html", {"form": form}, status=status)


@require_POST
@staff_required
def order_retry(request, pk: int):
    order = access_object(Order.objects.all(), request.user, pk, "change")
    try:
        retry_refused(order, acting_user=request.user)
    except PostalError as exc:
        messages.error(request, exc.message)
    except OutboxError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The order will be sent to the operator again."))
    return redirect(reverse("postal:detail", args=[order.pk]))
