"""The records behind a number on the dashboard (drill-down to the list).

    parts(code)                       -> list[Part] (what can be listed for a KPI)
    records(code, part="numerator", *, root=None, start, end, level=None) -> QuerySet

``part`` is ``"numerator"`` or ``"denominator"`` (the tile's two numbers), or one of the named
parts of ``parts(code)`` (e.g. ``"incoming"``/``"outgoing"`` for the documents' electronic
share, which counts two kinds of document). The queryset is unordered-by-default-safe: it is
ordered for a stable paginated list; the caller restricts it to what the user may see
(``Dossier.objects.restrict`` / ``access_*``) by intersecting with ``.filter(pk__in=…)`` or
by passing ``base`` (a restricted queryset of the same model).

Definitions mirror ``insights.rebuild`` exactly (a test checks that ``records(…).count()``
equals the tile's numerator and denominator).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Case, Exists, F, OuterRef, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chinhquyen.insights.periods import bounds


@dataclass(frozen=True)
class Part:
    name: str
    label: object
    model: str  # "app_label.ModelName"


class NotDrillable(ValueError):
    """The KPI is computed from other KPIs (766 index) and has no records of its own."""


def _scope(queryset: QuerySet, agency_path: str, root, level) -> QuerySet:
    if root is not None:
        queryset = queryset.filter(**{f"{agency_path}__path__startswith": root.path})
    if level is not None:
        unit = f"{agency_path}__administrative_unit__level"
        if level == "province":
            queryset = queryset.filter(Q(**{f"{unit}__isnull": True}) | Q(**{unit: level}))
        else:
            queryset = queryset.filter(**{unit: level})
    return queryset


def _dossiers(metric: str, lo, hi, base=None) -> QuerySet:
    from chinhquyen.dossiers.models import Dossier, DossierAttachment

    qs = base if base is not None else Dossier.objects.all()
    received = qs.filter(received_at__gte=lo, received_at__lt=hi)
    resolved = qs.filter(result_ready_at__gte=lo, result_ready_at__lt=hi).exclude(outcome="")
    online = Q(channel__in=("online", "national_portal"))
    if metric == "received":
        return received
    if metric == "received_online":
        return received.filter(online)
    if metric == "received_full_online":
        return received.filter(online, procedure_version__online_mode="full")
    if metric == "received_digitised":
        files = DossierAttachment.objects.filter(
            dossier=OuterRef("pk"), is_supplement=False, uploaded_at=OuterRef("received_at")
        )
        return received.filter(Exists(files))
    if metric.startswith("resolved_"):
        return resolved.filter(outcome=metric.removeprefix("resolved_"))
    if metric in ("resolved", "resolution_seconds"):
        return resolved
    if metric == "synced_national":
        return received.filter(national_sync__isnull=False)
    if metric == "results_signed":
        return qs.filter(result_signed_at__gte=lo, result_signed_at__lt=hi)
    raise KeyError(metric)


def _metric_records(metrics: tuple[str, ...], root, lo, hi, level, base) -> QuerySet:
    """Records counted by the (sum of) counter ``metrics``."""
    from chinhquyen.dossiers.models import Evaluation, Feedback, Payment

    first = metrics[0]
    if first.startswith("payments"):
        qs = Payment.objects.filter(paid_at__gte=lo, paid_at__lt=hi)
        if "payments_online" in metrics and "payments" not in metrics:
            qs = qs.filter(method="online")
        return _scope(qs, "dossier__lead_agency", root, level).order_by("-paid_at", "pk")
    if first.startswith("evaluations"):
        qs = Evaluation.objects.filter(at__gte=lo, at__lt=hi)
        if metrics == ("evaluations_satisfied",):
            # aggregates.is_satisfied: no complaint and mean rating of the rated criteria ≥ 1
            qs = (
                qs.filter(has_complaint=False)
                .alias(
                    rating_sum=F("time_rating")
                    + F("procedure_accuracy")
                    + F("attitude")
                    + F("lawfulness")
                    + Coalesce("complaint_handling", 0)
                    + Coalesce("online_quality", 0),
                    rated=Value(4)
                    + Case(When(complaint_handling__isnull=False, then=1), default=0)
                    + Case(When(online_quality__isnull=False, then=1), default=0),
                )
                .filter(rating_sum__gte=F("rated"))
            )
        return _scope(qs, "dossier__lead_agency", root, level).order_by("-at", "pk")
    if first.startswith("feedback"):
        now = timezone.now()
        qs = Feedback.objects.filter(due_at__gte=lo, due_at__lt=min(hi, now))
        if metrics == ("feedback_on_time",):
            qs = qs.filter(answered_at__isnull=False, answered_at__lte=F("due_at"))
        return _scope(qs, "agency", root, level).order_by("-due_at", "pk")
    qs = None
    for metric in metrics:
        part = _dossiers(metric, lo, hi, base)
        qs = part if qs is None else (qs | part)
    return _scope(qs.distinct(), "lead_agency", root, level).order_by("-received_at", "pk")


DOCUMENT_PARTS = {
    "documents_electronic_share": [
        Part(
            "incoming_electronic",
            _("Incoming documents received electronically"),
            "documents.IncomingDocument",
        ),
        Part("incoming", _("Incoming documents received"), "documents.IncomingDocument"),
        Part(
            "outgoing_electronic",
            _("Outgoing documents issued electronically"),
            "documents.OutgoingDocument",
        ),
        Part("outgoing", _("Outgoing documents issued"), "documents.OutgoingDocument"),
    ],
    "overdue_document_tasks": [
        Part("assignments", _("Overdue assignments"), "documents.Assignment"),
        Part("tasks", _("Overdue follow-up tasks"), "documents.FollowUpTask"),
    ],
    "signatures": [
        Part("documents", _("Outgoing documents signed digitally"), "documents.OutgoingDocument"),
        Part("results", _("Dossier results signed"), "dossiers.Dossier"),
    ],
}


def parts(code: str) -> list[Part]:
    """What can be listed behind KPI ``code`` (numerator/denominator or named parts)."""
    from chinhquyen.insights.kpis import KPIS

    kpi = KPIS[code]
    if not kpi.drillable:
        return []
    if code in DOCUMENT_PARTS:
        return DOCUMENT_PARTS[code]
    if kpi.source == "catalogue":
        model = "procedures.ProcedureVersion"
    elif kpi.source == "scores":
        model = "dossiers.IndicatorScore"
    else:
        model = {
            "p": "dossiers.Payment",
            "e": "dossiers.Evaluation",
            "f": "dossiers.Feedback",
        }.get(kpi.numerator[0][0], "dossiers.Dossier")
    out = [Part("numerator", _("Counted"), model)]
    if kpi.denominator:
        out.append(Part("denominator", _("Out of"), model))
    return out


def records(
    code: str,
    part: str = "numerator",
    *,
    root=None,
    start: datetime.date,
    end: datetime.date,
    level: str | None = None,
    base: QuerySet | None = None,
) -> QuerySet:
    """The records behind ``part`` of KPI ``code`` for ``root``'s subtree over ``[start, end]``
    (local dates, inclusive). Raises ``NotDrillable`` for computed KPIs and ``KeyError`` for
    an unknown code or part."""
    from chinhquyen.insights.kpis import KPIS

    kpi = KPIS[code]
    if not kpi.drillable:
        raise NotDrillable(code)
    lo, hi = bounds(start, end)
    if kpi.source == "counters":
        metrics = kpi.numerator if part == "numerator" else kpi.denominator
        if part not in ("numerator", "denominator") or not metrics:
            raise KeyError(part)
        return _metric_records(metrics, root, lo, hi, level, base)
    if kpi.source == "catalogue":
        return _catalogue(part, root, hi, level)
    if kpi.source == "scores":
        return _scores(code, part, root, start, end, level)
    return _documents(code, part, root, lo, hi, base)


def _catalogue(part, root, hi, level) -> QuerySet:
    from chinhquyen.procedures.services.catalogue import current_versions

    versions = current_versions(hi - datetime.timedelta(microseconds=1))
    versions = _scope(versions, "implementing_agencies", root, level)
    if part == "numerator":
        versions = versions.filter(online_mode="full")
    elif part != "denominator":
        raise KeyError(part)
    from chinhquyen.procedures.models import ProcedureVersion

    return ProcedureVersion.objects.filter(pk__in=versions.values("pk")).order_by("name", "pk")


def _scores(code, part, root, start, end, level) -> QuerySet:
    from chinhquyen.dossiers.models import IndicatorScore

    subject = "agency" if code == "agency_points" else "official"
    if part not in ("numerator", "denominator"):
        raise KeyError(part)
    qs = IndicatorScore.objects.filter(
        subject=subject, period_end__gte=start, period_end__lte=end, agency__isnull=False
    )
    return _scope(qs, "agency", root, level).order_by(
        "agency", "official", "period_end", "indicator"
    )


def _documents(code, part, root, lo, hi, base) -> QuerySet:
    from chinhquyen.documents.choices import (
        AssignmentRole,
        AssignmentStatus,
        FileKind,
        IncomingStatus,
        OutgoingStatus,
        TaskStatus,
    )
    from chinhquyen.documents.models import (
        Assignment,
        DocumentFile,
        FollowUpTask,
        IncomingDocument,
        OutgoingDocument,
        Recipient,
    )
    from chinhquyen.documents.services.statistics import (
        ELECTRONIC_CHANNELS,
        ELECTRONIC_RECIPIENTS,
    )

    defaults = {
        "documents_electronic_share": {"numerator": None, "denominator": None},
        "overdue_document_tasks": {"numerator": "assignments"},
        "signatures": {"numerator": "documents"},
    }[code]
    if part in defaults and defaults[part] is None:
        raise KeyError(f"{code} counts two kinds of document: ask for one of {parts(code)}")
    part = defaults.get(part, part)
    if part in ("incoming", "incoming_electronic"):
        qs = IncomingDocument.objects.filter(arrived_at__gte=lo, arrived_at__lt=hi).exclude(
            status=IncomingStatus.RETURNED
        )
        if part == "incoming_electronic":
            qs = qs.filter(channel__in=ELECTRONIC_CHANNELS)
        return _scope(qs, "organisation", root, None).order_by("-arrived_at", "pk")
    if part in ("outgoing", "outgoing_electronic", "documents"):
        qs = OutgoingDocument.objects.filter(
            status__in=[OutgoingStatus.ISSUED, OutgoingStatus.RECALLED],
            issued_at__gte=lo,
            issued_at__lt=hi,
        )
        if part == "outgoing_electronic":
            qs = qs.filter(
                Exists(
                    Recipient.objects.filter(
                        document=OuterRef("pk"), channel__in=ELECTRONIC_RECIPIENTS
                    )
                )
            )
        if part == "documents":
            qs = qs.filter(
                Exists(DocumentFile.objects.filter(outgoing=OuterRef("pk"), kind=FileKind.SIGNED))
            )
        return _scope(qs, "organisation", root, None).order_by("-issued_at", "pk")
    if part == "results":
        return _scope(
            _dossiers("results_signed", lo, hi, base), "lead_agency", root, None
        ).order_by("-result_signed_at", "pk")
    if part in ("assignments", "tasks"):
        model, given, done, withdrawn = (
            (Assignment, "assigned_at", AssignmentStatus.COMPLETED, AssignmentStatus.CANCELLED)
            if part == "assignments"
            else (FollowUpTask, "created_at", TaskStatus.DONE, TaskStatus.CANCELLED)
        )
        open_at_end = ~Q(status=done) | Q(completed_at__gte=hi)
        completed_late = Q(
            status=done, completed_at__gte=lo, completed_at__lt=hi, completed_at__gt=F("due_at")
        )
        qs = (
            model.objects.filter(due_at__isnull=False, due_at__lt=hi, **{f"{given}__lt": hi})
            .exclude(status=withdrawn)
            .filter(open_at_end | completed_late)
        )
        if model is Assignment:
            qs = qs.exclude(role=AssignmentRole.INFORMATION)
        return _scope(qs, "unit", root, None).order_by("due_at", "pk")
    raise KeyError(part)
