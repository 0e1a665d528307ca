"""One-stop dossiers (hồ sơ một cửa): intake, processing steps, events, fees, return, ratings.

The aggregate is ``Dossier``; its history is the append-only ``DossierEvent`` table (the
timeline) and the ``DossierStepRun`` rows (one per step or agency visit, with its
sub-deadline). Every change goes through ``chinhquyen.dossiers.services``; the legal rules
applied (supplement clock, cut-off hour, apology notice …) are data in ``OneStopRuleSet``,
versioned by effective date, and a dossier keeps the rule set in force when it was received.
"""

from datetime import time
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from chinhquyen.core.authz import RestrictedQuerySet
from chinhquyen.dossiers.choices import (
    ApplicantKind,
    Channel,
    DossierStatus,
    EventType,
    Indicator,
    NotificationKind,
    Outcome,
    PaymentMethod,
    ReturnMethod,
    ScoreSubject,
    SupplementClock,
)


class OneStopRuleSet(models.Model):
    """A version of the one-stop legal rules, as data, in force from a date."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=255)
    legal_basis = models.TextField(_("legal basis"))
    effective_from = models.DateTimeField(_("in force from"))
    supplement_clock = models.CharField(
        _("clock after a supplement"),
        max_length=10,
        choices=SupplementClock.choices,
        default=SupplementClock.RESTART,
    )
    supplement_window_working_days = models.PositiveSmallIntegerField(
        _("supplement may be requested within (working days of intake)"), default=3
    )
    paper_transfer_cutoff = models.TimeField(
        _("paper dossiers received after this hour move the next working day"),
        default=time(15, 0),
    )
    apology_min_working_days_before = models.PositiveSmallIntegerField(
        _("apology at least (working days before the deadline)"), default=1
    )
    max_appointment_moves = models.PositiveSmallIntegerField(
        _("appointment may be moved (times)"), default=1
    )
    code_format = models.CharField(
        _("dossier code format"), max_length=100, default="{agency}-{yymmdd}-{seq:04d}"
    )
    sequence_digits = models.PositiveSmallIntegerField(_("sequence digits"), default=4)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("one-stop rule set")
        verbose_name_plural = _("one-stop rule sets")
        ordering = ["-effective_from"]

    def __str__(self) -> str:
        return self.code


class DossierQuerySet(RestrictedQuerySet):
    def restrict(self, user, action: str = "view"):
        """Dossiers linked (``DossierAgency``) to an organisation in the user's scope.

        Both the receiving agency and every agency a dossier was transferred to are linked,
        so inter-agency (liên thông) dossiers show in each agency's queues. An official of a
        division also sees the dossiers of the agency the division belongs to (the dossier
        is linked to the agency, and the division works for it).
        """
        from chinhquyen.accounts.scopes import ALL, organisation_scope
        from chinhquyen.directory.choices import OrganisationKind
        from chinhquyen.directory.models import Organisation

        scope = organisation_scope(user, f"dossiers.{action}_dossier")
        if scope is ALL:
            return self
        if not scope:
            return self.none()
        condition = Q()
        for path in scope:
            condition |= Q(organisation__path__startswith=path)
        parents = {
            path[: -Organisation.steplen]
            for path in Organisation.objects.filter(
                path__in=scope, kind=OrganisationKind.DIVISION
            ).values_list("path", flat=True)
            if len(path) > Organisation.steplen
        }
        if parents:
            condition |= Q(organisation__path__in=sorted(parents))
        links = DossierAgency.objects.filter(condition, dossier=OuterRef("pk"))
        return self.filter(Exists(links))


class Dossier(models.Model):
    """A dossier (hồ sơ) filed for one administrative procedure."""

    code = models.CharField(_("dossier code"), max_length=40, unique=True)
    procedure = models.ForeignKey(
        "procedures.Procedure",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("procedure"),
    )
    procedure_version = models.ForeignKey(
        "procedures.ProcedureVersion",
        on_delete=models.PROTECT,
        related_name="dossiers",
        verbose_name=_("procedure version"),
    )
    process = models.ForeignKey(
        "procedures.ProcessDefinition",
        on_delete=models.PROTECT,
        related_name="dossiers",
        verbose_name=_("internal process"),
    )
    rule_set = models.ForeignKey(
        OneStopRuleSet, on_delete=models.PROTECT, related_name="dossiers", verbose_name=_("rules")
    )
    receiving_agency = models.ForeignKey(
        "directory.Organisation",
        on_delete=models.PROTECT,
        related_name="received_dossiers",
        verbose_name=_("receiving agency"),
    )
    receiving_agency_code = models.CharField(_("receiving agency code at receipt"), max_length=35)
    lead_agency = models.ForeignKey(
        "directory.Organisation",
        on_delete=models.PROTECT,
        related_name="led_dossiers",
        verbose_name=_("processing agency"),
    )
    current_agency = models.ForeignKey(
        "directory.Organisation",
        on_delete=models.PROTECT,
        related_name="held_dossiers",
        verbose_name=_("agency holding the dossier"),
    )
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    status = models.CharField(
        _("status"), max_length=24, choices=DossierStatus.choices, default=DossierStatus.RECEIVED
    )
    current_step = models.ForeignKey(
        "procedures.ProcessStep",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("current step"),
    )
    assignee = models.ForeignKey(
        "directory.Official",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_dossiers",
        verbose_name=_("assigned to"),
    )
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("received by"),
    )
    received_at = models.DateTimeField(_("received at"))
    handed_over_at = models.DateTimeField(_("handed over to processing at"))
    clock_started_at = models.DateTimeField(_("processing time counted from"))
    legal_due_at = models.DateTimeField(_("legal deadline"))
    original_due_at = models.DateTimeField(_("deadline at intake"))
    due_at = models.DateTimeField(_("appointed return time"))
    appointment_moves = models.PositiveSmallIntegerField(_("appointment moves"), default=0)
    paused_at = models.DateTimeField(_("clock paused at"), null=True, blank=True)
    supplement_count = models.PositiveSmallIntegerField(_("supplements requested"), default=0)
    result_ready_at = models.DateTimeField(_("result ready at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    outcome = models.CharField(_("timeliness"), max_length=10, choices=Outcome.choices, blank=True)
    overdue_flagged_at = models.DateTimeField(_("flagged overdue at"), null=True, blank=True)
    result_file = models.FileField(
        _("result file"), upload_to="dossiers/results/%Y/%m/", blank=True
    )
    # The leader's digital signature on the result PDF (``services.results.sign_results``);
    # empty while a PDF result awaits it.
    result_signed_at = models.DateTimeField(_("result signed at"), null=True, blank=True)
    result_signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("result signed by"),
    )
    result_note = models.TextField(_("result"), blank=True)
    rejection_reason = models.TextField(_("reason for refusal"), blank=True)
    return_method = models.CharField(
        _("return method"), max_length=10, choices=ReturnMethod.choices, blank=True
    )
    applicant_kind = models.CharField(
        _("applicant kind"),
        max_length=16,
        choices=ApplicantKind.choices,
        default=ApplicantKind.INDIVIDUAL,
    )
    applicant_name = models.CharField(_("applicant name"), max_length=255)
    # Indexed: a citizen's "my dossiers" finds the dossiers filed under their ID number.
    applicant_id_number = models.CharField(
        _("ID number (citizen ID / tax code)"), max_length=20, blank=True, db_index=True
    )
    applicant_phone = models.CharField(_("phone"), max_length=20, blank=True)
    applicant_email = models.EmailField(_("e-mail"), blank=True)
    applicant_address = models.CharField(_("address"), max_length=500, blank=True)
    applicant_unit = models.ForeignKey(
        "directory.AdministrativeUnit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("administrative unit"),
    )
    applicant_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="dossiers",
        verbose_name=_("citizen account"),
    )
    is_demo = models.BooleanField(_("demo data"), default=False)
    version = models.PositiveIntegerField(_("version"), default=1)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = DossierQuerySet.as_manager()

    class Meta:
        verbose_name = _("dossier")
        verbose_name_plural = _("dossiers")
        ordering = ["-received_at"]
        permissions = [
            ("process_dossier", "Can process dossiers (forward, return, supplement, transfer)"),
            ("decide_dossier", "Can decide dossiers (approve, reject, apologise)"),
            ("return_dossier", "Can return results and record payments"),
        ]
        indexes = [
            models.Index(fields=["status", "due_at"]),
            models.Index(fields=["current_agency", "status"]),
            models.Index(fields=["received_at"]),
        ]

    def __str__(self) -> str:
        return self.code

    def get_absolute_url(self) -> str:
        return reverse("dossiers:detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in DossierStatus.open()


class DossierAgency(models.Model):
    """An organisation that handles (or handled) a dossier: what ``restrict`` looks at."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="agency_links")
    organisation = models.ForeignKey(
        "directory.Organisation", on_delete=models.PROTECT, related_name="dossier_links"
    )
    since = models.DateTimeField(_("since"))

    class Meta:
        verbose_name = _("dossier agency")
        verbose_name_plural = _("dossier agencies")
        constraints = [
            models.UniqueConstraint(
                fields=["dossier", "organisation"], name="unique_dossier_agency"
            )
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id} @ {self.organisation_id}"


class DailySequence(models.Model):
    """The last dossier number given by one receiving agency on one day (gap-free codes)."""

    agency_code = models.CharField(_("agency code"), max_length=35)
    day = models.DateField(_("day"))
    last_number = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("daily dossier sequence")
        verbose_name_plural = _("daily dossier sequences")
        constraints = [
            models.UniqueConstraint(fields=["agency_code", "day"], name="unique_daily_sequence")
        ]

    def __str__(self) -> str:
        return f"{self.agency_code} {self.day}: {self.last_number}"


def attachment_path(instance: "DossierAttachment", filename: str) -> str:
    return f"dossiers/{instance.dossier.received_at:%Y/%m}/{instance.dossier.code}/{filename}"


class DossierAttachment(models.Model):
    """A file of the dossier (a scanned or uploaded component), with its SHA-256."""

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="attachments")
    component = models.ForeignKey(
        "procedures.ProcedureComponent",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("component"),
    )
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=300)
    original_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    content_type = models.CharField(_("content type"), max_length=120)
    uploaded_at = models.DateTimeField(_("uploaded at"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    is_supplement = models.BooleanField(_("supplement"), default=False)

    class Meta:
        verbose_name = _("dossier attachment")
        verbose_name_plural = _("dossier attachments")
        ordering = ["dossier", "id"]

    def __str__(self) -> str:
        return self.original_name


class DossierEvent(models.Model):
    """One domain event of a dossier (append-only): the timeline."""

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="events")
    type = models.CharField(_("event"), max_length=32, choices=EventType.choices)
    at = models.DateTimeField(_("at"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    actor_name = models.CharField(_("by"), max_length=255, blank=True)
    step = models.ForeignKey(
        "procedures.ProcessStep", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    from_agency = models.ForeignKey(
        "directory.Organisation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    to_agency = models.ForeignKey(
        "directory.Organisation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.TextField(_("note"), blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)

    class Meta:
        verbose_name = _("dossier event")
        verbose_name_plural = _("dossier events")
        ordering = ["dossier", "at", "id"]
        indexes = [models.Index(fields=["type", "at"])]

    def __str__(self) -> str:
        return f"{self.dossier_id} {self.type} {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Dossier events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Dossier events are append-only.")


class DossierStepRun(models.Model):
    """One visit of a dossier to a process step at an agency, with its sub-deadline."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="step_runs")
    step = models.ForeignKey("procedures.ProcessStep", on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey("directory.Organisation", on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField(_("started at"))
    due_at = models.DateTimeField(_("step deadline"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    finished_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    action = models.CharField(_("action"), max_length=32, blank=True)
    working_seconds = models.PositiveIntegerField(_("working time used (s)"), null=True, blank=True)
    outcome = models.CharField(_("timeliness"), max_length=10, choices=Outcome.choices, blank=True)

    class Meta:
        verbose_name = _("step run")
        verbose_name_plural = _("step runs")
        ordering = ["dossier", "started_at", "id"]
        indexes = [models.Index(fields=["step", "finished_at"])]

    def __str__(self) -> str:
        return f"{self.dossier_id} step {self.step_id}"


class Payment(models.Model):
    """A fee line of a dossier and how it was paid (Decree 61/2018 Art. 22)."""

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="payments")
    fee = models.ForeignKey(
        "procedures.ProcedureFee", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    name = models.CharField(_("fee"), max_length=500)
    amount = models.DecimalField(_("amount (VND)"), max_digits=14, decimal_places=0)
    method = models.CharField(_("method"), max_length=10, choices=PaymentMethod.choices, blank=True)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    receipt_number = models.CharField(_("receipt number"), max_length=50, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["dossier", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="payment_not_negative")
        ]

    def __str__(self) -> str:
        return f"{self.name}: {self.amount}"

    @property
    def is_paid(self) -> bool:
        return self.paid_at is not None


class PostalOrder(models.Model):
    """A public-postal-service order returning a result (Decision 45/2016/QĐ-TTg)."""

    dossier = models.OneToOneField(Dossier, on_delete=models.PROTECT, related_name="postal_order")
    tracking_number = models.CharField(_("tracking number"), max_length=40)
    address = models.CharField(_("delivery address"), max_length=500)
    sent_at = models.DateTimeField(_("sent at"))

    class Meta:
        verbose_name = _("postal order")
        verbose_name_plural = _("postal orders")

    def __str__(self) -> str:
        return self.tracking_number


class Notification(models.Model):
    """An outbox row: a message to the applicant or to an official, sent after commit."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(_("kind"), max_length=32, choices=NotificationKind.choices)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    message = models.TextField(_("message"))
    created_at = models.DateTimeField(_("created at"))
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.kind} {self.dossier_id}"


class Evaluation(models.Model):
    """The applicant's rating of the service (Decree 61/2018 Art. 31(1)); 2 good … 0 poor."""

    dossier = models.OneToOneField(Dossier, on_delete=models.PROTECT, related_name="evaluation")
    at = models.DateTimeField(_("at"))
    time_rating = models.PositiveSmallIntegerField(_("time to result against the rule"))
    agencies_contacted = models.PositiveSmallIntegerField(_("agencies contacted"))
    contacts_needed = models.PositiveSmallIntegerField(_("contacts needed to complete"))
    procedure_accuracy = models.PositiveSmallIntegerField(_("accuracy of the published procedure"))
    attitude = models.PositiveSmallIntegerField(_("officer attitude"))
    lawfulness = models.PositiveSmallIntegerField(_("lawfulness of the result and its costs"))
    complaint_handling = models.PositiveSmallIntegerField(
        _("handling of complaints"), null=True, blank=True
    )
    online_quality = models.PositiveSmallIntegerField(
        _("online-service quality"), null=True, blank=True
    )
    has_complaint = models.BooleanField(_("substantiated complaint"), default=False)
    comment = models.TextField(_("other comments"), blank=True)
    channel = models.CharField(_("channel"), max_length=20, default="counter")

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")

    def __str__(self) -> str:
        return f"{self.dossier_id} rating"


class IndicatorScore(models.Model):
    """A Circular 01/2018 Art. 13 indicator scored 2/1/0 for a dossier, step, officer or agency."""

    subject = models.CharField(_("subject"), max_length=10, choices=ScoreSubject.choices)
    indicator = models.PositiveSmallIntegerField(_("indicator"), choices=Indicator.choices)
    points = models.DecimalField(_("points"), max_digits=4, decimal_places=1)
    dossier = models.ForeignKey(
        Dossier, on_delete=models.CASCADE, null=True, blank=True, related_name="scores"
    )
    step_run = models.ForeignKey(
        DossierStepRun, on_delete=models.CASCADE, null=True, blank=True, related_name="scores"
    )
    official = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    agency = models.ForeignKey(
        "directory.Organisation", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    period_start = models.DateField(_("period from"), null=True, blank=True)
    period_end = models.DateField(_("period to"), null=True, blank=True)
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        verbose_name = _("indicator score")
        verbose_name_plural = _("indicator scores")
        ordering = ["subject", "indicator"]
        indexes = [models.Index(fields=["subject", "indicator"])]

    def __str__(self) -> str:
        return f"{self.subject} #{self.indicator}: {self.points}"


def _percent(verbose_name, default: str) -> models.DecimalField:
    return models.DecimalField(
        verbose_name, max_digits=5, decimal_places=2, default=Decimal(default)
    )


class IndicatorRuleSet(models.Model):
    """The thresholds of Circular 01/2018/TT-VPCP Arts. 13–15, as data, in force from a date.

    Percentages are 0–100. The row in force at the end of a scoring period applies to it;
    a feedback item takes its answer time from the row in force when it was received.
    """

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=255)
    legal_basis = models.TextField(_("legal basis"))
    effective_from = models.DateTimeField(_("in force from"))
    in_house_share_province = _percent(
        _("indicator 5: share of procedures decided at the one-stop unit, provincial agency (%)"),
        "20",
    )
    in_house_share_local = _percent(
        _("indicator 5: share of procedures decided at the one-stop unit, local agency (%)"), "50"
    )
    feedback_working_days = models.PositiveSmallIntegerField(
        _("indicator 8: feedback to be answered within (working days)"), default=10
    )
    feedback_full_share = _percent(_("indicator 8: answered on time for 2 points (%)"), "100")
    feedback_partial_share = _percent(_("indicator 8: answered on time for 1 point (%)"), "90")
    feedback_none_points = models.PositiveSmallIntegerField(
        _("indicator 8: points when no feedback was due in the period"), default=2
    )
    online_procedures_share = _percent(
        _("indicator 9: share of procedures offered online for 2 points (%)"), "20"
    )
    online_dossiers_full_share = _percent(
        _("indicator 9: share of dossiers received online for 2 points (%)"), "30"
    )
    online_dossiers_partial_share = _percent(
        _("indicator 9: share of dossiers received online for 1 point (%)"), "15"
    )
    officer_full_points = models.DecimalField(
        _("Art. 14: officer points for 100 % of duties"),
        max_digits=4,
        decimal_places=1,
        default=Decimal(5),
    )
    officer_partial_points = models.DecimalField(
        _("Art. 14: officer points for 70–100 % of duties"),
        max_digits=4,
        decimal_places=1,
        default=Decimal("3.5"),
    )
    agency_excellent_points = models.DecimalField(
        _("Art. 15: agency points for excellent"), max_digits=4, decimal_places=1, default=15
    )
    agency_good_points = models.DecimalField(
        _("Art. 15: agency points for good"), max_digits=4, decimal_places=1, default=12
    )
    agency_fair_points = models.DecimalField(
        _("Art. 15: agency points for fair"), max_digits=4, decimal_places=1, default=9
    )
    agency_average_points = models.DecimalField(
        _("Art. 15: agency points for average"), max_digits=4, decimal_places=1, default=6
    )
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("indicator rule set")
        verbose_name_plural = _("indicator rule sets")
        ordering = ["-effective_from"]

    def __str__(self) -> str:
        return self.code


class InHouseAuthorisation(models.Model):
    """Indicator 5: the one-stop unit of ``agency`` may decide ``procedure`` itself
    (assessed, approved and returned at the counter) from ``valid_from`` until ``valid_until``
    (exclusive; empty = still in force)."""

    agency = models.ForeignKey(
        "directory.Organisation",
        on_delete=models.PROTECT,
        related_name="in_house_authorisations",
        verbose_name=_("agency"),
    )
    procedure = models.ForeignKey(
        "procedures.Procedure",
        on_delete=models.PROTECT,
        related_name="in_house_authorisations",
        verbose_name=_("procedure"),
    )
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    basis = models.CharField(_("decision authorising it"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("procedure decided at the one-stop unit")
        verbose_name_plural = _("procedures decided at the one-stop unit")
        ordering = ["agency", "procedure", "-valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gt=F("valid_from")),
                name="in_house_valid_range",
            )
        ]

    def __str__(self) -> str:
        return f"{self.agency_id} / {self.procedure_id} from {self.valid_from}"


class Feedback(models.Model):
    """A feedback or recommendation (phản ánh, kiến nghị) about a dossier or an agency.

    ``due_at`` is ``received_at`` plus the rule set's working days (working-time calendar);
    it is answered on time when ``answered_at`` is not after ``due_at`` (indicator 8).
    """

    agency = models.ForeignKey(
        "directory.Organisation",
        on_delete=models.PROTECT,
        related_name="feedback",
        verbose_name=_("agency"),
    )
    dossier = models.ForeignKey(
        Dossier,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="feedback",
        verbose_name=_("dossier"),
    )
    rule_set = models.ForeignKey(
        IndicatorRuleSet, on_delete=models.PROTECT, related_name="feedback", editable=False
    )
    sender_name = models.CharField(_("sender"), max_length=255, blank=True)
    sender_contact = models.CharField(_("sender's phone or e-mail"), max_length=255, blank=True)
    content = models.TextField(_("feedback or recommendation"))
    received_at = models.DateTimeField(_("received at"))
    due_at = models.DateTimeField(_("answer due at"))
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        ordering = ["-received_at"]
        indexes = [models.Index(fields=["agency", "received_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(answered_at__isnull=True) | Q(answered_at__gte=F("received_at")),
                name="feedback_answered_after_received",
            )
        ]

    def __str__(self) -> str:
        return f"feedback {self.pk} ({self.agency_id})"


class SupplementRequest(models.Model):
    """A request to supplement the dossier (form 02, Decree 61/2018 Art. 19(4)): the
    components the applicant must bring again or add, and the officer's explanation.

    Written by ``transition(…, "request_supplement", requested_components=…)`` with its
    ``supplement_requested`` event; answered once by ``receive_supplement`` (at the counter,
    or online by the applicant), which accepts files for these components only.
    """

    dossier = models.ForeignKey(
        Dossier, on_delete=models.PROTECT, related_name="supplement_requests"
    )
    event = models.OneToOneField(
        DossierEvent, on_delete=models.PROTECT, related_name="supplement_request"
    )
    components = models.ManyToManyField(
        "procedures.ProcedureComponent",
        related_name="+",
        verbose_name=_("components to supplement"),
    )
    explanation = models.TextField(_("what to supplement and why"))
    requested_at = models.DateTimeField(_("requested at"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answer_channel = models.CharField(
        _("answered through"), max_length=20, choices=Channel.choices, blank=True
    )

    class Meta:
        verbose_name = _("supplement request")
        verbose_name_plural = _("supplement requests")
        ordering = ["dossier", "requested_at", "id"]

    def __str__(self) -> str:
        return f"{self.dossier_id} supplement {self.requested_at:%Y-%m-%d %H:%M}"
