"""Forms of the certificate registry pages (bad input → bilingual message next to the field)."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chinhquyen.signing.choices import CertificateKind, CertificateStatus
from chinhquyen.signing.errors import bilingual

MAX_CERTIFICATE_BYTES = 256 * 1024


class OrganisationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return "— " * max(obj.depth - 1, 0) + obj.name


class OfficialChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.full_name} — {obj.organisation.name}"


class CertificateUploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=CertificateKind.choices)
    organisation = OrganisationChoiceField(
        label=_("Organisation (for an organisational certificate)"),
        queryset=None,
        required=False,
    )
    official = OfficialChoiceField(
        label=_("Official (for a personal or SIM-based certificate)"),
        queryset=None,
        required=False,
    )
    file = forms.FileField(
        label=_("Certificate file"),
        help_text=_(
            "PEM or DER (.cer, .crt, .pem), the holder's certificate first then its chain; or a "
            "PKCS#12 file (.p12, .pfx) with its passphrase, stored encrypted as a signing key."
        ),
    )
    passphrase = forms.CharField(
        label=_("PKCS#12 passphrase"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(render_value=False),
    )

    def __init__(self, *args, organisations, officials, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        self.fields["official"].queryset = officials

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_CERTIFICATE_BYTES:
            raise forms.ValidationError(
                bilingual(_("The file is too large for a certificate (at most 256 KB)."))
            )
        return upload.read()

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind == CertificateKind.ORGANISATIONAL and not data.get("organisation"):
            self.add_error(
                "organisation",
                bilingual(_("Choose the organisation that holds this certificate.")),
            )
        if kind in (CertificateKind.PERSONAL, CertificateKind.SIM) and not data.get("official"):
            self.add_error(
                "official", bilingual(_("Choose the official who holds this certificate."))
            )
        if kind == CertificateKind.ORGANISATIONAL and data.get("official"):
            self.add_error(
                "official",
                bilingual(_("An organisational certificate has no official: leave it empty.")),
            )
        return data


class CertificateFilterForm(forms.Form):
    organisation = OrganisationChoiceField(
        label=_("Agency (with its units)"), queryset=None, required=False
    )
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[("", _("All"))] + CertificateKind.choices, required=False
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("All"))] + CertificateStatus.choices, required=False
    )
    expiring = forms.BooleanField(label=_("Expiring soon only"), required=False)
    q = forms.CharField(label=_("Name or serial number"), required=False, max_length=100)

    def __init__(self, *args, organisations, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations


class CertificateCountForm(forms.Form):
    at = forms.DateField(
        label=_("Valid on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
    )
    organisation = OrganisationChoiceField(
        label=_("Agency (with its units)"), queryset=None, required=False
    )

    def __init__(self, *args, organisations, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        self.fields["at"].error_messages["invalid"] = bilingual(
            _("Enter a date as YYYY-MM-DD or DD/MM/YYYY.")
        )

    def clean_at(self) -> datetime.date:
        return self.cleaned_data.get("at") or timezone.localdate()
