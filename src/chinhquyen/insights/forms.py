"""The filter of every dashboard page: period, agency (within the reader's scope) and level.

Query parameters (GET; the same on every page, so a link keeps the choice):

``period``  day | month | quarter | year | custom (default: month)
``date``    any day inside the period (default: today) — ``period=quarter&date=2026-11-24``
            is Q4/2026; the "previous/next" links move it
``from``, ``to``  the first and last day of a custom period (both included)
``agency``  an organisation id inside the reader's scope (default: the top of their scope;
            the whole province for system administrators)
``level``   province | district | commune (agencies of one administrative level only)
"""

from __future__ import annotations

import datetime

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chinhquyen.accounts.scopes import ALL, organisation_scope
from chinhquyen.directory.models import Organisation
from chinhquyen.insights import periods
from chinhquyen.insights.apps import DASHBOARD_PERMISSION

NOT_A_CHOICE = _("Choose one of the options offered (chọn một mục trong danh sách).")
PERIOD_CHOICES = [
    ("day", _("Day")),
    ("month", _("Month")),
    ("quarter", _("Quarter")),
    ("year", _("Year")),
    ("custom", _("Custom range")),
]
LEVEL_CHOICES = [
    ("", _("Every level")),
    ("province", _("Provincial agencies")),
    ("district", _("District level (historic)")),
    ("commune", _("Commune level")),
]


def dashboard_scope(user):
    """ALL, or the organisation path prefixes where ``user`` may read the dashboards."""
    return organisation_scope(user, DASHBOARD_PERMISSION)


def organisations_in(scope):
    """Current organisations the scope covers (every one for ALL), in tree order."""
    organisations = Organisation.objects.filter(valid_until__isnull=True).order_by("path")
    if scope is ALL:
        return organisations
    if not scope:
        return organisations.none()
    condition = Q()
    for prefix in scope:
        condition |= Q(path__startswith=prefix)
    return organisations.filter(condition)


def default_root(scope) -> Organisation | None:
    """The top of the reader's scope, else their first subtree. For ALL: the province's root
    organisation (its People's Committee) when there is one tree, else None (every tree)."""
    if scope is ALL:
        roots = list(Organisation.objects.get_root_nodes()[:2])
        return roots[0] if len(roots) == 1 else None
    return Organisation.objects.filter(path=scope[0]).first()


def in_scope(scope, organisation: Organisation | None) -> bool:
    if scope is ALL:
        return True
    if organisation is None:
        return False
    return any(organisation.path.startswith(prefix) for prefix in scope)


class AgencyField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        # Indent by depth so the tree reads in a plain <select> (no JavaScript).
        return "\u00a0\u00a0" * max(obj.depth - 1, 0) + obj.name


class DashboardForm(forms.Form):
    period = forms.ChoiceField(
        label=_("Period"),
        choices=PERIOD_CHOICES,
        required=False,
        error_messages={"invalid_choice": NOT_A_CHOICE},
    )
    date = forms.DateField(
        label=_("A day in the period"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Any day of the day, month, quarter or year you want."),
    )
    start = forms.DateField(
        label=_("Custom range: from"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    end = forms.DateField(
        label=_("Custom range: to (inclusive)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    agency = AgencyField(
        label=_("Agency"),
        queryset=Organisation.objects.none(),
        required=False,
        error_messages={"invalid_choice": NOT_A_CHOICE},
        help_text=_("The agency and the units below it."),
    )
    level = forms.ChoiceField(
        label=_("Level"),
        choices=LEVEL_CHOICES,
        required=False,
        error_messages={"invalid_choice": NOT_A_CHOICE},
    )

    def __init__(self, data=None, *, scope, **kwargs):
        # The custom range uses "from"/"to" in the URL (Python keywords: fields start/end).
        if data is not None:
            data = data.copy()
            for param, name in (("from", "start"), ("to", "end")):
                if param in data and name not in data:
                    data[name] = data[param]
        super().__init__(data, **kwargs)
        self.scope = scope
        agency = self.fields["agency"]
        agency.queryset = organisations_in(scope)
        agency.empty_label = _("The whole province") if scope is ALL else _("All my agencies")

    def clean(self):
        data = super().clean()
        kind = data.get("period") or "month"
        data["period"] = kind
        try:
            if kind == "custom":
                if not data.get("start") or not data.get("end"):
                    raise periods.PeriodError(
                        _("Give both the first and the last day of the period.")
                    )
                period = periods.parse("custom", start=data["start"], end=data["end"])
            else:
                period = periods.containing(kind, data.get("date") or timezone.localdate())
        except periods.PeriodError as error:
            self.add_error("end" if kind == "custom" else "date", error.message)
            return data
        data["period_obj"] = period
        if data.get("agency") is None:
            data["agency"] = default_root(self.scope)
        data["level"] = data.get("level") or None
        return data

    @classmethod
    def defaults(cls, scope) -> dict:
        today = timezone.localdate()
        return {
            "period": "month",
            "period_obj": periods.containing("month", today),
            "agency": default_root(scope),
            "level": None,
        }


def query_for(
    period: periods.Period, agency: Organisation | None, level: str | None, **extra
) -> dict[str, str]:
    """The GET parameters that show ``period``/``agency``/``level`` again (for links)."""
    query: dict[str, str] = {"period": period.kind}
    if period.kind == "custom":
        query["start"] = period.start.isoformat()
        query["end"] = period.end.isoformat()
    else:
        query["date"] = period.start.isoformat()
    if agency is not None:
        query["agency"] = str(agency.pk)
    if level:
        query["level"] = level
    query.update({k: str(v) for k, v in extra.items() if v not in (None, "")})
    return query


def next_period(period: periods.Period) -> periods.Period:
    if period.kind == "custom":
        length = datetime.timedelta(days=period.days)
        return periods.Period("custom", period.start + length, period.end + length)
    return periods.containing(period.kind, period.end + datetime.timedelta(days=1))
