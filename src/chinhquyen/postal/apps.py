from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PostalConfig(AppConfig):
    name = "chinhquyen.postal"
    label = "postal"
    verbose_name = _("Postal service (public postal dossier pickup and result delivery)")

    def ready(self) -> None:
        from chinhquyen.accounts.choices import Role
        from chinhquyen.accounts.roles import extend_role_permissions
        from chinhquyen.core.navigation import NavItem, register
        from chinhquyen.postal.services.orders import register_listeners

        view = {"postal.view_order"}
        extend_role_permissions(
            {
                Role.ONE_STOP_OFFICER: view | {"postal.add_order", "postal.change_order"},
                Role.AGENCY_LEADER: set(view),
                Role.IT_ADMIN: view | {"postal.change_order"},
            }
        )
        # The operator's answer (tracking number) and refusals of our orders.
        register_listeners()
        register(
            NavItem(
                _("Postal orders"),
                "postal:list",
                permission="postal.view_order",
                section=_("One-stop dossiers"),
            )
        )
