from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "chinhquyen.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from chinhquyen.accounts.choices import Role
        from chinhquyen.accounts.roles import extend_role_permissions
        from chinhquyen.core.navigation import SECTION_ADMINISTRATION, NavItem, register

        # The IT administrator watches the outbox of their agency and retries failures.
        extend_role_permissions(
            {Role.IT_ADMIN: {"notifications.view_delivery", "notifications.retry_delivery"}}
        )
        register(
            NavItem(
                _("Notification deliveries"),
                "notifications:deliveries",
                permission="notifications.view_delivery",
                section=SECTION_ADMINISTRATION,
            )
        )
