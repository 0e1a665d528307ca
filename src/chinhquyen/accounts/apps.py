from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _sync_role_groups(sender, using="default", verbosity=0, **kwargs) -> None:
    # Infrastructure, not a business rule: keep the role groups equal to roles.py after migrate.
    from chinhquyen.accounts.roles import sync_role_groups

    sync_role_groups(using=using, verbosity=verbosity)


class AccountsConfig(AppConfig):
    name = "chinhquyen.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        post_migrate.connect(
            _sync_role_groups, sender=self, dispatch_uid="chinhquyen.accounts.sync_role_groups"
        )
