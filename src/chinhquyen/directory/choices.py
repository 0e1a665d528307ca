from django.db import models
from django.utils.translation import gettext_lazy as _


class UnitLevel(models.TextChoices):
    PROVINCE = "province", _("Province / centrally-run city")
    DISTRICT = "district", _("District (historic, before 1 July 2025)")
    COMMUNE = "commune", _("Commune / ward / special zone")


class OrganisationKind(models.TextChoices):
    PEOPLES_COMMITTEE = "peoples_committee", _("People's Committee (UBND tỉnh)")
    OFFICE = "office", _("Office (Văn phòng)")
    DEPARTMENT = "department", _("Department (sở, ban, ngành)")
    DIVISION = "division", _("Division (phòng)")
    COMMUNE_COMMITTEE = "commune_committee", _("Commune People's Committee (UBND xã)")
    DISTRICT_COMMITTEE = "district_committee", _("District People's Committee (historic)")
    PUBLIC_SERVICE_UNIT = "public_service_unit", _("Public service unit (đơn vị sự nghiệp)")
    OTHER = "other", _("Other")


class OfficialStatus(models.TextChoices):
    ACTIVE = "active", _("Working")
    ON_LEAVE = "on_leave", _("On leave")
    LEFT = "left", _("Left the organisation")
