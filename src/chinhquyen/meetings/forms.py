"""Forms of the work calendar: entries, endpoint bookings, the endpoint registry, filters.

Times are typed as local (Asia/Ho_Chi_Minh) dates and times; the choices of officials, units
and endpoints are limited to what the signed-in user may act on.
"""

from __future__ import annotations

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from chinhquyen.directory.choices import OfficialStatus
from chinhquyen.directory.models import Official, Organisation
from chinhquyen.documents.services.access import incoming_visible_to, outgoing_visible_to
from chinhquyen.meetings.choices import EndpointLevel
from chinhquyen.meetings.models import ConferenceEndpoint
from chinhquyen.meetings.services import local_midnight, organisations_where
from chinhquyen.worktime.calendar import TZ

REQUIRED = _("This field is required (bắt buộc).")
NOT_A_CHOICE = _("Choose one of the options offered (chọn một mục trong danh sách).")
CHOICE_ERRORS = {
    "invalid_choice": NOT_A_CHOICE,
    "invalid_pk_value": NOT_A_CHOICE,
    "required": REQUIRED,
}
LOCAL_INPUT = "%Y-%m-%dT%H:%M"


class OrganisationField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.name


class OfficialField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.full_name} — {obj.position}" if obj.position else obj.full_name


class OfficialsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.full_name} — {obj.position}" if obj.position else obj.full_name


class EndpointField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        where = f" ({obj.location})" if obj.location else ""
        return f"{obj.organisation.name}: {obj.name}{where} — {obj.get_level_display()}"


def local_datetime_field(label) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        input_formats=[LOCAL_INPUT, "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL_INPUT),
        error_messages={
            "required": REQUIRED,
            "invalid": _("Enter a date and time, e.g. 2026-11-30 08:00 (ngày giờ)."),
        },
        help_text=_("Local time (giờ Việt Nam)."),
    )


class EntryForm(forms.Form):
    """Create or edit an entry of ``organisation``'s calendar."""

    title = forms.CharField(
        label=_("Content"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": REQUIRED},
    )
    starts_at = local_datetime_field(_("Starts"))
    ends_at = local_datetime_field(_("Ends"))
    all_day = forms.BooleanField(
        label=_("All day"),
        required=False,
        help_text=_("The whole days from the start date to the end date."),
    )
    place = forms.CharField(label=_("Place"), max_length=300, required=False)
    chair = OfficialField(
        label=_("Chaired by"),
        queryset=Official.objects.none(),
        required=False,
        empty_label=_("(none)"),
        error_messages=CHOICE_ERRORS,
    )
    participants = OfficialsField(
        label=_("Participating officials"),
        queryset=Official.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages=CHOICE_ERRORS,
    )
    invitees = forms.CharField(
        label=_("Other participants"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line (thành phần mời)."),
    )
    preparing_unit = OrganisationField(
        label=_("Preparing unit"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("(none)"),
        error_messages=CHOICE_ERRORS,
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    is_public = forms.BooleanField(
        label=_("Show on the public portal once published"), required=False, initial=True
    )
    incoming_document = forms.IntegerField(
        label=_("Related incoming document (its number in the system)"),
        required=False,
        min_value=1,
    )
    outgoing_document = forms.IntegerField(
        label=_("Related outgoing document (its number in the system)"),
        required=False,
        min_value=1,
    )

    def __init__(self, *args, organisation: Organisation, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.user = user
        officials = (
            Official.objects.filter(organisation__path__startswith=organisation.path)
            .exclude(status=OfficialStatus.LEFT)
            .select_related("organisation")
            .order_by("organisation__path", "full_name")
        )
        self.fields["chair"].queryset = officials
        self.fields["participants"].queryset = officials
        self.fields["preparing_unit"].queryset = Organisation.objects.filter(
            path__startswith=organisation.path, valid_until__isnull=True
        ).order_by("path")

    def _document(self, name: str, visible):
        pk = self.cleaned_data.get(name)
        if pk is None:
            return None
        document = visible(self.user).filter(pk=pk, organisation=self.organisation).first()
        if document is None:
            self.add_error(
                name,
                _("No document with this number that you may see in this agency's books."),
            )
        return document

    def clean(self):
        data = super().clean()
        start, end = data.get("starts_at"), data.get("ends_at")
        if start and end:
            if data.get("all_day"):
                # The end date is the last day, inclusive.
                data["starts_at"] = local_midnight(start.astimezone(TZ).date())
                data["ends_at"] = local_midnight(
                    end.astimezone(TZ).date() + datetime.timedelta(days=1)
                )
            elif end <= start:
                self.add_error(
                    "ends_at", _("The end must be after the start (kết thúc sau bắt đầu).")
                )
        data["incoming_document"] = self._document("incoming_document", incoming_visible_to)
        data["outgoing_document"] = self._document("outgoing_document", outgoing_visible_to)
        return data

    @staticmethod
    def initial_for(entry) -> dict:
        initial = {
            name: getattr(entry, name)
            for name in (
                "title",
                "all_day",
                "place",
                "chair",
                "invitees",
                "preparing_unit",
                "notes",
                "is_public",
            )
        }
        initial["starts_at"] = entry.starts_at.astimezone(TZ)
        end = entry.ends_at.astimezone(TZ)
        initial["ends_at"] = end - datetime.timedelta(days=1) if entry.all_day else end
        initial["participants"] = list(entry.participants.all())
        initial["incoming_document"] = entry.incoming_document_id
        initial["outgoing_document"] = entry.outgoing_document_id
        return initial


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for cancelling"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class BookingForm(forms.Form):
    endpoint = EndpointField(
        label=_("Endpoint"),
        queryset=ConferenceEndpoint.objects.none(),
        empty_label=_("Choose an endpoint"),
        error_messages=CHOICE_ERRORS,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = organisations_where(user, "meetings.add_endpointbooking")
        self.fields["endpoint"].queryset = (
            ConferenceEndpoint.objects.filter(is_active=True, organisation__in=allowed)
            .select_related("organisation")
            .order_by("organisation__path", "level", "name")
        )


class EndpointForm(forms.Form):
    organisation = OrganisationField(
        label=_("Agency"), queryset=Organisation.objects.none(), error_messages=CHOICE_ERRORS
    )
    name = forms.CharField(label=_("Name"), max_length=200, error_messages={"required": REQUIRED})
    level = forms.ChoiceField(
        label=_("Level"), choices=EndpointLevel.choices, error_messages=CHOICE_ERRORS
    )
    location = forms.CharField(label=_("Location or room"), max_length=300, required=False)
    capacity = forms.IntegerField(label=_("Seats"), min_value=1, required=False)
    equipment = forms.CharField(
        label=_("Equipment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Camera, screens, microphones, connection (đường truyền)."),
    )
    is_active = forms.BooleanField(label=_("In service"), required=False, initial=True)

    def __init__(self, *args, user, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            # The agency of an endpoint is not changed: its bookings are that agency's.
            del self.fields["organisation"]
        else:
            self.fields["organisation"].queryset = organisations_where(
                user, "meetings.add_conferenceendpoint"
            )


class EndpointFilterForm(forms.Form):
    agency = OrganisationField(
        label=_("Agency"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("All my agencies"),
        error_messages=CHOICE_ERRORS,
    )
    level = forms.ChoiceField(
        label=_("Level"),
        choices=[("", _("All levels")), *EndpointLevel.choices],
        required=False,
        error_messages=CHOICE_ERRORS,
    )

    def __init__(self, *args, user, permission: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = organisations_where(user, permission)

    def filter(self, endpoints):
        data = self.cleaned_data
        if data.get("agency"):
            endpoints = endpoints.filter(organisation__path__startswith=data["agency"].path)
        if data.get("level"):
            endpoints = endpoints.filter(level=data["level"])
        return endpoints


class AvailabilityForm(EndpointFilterForm):
    starts_at = local_datetime_field(_("From"))
    ends_at = local_datetime_field(_("Until"))

    def clean(self):
        data = super().clean()
        start, end = data.get("starts_at"), data.get("ends_at")
        if start and end and end <= start:
            self.add_error("ends_at", _("The end must be after the start (kết thúc sau bắt đầu)."))
        return data
