from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DossiersConfig(AppConfig):
    name = "chinhquyen.dossiers"
    label = "dossiers"
    verbose_name = _("One-stop dossiers")

    def ready(self) -> None:
        from chinhquyen.accounts.choices import Role
        from chinhquyen.accounts.roles import extend_role_permissions
        from chinhquyen.core.navigation import NavItem, register, register_section

        view = {"dossiers.view_dossier"}
        extend_role_permissions(
            {
                Role.ONE_STOP_OFFICER: view | {"dossiers.add_dossier", "dossiers.return_dossier"},
                Role.SPECIALIST: view | {"dossiers.process_dossier"},
                Role.DIVISION_LEADER: view | {"dossiers.process_dossier"},
                Role.AGENCY_LEADER: view | {"dossiers.process_dossier", "dossiers.decide_dossier"},
                Role.CLERK: set(view),
            }
        )
        section = _("One-stop dossiers")
        register_section(section)
        register(
            NavItem(
                _("Work queues"),
                "dossiers:queue",
                permission="dossiers.view_dossier",
                section=section,
            )
        )
        register(
            NavItem(
                _("Results to sign"),
                "dossiers:results_to_sign",
                permission="dossiers.decide_dossier",
                section=section,
            )
        )
        register(
            NavItem(
                _("Receive a dossier"),
                "dossiers:intake",
                permission="dossiers.add_dossier",
                section=section,
            )
        )
