from django import forms
from django.utils.translation import gettext_lazy as _

from chinhquyen.exchange.models import InboxStatus, OutboxStatus

WINDOWS = [("1", _("Last hour")), ("24", _("Last 24 hours")), ("168", _("Last 7 days"))]


class WindowForm(forms.Form):
    hours = forms.TypedChoiceField(
        label=_("Period"), choices=WINDOWS, coerce=int, required=False, initial="24"
    )

    @property
    def ok(self) -> bool:
        return not self.is_bound or self.is_valid()

    def window_hours(self) -> int:
        if self.is_bound and self.is_valid() and self.cleaned_data.get("hours"):
            return self.cleaned_data["hours"]
        return 24


class OutboxFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("All"))] + OutboxStatus.choices, required=False
    )
    connector = forms.CharField(label=_("Connector"), max_length=50, required=False)
    destination = forms.CharField(label=_("Destination"), max_length=100, required=False)
    idempotency_key = forms.CharField(label=_("Idempotency key"), max_length=200, required=False)


class InboxFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("All"))] + InboxStatus.choices, required=False
    )
    sender = forms.CharField(label=_("Sender"), max_length=100, required=False)
    kind = forms.CharField(label=_("Kind"), max_length=100, required=False)
