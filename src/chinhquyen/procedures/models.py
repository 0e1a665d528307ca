"""The administrative-procedure catalogue (thủ tục hành chính) and internal processes.

A ``Procedure`` is the identity (its national code); everything a citizen or an officer relies
on lives in a ``ProcedureVersion``. Published versions are never edited: a change is a new
version, and a dossier keeps the version it was received under. Internal processes
(``ProcessDefinition``: ordered ``ProcessStep`` rows joined by ``ProcessTransition`` rows) are
versioned the same way, per procedure and optionally per agency.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from chinhquyen.accounts.choices import Role
from chinhquyen.procedures.choices import (
    ComponentRequirement,
    FeeKind,
    ImplementingLevel,
    OnlineMode,
    StepAction,
    TimeUnit,
    VersionStatus,
)


class ProcedureField(models.Model):
    """A field of administrative procedures (lĩnh vực), e.g. "Hộ tịch" (civil status)."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=255)
    name_en = models.CharField(_("English name"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("procedure field")
        verbose_name_plural = _("procedure fields")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Procedure(models.Model):
    """An administrative procedure, identified by its code in the national database."""

    national_code = models.CharField(_("national code"), max_length=30, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("administrative procedure")
        verbose_name_plural = _("administrative procedures")
        ordering = ["national_code"]

    def __str__(self) -> str:
        return self.national_code

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("procedures:detail", args=[self.national_code])


class ProcedureVersion(models.Model):
    """One version of a procedure's published data; immutable once published."""

    procedure = models.ForeignKey(
        Procedure, on_delete=models.PROTECT, related_name="versions", verbose_name=_("procedure")
    )
    number = models.PositiveIntegerField(_("version"))
    status = models.CharField(
        _("status"), max_length=16, choices=VersionStatus.choices, default=VersionStatus.DRAFT
    )
    effective_from = models.DateTimeField(_("in force from"), null=True, blank=True)
    name = models.CharField(_("name"), max_length=500)
    name_en = models.CharField(_("English name"), max_length=500, blank=True)
    field = models.ForeignKey(
        ProcedureField, on_delete=models.PROTECT, related_name="versions", verbose_name=_("field")
    )
    level = models.CharField(
        _("implementing level"), max_length=16, choices=ImplementingLevel.choices
    )
    implementing_agencies = models.ManyToManyField(
        "directory.Organisation",
        related_name="procedure_versions",
        blank=True,
        verbose_name=_("implementing agencies"),
    )
    processing_time = models.DecimalField(
        _("legal processing time"), max_digits=7, decimal_places=2
    )
    time_unit = models.CharField(
        _("time unit"), max_length=16, choices=TimeUnit.choices, default=TimeUnit.WORKING_DAYS
    )
    online_mode = models.CharField(
        _("online mode"), max_length=16, choices=OnlineMode.choices, default=OnlineMode.NONE
    )
    legacy_online_level = models.PositiveSmallIntegerField(
        _("online level (historic, 1–4)"), null=True, blank=True
    )
    result_type = models.CharField(_("result"), max_length=500, blank=True)
    result_type_en = models.CharField(_("result (English)"), max_length=500, blank=True)
    legal_basis = models.TextField(_("legal basis"), blank=True)
    where_to_apply = models.TextField(_("where to apply"), blank=True)
    applicants = models.TextField(_("who may apply"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    # Name and code folded (lower case, no diacritics) for search; set by the services.
    search_name = models.CharField(max_length=600, blank=True, editable=False)
    # Public catalogue search (procedures.search): folded words padded with spaces, set when
    # the version is published. Title = the names; text = every other searchable part.
    search_title = models.CharField(max_length=1200, blank=True, editable=False)
    search_text = models.TextField(blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("procedure version")
        verbose_name_plural = _("procedure versions")
        ordering = ["procedure", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["procedure", "number"], name="unique_procedure_version"
            ),
            models.CheckConstraint(
                condition=models.Q(processing_time__gte=0), name="procedure_time_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(legacy_online_level__isnull=True)
                | models.Q(legacy_online_level__gte=1, legacy_online_level__lte=4),
                name="procedure_legacy_level_1_to_4",
            ),
        ]
        indexes = [models.Index(fields=["status", "effective_from"])]

    def __str__(self) -> str:
        return f"{self.procedure.national_code} v{self.number}: {self.name}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("procedures:version", args=[self.procedure.national_code, self.number])


class ProcedureComponent(models.Model):
    """A document the applicant must file (thành phần hồ sơ)."""

    version = models.ForeignKey(
        ProcedureVersion, on_delete=models.CASCADE, related_name="components"
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    name = models.CharField(_("name"), max_length=1000)
    name_en = models.CharField(_("English name"), max_length=1000, blank=True)
    originals = models.PositiveSmallIntegerField(_("originals"), default=1)
    copies = models.PositiveSmallIntegerField(_("copies"), default=0)
    requirement = models.CharField(
        _("requirement"),
        max_length=16,
        choices=ComponentRequirement.choices,
        default=ComponentRequirement.REQUIRED,
    )
    condition = models.TextField(_("condition"), blank=True)
    template_file = models.FileField(
        _("template form"), upload_to="procedures/templates/%Y/", blank=True
    )

    class Meta:
        verbose_name = _("dossier component")
        verbose_name_plural = _("dossier components")
        ordering = ["version", "order", "id"]

    def __str__(self) -> str:
        return self.name


class ProcedureFee(models.Model):
    """A fee or charge line (phí, lệ phí) in Vietnamese đồng."""

    version = models.ForeignKey(ProcedureVersion, on_delete=models.CASCADE, related_name="fees")
    kind = models.CharField(_("kind"), max_length=10, choices=FeeKind.choices, default=FeeKind.FEE)
    name = models.CharField(_("name"), max_length=500)
    name_en = models.CharField(_("English name"), max_length=500, blank=True)
    amount = models.DecimalField(_("amount (VND)"), max_digits=14, decimal_places=0)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("fee")
        verbose_name_plural = _("fees")
        ordering = ["version", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="fee_not_negative")
        ]

    def __str__(self) -> str:
        return self.name


class ProcessDefinition(models.Model):
    """An internal process (quy trình nội bộ) for a procedure, optionally for one agency."""

    procedure = models.ForeignKey(
        Procedure, on_delete=models.PROTECT, related_name="processes", verbose_name=_("procedure")
    )
    agency = models.ForeignKey(
        "directory.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="process_definitions",
        verbose_name=_("agency"),
        help_text=_("Empty: the process of every implementing agency without its own."),
    )
    number = models.PositiveIntegerField(_("version"))
    status = models.CharField(
        _("status"), max_length=16, choices=VersionStatus.choices, default=VersionStatus.DRAFT
    )
    effective_from = models.DateTimeField(_("in force from"), null=True, blank=True)
    name = models.CharField(_("name"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("process definition")
        verbose_name_plural = _("process definitions")
        ordering = ["procedure", "agency", "-number"]
        constraints = [
            # Two partial constraints rather than nulls_distinct=False (unsupported on SQLite).
            models.UniqueConstraint(
                fields=["procedure", "agency", "number"],
                condition=models.Q(agency__isnull=False),
                name="unique_agency_process_version",
            ),
            models.UniqueConstraint(
                fields=["procedure", "number"],
                condition=models.Q(agency__isnull=True),
                name="unique_default_process_version",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.procedure.national_code} process v{self.number}"


class ProcessStep(models.Model):
    """A step of an internal process: who performs it and the working time allotted."""

    definition = models.ForeignKey(
        ProcessDefinition, on_delete=models.CASCADE, related_name="steps"
    )
    order = models.PositiveSmallIntegerField(_("order"))
    code = models.SlugField(_("code"), max_length=50)
    name = models.CharField(_("name"), max_length=255)
    performer_role = models.CharField(_("performed by role"), max_length=32, choices=Role.choices)
    performer_agency = models.ForeignKey(
        "directory.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("performing agency"),
        help_text=_("Empty: the agency processing the dossier."),
    )
    allotted_hours = models.DecimalField(
        _("working hours allotted"), max_digits=7, decimal_places=2
    )

    class Meta:
        verbose_name = _("process step")
        verbose_name_plural = _("process steps")
        ordering = ["definition", "order"]
        constraints = [
            models.UniqueConstraint(fields=["definition", "code"], name="unique_step_code"),
            models.UniqueConstraint(fields=["definition", "order"], name="unique_step_order"),
            models.CheckConstraint(
                condition=models.Q(allotted_hours__gte=0), name="step_time_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.name}"


class ProcessTransition(models.Model):
    """What an action does at a step: the next step, or the end of processing when empty."""

    step = models.ForeignKey(ProcessStep, on_delete=models.CASCADE, related_name="transitions")
    action = models.CharField(_("action"), max_length=32, choices=StepAction.choices)
    next_step = models.ForeignKey(
        ProcessStep,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="incoming_transitions",
        verbose_name=_("next step"),
    )

    class Meta:
        verbose_name = _("process transition")
        verbose_name_plural = _("process transitions")
        constraints = [
            models.UniqueConstraint(fields=["step", "action"], name="unique_step_action")
        ]

    def __str__(self) -> str:
        target = self.next_step.code if self.next_step else "end"
        return f"{self.step.code} --{self.action}--> {target}"
