from django import forms
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from chinhquyen.dossiers.choices import ApplicantKind, Channel, PaymentMethod, ReturnMethod

# Service error ``details["fields"]`` keys → intake form fields.
APPLICANT_FIELD_NAMES = {
    "kind": "applicant_kind",
    "name": "applicant_name",
    "id_number": "applicant_id_number",
    "phone": "applicant_phone",
    "email": "applicant_email",
    "address": "applicant_address",
    "unit": "applicant_unit",
}


def bilingual_text(error: ValidationError) -> str:
    """One validation error rendered in Vietnamese and in English ("vi / en")."""
    texts = []
    for language in ("vi", "en"):
        with translation.override(language):
            texts.append(" ".join(str(m) for m in error))
    return texts[0] if texts[0] == texts[1] else f"{texts[0]} / {texts[1]}"


class BilingualErrorsMixin:
    """Field and form errors in both languages, whatever the page language."""

    def bilingual_errors(self) -> dict[str, list[str]]:
        return {
            name: [bilingual_text(error) for error in errors]
            for name, errors in self.errors.as_data().items()
        }

    def rows(self) -> list[tuple]:
        """``(bound field, [bilingual errors])`` for the template."""
        errors = self.bilingual_errors()
        return [(field, errors.get(field.name, [])) for field in self]

    def non_field_bilingual_errors(self) -> list[str]:
        return self.bilingual_errors().get("__all__", [])


class IntakeForm(BilingualErrorsMixin, forms.Form):
    channel = forms.ChoiceField(
        label=_("Channel"),
        choices=[(Channel.COUNTER, Channel.COUNTER.label), (Channel.POST, Channel.POST.label)],
    )
    applicant_kind = forms.ChoiceField(label=_("Applicant kind"), choices=ApplicantKind.choices)
    applicant_name = forms.CharField(label=_("Applicant name"), max_length=255)
    applicant_id_number = forms.CharField(
        label=_("ID number (citizen ID / tax code)"), max_length=20, required=False
    )
    applicant_phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    applicant_email = forms.EmailField(label=_("E-mail"), required=False)
    applicant_address = forms.CharField(
        label=_("Address (house number, street)"), max_length=500, required=False
    )
    applicant_unit = forms.ModelChoiceField(
        label=_("Commune / ward of the address"),
        queryset=None,
        required=False,
        empty_label="—",
    )

    def __init__(self, *args, components=(), units=None, **kwargs):
        from chinhquyen.directory.models import AdministrativeUnit
        from chinhquyen.procedures.choices import ComponentRequirement

        super().__init__(*args, **kwargs)
        self.fields["applicant_unit"].queryset = (
            units if units is not None else AdministrativeUnit.objects.none()
        )
        self.components = list(components)
        for component in self.components:
            label = component.name
            if component.requirement == ComponentRequirement.REQUIRED:
                label = f"{component.name} *"
            self.fields[f"component_{component.pk}"] = forms.FileField(
                label=label,
                required=False,
                help_text=_("PDF, image or Office document"),
            )

    def add_service_error(self, exc) -> None:
        """Put a service refusal next to the field it concerns (or on top of the form)."""
        fields = (exc.details or {}).get("fields") or {}
        placed = False
        for key, message in fields.items():
            name = APPLICANT_FIELD_NAMES.get(key)
            if name in self.fields:
                self.add_error(name, message)
                placed = True
        label = (exc.details or {}).get("component")
        for component in self.components:
            if label and label == str(component):
                self.add_error(f"component_{component.pk}", exc.message)
                placed = True
        if not placed:
            self.add_error(None, exc.message)


class ActionForm(forms.Form):
    action = forms.CharField()
    version = forms.IntegerField(required=False)
    note = forms.CharField(required=False, widget=forms.Textarea)
    target_agency = forms.IntegerField(required=False)
    assignee = forms.IntegerField(required=False)
    new_due_at = forms.DateTimeField(required=False)
    return_method = forms.ChoiceField(
        choices=[("", "")] + list(ReturnMethod.choices), required=False
    )
    tracking_number = forms.CharField(required=False, max_length=40)
    postal_address = forms.CharField(required=False, max_length=500)
    result_file = forms.FileField(required=False)


class PaymentForm(forms.Form):
    method = forms.ChoiceField(label=_("Method"), choices=PaymentMethod.choices)
    receipt_number = forms.CharField(label=_("Receipt number"), max_length=50)


RATING_CHOICES = [("2", _("Good (2)")), ("1", _("Acceptable (1)")), ("0", _("Poor (0)"))]


class EvaluationForm(forms.Form):
    """The applicant's rating (Decree 61/2018 Art. 31(1)), entered online or from paper."""

    time_rating = forms.ChoiceField(
        label=_("Time to result against the rule"), choices=RATING_CHOICES
    )
    agencies_contacted = forms.IntegerField(
        label=_("Number of agencies contacted"), min_value=0, max_value=50
    )
    contacts_needed = forms.IntegerField(
        label=_("Number of contacts needed to complete the dossier"), min_value=0, max_value=50
    )
    procedure_accuracy = forms.ChoiceField(
        label=_("Accuracy of the published procedure"), choices=RATING_CHOICES
    )
    attitude = forms.ChoiceField(label=_("Officer attitude"), choices=RATING_CHOICES)
    lawfulness = forms.ChoiceField(
        label=_("Lawfulness of the result and its costs"), choices=RATING_CHOICES
    )
    complaint_handling = forms.ChoiceField(
        label=_("Handling of complaints"),
        choices=[("", "—"), *RATING_CHOICES],
        required=False,
    )
    online_quality = forms.ChoiceField(
        label=_("Online-service quality"), choices=[("", "—"), *RATING_CHOICES], required=False
    )
    has_complaint = forms.BooleanField(label=_("Substantiated complaint"), required=False)
    comment = forms.CharField(label=_("Other comments"), required=False, widget=forms.Textarea)
