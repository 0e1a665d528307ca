from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SigningConfig(AppConfig):
    name = "chinhquyen.signing"
    label = "signing"
    verbose_name = _("Digital signatures")

    def ready(self) -> None:
        from chinhquyen.accounts.choices import Role
        from chinhquyen.accounts.roles import extend_role_permissions

        extend_role_permissions(
            {
                # Only the clerk's office applies the organisation's signature (Art. 32(2)(c)).
                Role.CLERK: {"signing.sign_as_organisation"},
                Role.IT_ADMIN: {
                    "signing.view_signingkey",
                    "signing.view_trustanchor",
                    "signing.add_trustanchor",
                    "signing.change_trustanchor",
                    # The certificate registry of their agency (views: restrict / scopes).
                    "signing.view_certificate",
                    "signing.add_certificate",
                    "signing.change_certificate",
                },
            }
        )
        self._register_navigation()

    def _register_navigation(self) -> None:
        from chinhquyen.core.navigation import (
            SECTION_ADMINISTRATION,
            NavItem,
            register,
            register_section,
        )

        section = _("Digital signatures")
        register_section(section, before=SECTION_ADMINISTRATION)
        register(NavItem(_("Verify digital signatures"), "signing:verify", section=section))
        register(
            NavItem(
                _("Certificate registry"),
                "signing:certificates",
                permission="signing.view_certificate",
                section=section,
            )
        )
        register(
            NavItem(
                _("Certificates per agency"),
                "signing:counts",
                permission="signing.view_certificate",
                section=section,
            )
        )
        register(NavItem(_("Signing notices"), "signing:notifications", section=section))
