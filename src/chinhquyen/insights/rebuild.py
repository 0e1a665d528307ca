# ruff: noqa: S608 — SQL is assembled from constants and computed literals, never from input
"""Recompute the counters from the raw tables (``chinhquyen insights rebuild``).

``rebuild(feeds=…, start=None, end=None)`` deletes the counters of the feeds' metrics whose
period lies in ``[start, end]`` (local dates; None = everything) and writes them again with a
few ``INSERT … SELECT … GROUP BY`` statements run by the database (day rows from the raw
tables, then week, month and year rows summed from the day rows), in one transaction, so the
dashboard never sees a half-built state. A partial range is widened to whole years so that the
month and year rows stay exact. Same definitions as ``aggregates`` (the hypothesis test holds
them to it).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db import connection, transaction
from django.utils import timezone

from chinhquyen.insights import aggregates
from chinhquyen.insights.aggregates import METRICS, TABLE
from chinhquyen.insights.periods import bounds


def _local_date(expr: str) -> str:
    from chinhquyen.worktime.calendar import TZ

    if connection.vendor == "postgresql":
        return f"(({expr}) AT TIME ZONE '{TZ.key}')::date"
    # SQLite stores UTC text; Viet Nam has had no summer time since 1975, so a fixed offset.
    offset = int(datetime.datetime(2020, 1, 1, tzinfo=TZ).utcoffset().total_seconds() // 60)
    return f"date({expr}, '{offset:+d} minutes')"


def _seconds_between(later: str, earlier: str) -> str:
    """Whole seconds: floor(epoch of later) − floor(epoch of earlier), as
    ``aggregates.resolution_seconds`` computes it."""
    if connection.vendor == "postgresql":
        return (
            f"(FLOOR(EXTRACT(EPOCH FROM {later})) - FLOOR(EXTRACT(EPOCH FROM {earlier})))::bigint"
        )
    return (
        f"(CAST(strftime('%s', {later}) AS INTEGER) - CAST(strftime('%s', {earlier}) AS INTEGER))"
    )


def _truncate(grain: str, expr: str, *, escape: bool = True) -> str:
    """First day of the week (Monday) / month / year of a date expression (``%`` doubled for
    a statement run with parameters)."""
    if connection.vendor == "postgresql":
        unit = {"w": "week", "m": "month", "y": "year"}[grain]
        return f"date_trunc('{unit}', {expr})::date"
    if grain == "w":  # forward to Sunday (or stay), back six days: that week's Monday
        return f"date({expr}, 'weekday 0', '-6 days')"
    pattern = "%Y-%m-01" if grain == "m" else "%Y-01-01"
    if escape:
        pattern = pattern.replace("%", "%%")
    return f"strftime('{pattern}', {expr})"


def national_sync_source() -> tuple[str, str, str] | None:
    """(table, dossier column, synchronised-at column) of the national-portal sync record
    (``exchange.NationalDossierSync``: a row once the portal accepted a status of the
    dossier), or None when this installation has no such table."""
    from django.apps import apps

    try:
        model = apps.get_model("exchange", "NationalDossierSync")
    except LookupError:
        return None
    return (
        model._meta.db_table,
        model._meta.get_field("dossier").column,
        model._meta.get_field("first_pushed_at").column,
    )


RX, RS = "insights_rebuild_received", "insights_rebuild_resolved"


def _dossier_selects(where_received: str, where_resolved: str) -> tuple[list, list, list]:
    """(prepare, SELECTs of (day, agency, proc, metric, value), cleanup) for the dossiers
    feed: the dossier table is scanned once per date column into a temporary table, which
    the SELECTs unpivot."""
    received_day = _local_date("d.received_at")
    ready_day = _local_date("d.result_ready_at")
    online = "d.channel IN ('online', 'national_portal')"
    full = f"({online} AND v.online_mode = 'full')"
    digitised = (
        "EXISTS (SELECT 1 FROM dossiers_dossierattachment a WHERE a.dossier_id = d.id "
        "AND a.is_supplement = FALSE AND a.uploaded_at = d.received_at)"
    )
    if connection.vendor != "postgresql":
        digitised = digitised.replace("FALSE", "0")
    received = (
        f"SELECT {received_day} AS day, d.lead_agency_id AS agency, "
        f"COUNT(*) AS n, SUM(CASE WHEN {online} THEN 1 ELSE 0 END) AS n_online, "
        f"SUM(CASE WHEN {full} THEN 1 ELSE 0 END) AS n_full, "
        f"SUM(CASE WHEN {digitised} THEN 1 ELSE 0 END) AS n_digitised "
        "FROM dossiers_dossier d "
        "JOIN procedures_procedureversion v ON v.id = d.procedure_version_id "
        f"WHERE {where_received} GROUP BY {received_day}, d.lead_agency_id"
    )
    seconds = _seconds_between("d.result_ready_at", "d.received_at")
    resolved = (
        f"SELECT {ready_day} AS day, d.lead_agency_id AS agency, d.procedure_id AS proc, "
        "SUM(CASE WHEN d.outcome = 'early' THEN 1 ELSE 0 END) AS n_early, "
        "SUM(CASE WHEN d.outcome = 'on_time' THEN 1 ELSE 0 END) AS n_on_time, "
        "SUM(CASE WHEN d.outcome = 'late' THEN 1 ELSE 0 END) AS n_late, "
        f"COUNT(*) AS n, SUM(CASE WHEN {seconds} > 0 THEN {seconds} ELSE 0 END) AS secs "
        f"FROM dossiers_dossier d WHERE d.result_ready_at IS NOT NULL AND d.outcome <> '' "
        f"AND {where_resolved} GROUP BY {ready_day}, d.lead_agency_id, d.procedure_id"
    )
    prepare = [f"CREATE TEMP TABLE {RX} AS {received}", f"CREATE TEMP TABLE {RS} AS {resolved}"]
    out = [
        f"SELECT day, agency, 0 AS proc, '{metric}' AS metric, {column} AS value FROM {RX} r"
        for metric, column in (
            ("received", "n"),
            ("received_online", "n_online"),
            ("received_full_online", "n_full"),
            ("received_digitised", "n_digitised"),
        )
    ]
    for metric, column in (
        ("resolved_early", "n_early"),
        ("resolved_on_time", "n_on_time"),
        ("resolved_late", "n_late"),
        ("resolution_seconds", "secs"),
    ):
        out.append(
            f"SELECT day, agency, 0 AS proc, '{metric}' AS metric, SUM({column}) AS value "
            f"FROM {RS} r GROUP BY day, agency"
        )
    for grain in ("m", "y"):  # per-procedure rows: month and year grains only
        period = _truncate(grain, "day", escape=False)
        for metric, column in (("resolved", "n"), ("resolution_seconds", "secs")):
            out.append(
                (
                    grain,
                    f"SELECT {period} AS day, agency, proc, '{metric}' AS metric, "
                    f"SUM({column}) AS value FROM {RS} r GROUP BY {period}, agency, proc",
                )
            )
    return prepare, out, [f"DROP TABLE {RX}", f"DROP TABLE {RS}"]


def _feed_statements(feed: str, lo: str, hi: str, now: str) -> tuple[list, list, list]:
    """(prepare, SELECTs, cleanup) of one feed."""
    if feed == aggregates.DOSSIERS:
        return _dossier_selects(
            f"d.received_at >= {lo} AND d.received_at < {hi}",
            f"d.result_ready_at >= {lo} AND d.result_ready_at < {hi}",
        )
    return [], _feed_selects(feed, lo, hi, now), []


def _counted(day: str, agency: str, metric: str, rest: str, value: str = "COUNT(*)") -> str:
    """``SELECT day, agency, 0, metric, value <rest> GROUP BY day, agency``."""
    return (
        f"SELECT {day} AS day, {agency} AS agency, 0 AS proc, '{metric}' AS metric, "
        f"{value} AS value {rest} GROUP BY {day}, {agency}"
    )


def _feed_selects(feed: str, lo: str, hi: str, now: str) -> list[str]:
    """SELECTs for the other feeds; ``lo``/``hi``/``now`` are SQL literals of instants."""
    if feed == aggregates.PAYMENTS:
        day = _local_date("p.paid_at")
        paid = (
            "FROM dossiers_payment p JOIN dossiers_dossier d ON d.id = p.dossier_id "
            f"WHERE p.paid_at >= {lo} AND p.paid_at < {hi}"
        )
        return [
            _counted(day, "d.lead_agency_id", "payments", paid),
            _counted(day, "d.lead_agency_id", "payments_online", f"{paid} AND p.method = 'online'"),
        ]
    if feed == aggregates.EVALUATIONS:
        day = _local_date("e.at")
        ratings = (
            "e.time_rating + e.procedure_accuracy + e.attitude + e.lawfulness"
            " + COALESCE(e.complaint_handling, 0) + COALESCE(e.online_quality, 0)"
        )
        count = (
            "4 + CASE WHEN e.complaint_handling IS NULL THEN 0 ELSE 1 END"
            " + CASE WHEN e.online_quality IS NULL THEN 0 ELSE 1 END"
        )
        false = "FALSE" if connection.vendor == "postgresql" else "0"
        rated = (
            "FROM dossiers_evaluation e JOIN dossiers_dossier d ON d.id = e.dossier_id "
            f"WHERE e.at >= {lo} AND e.at < {hi}"
        )
        satisfied = f"{rated} AND e.has_complaint = {false} AND {ratings} >= {count}"
        return [
            _counted(day, "d.lead_agency_id", "evaluations", rated),
            _counted(day, "d.lead_agency_id", "evaluations_satisfied", satisfied),
        ]
    if feed == aggregates.FEEDBACK:
        day = _local_date("f.due_at")
        due = (
            f"FROM dossiers_feedback f WHERE f.due_at >= {lo} AND f.due_at < {hi} "
            f"AND f.due_at < {now}"
        )
        on_time = f"{due} AND f.answered_at IS NOT NULL AND f.answered_at <= f.due_at"
        return [
            _counted(day, "f.agency_id", "feedback_due", due),
            _counted(day, "f.agency_id", "feedback_on_time", on_time),
        ]
    if feed == aggregates.SIGNING:
        day = _local_date("d.result_signed_at")
        signed = (
            "FROM dossiers_dossier d "
            f"WHERE d.result_signed_at >= {lo} AND d.result_signed_at < {hi}"
        )
        return [_counted(day, "d.lead_agency_id", "results_signed", signed)]
    if feed == aggregates.NATIONAL_SYNC:
        source = national_sync_source()
        if source is None:
            return []
        table, fk, at = source
        day = _local_date("d.received_at")
        synced = (
            f"FROM dossiers_dossier d WHERE d.received_at >= {lo} AND d.received_at < {hi} "
            f"AND EXISTS (SELECT 1 FROM {table} s WHERE s.{fk} = d.id AND s.{at} IS NOT NULL)"
        )
        return [_counted(day, "d.lead_agency_id", "synced_national", synced)]
    raise ValueError(f"unknown feed {feed!r}")


def _lit(value: datetime.datetime) -> str:
    """A datetime as the SQL literal of its stored form (computed here, never user input)."""
    stored = connection.ops.adapt_datetimefield_value(value)
    return "'" + str(stored).replace("'", "") + "'"


def _whole_years(start, end) -> tuple[datetime.date, datetime.date]:
    return datetime.date(start.year, 1, 1), datetime.date(end.year, 12, 31)


def rebuild(
    *,
    feeds: Iterable[str] = aggregates.FEEDS,
    start: datetime.date | None = None,
    end: datetime.date | None = None,
) -> dict[str, int]:
    """Recompute the counters of ``feeds`` over ``[start, end]`` (widened to whole years;
    None = all time). Returns feed -> day rows written. One transaction."""
    from chinhquyen.insights.models import FeedState

    feeds = list(feeds)
    unknown = set(feeds) - set(aggregates.FEEDS)
    if unknown:
        raise ValueError(f"unknown feeds {sorted(unknown)}")
    if start is None or end is None:
        start, end = datetime.date(1970, 1, 1), datetime.date(2999, 12, 31)
    start, end = _whole_years(start, end)
    lo, hi = bounds(start, end)
    now = timezone.now()
    written: dict[str, int] = {}
    with transaction.atomic(), connection.cursor() as cursor:
        for feed in feeds:
            metrics = [m for m, f in METRICS.items() if f == feed]
            marks = ", ".join(["%s"] * len(metrics))
            cursor.execute(
                f"DELETE FROM {TABLE} WHERE metric IN ({marks}) AND period >= %s AND period <= %s",
                [*metrics, start, end],
            )
            count = 0
            prepare, selects, cleanup = _feed_statements(feed, _lit(lo), _lit(hi), _lit(now))
            for statement in prepare:
                cursor.execute(statement)
            # One INSERT, rows in key order: the B-trees are appended to, not split at random.
            branches = []
            for select in selects:
                grain, select = select if isinstance(select, tuple) else ("d", select)
                branches.append(
                    f"SELECT '{grain}' AS grain, x.day, x.agency, x.proc, x.metric, x.value "
                    f"FROM ({select}) x WHERE x.value <> 0"
                )
            if branches:
                cursor.execute(
                    f"INSERT INTO {TABLE} (grain, period, agency_id, procedure_id, metric, value) "
                    f"SELECT * FROM ({' UNION ALL '.join(branches)}) u "
                    "ORDER BY 1, 4, 2, 3, 5"
                )
                count = max(cursor.rowcount, 0)
            for statement in cleanup:
                cursor.execute(statement)
            for grain in ("w", "m", "y"):
                cursor.execute(
                    f"INSERT INTO {TABLE} (grain, period, agency_id, procedure_id, metric, value) "
                    f"SELECT '{grain}', {_truncate(grain, 'period')}, agency_id, procedure_id, "
                    f"metric, SUM(value) FROM {TABLE} WHERE grain = 'd' AND metric IN ({marks}) "
                    "AND procedure_id = 0 "
                    f"AND period >= %s AND period <= %s GROUP BY {_truncate(grain, 'period')}, "
                    "agency_id, procedure_id, metric",
                    [*metrics, start, end],
                )
            written[feed] = count
            FeedState.objects.update_or_create(
                feed=feed,
                defaults={
                    "rebuilt_at": now,
                    "range_start": None if start.year == 1970 else start,
                    "range_end": None if end.year == 2999 else end,
                    "rows": count,
                },
            )
    return written
