from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from chinhquyen.dossiers.forms import BilingualErrorsMixin
from chinhquyen.dossiers.services.lookup import CODE_MAX_LENGTH, MISSING


class LookupForm(BilingualErrorsMixin, forms.Form):
    """Dossier code plus the phone number or the ID number given in the dossier."""

    code = forms.CharField(
        label=_("Dossier code"),
        max_length=CODE_MAX_LENGTH,
        help_text=_("As printed on the receipt slip, e.g. 000.00.12.H37-250102-0001."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    phone = forms.CharField(
        label=_("Phone number"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    id_number = forms.CharField(
        label=_("or ID number (citizen ID / tax code)"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    def clean(self):
        data = super().clean()
        if not (data.get("phone", "").strip() or data.get("id_number", "").strip()):
            self.add_error("phone", ValidationError(MISSING, code="secret_required"))
        return data


class SupplementForm(BilingualErrorsMixin, forms.Form):
    """One file for each component the supplement request names (all required)."""

    note = forms.CharField(
        label=_("Message to the agency (optional)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, components=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.components = list(components)
        for component in self.components:
            self.fields[self.field_name(component)] = forms.FileField(
                label=component.name,
                help_text=_("PDF, image or Office document"),
                error_messages={"required": _("Upload this document.")},
            )
        # The file fields first, the note last.
        self.order_fields([self.field_name(c) for c in self.components] + ["note"])

    @staticmethod
    def field_name(component) -> str:
        return f"component_{component.pk}"

    def files_by_component(self) -> list[tuple[object, object]]:
        return [(c, self.cleaned_data[self.field_name(c)]) for c in self.components]

    def add_service_error(self, exc) -> None:
        """Put a service refusal next to the file it concerns (or above the form)."""
        label = (exc.details or {}).get("component")
        for component in self.components:
            if label and label == str(component):
                self.add_error(self.field_name(component), exc.message)
                return
        self.add_error(None, exc.message)
