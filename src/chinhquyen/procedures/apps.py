from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProceduresConfig(AppConfig):
    name = "chinhquyen.procedures"
    label = "procedures"
    verbose_name = _("Administrative procedures")

    def ready(self) -> None:
        from chinhquyen.accounts.choices import Role
        from chinhquyen.accounts.roles import extend_role_permissions
        from chinhquyen.core.navigation import NavItem, register, register_section

        models = (
            "procedure",
            "procedurefield",
            "procedureversion",
            "procedurecomponent",
            "procedurefee",
            "processdefinition",
            "processstep",
            "processtransition",
        )
        view = {f"procedures.view_{m}" for m in models}
        edit = view | {f"procedures.{a}_{m}" for m in models for a in ("add", "change")}
        extend_role_permissions(
            {
                Role.CLERK: view,
                Role.ONE_STOP_OFFICER: view,
                Role.SPECIALIST: view,
                Role.DIVISION_LEADER: view,
                Role.AGENCY_LEADER: view,
                Role.IT_ADMIN: edit,
                Role.SYSTEM_ADMIN: edit,  # already everything; listed for the reader
            }
        )
        section = _("Procedures")
        register_section(section, before=_("Administration"))
        register(
            NavItem(
                _("Procedure catalogue"),
                "procedures:manage",
                permission="procedures.view_procedureversion",
                section=section,
            )
        )
        register(
            NavItem(
                _("Import the catalogue"),
                "procedures:import",
                permission="procedures.add_procedureversion",
                section=section,
            )
        )
