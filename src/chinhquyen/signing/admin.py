"""Admin: the trust list (the administrator adds the Vietnamese government CA roots here) and a
read-only list of signing keys. Trust anchors are added through ``services.add_trust_anchor``
so the certificate is parsed, fingerprinted and the change audited."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from chinhquyen.signing.errors import SigningError
from chinhquyen.signing.models import Certificate, SigningKey, TrustAnchor, VerificationReport
from chinhquyen.signing.services import add_trust_anchor


class TrustAnchorAddForm(forms.ModelForm):
    certificate_file = forms.FileField(
        label=_("CA certificate (PEM or DER)"),
        help_text=_("The root or intermediate certificate of a certification authority."),
    )

    class Meta:
        model = TrustAnchor
        fields = ["name"]

    def clean_certificate_file(self):
        data = self.cleaned_data["certificate_file"].read()
        try:
            from chinhquyen.signing.crypto import load_certificates

            load_certificates(data)
        except SigningError as exc:
            raise forms.ValidationError(exc.message) from exc
        return data


@admin.register(TrustAnchor)
class TrustAnchorAdmin(admin.ModelAdmin):
    list_display = ("name", "subject", "valid_until", "is_active")
    list_filter = ("is_active",)
    search_fields = ("name", "subject", "fingerprint_sha256")
    readonly_fields = ("subject", "fingerprint_sha256", "valid_until", "created_at")
    fields = ("name", "is_active", "subject", "fingerprint_sha256", "valid_until", "created_at")

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = TrustAnchorAddForm
            kwargs["fields"] = ["name", "certificate_file"]
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        return ["name", "certificate_file"] if obj is None else self.fields

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else self.readonly_fields

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        anchor = add_trust_anchor(
            certificate=form.cleaned_data["certificate_file"],
            name=form.cleaned_data["name"],
            acting_user=request.user,
        )
        obj.pk = anchor.pk
        obj.refresh_from_db()

    def has_delete_permission(self, request, obj=None):
        return False  # deactivate instead: verification reports refer to it


@admin.register(SigningKey)
class SigningKeyAdmin(admin.ModelAdmin):
    list_display = ("label", "role", "storage", "user", "organisation", "serial_number",
                    "valid_until", "is_active")  # fmt: skip
    list_filter = ("role", "storage", "is_active")
    search_fields = ("label", "serial_number", "subject", "issuer")
    list_select_related = ("user", "organisation")
    exclude = ("certificate", "pkcs12_sealed", "passphrase_sealed")

    def has_add_permission(self, request):
        return False  # keys are imported with services.import_pkcs12_key / register_pkcs11_key

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class _ReadOnlyAdmin(admin.ModelAdmin):
    """Rows changed only through the services (registry, reports): read-only here."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Certificate)
class CertificateAdmin(_ReadOnlyAdmin):
    list_display = ("common_name", "kind", "organisation", "official", "serial_number",
                    "valid_until", "status")  # fmt: skip
    list_filter = ("kind", "status")
    search_fields = ("common_name", "serial_number", "fingerprint_sha256", "issuer")
    list_select_related = ("organisation", "official")
    exclude = ("certificate",)


@admin.register(VerificationReport)
class VerificationReportAdmin(_ReadOnlyAdmin):
    list_display = ("file_name", "verified_at", "verified_by", "all_valid", "signature_count")
    list_filter = ("all_valid",)
    search_fields = ("file_name", "file_sha256")
    list_select_related = ("verified_by",)
