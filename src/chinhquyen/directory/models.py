from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node, MP_NodeManager, MP_NodeQuerySet

from chinhquyen.core.authz import RestrictedQuerySet
from chinhquyen.directory.choices import (
    OfficialStatus,
    OrganisationKind,
    UnitLevel,
)
from chinhquyen.directory.validators import validate_decision20_code, validate_qcvn102_code


class AdministrativeUnit(models.Model):
    """An administrative unit (đơn vị hành chính) with its statistics-office code.

    Current units (two levels since 1 July 2025) come from the ``vietnam-provinces`` package;
    historic three-level units (before 1 July 2025) from its release 0.6.0, vendored as data,
    and are marked ``is_historic`` so old addresses stay valid.
    """

    code = models.CharField(_("official code"), max_length=10)
    name = models.CharField(_("name"), max_length=120)
    division_type = models.CharField(_("type"), max_length=40)
    codename = models.CharField(_("code name"), max_length=120, blank=True)
    level = models.CharField(_("level"), max_length=10, choices=UnitLevel.choices)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    is_historic = models.BooleanField(_("historic (before 1 July 2025)"), default=False)
    source = models.CharField(_("data source"), max_length=80, blank=True)

    class Meta:
        verbose_name = _("administrative unit")
        verbose_name_plural = _("administrative units")
        constraints = [
            models.UniqueConstraint(
                fields=["level", "code", "is_historic"], name="unique_unit_code_per_level"
            )
        ]
        indexes = [models.Index(fields=["is_historic", "level", "name"])]
        ordering = ["level", "code"]

    def __str__(self) -> str:
        return self.name


class OrganisationQuerySet(MP_NodeQuerySet, RestrictedQuerySet):
    pass


class OrganisationManager(MP_NodeManager):
    def get_queryset(self):
        return OrganisationQuerySet(self.model).order_by("path")

    def restrict(self, user, action: str = "view"):
        return self.get_queryset().restrict(user, action)


class Organisation(MP_Node):
    """An agency or unit in the province's tree (cơ quan, đơn vị).

    Identifiers are never reused nor rewritten: an agency abolished in the 2025 merger keeps
    its codes with ``valid_until`` set, and its successor gets new codes (domain-vn.md §7).
    """

    name = models.CharField(_("name"), max_length=255)
    short_name = models.CharField(_("short name"), max_length=80, blank=True)
    name_en = models.CharField(_("English name"), max_length=255, blank=True)
    kind = models.CharField(_("kind"), max_length=32, choices=OrganisationKind.choices)
    qcvn_code = models.CharField(
        _("QCVN 102:2016 code"),
        max_length=13,
        unique=True,
        null=True,
        blank=True,
        validators=[validate_qcvn102_code],
        help_text=_("13 characters, e.g. 000.00.12.H37; used in dossier codes and edXML."),
    )
    decision20_code = models.CharField(
        _("Decision 20/2020 code"),
        max_length=35,
        unique=True,
        null=True,
        blank=True,
        validators=[validate_decision20_code],
        help_text=_("Up to 35 characters, e.g. H37.02.02."),
    )
    administrative_unit = models.ForeignKey(
        AdministrativeUnit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organisations",
        verbose_name=_("administrative unit"),
    )
    address = models.CharField(_("address"), max_length=255, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    successor = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="predecessors",
        verbose_name=_("successor"),
    )
    # Lower-case name without diacritics ("uy ban nhan dan tinh tuyen quang"), kept by the
    # services, so search ignores case and accents on every database.
    search_name = models.CharField(max_length=255, blank=True, editable=False)

    objects = OrganisationManager()
    node_order_by = ["name"]
    # Authorization: an organisation is in scope of a role held in it or in an ancestor.
    restrict_path = ""

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        indexes = [models.Index(fields=["name"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_until__isnull=True)
                | models.Q(valid_from__isnull=True)
                | models.Q(valid_until__gte=models.F("valid_from")),
                name="organisation_validity_ordered",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("directory:organisation", args=[self.pk])

    def is_valid_on(self, day) -> bool:
        """True when the organisation exists on ``day`` (a date)."""
        if self.valid_from and day < self.valid_from:
            return False
        return not (self.valid_until and day > self.valid_until)


class Official(models.Model):
    """An official (cán bộ, công chức) with a sign-in account in an organisation."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="official"
    )
    full_name = models.CharField(_("full name"), max_length=200)
    position = models.CharField(_("position"), max_length=200, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="officials",
        verbose_name=_("organisation"),
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=OfficialStatus.choices, default=OfficialStatus.ACTIVE
    )

    objects = RestrictedQuerySet.as_manager()
    restrict_path = "organisation"

    class Meta:
        verbose_name = _("official")
        verbose_name_plural = _("officials")
        ordering = ["full_name"]

    def __str__(self) -> str:
        return self.full_name

    def get_absolute_url(self) -> str:
        return reverse("directory:official", args=[self.pk])
