from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PostalConfig(AppConfig):
    name = "chinhquyen.postal"
    label = "postal"
    verbose_name = _("Postal service (public postal dossier pickup and result delivery)")
