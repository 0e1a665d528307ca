"""Enumerations of the work calendar (lịch công tác) and video-conference endpoints."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class EntryStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    CANCELLED = "cancelled", _("Cancelled")


class EndpointLevel(models.TextChoices):
    """The administrative level a video-conference endpoint (điểm cầu) serves (two-level
    local government since 1 July 2025: province and commune, plus the province's agencies)."""

    PROVINCE = "province", _("Province (cấp tỉnh)")
    DEPARTMENT = "department", _("Department or agency (sở, ngành)")
    COMMUNE = "commune", _("Commune (cấp xã)")
