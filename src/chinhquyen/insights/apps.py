from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# Who reads the dashboards: leaders of agencies and divisions, and the IT / operations staff,
# each for the subtree where they hold the role (system administrators: the whole province).
# The figures are aggregates (``insights.Counter``), so the permission is to view them.
DASHBOARD_PERMISSION = "insights.view_counter"


class InsightsConfig(AppConfig):
    name = "chinhquyen.insights"
    label = "insights"
    verbose_name = _("Operations centre: indicators")

    def ready(self) -> None:
        from chinhquyen.accounts.choices import Role
        from chinhquyen.accounts.roles import extend_role_permissions
        from chinhquyen.core.navigation import NavItem, register, register_section

        extend_role_permissions(
            {
                Role.AGENCY_LEADER: {DASHBOARD_PERMISSION},
                Role.DIVISION_LEADER: {DASHBOARD_PERMISSION},
                Role.IT_ADMIN: {DASHBOARD_PERMISSION},
            }
        )
        section = _("Operations centre")
        register_section(section, before=_("Directory"))
        register(
            NavItem(
                _("Indicators dashboard"),
                "insights:overview",
                permission=DASHBOARD_PERMISSION,
                section=section,
            )
        )
        register(
            NavItem(
                _("Wall view"),
                "insights:wall",
                permission=DASHBOARD_PERMISSION,
                section=section,
            )
        )
        register(
            NavItem(
                _("Alerts: late and at risk"),
                "insights:alerts",
                roles=("agency_leader", "division_leader", "system_admin"),
                section=section,
            )
        )
