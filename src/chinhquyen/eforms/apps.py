from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EformsConfig(AppConfig):
    name = "chinhquyen.eforms"
    label = "eforms"
    verbose_name = _("Online applications")
