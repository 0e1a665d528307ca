"""Forms of the outgoing-document pages (the rules are checked in the services)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from chinhquyen.directory.models import Official, Organisation
from chinhquyen.documents.choices import Secrecy, SignerCompetence, Urgency
from chinhquyen.documents.models import DocumentType
from chinhquyen.documents.services.drafting import RecipientInput


class OrganisationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.name


class OrganisationsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.name


class OfficialChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.full_name} — {obj.position}" if obj.position else obj.full_name


class DraftForm(forms.Form):
    """A new draft: what the Appendix I template needs."""

    drafting_unit = OrganisationChoiceField(
        label=_("Drafting unit"), queryset=Organisation.objects.none(), empty_label=None
    )
    document_type = forms.ModelChoiceField(
        label=_("Type"), queryset=DocumentType.objects.none(), empty_label=_("— choose —")
    )
    subject = forms.CharField(
        label=_("Summary (trích yếu)"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For a công văn it is printed as “V/v …” under the number."),
    )
    body = forms.CharField(
        label=_("Text"),
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("One paragraph per line. You can edit the Word file afterwards."),
    )
    to_organisations = OrganisationsField(
        label=_("Recipients on this platform"),
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("They receive it in their incoming queue as soon as it is issued."),
    )
    info_organisations = OrganisationsField(
        label=_("For information (on this platform)"),
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 5}),
    )
    other_recipients = forms.CharField(
        label=_("Other recipients"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "One per line: the name, then “|” and its 13-character identifier to send it "
            "through the exchange (e.g. Bộ Nội vụ | 000.00.00.G09); without an identifier it "
            "is sent by post."
        ),
    )
    signer = OfficialChoiceField(
        label=_("Signer"), queryset=Official.objects.none(), empty_label=_("— choose —")
    )
    signer_competence = forms.ChoiceField(
        label=_("Signing as"), choices=SignerCompetence.choices, required=False
    )
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices, initial="normal")
    secrecy = forms.ChoiceField(label=_("Secrecy"), choices=Secrecy.choices, initial="none")
    place = forms.CharField(
        label=_("Place name (địa danh)"),
        max_length=60,
        required=False,
        help_text=_("Leave empty for the province of the organisation."),
    )
    due_date = forms.DateField(
        label=_("Reply due (if any)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args, units, types, recipients, signers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["drafting_unit"].queryset = units
        self.fields["document_type"].queryset = types
        self.fields["to_organisations"].queryset = recipients
        self.fields["info_organisations"].queryset = recipients
        self.fields["signer"].queryset = signers

    def clean_other_recipients(self) -> list[RecipientInput]:
        result = []
        for number, line in enumerate(self.cleaned_data["other_recipients"].splitlines(), 1):
            if not line.strip():
                continue
            name, _sep, code = (part.strip() for part in line.partition("|"))
            if not name:
                raise forms.ValidationError(
                    _("Line %(line)s: write the recipient's name."), params={"line": number}
                )
            if code:
                from django.core.exceptions import ValidationError

                from chinhquyen.directory.validators import validate_qcvn102_code

                try:
                    validate_qcvn102_code(code)
                except ValidationError as exc:
                    raise forms.ValidationError(
                        _("Line %(line)s: %(error)s"),
                        params={"line": number, "error": " ".join(exc.messages)},
                    ) from exc
            result.append(RecipientInput(name=name, external_code=code))
        return result

    def recipients(self) -> list[RecipientInput]:
        data = self.cleaned_data
        items = [RecipientInput(organisation=org) for org in data["to_organisations"]]
        chosen = {org.pk for org in data["to_organisations"]}
        items += [
            RecipientInput(organisation=org, for_information=True)
            for org in data["info_organisations"]
            if org.pk not in chosen
        ]
        return items + data["other_recipients"]


class VersionForm(forms.Form):
    docx = forms.FileField(
        label=_("Edited Word file (.docx)"),
        help_text=_("Keep [[SO_VB]] and [[NGAY_VB]]: the number and the date go there."),
    )
    note = forms.CharField(label=_("What changed"), max_length=300, required=False)


class CommentForm(forms.Form):
    text = forms.CharField(
        label=_("Comment"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )


class SubmitForm(forms.Form):
    """The review chain: specialist (optional) → division leader (optional) → agency leader."""

    specialist = forms.ModelChoiceField(
        label=_("Specialist check (optional)"),
        queryset=None,
        required=False,
        empty_label=_("— none —"),
    )
    division_leader = forms.ModelChoiceField(
        label=_("Division leader (optional)"),
        queryset=None,
        required=False,
        empty_label=_("— none —"),
    )
    agency_leader = forms.ModelChoiceField(
        label=_("Agency leader (approves)"), queryset=None, empty_label=_("— choose —")
    )

    def __init__(self, *args, candidates: dict, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("specialist", "division_leader", "agency_leader"):
            self.fields[name].queryset = candidates[name]
            self.fields[name].label_from_instance = lambda user: user.full_name or user.username


class DecisionForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label=_("What should change"), max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )


class SignForm(forms.Form):
    pin = forms.CharField(
        label=_("PIN of your token (only for a key on a token)"),
        required=False,
        max_length=64,
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
    )


class RecallForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is it recalled?"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )
