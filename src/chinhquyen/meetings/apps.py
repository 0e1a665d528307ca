from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# Who may do what, as data added to the role matrix (accounts.roles); where is the
# organisation of each role assignment (its subtree).
CALENDAR_VIEW = {
    "meetings.view_calendarentry",
    "meetings.view_conferenceendpoint",
    "meetings.view_endpointbooking",
}
CALENDAR_EDIT = CALENDAR_VIEW | {
    "meetings.add_calendarentry",
    "meetings.change_calendarentry",
    "meetings.publish_calendarentry",
    "meetings.add_endpointbooking",
}
ENDPOINT_ADMIN = {
    "meetings.view_conferenceendpoint",
    "meetings.add_conferenceendpoint",
    "meetings.change_conferenceendpoint",
    "meetings.delete_conferenceendpoint",
    "meetings.view_endpointbooking",
    "meetings.view_calendarentry",
}


class MeetingsConfig(AppConfig):
    name = "chinhquyen.meetings"
    label = "meetings"
    verbose_name = _("Work calendar and meetings")

    def ready(self) -> None:
        from chinhquyen.accounts.choices import Role
        from chinhquyen.accounts.roles import extend_role_permissions
        from chinhquyen.core.navigation import NavItem, register, register_section

        extend_role_permissions(
            {
                # Clerks keep the agency's calendar and, with the IT administrators, its
                # endpoint registry; leaders edit and publish their own calendar.
                Role.CLERK: CALENDAR_EDIT | ENDPOINT_ADMIN,
                Role.AGENCY_LEADER: CALENDAR_EDIT,
                Role.DIVISION_LEADER: CALENDAR_EDIT,
                Role.SPECIALIST: CALENDAR_VIEW,
                Role.ONE_STOP_OFFICER: CALENDAR_VIEW,
                Role.IT_ADMIN: ENDPOINT_ADMIN,
            }
        )
        section = _("Documents")
        register_section(section, before=_("Administration"))
        register(
            NavItem(
                _("Work calendar"),
                "meetings:week",
                permission="meetings.view_calendarentry",
                section=section,
            )
        )
        register(
            NavItem(
                _("Video-conference endpoints"),
                "meetings:endpoints",
                permission="meetings.view_conferenceendpoint",
                section=section,
            )
        )
        register(
            NavItem(
                _("Endpoint availability"),
                "meetings:availability",
                permission="meetings.view_endpointbooking",
                section=section,
            )
        )
