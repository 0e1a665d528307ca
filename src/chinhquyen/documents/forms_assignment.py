"""Forms of the assignment pages: assign, sub-assign, opinion, complete, follow-up tasks.

Plain HTML forms (no JavaScript): units as checkboxes, people as a select grouped by unit.
The choices are limited to the subtree the user may assign within; the services check again.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from chinhquyen.directory.choices import OfficialStatus
from chinhquyen.directory.models import Official, Organisation
from chinhquyen.documents.choices import OutgoingStatus, TaskStatus
from chinhquyen.documents.models import OutgoingDocument
from chinhquyen.documents.services.assignment import MAX_DUE_DAYS, MAX_TEXT, Target


class OfficialChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Official) -> str:
        return f"{obj.full_name} — {obj.position or ''} ({obj.organisation.name})".replace(
            " —  (", " ("
        )


class OfficialMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Official) -> str:
        return f"{obj.full_name} ({obj.organisation.name})"


def _units(root: Organisation):
    return Organisation.objects.filter(path__startswith=root.path).order_by("path")


def _officials(root: Organisation):
    return (
        Official.objects.filter(
            organisation__path__startswith=root.path,
            status=OfficialStatus.ACTIVE,
            user__is_active=True,
        )
        .select_related("organisation")
        .order_by("organisation__path", "full_name")
    )


class DeadlineMixin(forms.Form):
    due_days = forms.IntegerField(
        label=_("Deadline in working days"),
        required=False,
        min_value=1,
        max_value=MAX_DUE_DAYS,
        help_text=_("Counted in working days from now (weekends and holidays skipped)."),
    )
    due_date = forms.DateField(
        label=_("Or a deadline date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("A day that is not a working day moves to the next working day."),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("due_days") and cleaned.get("due_date"):
            self.add_error(
                "due_date", _("Give the deadline either in working days or as a date, not both.")
            )
        return cleaned


class AssignForm(DeadlineMixin):
    """The leader's routing decision (also the unit head's, for a sub-assignment)."""

    lead_unit = forms.ModelChoiceField(
        label=_("Lead unit (chủ trì)"), queryset=Organisation.objects.none(), required=False
    )
    lead_person = OfficialChoiceField(
        label=_("Lead person (optional)"),
        queryset=Official.objects.none(),
        required=False,
        help_text=_("A person alone is enough: their unit is taken."),
    )
    cooperating_units = forms.ModelMultipleChoiceField(
        label=_("Co-operating units (phối hợp)"),
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    cooperating_persons = OfficialMultipleChoiceField(
        label=_("Co-operating persons"),
        queryset=Official.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    information_units = forms.ModelMultipleChoiceField(
        label=_("For information (nhận để biết)"),
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    instruction = forms.CharField(
        label=_("Instruction"),
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, root: Organisation, require_lead: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.require_lead = require_lead
        units = _units(root)
        officials = _officials(root)
        for name in ("lead_unit", "cooperating_units", "information_units"):
            self.fields[name].queryset = units
        for name in ("lead_person", "cooperating_persons"):
            self.fields[name].queryset = officials

    def clean(self):
        cleaned = super().clean()
        if self.require_lead and not (cleaned.get("lead_unit") or cleaned.get("lead_person")):
            self.add_error("lead_unit", _("Choose the lead unit or person."))
        return cleaned

    def lead(self) -> Target | None:
        unit, person = self.cleaned_data.get("lead_unit"), self.cleaned_data.get("lead_person")
        if person is not None:
            return Target(unit=unit or person.organisation, person=person)
        return Target(unit=unit) if unit is not None else None

    def cooperating(self) -> list:
        return [*self.cleaned_data.get("cooperating_units", ())] + [
            *self.cleaned_data.get("cooperating_persons", ())
        ]

    def information(self) -> list:
        return list(self.cleaned_data.get("information_units", ()))

    def decision(self) -> dict:
        """The keyword arguments of ``services.assignment.assign`` / ``sub_assign``."""
        return {
            "lead": self.lead(),
            "cooperating": self.cooperating(),
            "information": self.information(),
            "due_days": self.cleaned_data.get("due_days"),
            "due_date": self.cleaned_data.get("due_date"),
            "instruction": self.cleaned_data.get("instruction", ""),
        }


class OpinionForm(forms.Form):
    text = forms.CharField(
        label=_("Your opinion"), max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 3})
    )


class CompleteForm(forms.Form):
    result = forms.CharField(
        label=_("Result"),
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What was done; required unless you link the reply document."),
    )
    result_document = forms.ModelChoiceField(
        label=_("Reply document (văn bản trả lời)"),
        queryset=OutgoingDocument.objects.none(),
        required=False,
    )

    def __init__(self, *args, organisation: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["result_document"].queryset = OutgoingDocument.objects.filter(
            organisation=organisation
        ).exclude(status=OutgoingStatus.RECALLED)

    def clean(self):
        cleaned = super().clean()
        if not (cleaned.get("result") or "").strip() and not cleaned.get("result_document"):
            self.add_error("result", _("Write the result or choose the reply document."))
        return cleaned


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), required=False, max_length=500)


class TaskForm(DeadlineMixin):
    title = forms.CharField(
        label=_("Task"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )
    unit = forms.ModelChoiceField(label=_("Responsible unit"), queryset=Organisation.objects.none())
    person = OfficialChoiceField(
        label=_("Responsible person (optional)"), queryset=Official.objects.none(), required=False
    )

    def __init__(self, *args, root: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = _units(root)
        self.fields["person"].queryset = _officials(root)

    def responsible(self) -> Target:
        unit, person = self.cleaned_data["unit"], self.cleaned_data.get("person")
        return Target(unit=unit, person=person)


class TaskUpdateForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=TaskStatus.choices)
    progress = forms.CharField(
        label=_("Progress"),
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class TaskFilterForm(forms.Form):
    STATUS_CHOICES = [
        ("open", _("Open or in progress")),
        ("", _("All")),
        *TaskStatus.choices,
        ("overdue", _("Overdue")),
    ]
    status = forms.ChoiceField(label=_("Status"), choices=STATUS_CHOICES, required=False)
    unit = forms.ModelChoiceField(
        label=_("Unit"), queryset=Organisation.objects.none(), required=False
    )

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
