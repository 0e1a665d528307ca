from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# Who may do what (accounts.roles matrix); where is the organisation of each role assignment.
INVENTORY_VIEW = {
    "infrastructure.view_agencyinventory",
    "infrastructure.view_inventoryyear",
    "infrastructure.view_server",
    "infrastructure.view_platformservice",
}
IT_OFFICER = INVENTORY_VIEW | {
    "infrastructure.add_agencyinventory",
    "infrastructure.change_agencyinventory",
    "infrastructure.submit_agencyinventory",
    # Effective only when held at the province's root (services.agencies.covers_province).
    "infrastructure.lock_inventoryyear",
    "infrastructure.add_server",
    "infrastructure.change_server",
    "infrastructure.add_platformservice",
    "infrastructure.change_platformservice",
}


class InfrastructureConfig(AppConfig):
    name = "chinhquyen.infrastructure"
    label = "infrastructure"
    verbose_name = _("IT infrastructure and the IT-application report")

    def ready(self) -> None:
        from chinhquyen.accounts.choices import Role
        from chinhquyen.accounts.roles import extend_role_permissions
        from chinhquyen.core.navigation import NavItem, register, register_section

        extend_role_permissions(
            {
                # The agency's IT officer enters its inventory and servers; leaders read them.
                Role.IT_ADMIN: IT_OFFICER,
                Role.AGENCY_LEADER: INVENTORY_VIEW,
                Role.DIVISION_LEADER: INVENTORY_VIEW,
            }
        )
        section = _("IT infrastructure")
        register_section(section, before=_("Administration"))
        register(
            NavItem(
                _("IT inventory"),
                "infrastructure:index",
                permission="infrastructure.view_agencyinventory",
                section=section,
            )
        )
        register(
            NavItem(
                _("Servers and services"),
                "infrastructure:servers",
                permission="infrastructure.view_server",
                section=section,
            )
        )
        register(
            NavItem(
                _("IT-application report"),
                "infrastructure:report_index",
                permission="infrastructure.view_agencyinventory",
                section=section,
            )
        )
