from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorktimeConfig(AppConfig):
    name = "chinhquyen.worktime"
    label = "worktime"
    verbose_name = _("Working-time calendar")

    def ready(self) -> None:
        from chinhquyen.accounts.choices import Role
        from chinhquyen.accounts.roles import extend_role_permissions
        from chinhquyen.core.navigation import SECTION_ADMINISTRATION, NavItem, register

        extend_role_permissions(
            {
                Role.IT_ADMIN: {
                    "worktime.view_calendarexception",
                    "worktime.add_calendarexception",
                    "worktime.change_calendarexception",
                    "worktime.delete_calendarexception",
                    "worktime.view_workinghours",
                    "worktime.add_workinghours",
                },
            }
        )
        register(
            NavItem(
                _("Working-time calendar"),
                "worktime:calendar",
                permission="worktime.change_calendarexception",
                section=SECTION_ADMINISTRATION,
            )
        )
