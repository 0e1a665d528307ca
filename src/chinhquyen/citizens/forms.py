from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from chinhquyen.citizens.choices import CodeChannel


def channel_of(value: str) -> str:
    """An address with "@" is an e-mail address, anything else a phone number."""
    return CodeChannel.EMAIL if "@" in value else CodeChannel.PHONE


class CodeRequestForm(forms.Form):
    destination = forms.CharField(
        label=_("Phone number or e-mail address"),
        max_length=254,
        help_text=_("We send a 6-digit code there. It is valid for a few minutes."),
        widget=forms.TextInput(attrs={"autocomplete": "username", "spellcheck": "false"}),
    )

    def channel(self) -> str:
        return channel_of(self.cleaned_data["destination"])


class CodeEntryForm(forms.Form):
    code = forms.CharField(
        label=_("6-digit code"),
        max_length=12,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9 ]*"}
        ),
    )


def province_communes():
    """Current communes / wards of the province this site serves (``PROVINCE_NAME``)."""
    from chinhquyen.directory.choices import UnitLevel
    from chinhquyen.directory.models import AdministrativeUnit

    return AdministrativeUnit.objects.filter(
        parent__level=UnitLevel.PROVINCE,
        parent__is_historic=False,
        parent__name__icontains=settings.PROVINCE_NAME,
        level=UnitLevel.COMMUNE,
        is_historic=False,
    ).order_by("name")


class ProfileForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=200, required=False)
    address = forms.CharField(
        label=_("Address"),
        max_length=500,
        required=False,
        help_text=_("House number, street, village or residential group."),
    )
    unit = forms.ModelChoiceField(
        label=_("Commune / ward"),
        queryset=None,
        required=False,
        empty_label=_("— not given —"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = province_communes()


class ContactChangeForm(forms.Form):
    value = forms.CharField(
        label=_("New phone number or e-mail address"),
        max_length=254,
        widget=forms.TextInput(attrs={"spellcheck": "false"}),
    )

    def channel(self) -> str:
        return channel_of(self.cleaned_data["value"])
