from django import forms
from django.utils.translation import gettext_lazy as _

from chinhquyen.dossiers.choices import ApplicantKind, Channel, PaymentMethod, ReturnMethod


class IntakeForm(forms.Form):
    channel = forms.ChoiceField(
        label=_("Channel"),
        choices=[(Channel.COUNTER, Channel.COUNTER.label), (Channel.POST, Channel.POST.label)],
    )
    applicant_kind = forms.ChoiceField(label=_("Applicant kind"), choices=ApplicantKind.choices)
    applicant_name = forms.CharField(label=_("Applicant name"), max_length=255)
    applicant_id_number = forms.CharField(label=_("ID number"), max_length=20, required=False)
    applicant_phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    applicant_email = forms.EmailField(label=_("E-mail"), required=False)
    applicant_address = forms.CharField(label=_("Address"), max_length=500, required=False)

    def __init__(self, *args, components=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.components = list(components)
        for component in self.components:
            self.fields[f"component_{component.pk}"] = forms.FileField(
                label=component.name, required=False
            )


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
