from django import forms
from django.utils.translation import gettext_lazy as _

from chinhquyen.notifications.choices import Channel, DeliveryStatus


class DeliveryFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All"))] + DeliveryStatus.choices
    )
    channel = forms.ChoiceField(
        label=_("Channel"), required=False, choices=[("", _("All"))] + Channel.choices
    )
