from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    name = "chinhquyen.exchange"
    label = "exchange"
    verbose_name = _("Integration platform (LGSP)")

    def ready(self) -> None:
        from chinhquyen.accounts.choices import Role
        from chinhquyen.accounts.roles import extend_role_permissions
        from chinhquyen.core.navigation import SECTION_ADMINISTRATION, NavItem, register

        # The IT administrator watches the exchange with other systems and retries failures
        # (the pages require the permission at the top of the organisation tree).
        extend_role_permissions(
            {
                Role.IT_ADMIN: {
                    "exchange.view_outboxmessage",
                    "exchange.retry_outboxmessage",
                    "exchange.view_inboxmessage",
                    "exchange.reprocess_inboxmessage",
                    "exchange.view_messagelogentry",
                }
            }
        )
        # Incoming edXML documents and statuses (exchange.edxml, issue 7 item 4).
        from chinhquyen.exchange.edxml.handlers import register_handlers

        register_handlers()
        from chinhquyen.exchange import dossier_transfer  # liên thông between installations

        dossier_transfer.register_handlers()
        for label, url_name, permission in (
            (_("Data exchange: operations"), "exchange:operations", "exchange.view_outboxmessage"),
            (_("Data exchange: sent"), "exchange:outbox", "exchange.view_outboxmessage"),
            (_("Data exchange: received"), "exchange:inbox_messages", "exchange.view_inboxmessage"),
        ):
            register(
                NavItem(label, url_name, permission=permission, section=SECTION_ADMINISTRATION)
            )
        from chinhquyen.exchange.clients import register as register_clients  # API accounts

        register_clients()
