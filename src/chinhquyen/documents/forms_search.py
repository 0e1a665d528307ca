"""The document search form (tra cứu văn bản): words and filters, sent by GET."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from chinhquyen.accounts.scopes import ALL, organisation_scope
from chinhquyen.directory.models import Organisation
from chinhquyen.documents.choices import IncomingStatus, OutgoingStatus
from chinhquyen.documents.models import RegistrationBook
from chinhquyen.documents.services.numbering import types_in_force
from chinhquyen.documents.services.search import MAX_QUERY_LENGTH

KINDS = [
    ("all", _("Incoming and outgoing")),
    ("incoming", pgettext_lazy("document kind", "Incoming")),
    ("outgoing", pgettext_lazy("document kind", "Outgoing")),
]


def _scope_organisations(user):
    scopes = [
        organisation_scope(user, "documents.view_incomingdocument"),
        organisation_scope(user, "documents.view_outgoingdocument"),
    ]
    organisations = Organisation.objects.order_by("path")
    if any(scope is ALL for scope in scopes):
        return organisations
    paths = {path for scope in scopes for path in (scope or ())}
    return organisations.filter(path__in=paths)


class DocumentSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Words"),
        required=False,
        max_length=MAX_QUERY_LENGTH,
        help_text=_(
            "Summary, number and notation, issuer, signer or text of the files. Accents and "
            "capitals do not matter; every word must begin a word of the document."
        ),
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    kind = forms.ChoiceField(label=_("Documents"), choices=KINDS, required=False)
    organisation = forms.ModelChoiceField(
        label=_("Agency"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("All I may see"),
    )
    book = forms.ModelChoiceField(
        label=_("Registration book"),
        queryset=RegistrationBook.objects.none(),
        required=False,
        empty_label=_("Any"),
    )
    document_type = forms.ChoiceField(label=_("Type"), required=False)
    issuer = forms.ModelChoiceField(
        label=_("Issued by (agency on the platform)"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("Any"),
    )
    status = forms.ChoiceField(label=_("Status"), required=False)
    date_from = forms.DateField(
        label=_("From"),
        required=False,
        help_text=_("Arrival date of incoming, issue date of outgoing documents."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    date_to = forms.DateField(
        label=_("To"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        organisations = _scope_organisations(user)
        self.fields["organisation"].queryset = organisations
        self.fields["book"].queryset = (
            RegistrationBook.objects.restrict(user, "view")
            .select_related("organisation")
            .order_by("organisation__path", "-year", "direction", "name")
        )
        self.fields["book"].label_from_instance = lambda book: (
            f"{book.organisation.short_name or book.organisation.name} — {book.name} ({book.year})"
        )
        # Closed agencies too: their documents stay in the books.
        self.fields["issuer"].queryset = Organisation.objects.order_by("path")
        seen: set[str] = set()
        types = [("", _("Any"))]
        for document_type in types_in_force():
            if document_type.code not in seen:
                seen.add(document_type.code)
                types.append((document_type.code, document_type.name))
        self.fields["document_type"].choices = types
        self.fields["status"].choices = [
            ("", _("Any")),
            (pgettext_lazy("document kind", "Incoming"), IncomingStatus.choices),
            (pgettext_lazy("document kind", "Outgoing"), OutgoingStatus.choices),
        ]

        for name, field in self.fields.items():
            if field.help_text:
                field.widget.attrs["aria-describedby"] = f"id_{name}-help"

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date is before the start date."))
        return data
