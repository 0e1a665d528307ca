from datetime import datetime, time, timedelta

from django import forms
from django.apps import apps
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chinhquyen.audit.capture import is_audited
from chinhquyen.audit.choices import AuditSource


def _object_type_choices() -> list[tuple[str, str]]:
    models = sorted(
        (model for model in apps.get_models() if is_audited(model)),
        key=lambda model: model._meta.label_lower,
    )
    return [("", _("Any"))] + [
        (model._meta.label_lower, f"{model._meta.verbose_name} ({model._meta.label_lower})")
        for model in models
    ]


class AuditFilterForm(forms.Form):
    actor = forms.CharField(
        label=_("Actor (user name)"), max_length=150, required=False, strip=True
    )
    source = forms.ChoiceField(
        label=_("Source"), choices=[("", _("Any")), *AuditSource.choices], required=False
    )
    object_type = forms.ChoiceField(label=_("Object type"), choices=(), required=False)
    object_id = forms.CharField(label=_("Object id"), max_length=64, required=False)
    action = forms.CharField(
        label=_("Action"),
        max_length=100,
        required=False,
        help_text=_("Beginning of the action name, e.g. directory. or update."),
    )
    date_from = forms.DateField(
        label=_("From date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["object_type"].choices = _object_type_choices()

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            raise ValidationError(_("The end date is before the start date."), code="date_range")
        return cleaned

    def filter(self, queryset):
        data = self.cleaned_data
        if data.get("actor"):
            name = data["actor"]
            if name.lower() in {"system", "hệ thống"}:
                queryset = queryset.filter(actor__isnull=True)
            else:
                queryset = queryset.filter(actor__username__iexact=name)
        if data.get("source"):
            queryset = queryset.filter(source=data["source"])
        if data.get("object_type"):
            queryset = queryset.filter(object_type=data["object_type"])
        if data.get("object_id"):
            queryset = queryset.filter(object_id=data["object_id"])
        if data.get("action"):
            queryset = queryset.filter(action__startswith=data["action"])
        zone = timezone.get_current_timezone()
        if data.get("date_from"):
            queryset = queryset.filter(at__gte=datetime.combine(data["date_from"], time.min, zone))
        if data.get("date_to"):
            end = datetime.combine(data["date_to"] + timedelta(days=1), time.min, zone)
            queryset = queryset.filter(at__lt=end)
        return queryset
