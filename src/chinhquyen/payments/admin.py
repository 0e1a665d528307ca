"""Read-only admin views of payment orders and the notification log (they change only through
``payments.services``)."""

from django.contrib import admin

from chinhquyen.payments.models import PaymentNotification, PaymentOrder


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(PaymentOrder)
class PaymentOrderAdmin(ReadOnlyAdmin):
    list_display = ["reference", "dossier", "amount", "status", "created_at", "paid_at"]
    list_filter = ["status", "gateway"]
    search_fields = ["reference", "dossier__code", "gateway_transaction_no"]
    list_select_related = ["dossier"]


@admin.register(PaymentNotification)
class PaymentNotificationAdmin(ReadOnlyAdmin):
    list_display = ["received_at", "reference", "verdict", "remote_addr"]
    list_filter = ["verdict", "gateway"]
    search_fields = ["reference"]
