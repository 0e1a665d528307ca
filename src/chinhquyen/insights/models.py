"""Data of the operations centre (IOC): incremental counters and configurable formulas.

``Counter`` is the only table the dashboard reads for dossier figures: one row per
(grain, period, agency, procedure, metric) with a running sum, kept by
``insights.aggregates`` in the same transaction as the dossier event and recomputed from the
raw tables by ``insights.rebuild``. Four grains (day, ISO week, month, year) so that any
period is read as a few rows per agency and metric; ``procedure_id`` 0 means "every
procedure" (per-procedure rows exist for months and years only).

Agency and procedure are plain integers, not foreign keys: a counter must never block
deleting or merging an agency, and the upsert must not pay for FK checks on the hot path.
"""

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _


class Grain(models.TextChoices):
    DAY = "d", _("day")
    WEEK = "w", _("week (from Monday)")
    MONTH = "m", _("month")
    YEAR = "y", _("year")


class Counter(models.Model):
    """A running sum of one metric for one agency (and procedure) over one day/month/year."""

    grain = models.CharField(_("grain"), max_length=1, choices=Grain.choices)
    period = models.DateField(_("period start"))
    agency_id = models.IntegerField(_("agency"))
    procedure_id = models.IntegerField(_("procedure (0 = all)"), default=0)
    metric = models.CharField(_("metric"), max_length=32)
    value = models.BigIntegerField(_("value"), default=0)

    class Meta:
        verbose_name = _("counter")
        verbose_name_plural = _("counters")
        # PostgreSQL also gets a covering copy of this key (migration 0003) for index-only scans:
        # a past day's counters never change again, so after autovacuum the heap is not read.
        constraints = [
            # Column order = the dashboard's access path: one grain, procedure 0 (every
            # procedure), a range of periods, every agency, a handful of metrics.
            models.UniqueConstraint(
                fields=["grain", "procedure_id", "period", "agency_id", "metric"],
                name="insights_counter_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.grain}{self.period} {self.agency_id}/{self.procedure_id} {self.metric}"


class FeedState(models.Model):
    """When a feed (a group of metrics) was last recomputed from the raw tables."""

    feed = models.CharField(_("feed"), max_length=32, unique=True)
    rebuilt_at = models.DateTimeField(_("rebuilt at"))
    range_start = models.DateField(_("from"), null=True, blank=True)
    range_end = models.DateField(_("to"), null=True, blank=True)
    rows = models.BigIntegerField(_("rows"), default=0)

    class Meta:
        verbose_name = _("feed state")
        verbose_name_plural = _("feed states")

    def __str__(self) -> str:
        return f"{self.feed} @ {self.rebuilt_at:%Y-%m-%d %H:%M}"


class KpiTarget(models.Model):
    """A target set by the province for one KPI (overrides the KPI's default)."""

    code = models.CharField(_("indicator code"), max_length=48, unique=True)
    target = models.DecimalField(_("target"), max_digits=12, decimal_places=2)
    basis = models.CharField(_("basis (decision, plan)"), max_length=500, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("indicator target")
        verbose_name_plural = _("indicator targets")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code}: {self.target}"


class IndexComponent(models.Model):
    """One indicator counted in a group of the Decision 766/2022 index, with its weight.

    Group maxima (18/20/22/22/18) are confirmed; which indicators make up groups 3 and 4 and
    every per-indicator scale are not (domain-vn.md §5.1), so the formula is data:
    ``group points = group max × Σ(weight × min(1, value / full_at)) / Σ weight`` over the
    components that have data (for a "lower is better" KPI: ``min(1, full_at / value)``).
    """

    group = models.PositiveSmallIntegerField(_("group (1–5)"))
    kpi = models.CharField(_("indicator code"), max_length=48)
    weight = models.DecimalField(_("weight"), max_digits=6, decimal_places=2, default=Decimal(1))
    full_at = models.DecimalField(
        _("value that earns the full weight"), max_digits=12, decimal_places=2, default=100
    )
    confirmed = models.BooleanField(_("confirmed by a source"), default=False)
    notes = models.CharField(_("notes"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("index component (Decision 766/2022)")
        verbose_name_plural = _("index components (Decision 766/2022)")
        ordering = ["group", "kpi"]
        constraints = [
            models.UniqueConstraint(fields=["group", "kpi"], name="insights_component_key")
        ]

    def __str__(self) -> str:
        return f"766 group {self.group}: {self.kpi}"
