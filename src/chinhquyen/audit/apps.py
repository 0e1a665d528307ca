from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "chinhquyen.audit"
    label = "audit"
    verbose_name = _("Audit")

    def ready(self) -> None:
        from chinhquyen.audit import capture, receivers

        capture.connect()
        receivers.connect()
