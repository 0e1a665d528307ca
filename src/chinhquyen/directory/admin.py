"""Read-mostly admin: the directory is changed through its services, the back office and the
Excel import, so that codes are validated and every change is audited."""

from django.contrib import admin
from treebeard.admin import TreeAdmin

from chinhquyen.directory.models import AdministrativeUnit, Official, Organisation


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AdministrativeUnit)
class AdministrativeUnitAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "division_type", "level", "is_historic", "parent")
    list_filter = ("is_historic", "level", "division_type")
    search_fields = ("code", "name", "codename")
    list_select_related = ("parent",)


@admin.register(Organisation)
class OrganisationAdmin(TreeAdmin, ReadOnlyAdmin):
    list_display = ("name", "qcvn_code", "decision20_code", "kind", "valid_from", "valid_until")
    list_filter = ("kind",)
    search_fields = ("name", "search_name", "qcvn_code", "decision20_code")
    exclude = ("path", "depth", "numchild")

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Official)
class OfficialAdmin(ReadOnlyAdmin):
    list_display = ("full_name", "user", "position", "organisation", "status")
    list_filter = ("status",)
    search_fields = ("full_name", "user__username", "position")
    list_select_related = ("user", "organisation")
