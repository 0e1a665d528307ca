from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EformsConfig(AppConfig):
    name = "chinhquyen.eforms"
    label = "eforms"
    verbose_name = _("Online applications")

    def ready(self) -> None:
        from chinhquyen.accounts.choices import Role
        from chinhquyen.accounts.roles import extend_role_permissions
        from chinhquyen.core.navigation import NavItem, register

        edit = {
            "eforms.view_formversion",
            "eforms.add_formversion",
            "eforms.change_formversion",
            "eforms.view_onlineservice",
            "eforms.change_onlineservice",
        }
        extend_role_permissions({Role.IT_ADMIN: edit, Role.SYSTEM_ADMIN: edit})
        register(
            NavItem(
                _("Online application forms"),
                "eforms:manage",
                permission="eforms.change_formversion",
                section=_("Procedures"),
            )
        )
