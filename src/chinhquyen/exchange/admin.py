"""Read-only admin of the exchange tables (they change only through exchange services)."""

from django.contrib import admin

from chinhquyen.exchange.models import InboxMessage, MessageLogEntry, OutboxMessage


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyAdmin):
    list_display = ["id", "connector", "destination", "kind", "status", "attempts", "created_at"]
    list_filter = ["status", "connector"]
    search_fields = ["idempotency_key", "destination", "related_ref"]
    exclude = ["body"]


@admin.register(InboxMessage)
class InboxMessageAdmin(ReadOnlyAdmin):
    list_display = ["id", "sender", "kind", "status", "received_at", "processed_at"]
    list_filter = ["status", "kind"]
    search_fields = ["idempotency_key", "sender"]
    exclude = ["body"]


@admin.register(MessageLogEntry)
class MessageLogEntryAdmin(ReadOnlyAdmin):
    list_display = ["id", "at", "direction", "connector", "peer", "status_code", "outcome"]
    list_filter = ["direction", "connector", "outcome"]
    search_fields = ["idempotency_key", "peer"]
