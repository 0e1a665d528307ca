from django.contrib import admin

from chinhquyen.audit.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: the admin can look, never add, change or delete (append-only trail)."""

    list_display = ["id", "at", "actor_label", "source", "action", "object_type", "object_id"]
    list_filter = ["source", "object_type"]
    search_fields = ["action", "object_id", "actor_label", "request_id"]
    list_select_related = ["actor"]
    show_full_result_count = False

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
