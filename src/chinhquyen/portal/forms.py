"""Public search and filter forms (GET; they collect input, the query modules decide)."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from chinhquyen.directory.choices import OrganisationKind
from chinhquyen.directory.models import Organisation
from chinhquyen.procedures.choices import ImplementingLevel, OnlineMode
from chinhquyen.procedures.models import ProcedureField

FIRST_YEAR = 2015
TOO_LONG = _("Use at most 200 characters (tối đa 200 ký tự).")
NOT_A_CHOICE = _("Choose one of the listed values (hãy chọn một giá trị trong danh sách).")
CHOICE_ERRORS = {"invalid_choice": NOT_A_CHOICE, "invalid_pk_value": NOT_A_CHOICE}


class OrganisationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.name


def public_agencies():
    """Agencies the public deals with: not internal divisions, not dissolved."""
    return Organisation.objects.exclude(kind=OrganisationKind.DIVISION).filter(
        valid_until__isnull=True
    )


class CatalogueForm(forms.Form):
    q = forms.CharField(
        label=_("Search procedures"),
        required=False,
        max_length=200,
        error_messages={"max_length": TOO_LONG},
        help_text=_("Words of the name, with or without accents, or the procedure code."),
    )
    field = forms.ModelChoiceField(
        label=pgettext_lazy("procedure", "Field"),
        queryset=ProcedureField.objects.all(),
        required=False,
        empty_label=_("All fields"),
        error_messages=CHOICE_ERRORS,
    )
    agency = OrganisationChoiceField(
        label=_("Agency"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("All agencies"),
        error_messages=CHOICE_ERRORS,
    )
    level = forms.ChoiceField(
        label=_("Level"),
        choices=[("", _("All levels")), *ImplementingLevel.choices],
        required=False,
        error_messages=CHOICE_ERRORS,
    )
    online_mode = forms.ChoiceField(
        label=_("Online service"),
        choices=[("", _("Any")), *OnlineMode.choices],
        required=False,
        error_messages=CHOICE_ERRORS,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = public_agencies().order_by("name")


class StatisticsForm(forms.Form):
    year = forms.TypedChoiceField(
        label=_("Year"), coerce=int, required=False, error_messages=CHOICE_ERRORS
    )
    month = forms.TypedChoiceField(
        label=_("Month"),
        coerce=int,
        empty_value=None,
        required=False,
        choices=[("", _("Whole year")), *((m, str(m)) for m in range(1, 13))],
        error_messages=CHOICE_ERRORS,
    )
    agency = OrganisationChoiceField(
        label=_("Agency"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("Whole province"),
        error_messages=CHOICE_ERRORS,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        this_year = timezone.localdate().year
        self.fields["year"].choices = [(y, str(y)) for y in range(this_year, FIRST_YEAR - 1, -1)]
        self.fields["year"].empty_value = this_year
        self.fields["agency"].queryset = public_agencies().order_by("name")


class AgencySearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search agencies"),
        required=False,
        max_length=200,
        error_messages={"max_length": TOO_LONG},
        help_text=_("Words of the name, with or without accents."),
    )
