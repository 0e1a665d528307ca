"""Forms of the postal back office."""

from django import forms
from django.utils.translation import gettext_lazy as _

from chinhquyen.postal.choices import OrderKind, OrderStatus


class OrderFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All"))] + OrderKind.choices
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All"))] + OrderStatus.choices
    )
    q = forms.CharField(
        label=_("Reference, tracking number or name"), required=False, max_length=100
    )


class PickupForm(forms.Form):
    organisation = forms.ModelChoiceField(label=_("One-stop unit"), queryset=None)
    person_name = forms.CharField(label=_("Applicant"), max_length=255)
    phone = forms.CharField(label=_("Phone"), max_length=20)
    address = forms.CharField(label=_("Pickup address"), max_length=500)
    procedure_name = forms.CharField(label=_("Procedure"), max_length=500, required=False)
    note = forms.CharField(
        label=_("Note for the postman"), required=False, max_length=2000, widget=forms.Textarea
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
