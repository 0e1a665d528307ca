from django.db import models
from django.utils.translation import gettext_lazy as _


class InventoryStatus(models.TextChoices):
    """Where an agency's yearly inventory stands (bản kê khai hạ tầng CNTT)."""

    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")


class ReportLevel(models.TextChoices):
    """The level an agency reports under (cấp): the province's agencies, the historic
    districts (before 1 July 2025), the communes."""

    PROVINCE = "province", _("Province agencies (cấp tỉnh)")
    DISTRICT = "district", _("Districts (cấp huyện, historic)")
    COMMUNE = "commune", _("Communes (cấp xã)")


class ServerStatus(models.TextChoices):
    IN_SERVICE = "in_service", _("In service")
    DOWN = "down", _("Down")
    RETIRED = "retired", _("Retired")


class ServiceKind(models.TextChoices):
    """Platform services (hệ thống dùng chung) a province runs."""

    ONE_STOP = "one_stop", _("One-stop information system (hệ thống một cửa điện tử)")
    PORTAL = "portal", _("Public service portal (cổng dịch vụ công)")
    DOCUMENTS = "documents", _("Document management (quản lý văn bản và điều hành)")
    LGSP = "lgsp", _("Integration platform (LGSP)")
    EMAIL = "email", _("Official e-mail (thư điện tử công vụ)")
    WEBSITE = "website", _("Web portal (cổng thông tin điện tử)")
    VIDEO = "video", _("Video conferencing (hội nghị truyền hình)")
    OTHER = "other", _("Other")
