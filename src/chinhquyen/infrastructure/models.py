"""IT-infrastructure inventory (hạ tầng CNTT) and the platform services map.

* :class:`InventoryYear` — one row per reporting year; the provincial IT department locks it
  when the report is filed (no change afterwards).
* :class:`AgencyInventory` — what one agency declares for one year (draft → submitted). Only
  what cannot be read elsewhere is typed here: video-conference endpoints and certificates come
  from their registries (``meetings``, ``signing``), the number of servers from
  :class:`Server` rows, online services and e-documents from the live platform data.
* :class:`Server` and :class:`PlatformService` — which service runs on which server, so a
  server marked down shows the services and agencies affected.

Every change goes through ``infrastructure.services`` (audited); nothing here saves itself.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from chinhquyen.core.authz import RestrictedQuerySet
from chinhquyen.infrastructure.choices import InventoryStatus, ServerStatus, ServiceKind


class InventoryYear(models.Model):
    """A reporting year (năm báo cáo) and whether the province has locked it."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    locked_at = models.DateTimeField(_("locked at"), null=True, blank=True)
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    lock_note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("inventory year")
        verbose_name_plural = _("inventory years")
        ordering = ["-year"]
        permissions = [("lock_inventoryyear", "Can lock or unlock a reporting year")]
        constraints = [
            models.CheckConstraint(
                condition=Q(year__gte=2000, year__lte=2100), name="inventory_year_range"
            )
        ]

    def __str__(self) -> str:
        return str(self.year)

    @property
    def is_locked(self) -> bool:
        return self.locked_at is not None


class AgencyInventory(models.Model):
    """One agency's IT infrastructure for one year (bản kê khai của một cơ quan)."""

    organisation = models.ForeignKey(
        "directory.Organisation",
        on_delete=models.PROTECT,
        related_name="it_inventories",
        verbose_name=_("agency"),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    status = models.CharField(
        _("status"), max_length=12, choices=InventoryStatus.choices, default=InventoryStatus.DRAFT
    )
    officials = models.PositiveIntegerField(_("officials (cán bộ, công chức, viên chức)"))
    officials_in_directory = models.PositiveIntegerField(
        _("officials in the directory when saved"), default=0
    )
    officials_reason = models.CharField(
        _("why the number differs from the directory"), max_length=500, blank=True
    )
    computers = models.PositiveIntegerField(_("computers"), default=0)
    computers_lan = models.PositiveIntegerField(_("computers connected to the LAN"), default=0)
    computers_internet = models.PositiveIntegerField(
        _("computers connected to the Internet"), default=0
    )
    has_lan = models.BooleanField(_("local area network (LAN)"), default=False)
    internet_mbps = models.PositiveIntegerField(_("Internet bandwidth (Mbps)"), default=0)
    data_network = models.BooleanField(
        _("connected to the specialised data network (mạng truyền số liệu chuyên dùng)"),
        default=False,
    )
    data_network_mbps = models.PositiveIntegerField(
        _("specialised data network bandwidth (Mbps)"), default=0
    )
    firewall_model = models.CharField(_("firewall model"), max_length=200, blank=True)
    firewall_layers = models.PositiveSmallIntegerField(_("firewall layers"), default=0)
    antivirus_seats = models.PositiveIntegerField(_("licensed antivirus seats"), default=0)
    has_wifi = models.BooleanField(_("Wi-Fi"), default=False)
    wifi_access_points = models.PositiveIntegerField(_("Wi-Fi access points"), default=0)
    officials_with_email = models.PositiveIntegerField(
        _("officials with an official e-mail account"), default=0
    )
    it_staff = models.PositiveIntegerField(_("IT staff"), default=0)
    it_staff_degrees = models.PositiveIntegerField(_("IT staff with an IT degree"), default=0)
    training_sessions = models.PositiveIntegerField(_("IT training sessions"), default=0)
    trainees = models.PositiveIntegerField(_("trainees"), default=0)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = RestrictedQuerySet.as_manager()
    restrict_path = "organisation"

    class Meta:
        verbose_name = _("agency IT inventory")
        verbose_name_plural = _("agency IT inventories")
        ordering = ["year", "organisation__path"]
        permissions = [("submit_agencyinventory", "Can submit or reopen an IT inventory")]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "year"], name="unique_inventory_per_agency_year"
            ),
            models.CheckConstraint(
                condition=Q(computers_lan__lte=F("computers"))
                & Q(computers_internet__lte=F("computers")),
                name="inventory_connected_within_total",
            ),
            models.CheckConstraint(
                condition=Q(officials_with_email__lte=F("officials")),
                name="inventory_email_within_officials",
            ),
            models.CheckConstraint(
                condition=Q(it_staff_degrees__lte=F("it_staff")),
                name="inventory_degrees_within_staff",
            ),
        ]
        indexes = [models.Index(fields=["year", "status"])]

    def __str__(self) -> str:
        return f"{self.organisation} — {self.year}"


class Server(models.Model):
    """A server (máy chủ) an agency runs, physical or virtual."""

    organisation = models.ForeignKey(
        "directory.Organisation",
        on_delete=models.PROTECT,
        related_name="servers",
        verbose_name=_("agency"),
    )
    name = models.CharField(_("name"), max_length=120)
    location = models.CharField(_("location"), max_length=200, blank=True)
    role = models.CharField(_("role"), max_length=200, blank=True)
    operating_system = models.CharField(_("operating system"), max_length=120, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=ServerStatus.choices, default=ServerStatus.IN_SERVICE
    )
    down_since = models.DateTimeField(_("down since"), null=True, blank=True)
    down_reason = models.CharField(_("reason"), max_length=500, blank=True)
    commissioned_on = models.DateField(_("in service from"), null=True, blank=True)
    retired_on = models.DateField(_("retired on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()
    restrict_path = "organisation"

    class Meta:
        verbose_name = _("server")
        verbose_name_plural = _("servers")
        ordering = ["organisation__path", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"], name="unique_server_name_per_agency"
            ),
            models.CheckConstraint(
                condition=Q(retired_on__isnull=True)
                | Q(commissioned_on__isnull=True)
                | Q(retired_on__gte=F("commissioned_on")),
                name="server_retired_after_commissioned",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class PlatformService(models.Model):
    """A platform service (hệ thống thông tin dùng chung) and the servers it runs on."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=12, choices=ServiceKind.choices)
    operator = models.ForeignKey(
        "directory.Organisation",
        on_delete=models.PROTECT,
        related_name="operated_services",
        verbose_name=_("operated by"),
    )
    servers = models.ManyToManyField(
        Server, related_name="services", blank=True, verbose_name=_("servers")
    )
    used_by_all = models.BooleanField(_("used by every agency"), default=False)
    used_by = models.ManyToManyField(
        "directory.Organisation",
        related_name="platform_services_used",
        blank=True,
        verbose_name=_("agencies using it"),
    )
    description = models.TextField(_("description"), blank=True)

    objects = RestrictedQuerySet.as_manager()
    restrict_path = "operator"

    class Meta:
        verbose_name = _("platform service")
        verbose_name_plural = _("platform services")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
