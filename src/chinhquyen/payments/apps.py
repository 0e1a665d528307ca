from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    name = "chinhquyen.payments"
    label = "payments"
    verbose_name = _("Payments")

    def ready(self) -> None:
        from chinhquyen.accounts.choices import Role
        from chinhquyen.accounts.roles import extend_role_permissions
        from chinhquyen.core.navigation import SECTION_ADMINISTRATION, NavItem, register

        # Reconciliation with the payment platform (payments/reconciliation.py).
        extend_role_permissions(
            {Role.IT_ADMIN: {"payments.view_reconciliationrun", "payments.reconcile_payments"}}
        )
        register(
            NavItem(
                _("Payment reconciliation"),
                "payments:reconciliation",
                permission="payments.view_reconciliationrun",
                section=SECTION_ADMINISTRATION,
            )
        )
