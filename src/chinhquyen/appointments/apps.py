from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppointmentsConfig(AppConfig):
    name = "chinhquyen.appointments"
    label = "appointments"
    verbose_name = _("Queue tickets")

    def ready(self) -> None:
        from chinhquyen.accounts.choices import Role
        from chinhquyen.accounts.roles import extend_role_permissions
        from chinhquyen.core.navigation import NavItem, register, register_section

        counter = {"appointments.call_ticket", "appointments.view_ticket"}
        configure = {"appointments.change_agencyslotsettings"}
        extend_role_permissions(
            {
                Role.ONE_STOP_OFFICER: counter | configure,
                Role.IT_ADMIN: set(configure),
            }
        )
        section = _("One-stop dossiers")
        register_section(section)
        register(
            NavItem(
                _("Counter queue"),
                "appointments:counters",
                permission="appointments.call_ticket",
                section=section,
            )
        )
        register(
            NavItem(
                _("Appointment slots"),
                "appointments:settings_list",
                permission="appointments.change_agencyslotsettings",
                section=section,
            )
        )
