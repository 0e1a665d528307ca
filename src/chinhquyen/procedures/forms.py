"""Server-rendered forms of the back office (they only collect input: the services decide)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from chinhquyen.accounts.choices import Role
from chinhquyen.directory.models import Organisation
from chinhquyen.procedures.choices import (
    ComponentRequirement,
    FeeKind,
    ImplementingLevel,
    OnlineMode,
    StepAction,
    TimeUnit,
)
from chinhquyen.procedures.models import ProcedureField

END = "end"


def _organisations():
    return Organisation.objects.filter(valid_until__isnull=True).order_by("path")


class CatalogueSearchForm(forms.Form):
    q = forms.CharField(label=_("Name or code"), required=False)
    field = forms.ModelChoiceField(
        label=_("Field"),
        queryset=ProcedureField.objects.all(),
        required=False,
        empty_label=_("All fields"),
    )
    level = forms.ChoiceField(
        label=_("Implementing level"),
        choices=[("", _("All levels")), *ImplementingLevel.choices],
        required=False,
    )
    online_mode = forms.ChoiceField(
        label=_("Online mode"),
        choices=[("", _("Any")), *OnlineMode.choices],
        required=False,
    )


class VersionForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=500)
    name_en = forms.CharField(label=_("English name"), max_length=500, required=False)
    field = forms.ModelChoiceField(label=_("Field"), queryset=ProcedureField.objects.all())
    level = forms.ChoiceField(label=_("Implementing level"), choices=ImplementingLevel.choices)
    implementing_agencies = forms.ModelMultipleChoiceField(
        label=_("Implementing agencies"), queryset=Organisation.objects.none(), required=False
    )
    processing_time = forms.DecimalField(
        label=_("Legal processing time"), min_value=0, max_digits=7, decimal_places=2
    )
    time_unit = forms.ChoiceField(label=_("Time unit"), choices=TimeUnit.choices)
    online_mode = forms.ChoiceField(label=_("Online mode"), choices=OnlineMode.choices)
    legacy_online_level = forms.TypedChoiceField(
        label=_("Online level (historic, 1–4)"),
        choices=[("", "—"), (1, "1"), (2, "2"), (3, "3"), (4, "4")],
        coerce=int,
        empty_value=None,
        required=False,
    )
    result_type = forms.CharField(label=_("Result"), max_length=500, required=False)
    result_type_en = forms.CharField(label=_("Result (English)"), max_length=500, required=False)
    legal_basis = forms.CharField(label=_("Legal basis"), widget=forms.Textarea, required=False)
    where_to_apply = forms.CharField(
        label=_("Where to apply"), widget=forms.Textarea, required=False
    )
    applicants = forms.CharField(label=_("Who may apply"), widget=forms.Textarea, required=False)
    notes = forms.CharField(label=_("Notes"), widget=forms.Textarea, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["implementing_agencies"].queryset = _organisations()


class NewProcedureForm(VersionForm):
    national_code = forms.CharField(
        label=_("National code"), max_length=30, help_text=_("For example 1.001193.")
    )
    field_order = ["national_code"]


class ComponentForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=1000)
    name_en = forms.CharField(label=_("English name"), max_length=1000, required=False)
    originals = forms.IntegerField(label=_("Originals"), min_value=0, initial=1)
    copies = forms.IntegerField(label=_("Copies"), min_value=0, initial=0)
    requirement = forms.ChoiceField(label=_("Requirement"), choices=ComponentRequirement.choices)
    condition = forms.CharField(label=_("Condition"), widget=forms.Textarea, required=False)
    template_file = forms.FileField(label=_("Template form"), required=False)


class FeeForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=FeeKind.choices)
    name = forms.CharField(label=_("Name"), max_length=500)
    name_en = forms.CharField(label=_("English name"), max_length=500, required=False)
    amount = forms.DecimalField(label=_("Amount (VND)"), max_digits=14, decimal_places=0)
    note = forms.CharField(label=_("Note"), widget=forms.Textarea, required=False)


class PublishForm(forms.Form):
    effective_from = forms.DateTimeField(
        label=_("In force from"),
        required=False,
        help_text=_("Leave empty for now."),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )


class NewProcessForm(forms.Form):
    agency = forms.ModelChoiceField(
        label=_("Agency"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("Every implementing agency (default process)"),
    )
    name = forms.CharField(label=_("Name"), max_length=255, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = _organisations()


class StepForm(forms.Form):
    code = forms.SlugField(label=_("Code"), max_length=50)
    name = forms.CharField(label=_("Name"), max_length=255)
    performer_role = forms.ChoiceField(label=_("Performed by role"), choices=Role.choices)
    performer_agency = forms.ModelChoiceField(
        label=_("Performing agency"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("The agency processing the dossier"),
    )
    allotted_hours = forms.DecimalField(
        label=_("Working hours allotted"), min_value=0, max_digits=7, decimal_places=2
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["performer_agency"].queryset = _organisations()


class TransitionForm(forms.Form):
    step = forms.TypedChoiceField(label=_("At step"), coerce=int)
    action = forms.ChoiceField(label=_("Action"), choices=StepAction.choices)
    next_step = forms.ChoiceField(label=_("Goes to"))

    def __init__(self, *args, steps=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(s.pk, f"{s.order}. {s.name}") for s in steps]
        self.fields["step"].choices = choices
        self.fields["next_step"].choices = [(END, _("End of processing")), *choices]


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Catalogue file (.xlsx)"),
        help_text=_("The workbook exported from this page, or one made from the template."),
    )
    publish = forms.BooleanField(label=_("Publish the imported versions now"), required=False)
