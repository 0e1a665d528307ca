"""Forms of the incoming-document and registration-book pages (checks live in the services)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from chinhquyen.documents.choices import BookDirection, Secrecy, Urgency
from chinhquyen.documents.models import DocumentType


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (a scan may be one image per page)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class ServiceErrorsMixin:
    def add_service_errors(self, errors: dict[str, list[str]]) -> None:
        for name, messages in errors.items():
            for message in messages:
                self.add_error(name if name in self.fields else None, message)


class IncomingForm(ServiceErrorsMixin, forms.Form):
    """Registering a paper document (Appendix VI Part II §II)."""

    issuer_name = forms.CharField(label=_("Issuing organisation"), max_length=200)
    issuer_code = forms.CharField(
        label=_("Issuer's identifier (if known)"), max_length=35, required=False
    )
    document_type = forms.ModelChoiceField(
        label=_("Type"), queryset=DocumentType.objects.none(), empty_label=_("— choose —")
    )
    number = forms.CharField(label=_("Number"), max_length=11, required=False)
    notation = forms.CharField(
        label=_("Notation"),
        max_length=30,
        required=False,
        help_text=_("In capitals, without spaces, e.g. QĐ-UBND."),
    )
    issued_date = forms.DateField(
        label=_("Document date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    subject = forms.CharField(
        label=_("Summary (trích yếu)"), max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices, initial="normal")
    secrecy = forms.ChoiceField(label=_("Secrecy"), choices=Secrecy.choices, initial="none")
    signer_position = forms.CharField(label=_("Signer's position"), max_length=100, required=False)
    signer_name = forms.CharField(label=_("Signer's name"), max_length=50, required=False)
    page_count = forms.IntegerField(label=_("Pages"), min_value=1, max_value=999, required=False)
    to_places = forms.CharField(
        label=_("Receiving unit or person"), max_length=1000, required=False
    )
    due_date = forms.DateField(
        label=_("Reply due"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("A non-working day is moved to the next working day."),
    )
    description = forms.CharField(label=_("Note"), max_length=500, required=False)
    files = MultipleFileField(
        label=_("Scan of the paper document (PDF, JPEG, PNG or TIFF; several files allowed)"),
        required=False,
    )
    acknowledge_duplicate = forms.BooleanField(
        label=_("Register anyway: I checked it is not the same document"), required=False
    )

    def __init__(self, *args, types=None, **kwargs):
        super().__init__(*args, **kwargs)
        if types is not None:
            self.fields["document_type"].queryset = types


class AcceptForm(ServiceErrorsMixin, forms.Form):
    """Registering an electronic document from the queue: only receiver-side fields."""

    to_places = forms.CharField(
        label=_("Receiving unit or person"), max_length=1000, required=False
    )
    due_date = forms.DateField(
        label=_("Reply due"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    description = forms.CharField(label=_("Note"), max_length=500, required=False)
    acknowledge_duplicate = forms.BooleanField(
        label=_("Register anyway: I checked it is not the same document"), required=False
    )


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label=_("Why it goes back to the sender"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class BookForm(ServiceErrorsMixin, forms.Form):
    direction = forms.ChoiceField(label=_("Direction"), choices=BookDirection.choices)
    code = forms.CharField(
        label=_("Code"), max_length=40, help_text=_("Lower-case letters, digits and hyphens.")
    )
    name = forms.CharField(label=_("Name"), max_length=200)
    document_types = forms.ModelMultipleChoiceField(
        label=_("Document types (outgoing books only; none: every other type)"),
        queryset=DocumentType.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    is_secret = forms.BooleanField(label=_("For secret documents"), required=False)

    def __init__(self, *args, types=None, **kwargs):
        super().__init__(*args, **kwargs)
        if types is not None:
            self.fields["document_types"].queryset = types


class ReserveForm(forms.Form):
    count = forms.IntegerField(label=_("How many numbers"), min_value=1, max_value=100, initial=1)
    reason = forms.CharField(label=_("Reason"), max_length=300)


class CancelForm(forms.Form):
    number = forms.IntegerField(label=_("Number"))
    reason = forms.CharField(label=_("Reason"), max_length=300)


class PrintForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), widget=forms.DateInput(attrs={"type": "date"}))
    book_kind = forms.ChoiceField(
        label=_("Book"),
        choices=[("register", _("Registration book")), ("followup", _("Follow-up book"))],
        initial="register",
    )
    file_format = forms.ChoiceField(
        label=_("Format"), choices=[("pdf", "PDF"), ("xlsx", "Excel (.xlsx)")], initial="pdf"
    )

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            raise forms.ValidationError(_("The start date is after the end date."))
        return data
