from django import forms
from django.forms.models import fields_for_model
from django.utils.translation import gettext_lazy as _

from chinhquyen.infrastructure.models import AgencyInventory, PlatformService, Server
from chinhquyen.infrastructure.services.inventory import INPUT_FIELDS

FIELDSETS = (
    (_("Officials"), ("officials", "officials_reason", "officials_with_email")),
    (
        _("Computers and networks"),
        (
            "computers",
            "computers_lan",
            "computers_internet",
            "has_lan",
            "internet_mbps",
            "data_network",
            "data_network_mbps",
            "has_wifi",
            "wifi_access_points",
        ),
    ),
    (_("Information security"), ("firewall_model", "firewall_layers", "antivirus_seats")),
    (_("IT staff and training"), ("it_staff", "it_staff_degrees", "training_sessions", "trainees")),
    (_("Note"), ("note",)),
)
HELP = {
    "officials": _("Prefilled from the directory; if you change it, give the reason below."),
    "computers_lan": _("At most the number of computers."),
    "computers_internet": _("At most the number of computers."),
    "officials_with_email": _("Officials who have an account on the official e-mail system."),
    "firewall_layers": _("0 when there is no firewall."),
    "antivirus_seats": _("Computers covered by a paid, current antivirus licence."),
    "data_network_mbps": _("0 when not connected."),
    "wifi_access_points": _("0 when there is no Wi-Fi."),
}


class InventoryForm(forms.Form):
    """Typed input only; the rules between fields are the service's (validate_values)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in fields_for_model(AgencyInventory, fields=INPUT_FIELDS).items():
            if name in HELP:
                field.help_text = HELP[name]
            if isinstance(field, forms.IntegerField):
                field.widget.attrs.update({"inputmode": "numeric", "min": 0})
            if name == "note":
                field.widget.attrs["rows"] = 3
            self.fields[name] = field
        self.order_fields([name for _legend, names in FIELDSETS for name in names])

    def fieldsets(self):
        return [(legend, [self[name] for name in names]) for legend, names in FIELDSETS]


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500)


class LockForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Spreadsheet (.xlsx)"),
        help_text=_("The sheet “Hạ tầng CNTT”, one row per agency, as in the template."),
    )
    submit = forms.BooleanField(
        label=_("Mark the imported inventories as submitted"), required=False
    )


class ServerForm(forms.ModelForm):
    class Meta:
        model = Server
        fields = (
            "organisation",
            "name",
            "location",
            "role",
            "operating_system",
            "commissioned_on",
            "retired_on",
        )
        widgets = {
            "commissioned_on": forms.DateInput(attrs={"type": "date"}),
            "retired_on": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args, organisations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations

    def validate_unique(self):  # the service checks (bilingual messages)
        pass

    def _post_clean(self):  # no model validation: the service is the one place for rules
        pass


class ServiceForm(forms.ModelForm):
    class Meta:
        model = PlatformService
        fields = (
            "code",
            "name",
            "name_en",
            "kind",
            "operator",
            "servers",
            "used_by_all",
            "used_by",
            "description",
        )
        widgets = {
            "servers": forms.CheckboxSelectMultiple,
            "used_by": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, organisations=None, servers=None, agencies=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["operator"].queryset = organisations
        self.fields["servers"].queryset = servers
        self.fields["used_by"].queryset = agencies

    def _post_clean(self):
        pass


class ServerDownForm(forms.Form):
    reason = forms.CharField(label=_("What happened"), max_length=500, required=False)
