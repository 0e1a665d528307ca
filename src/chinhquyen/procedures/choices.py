from django.db import models
from django.utils.translation import gettext_lazy as _


class ImplementingLevel(models.TextChoices):
    PROVINCE = "province", _("Province")
    COMMUNE = "commune", _("Commune")
    DISTRICT = "district", _("District (historic, before 1 July 2025)")


class OnlineMode(models.TextChoices):
    """Decree 42/2022 / Decree 224/2026 classification (toàn trình / một phần)."""

    FULL = "full", _("Full online (toàn trình)")
    PARTIAL = "partial", _("Partial online (một phần)")
    NONE = "none", _("Not online")


class TimeUnit(models.TextChoices):
    WORKING_DAYS = "working_days", _("working days")
    WORKING_HOURS = "working_hours", _("working hours")


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    RETIRED = "retired", _("Retired")


class ComponentRequirement(models.TextChoices):
    REQUIRED = "required", _("Required")
    CONDITIONAL = "conditional", _("Required if the condition applies")
    OPTIONAL = "optional", _("Optional")


class FeeKind(models.TextChoices):
    FEE = "fee", _("Fee (phí)")
    CHARGE = "charge", _("Charge (lệ phí)")


class StepAction(models.TextChoices):
    FORWARD = "forward", _("Forward to the next step")
    RETURN = "return", _("Return to the previous step")
    REQUEST_SUPPLEMENT = "request_supplement", _("Request a supplement")
    TRANSFER = "transfer", _("Transfer to another agency")
    APPROVE = "approve", _("Approve")
    REJECT = "reject", _("Reject")
