# ruff: noqa: S608 — SQL is assembled from constants and computed literals, never from input
"""Incremental counters behind the dashboard (bộ đếm tổng hợp).

Each dossier event the dashboard counts adds to ``insights.Counter`` rows in the **same
transaction** as the event, with ONE statement (``INSERT … ON CONFLICT DO UPDATE SET value =
value + excluded.value``) writing the day, week, month and year rows at once, and no read. A rolled
back event therefore counts nothing; ``insights.rebuild`` recomputes the same rows from the raw
tables and the hypothesis test (``tests/test_aggregates_rebuild.py``) proves both equal.

Hooks (one call each):

* ``dossiers.services.intake.receive_dossier`` → :func:`dossier_received`;
* ``dossiers.services.transitions._finish`` (approval at the last step or refusal) →
  :func:`dossier_resolved`.

Metrics and their feed (``METRICS``); the attribution is the processing (lead) agency, the day
is the local date of the instant named. Rows with a procedure (``resolved`` and
``resolution_seconds`` per procedure) are kept per month and year only — a day grain per
agency × procedure would be most of the table — so per-procedure times are read for whole
months (``kpis.procedure_times`` widens the range and says so):

=====================  ==============  =============================================
metric                 feed            counted
=====================  ==============  =============================================
received               dossiers        ``received_at``
received_online        dossiers        ``received_at``, channel online / national portal
received_full_online   dossiers        the same, procedure version ``online_mode`` full
received_digitised     dossiers        ``received_at``, ≥ 1 file stored at intake
resolved_early|…late   dossiers        ``result_ready_at`` by ``outcome``
resolution_seconds     dossiers        ``result_ready_at``: whole seconds since receipt
resolved (per proc.)   dossiers        ``result_ready_at`` (procedure rows only)
payments|_online       payments        ``paid_at`` of a paid fee line (online: method)
evaluations|_satisfied evaluations     ``Evaluation.at``
feedback_due|_on_time  feedback        ``due_at`` passed at rebuild; agency of the feedback
synced_national        national_sync   ``received_at`` of a dossier synchronised
results_signed         signing         ``result_signed_at``
=====================  ==============  =============================================

Payments, evaluations and signed results are counted live too (``payment_recorded``,
``evaluation_recorded``, ``result_signed``, called by their services). The national-portal sync
is counted by the outbox listener that records it (``dossier_synchronised``). Feedback alone
stays with ``chinhquyen insights rebuild --feed feedback`` (nightly; the dashboard shows when):
its "due" is the passing of a deadline, not an event. ``FeedState`` records each rebuild; a
rebuild replaces a feed's counters, so live counting and rebuilding never add up twice.
"""

from __future__ import annotations

import datetime
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence

from django.db import connection
from django.utils import timezone

from chinhquyen.insights.periods import pieces

DOSSIERS, PAYMENTS, EVALUATIONS, FEEDBACK, NATIONAL_SYNC, SIGNING = (
    "dossiers",
    "payments",
    "evaluations",
    "feedback",
    "national_sync",
    "signing",
)
FEEDS = (DOSSIERS, PAYMENTS, EVALUATIONS, FEEDBACK, NATIONAL_SYNC, SIGNING)
METRICS: dict[str, str] = {
    "received": DOSSIERS,
    "received_online": DOSSIERS,
    "received_full_online": DOSSIERS,
    "received_digitised": DOSSIERS,
    "resolved_early": DOSSIERS,
    "resolved_on_time": DOSSIERS,
    "resolved_late": DOSSIERS,
    "resolution_seconds": DOSSIERS,
    "resolved": DOSSIERS,  # procedure rows only
    "payments": PAYMENTS,
    "payments_online": PAYMENTS,
    "evaluations": EVALUATIONS,
    "evaluations_satisfied": EVALUATIONS,
    "feedback_due": FEEDBACK,
    "feedback_on_time": FEEDBACK,
    "synced_national": NATIONAL_SYNC,
    "results_signed": SIGNING,
}
ONLINE_CHANNELS = ("online", "national_portal")
TABLE = "insights_counter"


def local_day(at: datetime.datetime) -> datetime.date:
    from chinhquyen.worktime.calendar import TZ

    return timezone.localtime(at, TZ).date()


def grain_keys(day: datetime.date) -> tuple[tuple[str, datetime.date], ...]:
    """The day, week (its Monday), month and year counter periods ``day`` adds to."""
    return (
        ("d", day),
        ("w", day - datetime.timedelta(days=day.weekday())),
        ("m", day.replace(day=1)),
        ("y", day.replace(month=1, day=1)),
    )


def bump(rows: Iterable[tuple[datetime.date, int, int, str, int]]) -> None:
    """Add ``(day, agency_id, procedure_id, metric, delta)`` to the day, week, month and year
    counters: one INSERT … ON CONFLICT statement, rows in key order (no deadlock between two
    transactions bumping the same rows)."""
    merged: dict[tuple, int] = defaultdict(int)
    for day, agency_id, procedure_id, metric, delta in rows:
        if not delta:
            continue
        for grain, period in grain_keys(day):
            if procedure_id and grain in ("d", "w"):
                continue  # per-procedure figures are kept per month and year only
            merged[(grain, procedure_id, period, agency_id, metric)] += delta
    if not merged:
        return
    keys = sorted(merged)
    values = ", ".join(["(%s, %s, %s, %s, %s, %s)"] * len(keys))
    params: list = []
    for key in keys:
        grain, procedure_id, period, agency_id, metric = key
        params += [grain, period, agency_id, procedure_id, metric, merged[key]]
    sql = (
        f"INSERT INTO {TABLE} (grain, period, agency_id, procedure_id, metric, value) "
        f"VALUES {values} ON CONFLICT (grain, procedure_id, period, agency_id, metric) "
        f"DO UPDATE SET value = {TABLE}.value + excluded.value"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


# --- hooks called by the services, inside their transaction ------------------------------------


def dossier_received(dossier, *, full_online: bool, digitised: bool) -> None:
    """Count a dossier just received (call inside ``receive_dossier``'s transaction).

    ``full_online``: received online for a procedure version offered fully online;
    ``digitised``: at least one component file stored at intake.
    """
    day = local_day(dossier.received_at)
    agency = dossier.lead_agency_id
    online = dossier.channel in ONLINE_CHANNELS
    bump(
        [
            (day, agency, 0, "received", 1),
            (day, agency, 0, "received_online", int(online)),
            (day, agency, 0, "received_full_online", int(online and full_online)),
            (day, agency, 0, "received_digitised", int(digitised)),
        ]
    )


def resolution_seconds(dossier) -> int:
    """Whole seconds from receipt to result (floor of each instant; never negative)."""
    ready = math.floor(dossier.result_ready_at.timestamp())
    return max(0, ready - math.floor(dossier.received_at.timestamp()))


def dossier_resolved(dossier) -> None:
    """Count a dossier whose result just became ready (``result_ready_at`` and ``outcome``
    set; call inside the transition's transaction)."""
    day = local_day(dossier.result_ready_at)
    agency = dossier.lead_agency_id
    proc = dossier.procedure_id
    seconds = resolution_seconds(dossier)
    bump(
        [
            (day, agency, 0, f"resolved_{dossier.outcome}", 1),
            (day, agency, 0, "resolution_seconds", seconds),
            (day, agency, proc, "resolved", 1),
            (day, agency, proc, "resolution_seconds", seconds),
        ]
    )


def payment_recorded(payment, *, lead_agency_id: int) -> None:
    """Count a fee line just paid (call inside ``dossiers.services.payments.record_payment``'s
    transaction)."""
    day = local_day(payment.paid_at)
    bump(
        [
            (day, lead_agency_id, 0, "payments", 1),
            (day, lead_agency_id, 0, "payments_online", int(payment.method == "online")),
        ]
    )


def evaluation_recorded(evaluation, *, lead_agency_id: int) -> None:
    """Count a rating just recorded (call inside ``record_evaluation``'s transaction)."""
    day = local_day(evaluation.at)
    bump(
        [
            (day, lead_agency_id, 0, "evaluations", 1),
            (day, lead_agency_id, 0, "evaluations_satisfied", int(is_satisfied(evaluation))),
        ]
    )


def result_signed(dossier) -> None:
    """Count a result just signed (call inside the signing transaction)."""
    bump([(local_day(dossier.result_signed_at), dossier.lead_agency_id, 0, "results_signed", 1)])


def dossier_synchronised(*, received_at: datetime.datetime, lead_agency_id: int) -> None:
    """Count a dossier the national portal accepted for the first time (called by the outbox
    listener that records it, in the transaction marking the message delivered); attributed to
    the day the dossier was received, as the indicator is."""
    bump([(local_day(received_at), lead_agency_id, 0, "synced_national", 1)])


def is_satisfied(evaluation) -> bool:
    """UNCONFIRMED reading of 766 group 5 "satisfied": no substantiated complaint and the mean
    of the rated Decree 61 Art. 31 criteria (0–2: time, accuracy, attitude, lawfulness, and
    complaint handling / online quality when rated) is at least 1. The two counts (agencies
    and contacts) are not ratings and are left out."""
    ratings = [
        evaluation.time_rating,
        evaluation.procedure_accuracy,
        evaluation.attitude,
        evaluation.lawfulness,
    ]
    ratings += [
        r for r in (evaluation.complaint_handling, evaluation.online_quality) if r is not None
    ]
    return not evaluation.has_complaint and sum(ratings) >= len(ratings)


# --- reading --------------------------------------------------------------------------------


def _period_branches(ranges: Sequence[tuple[datetime.date, datetime.date]]):
    """The counter periods covering ``ranges``: ``[(grain, [period starts])]`` (one branch per
    grain, each an index range scan), and the map (grain, period) -> index of its range."""
    owner: dict[tuple[str, datetime.date], int] = {}
    for index, (start, end) in enumerate(ranges):
        for piece in pieces(start, end):
            owner[piece] = index
    by_grain: dict[str, list[datetime.date]] = defaultdict(list)
    for grain, period in owner:
        by_grain[grain].append(period)
    return sorted((g, sorted(p)) for g, p in by_grain.items()), owner


def _union(select: str, where: str, branches, extra_params: list) -> tuple[str, list]:
    """``select … WHERE c.grain = g AND c.period IN (…) AND where`` once per grain, UNION
    ALL'd: each branch is one index(-only) scan of the counter key, where an OR of the grains
    would make PostgreSQL fall back to a bitmap scan of the heap."""
    parts, params = [], []
    runs = []
    for grain, periods in branches:
        # Periods far apart (the two ends of a custom range) get their own index range each.
        run = [periods[0]]
        for period in periods[1:]:
            if (period - run[-1]).days > 31:
                runs.append((grain, run))
                run = []
            run.append(period)
        runs.append((grain, run))
    for grain, periods in runs:
        marks = ", ".join(["%s"] * len(periods))
        # The BETWEEN bounds the index range scan; without it PostgreSQL may read every
        # period of the grain and filter (seen with ~15 metrics in the IN list).
        parts.append(
            f"{select} WHERE c.grain = %s AND c.period BETWEEN %s AND %s "
            f"AND c.period IN ({marks}) AND {where}"
        )
        params += [grain, periods[0], periods[-1], *periods, *extra_params]
    if not parts:
        parts.append(f"{select} WHERE 1 = 0")
    return " UNION ALL ".join(parts), params


def _org_filter(root, level) -> tuple[str, str, list]:
    """JOIN and WHERE for the agencies of ``root``'s subtree (and ``level``)."""
    join = "JOIN directory_organisation o ON o.id = c.agency_id"
    where, params = "", []
    if root is not None:
        where += " AND o.path LIKE %s"
        params.append(root.path + "%")
    if level is not None:
        join += " LEFT JOIN directory_administrativeunit u ON u.id = o.administrative_unit_id"
        where += " AND COALESCE(u.level, 'province') = %s"
        params.append(level)
    return join, where, params


def read(
    *,
    root=None,
    start: datetime.date,
    end: datetime.date,
    level: str | None = None,
    metrics: Sequence[str],
    child_paths: Sequence[str] = (),
) -> dict[str | None, dict[str, int]]:
    """Sums of ``metrics`` over ``[start, end]`` for ``root``'s subtree: key None = total,
    and one key per path of ``child_paths`` (direct children, and root itself) = its subtree
    (root's own row: its own figures only). One grouped query."""
    from chinhquyen.directory.models import Organisation

    branches, _owner = _period_branches([(start, end)])
    join, where, org_params = _org_filter(root, level)
    width = (root.depth + 1 if root is not None else 1) * Organisation.steplen
    marks = ", ".join(["%s"] * len(metrics))
    inner, params = _union(
        f"SELECT substr(o.path, 1, {int(width)}) AS child, c.metric, c.value FROM {TABLE} c {join}",
        f"c.procedure_id = 0 AND c.metric IN ({marks}){where}",
        branches,
        [*metrics, *org_params],
    )
    sql = f"SELECT child, metric, SUM(value) FROM ({inner}) u GROUP BY child, metric"
    out: dict[str | None, dict[str, int]] = {None: defaultdict(int)}
    wanted = set(child_paths)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for child, metric, value in cursor.fetchall():
            value = int(value)
            out[None][metric] += value
            key = (
                child
                if child in wanted
                else (root.path if root is not None and child == root.path else None)
            )
            if key is not None:
                out.setdefault(key, defaultdict(int))[metric] += value
    return out


def read_series(
    *,
    root=None,
    level: str | None = None,
    metrics: Sequence[str],
    periods: Sequence[tuple[datetime.date, datetime.date]],
) -> list[dict[str, int]]:
    """Sums of ``metrics`` for each of ``periods`` (disjoint ranges): one query."""
    branches, owner = _period_branches(periods)
    join, where, org_params = _org_filter(root, level)
    marks = ", ".join(["%s"] * len(metrics))
    inner, params = _union(
        f"SELECT c.grain, c.period, c.metric, c.value FROM {TABLE} c {join}",
        f"c.procedure_id = 0 AND c.metric IN ({marks}){where}",
        branches,
        [*metrics, *org_params],
    )
    sql = (
        f"SELECT grain, period, metric, SUM(value) FROM ({inner}) u GROUP BY grain, period, metric"
    )
    out: list[dict[str, int]] = [defaultdict(int) for _ in periods]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for grain, period, metric, value in cursor.fetchall():
            if isinstance(period, str):
                period = datetime.date.fromisoformat(period)
            out[owner[(grain, period)]][metric] += int(value)
    return out


def read_procedures(
    *, root=None, start: datetime.date, end: datetime.date, level: str | None = None
) -> dict[int, tuple[int, int]]:
    """procedure_id -> (resolved, resolution seconds) over ``[start, end]``, which must be
    whole months (see ``procedure_months``): one query."""
    branches, _owner = _period_branches([(start, end)])
    join, where, org_params = _org_filter(root, level)
    inner, params = _union(
        f"SELECT c.procedure_id, c.metric, c.value FROM {TABLE} c {join}",
        f"c.procedure_id <> 0 AND c.metric IN ('resolved', 'resolution_seconds'){where}",
        branches,
        org_params,
    )
    sql = f"SELECT procedure_id, metric, SUM(value) FROM ({inner}) u GROUP BY procedure_id, metric"
    out: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for procedure_id, metric, value in cursor.fetchall():
            out[procedure_id][0 if metric == "resolved" else 1] += int(value)
    return {pk: (v[0], v[1]) for pk, v in out.items()}


def feed_states() -> dict[str, datetime.datetime | None]:
    """feed -> when it was last rebuilt (None: never; the dossiers feed is incremental)."""
    from chinhquyen.insights.models import FeedState

    states = dict(FeedState.objects.values_list("feed", "rebuilt_at"))
    return {feed: states.get(feed) for feed in FEEDS}


def national_sync_available() -> bool:
    """Whether the platform records synchronisation to the national portal (the
    ``exchange.national_sync`` module and its table); without it the share shows "no data"."""
    from chinhquyen.insights import rebuild

    return rebuild.national_sync_source() is not None
