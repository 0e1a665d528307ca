"""Online application forms (biểu mẫu điện tử) and the citizens' drafts and submissions.

* ``OnlineService`` — per procedure: whether this portal takes its online applications or the
  national public service portal does (then the portal only links there).
* ``FormVersion`` — the application form of a procedure as a JSON Schema (draft 2020-12
  subset, conventions in docs/eforms.md), versioned like the catalogue: draft → published
  (``effective_from``) → never edited again. A draft and a submission keep their form version.
* ``ApplicationDraft`` / ``DraftFile`` — a citizen's application in progress, saved server-side
  (autosave), with the files uploaded per component.
* ``Submission`` — the form data of a submitted application, linked to the dossier that
  ``dossiers.services.intake.receive_dossier`` created.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from chinhquyen.eforms.choices import FormStatus


class OnlineService(models.Model):
    """How a procedure is applied for online."""

    procedure = models.OneToOneField(
        "procedures.Procedure",
        on_delete=models.CASCADE,
        related_name="online_service",
        verbose_name=_("procedure"),
    )
    national_portal = models.BooleanField(
        _("served by the national public service portal"),
        default=False,
        help_text=_("Citizens are sent there instead of applying on this portal."),
    )
    national_portal_url = models.URLField(_("address on the national portal"), blank=True)
    counter_note = models.TextField(_("what to bring to the counter"), blank=True)
    counter_note_en = models.TextField(_("what to bring to the counter (English)"), blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("online service")
        verbose_name_plural = _("online services")

    def __str__(self) -> str:
        return str(self.procedure)


class FormVersion(models.Model):
    """One version of a procedure's application form, as a JSON Schema."""

    procedure = models.ForeignKey(
        "procedures.Procedure",
        on_delete=models.PROTECT,
        related_name="form_versions",
        verbose_name=_("procedure"),
    )
    number = models.PositiveIntegerField(_("version"))
    status = models.CharField(
        _("status"), max_length=16, choices=FormStatus.choices, default=FormStatus.DRAFT
    )
    schema = models.JSONField(_("JSON Schema"), default=dict)
    effective_from = models.DateTimeField(_("in force from"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("application form version")
        verbose_name_plural = _("application form versions")
        ordering = ["procedure", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["procedure", "number"], name="unique_form_version"),
            models.UniqueConstraint(
                fields=["procedure"],
                condition=models.Q(status="draft"),
                name="one_draft_form_per_procedure",
            ),
        ]
        indexes = [models.Index(fields=["procedure", "status", "effective_from"])]

    def __str__(self) -> str:
        return f"{self.procedure.national_code} form v{self.number}"


class ApplicationDraft(models.Model):
    """A citizen's online application in progress (hồ sơ nháp)."""

    citizen = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="application_drafts",
        verbose_name=_("citizen"),
    )
    procedure = models.ForeignKey(
        "procedures.Procedure",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("procedure"),
    )
    form_version = models.ForeignKey(
        FormVersion, on_delete=models.PROTECT, related_name="drafts", verbose_name=_("form version")
    )
    receiving_agency = models.ForeignKey(
        "directory.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("agency to apply to"),
    )
    data = models.JSONField(_("form data"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        verbose_name = _("application draft")
        verbose_name_plural = _("application drafts")
        ordering = ["-updated_at"]

    def __str__(self) -> str:
        return f"draft {self.pk} of {self.procedure.national_code}"


def draft_file_path(instance: "DraftFile", filename: str) -> str:
    return f"eforms/drafts/{instance.draft_id}/{filename}"


class DraftFile(models.Model):
    """A file uploaded into a draft for one component (checked before it was stored)."""

    draft = models.ForeignKey(ApplicationDraft, on_delete=models.CASCADE, related_name="files")
    component = models.ForeignKey(
        "procedures.ProcedureComponent",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("component"),
    )
    file = models.FileField(_("file"), upload_to=draft_file_path, max_length=300)
    original_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    content_type = models.CharField(_("content type"), max_length=120)
    uploaded_at = models.DateTimeField(_("uploaded at"))

    class Meta:
        verbose_name = _("draft file")
        verbose_name_plural = _("draft files")
        ordering = ["draft", "component", "id"]
        constraints = [
            models.UniqueConstraint(fields=["draft", "component"], name="one_file_per_component")
        ]

    def __str__(self) -> str:
        return self.original_name


class Submission(models.Model):
    """The form data of an application submitted online, with the dossier it became."""

    dossier = models.OneToOneField(
        "dossiers.Dossier",
        on_delete=models.PROTECT,
        related_name="eform_submission",
        verbose_name=_("dossier"),
    )
    form_version = models.ForeignKey(
        FormVersion, on_delete=models.PROTECT, related_name="submissions"
    )
    citizen = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    data = models.JSONField(_("form data"), default=dict)
    submitted_at = models.DateTimeField(_("submitted at"))

    class Meta:
        verbose_name = _("online submission")
        verbose_name_plural = _("online submissions")
        ordering = ["-submitted_at"]

    def __str__(self) -> str:
        return f"submission of {self.dossier_id}"
