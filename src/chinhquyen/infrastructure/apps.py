from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InfrastructureConfig(AppConfig):
    name = "chinhquyen.infrastructure"
    label = "infrastructure"
    verbose_name = _("IT infrastructure and the IT-application report")
