"""The alerts page (cảnh báo): an agency leader's list of work at risk or overdue.

Who: agency and division leaders (roles held today, delegations included) for the subtree of
their role; system administrators for any agency. What: ``insights.alerts.agency_alerts`` —
dossiers at risk (the dossier issue's "at risk" rule) or past their appointment, document
assignments and follow-up tasks due soon or overdue. Each section lists its first
``SHOWN`` items with links (the full list downloads as Excel or PDF).
"""

from __future__ import annotations

from django import forms
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from chinhquyen.accounts.choices import Role
from chinhquyen.accounts.scopes import ALL, grants_of, is_system_admin
from chinhquyen.directory.models import Organisation
from chinhquyen.insights import exports
from chinhquyen.insights.alerts import agency_alerts
from chinhquyen.insights.forms import NOT_A_CHOICE, AgencyField, organisations_in
from chinhquyen.insights.views import _export

ALERT_ROLES = (Role.AGENCY_LEADER, Role.DIVISION_LEADER)
SHOWN = 100


def alerts_scope(user):
    """ALL (system administrators) or the path prefixes where ``user`` leads today."""
    if is_system_admin(user):
        return ALL
    paths = sorted({path for role, path in grants_of(user).pairs if role in ALERT_ROLES})
    prefixes: list[str] = []
    for path in paths:
        if not any(path.startswith(p) for p in prefixes):
            prefixes.append(path)
    return prefixes


class AlertsForm(forms.Form):
    agency = AgencyField(
        label=gettext_lazy("Agency"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=None,
        error_messages={"invalid_choice": NOT_A_CHOICE},
        help_text=gettext_lazy("The agency and the units below it."),
    )

    def __init__(self, *args, scope, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = organisations_in(scope)


def alerts_table(alerts) -> exports.Table:
    rows = []
    for _name, label, items in alerts.sections():
        for item in items:
            rows.append(
                [
                    label,
                    item.reference,
                    item.title,
                    item.unit,
                    item.person,
                    timezone.localtime(item.due_at).strftime("%d/%m/%Y %H:%M")
                    if item.due_at
                    else "",
                ]
            )
    return exports.Table(
        title=_("Alerts: work at risk or overdue"),
        subtitle=[
            _("Agency: %(agency)s (and the units below it)") % {"agency": alerts.agency.name},
        ],
        columns=[
            exports.Column("section", _("Alert"), "text"),
            exports.Column("reference", _("Reference"), "text"),
            exports.Column("title", _("Subject"), "text"),
            exports.Column("unit", _("Unit"), "text"),
            exports.Column("person", _("Handled by"), "text"),
            exports.Column("due", _("Deadline"), "text"),
        ],
        rows=rows,
        generated_at=alerts.at,
    )


@require_GET
def alerts_view(request):
    user = request.user
    if not user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    scope = alerts_scope(user)
    if scope is not ALL and not scope:
        raise PermissionDenied
    form = AlertsForm(request.GET or None, scope=scope)
    context = {"form": form}
    if form.is_bound and not form.is_valid():
        return render(request, "insights/alerts.html", context, status=400)
    agency = form.cleaned_data.get("agency") if form.is_bound else None
    if agency is None:
        agency = (
            Organisation.objects.filter(path=scope[0]).first()
            if scope is not ALL
            else Organisation.objects.get_root_nodes().first()
        )
    if agency is None:
        raise PermissionDenied
    if not form.is_bound:
        form = AlertsForm(initial={"agency": agency}, scope=scope)
        context["form"] = form
    alerts = agency_alerts(agency)
    response = _export(request, alerts_table(alerts), f"canh-bao-{agency.pk}-{alerts.at:%Y%m%d}")
    if response is not None:
        return response
    context.update(
        {
            "alerts": alerts,
            "agency": agency,
            "sections": [
                {
                    "name": name,
                    "label": label,
                    "items": items[:SHOWN],
                    "count": len(items),
                    "more": max(len(items) - SHOWN, 0),
                }
                for name, label, items in alerts.sections()
            ],
            "query": f"agency={agency.pk}",
            "generated_at": timezone.localtime(alerts.at),
        }
    )
    return render(request, "insights/alerts.html", context)
