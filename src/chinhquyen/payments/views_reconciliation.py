"""Back-office pages of payment reconciliation (đối soát): runs, their mismatches, the review
of a mismatch by a person, and "reconcile a day now". The permission is held for the whole
platform (top of the organisation tree), as for the exchange operations pages."""

import datetime as dt

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from chinhquyen.directory.views import staff_required
from chinhquyen.exchange.views import _may, _require
from chinhquyen.payments.exceptions import PaymentRefused
from chinhquyen.payments.models_reconciliation import (
    LineKind,
    ReconciliationLine,
    ReconciliationRun,
)
from chinhquyen.payments.reconciliation import reconcile_day

VIEW = "payments.view_reconciliationrun"
ACT = "payments.reconcile_payments"


@staff_required
def run_list(request):
    _require(request.user, VIEW)
    runs = Paginator(ReconciliationRun.objects.all(), 50).get_page(request.GET.get("page"))
    open_lines = (
        ReconciliationLine.objects.exclude(kind=LineKind.MATCHED)
        .filter(reviewed_at__isnull=True)
        .select_related("run")
        .order_by("-run__day", "kind", "reference")[:200]
    )
    context = {"page": runs, "open_lines": open_lines, "may_act": _may(request.user, ACT)}
    return render(request, "payments/reconciliation/list.html", context)


@staff_required
def run_detail(request, pk: int):
    _require(request.user, VIEW)
    run = get_object_or_404(ReconciliationRun, pk=pk)
    show_all = request.GET.get("all") == "1"
    lines = run.lines.select_related("order", "order__dossier", "reviewed_by")
    if not show_all:
        lines = lines.exclude(kind=LineKind.MATCHED)
    context = {
        "run": run,
        "lines": lines.order_by("kind", "reference"),
        "show_all": show_all,
        "may_act": _may(request.user, ACT),
    }
    return render(request, "payments/reconciliation/detail.html", context)


@require_POST
@staff_required
def line_review(request, pk: int):
    _require(request.user, ACT)
    line = get_object_or_404(ReconciliationLine, pk=pk)
    from chinhquyen.payments.reconciliation import review_line

    try:
        review_line(line, acting_user=request.user, note=request.POST.get("note", ""))
    except PaymentRefused as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("Your review of %(reference)s is recorded.") % {"reference": line.reference}
        )
    return redirect("payments:reconciliation_run", pk=line.run_id)


@require_POST
@staff_required
def run_now(request):
    _require(request.user, ACT)
    try:
        day = dt.date.fromisoformat(request.POST.get("day", ""))
    except ValueError:
        messages.error(request, _("Give the day as YYYY-MM-DD."))
        return redirect("payments:reconciliation")
    run = reconcile_day(day, acting_user=request.user)
    return redirect(run.get_absolute_url())
