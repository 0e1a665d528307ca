from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from chinhquyen.accounts.models import Delegation, RoleAssignment, User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ("username", "full_name", "kind", "is_active", "is_staff", "last_login")
    list_filter = ("kind", "is_active", "is_staff", "is_superuser")
    search_fields = ("username", "full_name", "email", "phone")
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (_("ChinhQuyen"), {"fields": ("kind", "full_name", "phone")}),
    )


class _ReadOnlyAdmin(admin.ModelAdmin):
    """Roles and delegations change only through accounts.services (audited)."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(_ReadOnlyAdmin):
    list_display = ("official", "role", "organisation", "valid_from", "valid_until")
    list_filter = ("role",)
    list_select_related = ("official", "organisation")
    search_fields = ("official__full_name", "official__user__username", "organisation__name")


@admin.register(Delegation)
class DelegationAdmin(_ReadOnlyAdmin):
    list_display = ("delegator", "delegate", "role", "organisation", "starts_on", "ends_on")
    list_filter = ("role",)
    list_select_related = ("delegator", "delegate", "organisation")
    search_fields = ("delegator__full_name", "delegate__full_name", "organisation__name")
