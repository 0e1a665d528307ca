"""Public information the portal adds to the directory: agencies' opening hours."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AgencyContact(models.Model):
    """When an agency's one-stop counter is open, in Vietnamese and English (set by the IT
    department through ``portal.services.set_agency_contact``)."""

    organisation = models.OneToOneField(
        "directory.Organisation",
        on_delete=models.CASCADE,
        related_name="public_contact",
        verbose_name=_("agency"),
    )
    opening_hours = models.CharField(_("opening hours"), max_length=300, blank=True)
    opening_hours_en = models.CharField(_("opening hours (English)"), max_length=300, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("agency contact")
        verbose_name_plural = _("agency contacts")

    def __str__(self) -> str:
        return str(self.organisation)
