"""Forms of the information portal: public filters (GET) and back-office editing (POST)."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chinhquyen.core.authz import filter_in_scope
from chinhquyen.directory.models import Organisation
from chinhquyen.news.choices import Category, DocumentType
from chinhquyen.news.models import LegalDocument
from chinhquyen.portal.forms import CHOICE_ERRORS, TOO_LONG, public_agencies

FIRST_YEAR = 1945


class AgencyField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.name


def agencies_in_scope(user, permission: str):
    """Organisations where ``user`` holds ``permission`` (their subtrees), in tree order."""
    organisations = Organisation.objects.filter(valid_until__isnull=True).order_by("path")
    return filter_in_scope(organisations, user, permission)


class ArticleFilterForm(forms.Form):
    category = forms.ChoiceField(
        label=_("Category"),
        choices=[("", _("News and announcements")), *Category.choices],
        required=False,
        error_messages=CHOICE_ERRORS,
    )
    agency = AgencyField(
        label=_("Agency"),
        queryset=public_agencies().order_by("path"),
        required=False,
        empty_label=_("All agencies"),
        error_messages=CHOICE_ERRORS,
    )


class DocumentSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search legal documents"),
        required=False,
        max_length=200,
        error_messages={"max_length": TOO_LONG},
        help_text=_("Number and symbol, or words of the summary, with or without accents."),
    )
    type = forms.ChoiceField(
        label=_("Document type"),
        choices=[("", _("All types")), *DocumentType.choices],
        required=False,
        error_messages=CHOICE_ERRORS,
    )
    year = forms.TypedChoiceField(
        label=_("Year of issue"),
        coerce=int,
        required=False,
        empty_value=None,
        error_messages=CHOICE_ERRORS,
    )
    issuer = forms.ChoiceField(
        label=_("Issuing body"), required=False, error_messages=CHOICE_ERRORS
    )

    def __init__(self, *args, issuers: list[str], years: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["issuer"].choices = [("", _("All issuing bodies"))] + [
            (issuer, issuer) for issuer in issuers
        ]
        self.fields["year"].choices = [("", _("All years"))] + [(y, str(y)) for y in years]


class ArticleForm(forms.Form):
    organisation = AgencyField(label=_("Agency"), queryset=Organisation.objects.none())
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    title = forms.CharField(label=_("Title (Vietnamese)"), max_length=300)
    title_en = forms.CharField(label=_("Title (English)"), max_length=300, required=False)
    summary = forms.CharField(
        label=_("Summary (Vietnamese)"), max_length=600, widget=forms.Textarea(attrs={"rows": 3})
    )
    summary_en = forms.CharField(
        label=_("Summary (English)"),
        max_length=600,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    body = forms.CharField(
        label=_("Body (Vietnamese)"),
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_(
            "Paragraphs separated by a blank line; **bold**, *italic*, lists with “- ”, "
            "sub-headings with “## ” and links [text](https://…) (Markdown)."
        ),
    )
    body_en = forms.CharField(
        label=_("Body (English)"), required=False, widget=forms.Textarea(attrs={"rows": 12})
    )
    image = forms.FileField(
        label=_("Image"),
        required=False,
        help_text=_("PNG, JPEG or GIF, at most 2 MB."),
        widget=forms.FileInput(attrs={"accept": "image/png,image/jpeg,image/gif"}),
    )
    image_alt = forms.CharField(
        label=_("Image description (Vietnamese)"),
        max_length=300,
        required=False,
        help_text=_("Required with an image: what it shows, for people who cannot see it."),
    )
    image_alt_en = forms.CharField(
        label=_("Image description (English)"), max_length=300, required=False
    )
    remove_image = forms.BooleanField(label=_("Remove the image"), required=False)

    def __init__(self, *args, user, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = agencies_in_scope(user, "news.add_article")
        if editing:
            del self.fields["organisation"]
        else:
            del self.fields["remove_image"]


class PublishForm(forms.Form):
    publish_at = forms.DateTimeField(
        label=_("Publication time"),
        required=False,
        help_text=_("Leave empty to publish now; a later time schedules the publication."),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )

    def clean_publish_at(self):
        value = self.cleaned_data["publish_at"]
        if value is not None and timezone.is_naive(value):
            value = timezone.make_aware(value)
        return value


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("Note"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class DocumentForm(forms.Form):
    organisation = AgencyField(label=_("Posted by (agency)"), queryset=Organisation.objects.none())
    number = forms.CharField(label=_("Number and symbol"), max_length=60)
    document_type = forms.ChoiceField(label=_("Document type"), choices=DocumentType.choices)
    issuing_body = forms.CharField(label=_("Issuing body"), max_length=200)
    signer = forms.CharField(label=_("Signed by"), max_length=120)
    issue_date = forms.DateField(
        label=_("Date of issue"), widget=forms.DateInput(attrs={"type": "date"})
    )
    effective_date = forms.DateField(
        label=_("Effective from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    summary = forms.CharField(
        label=_("Summary (Vietnamese)"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )
    summary_en = forms.CharField(
        label=_("Summary (English)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    file = forms.FileField(
        label=_("PDF file"),
        help_text=_("The signed document as PDF, at most 20 MB."),
        widget=forms.FileInput(attrs={"accept": "application/pdf"}),
    )
    is_public = forms.BooleanField(label=_("Shown to the public"), required=False, initial=True)

    def __init__(self, *args, user, document: LegalDocument | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = agencies_in_scope(user, "news.add_legaldocument")
        if document is not None:
            del self.fields["organisation"]
            self.fields["file"].required = False
            self.fields["file"].help_text = _("Leave empty to keep the current file.")
