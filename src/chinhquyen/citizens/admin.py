from django.contrib import admin

from chinhquyen.citizens.models import CitizenProfile


@admin.register(CitizenProfile)
class CitizenProfileAdmin(admin.ModelAdmin):
    """Read-only: profiles change only through citizens.services (audited)."""

    list_display = ("user", "id_number", "phone", "email", "verified_by", "last_sign_in_at")
    list_filter = ("verified_by",)
    list_select_related = ("user",)
    search_fields = ("id_number", "phone", "email", "user__full_name")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
