"""Back-office page of document statistics per agency and period, with a chart and CSV.

Who: clerks (văn thư) and leaders, for their organisation's subtree (the union of the scopes of
``documents.add_incomingdocument`` and ``documents.assign_incomingdocument``); system
administrators for the whole province. The figures come from
``documents.services.statistics.document_statistics`` (formulas in its docstring).
"""

from __future__ import annotations

import csv

from django import forms
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from chinhquyen.accounts.scopes import ALL, organisation_scope
from chinhquyen.directory.models import Organisation
from chinhquyen.documents.services.statistics import (
    ELECTRONIC_TARGET,
    DocumentStatisticsRow,
    document_statistics,
    period_for_dates,
    total_of,
)
from chinhquyen.portal.charts import BarRow, bar_chart

STATISTICS_PERMISSIONS = (
    "documents.add_incomingdocument",  # clerks
    "documents.assign_incomingdocument",  # leaders
)
MAX_DAYS = 3 * 366
CHART_ROWS = 30
NOT_A_CHOICE = gettext_lazy("Choose one of the options offered (chọn một mục trong danh sách).")


def statistics_scope(user):
    """ALL, or the organisation path prefixes where ``user`` may read document statistics."""
    prefixes: set[str] = set()
    for permission in STATISTICS_PERMISSIONS:
        scope = organisation_scope(user, permission)
        if scope is ALL:
            return ALL
        prefixes.update(scope)
    return sorted(p for p in prefixes if not any(p != q and p.startswith(q) for q in prefixes))


class AgencyField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.name


class StatisticsForm(forms.Form):
    agency = AgencyField(
        label=gettext_lazy("Agency"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=gettext_lazy("All my agencies"),
        error_messages={"invalid_choice": NOT_A_CHOICE},
        help_text=gettext_lazy("The agency and the units below it."),
    )
    first = forms.DateField(
        label=gettext_lazy("From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    last = forms.DateField(
        label=gettext_lazy("To (inclusive)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    by = forms.ChoiceField(
        label=gettext_lazy("Rows"),
        choices=[
            ("agency", gettext_lazy("Per agency (divisions counted in their agency)")),
            ("organisation", gettext_lazy("Per organisation and division")),
        ],
        required=False,
        error_messages={"invalid_choice": NOT_A_CHOICE},
    )

    def __init__(self, *args, scope, **kwargs):
        super().__init__(*args, **kwargs)
        agencies = Organisation.objects.filter(valid_until__isnull=True).order_by("path")
        if scope is not ALL:
            condition = Q()
            for prefix in scope:
                condition |= Q(path__startswith=prefix)
            agencies = agencies.filter(condition) if scope else agencies.none()
        self.fields["agency"].queryset = agencies

    @staticmethod
    def defaults() -> dict:
        """The period when nothing is chosen: this year up to today, per agency."""
        today = timezone.localdate()
        return {"first": today.replace(month=1, day=1), "last": today, "by": "agency"}

    def clean(self):
        data = super().clean()
        defaults = self.defaults()
        first = data.get("first") or defaults["first"]
        last = data.get("last") or defaults["last"]
        if last < first:
            self.add_error("last", _("The end date must not be before the start date."))
        elif (last - first).days > MAX_DAYS:
            self.add_error("last", _("Choose a period of at most three years."))
        data["first"], data["last"] = first, last
        data["by"] = data.get("by") or "agency"
        return data


def _statistics(request):
    """(form, rows, data); rows None when the form is invalid; 403 without any scope."""
    scope = statistics_scope(request.user)
    if scope is not ALL and not scope:
        raise PermissionDenied
    form = StatisticsForm(request.GET or None, scope=scope)
    if form.is_bound and not form.is_valid():
        return form, None, None
    data = form.cleaned_data if form.is_bound else form.defaults()
    start, end = period_for_dates(data["first"], data["last"])
    rows = document_statistics(
        root=data.get("agency"),
        start=start,
        end=end,
        by=data["by"],
        within=None if scope is ALL else list(scope),
    )
    return form, rows, data


def _label(row: DocumentStatisticsRow) -> str:
    name = row.name
    return name if len(name) <= 10 else name[:9] + "…"


def _chart(rows: list[DocumentStatisticsRow], total: DocumentStatisticsRow):
    shown = rows[:CHART_ROWS]
    return bar_chart(
        chart_id="chart-documents",
        title=_("Documents received and issued, electronic and on paper, per agency"),
        description=_(
            "In total %(exchanged)d documents received and issued, %(electronic)d of them "
            "electronically (%(share)s). The table gives every figure."
        )
        % {
            "exchanged": total.exchanged,
            "electronic": total.exchanged_electronically,
            "share": f"{total.electronic_share} %" if total.electronic_share is not None else "—",
        },
        rows=[
            BarRow(
                label=_label(row),
                received=row.exchanged,
                segments=(
                    ("chart-on-time", row.exchanged_electronically),
                    ("chart-late", row.exchanged - row.exchanged_electronically),
                ),
            )
            for row in shown
        ],
    )


def _anonymous_to_login(view):
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


@_anonymous_to_login
@require_GET
def statistics(request):
    form, rows, data = _statistics(request)
    context = {
        "form": form,
        "rows": rows,
        "target": ELECTRONIC_TARGET,
        "params": request.GET.urlencode(),
    }
    if rows is None:
        return render(request, "documents/statistics/page.html", context, status=400)
    total = total_of(rows, name=_("Total"))
    context.update(
        {
            "total": total,
            "first": data["first"],
            "last": data["last"],
            "agency": data.get("agency"),
            "chart": _chart(rows, total),
        }
    )
    return render(request, "documents/statistics/page.html", context)


CSV_COLUMNS = (
    ("code", gettext_lazy("Agency code")),
    ("name", gettext_lazy("Agency")),
    ("incoming_received", gettext_lazy("Incoming received")),
    ("incoming_paper", gettext_lazy("Incoming on paper")),
    ("incoming_electronic", gettext_lazy("Incoming electronic")),
    ("outgoing_issued", gettext_lazy("Outgoing issued")),
    ("outgoing_electronic", gettext_lazy("Issued electronically")),
    ("outgoing_paper", gettext_lazy("Issued on paper")),
    ("signed_digitally", gettext_lazy("Signed digitally")),
    ("electronic_share", gettext_lazy("Electronic share (%)")),
    ("target_met", gettext_lazy("Target > 97 % met")),
    ("assignments_open_overdue", gettext_lazy("Assignments overdue, still open")),
    ("assignments_completed_late", gettext_lazy("Assignments completed late")),
    ("tasks_open_overdue", gettext_lazy("Tasks overdue, still open")),
    ("tasks_completed_late", gettext_lazy("Tasks completed late")),
)


def _csv_value(row: DocumentStatisticsRow, name: str):
    value = getattr(row, name)
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return value


@_anonymous_to_login
@require_GET
def statistics_csv(request):
    form, rows, data = _statistics(request)
    if rows is None:
        return HttpResponse(
            "\n".join(f"{name}: {'; '.join(errors)}" for name, errors in form.errors.items()),
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    first, last = data["first"], data["last"]
    response["Content-Disposition"] = (
        f'attachment; filename="thong-ke-van-ban-{first:%Y%m%d}-{last:%Y%m%d}.csv"'
    )
    response.write("\ufeff")  # so that spreadsheet programs read UTF-8
    writer = csv.writer(response)
    writer.writerow([_("From"), _("To"), *(str(label) for _name, label in CSV_COLUMNS)])
    for row in [*rows, total_of(rows, name=_("Total"))]:
        writer.writerow(
            [first.isoformat(), last.isoformat(), *(_csv_value(row, n) for n, _l in CSV_COLUMNS)]
        )
    return response
