"""Back-office page of the delivery outbox (IT administrator): list, filter, retry now.

Thin: the list is ``Delivery.objects.restrict(user, "view")``; a retry is
``access_object(…, "retry")`` then ``services.retry_delivery``.
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from chinhquyen.accounts.scopes import ALL, organisation_scope
from chinhquyen.core.authz import access_object
from chinhquyen.directory.views import staff_required
from chinhquyen.notifications.forms import DeliveryFilterForm
from chinhquyen.notifications.models import Delivery
from chinhquyen.notifications.services import RETRYABLE, DeliveryError, retry_delivery

PAGE_SIZE = 50


def _require(user, permission: str) -> None:
    scope = organisation_scope(user, permission)
    if not (scope is ALL or scope):
        raise PermissionDenied


@staff_required
def delivery_list(request):
    _require(request.user, "notifications.view_delivery")
    form = DeliveryFilterForm(request.GET or None)
    rows = Delivery.objects.restrict(request.user, "view").select_related("notification__dossier")
    status = 200
    filters = {}
    if form.is_bound:
        if form.is_valid():
            filters = {k: v for k, v in form.cleaned_data.items() if v}
            rows = rows.filter(**filters)
        else:
            status = 400
            rows = rows.none()
    page = Paginator(rows.order_by("-created_at", "-id"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    retryable = set(
        Delivery.objects.restrict(request.user, "retry")
        .filter(pk__in=[d.pk for d in page], status__in=RETRYABLE)
        .values_list("pk", flat=True)
    )
    context = {
        "form": form,
        "page": page,
        "retryable": retryable,
        "query": urlencode(filters),
    }
    return render(request, "notifications/deliveries.html", context, status=status)


@require_POST
@staff_required
def delivery_retry(request, pk: int):
    delivery = access_object(Delivery.objects.all(), request.user, pk, "retry")
    try:
        retry_delivery(delivery, acting_user=request.user)
    except DeliveryError as exc:
        messages.error(request, exc.message)
        return redirect("notifications:deliveries")
    messages.success(
        request, _("The delivery %(key)s will be sent again now.") % {"key": delivery.key}
    )
    return redirect("notifications:deliveries")
