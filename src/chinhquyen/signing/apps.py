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
                },
            }
        )
