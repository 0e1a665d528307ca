from django import forms
from django.utils.translation import gettext_lazy as _

from chinhquyen.worktime.choices import DayKind


class CalendarExceptionForm(forms.Form):
    date = forms.DateField(
        label=_("Date"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("For example 2026-08-22."),
    )
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=DayKind.choices,
        help_text=_(
            "A working day overrides a weekend or holiday; a day off overrides a working day."
        ),
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=255,
        help_text=_("For example: make-up working day for the National Day swap."),
    )
    legal_reference = forms.CharField(
        label=_("Legal reference"),
        max_length=255,
        required=False,
        help_text=_("The announcement, e.g. Notice 6150/TB-BLĐTBXH."),
    )


class WorkingHoursForm(forms.Form):
    valid_from = forms.DateField(
        label=_("Valid from"), widget=forms.DateInput(attrs={"type": "date"})
    )
    morning_start = forms.TimeField(
        label=_("Morning start"), widget=forms.TimeInput(attrs={"type": "time"})
    )
    morning_end = forms.TimeField(
        label=_("Morning end"), widget=forms.TimeInput(attrs={"type": "time"})
    )
    afternoon_start = forms.TimeField(
        label=_("Afternoon start"), widget=forms.TimeInput(attrs={"type": "time"})
    )
    afternoon_end = forms.TimeField(
        label=_("Afternoon end"), widget=forms.TimeInput(attrs={"type": "time"})
    )
    legal_reference = forms.CharField(label=_("Legal reference"), max_length=255, required=False)
