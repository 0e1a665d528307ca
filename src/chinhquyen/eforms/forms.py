"""Back-office forms of the online application (the schema editor, publishing, the service)."""

from django import forms
from django.utils.translation import gettext_lazy as _


class SchemaForm(forms.Form):
    schema = forms.CharField(
        label=_("Form definition (JSON Schema, draft 2020-12)"),
        widget=forms.Textarea(attrs={"rows": 24, "spellcheck": "false", "class": "code"}),
        help_text=_(
            "Labels: “title” (Vietnamese) and “x-title-en” (English). See the conventions in "
            "docs/eforms.md."
        ),
    )


class PublishForm(forms.Form):
    effective_from = forms.DateTimeField(
        label=_("In force from"),
        required=False,
        help_text=_("Leave empty for now."),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )


class OnlineServiceForm(forms.Form):
    national_portal = forms.BooleanField(
        label=_("Served by the national public service portal"),
        required=False,
        help_text=_("Citizens are sent there instead of applying on this portal."),
    )
    national_portal_url = forms.URLField(
        label=_("Address of the procedure on the national portal"), required=False
    )
    counter_note = forms.CharField(
        label=_("What to bring to the counter (Vietnamese)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Partial online procedures: shown with the originals to bring."),
    )
    counter_note_en = forms.CharField(
        label=_("What to bring to the counter (English)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
