from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "chinhquyen.documents"
    label = "documents"
    verbose_name = _("Official documents and executive work")

    def ready(self) -> None:
        from chinhquyen.documents import lookups, permissions

        permissions.register()
        lookups.register()
