"""Statistics of official documents per agency and period (thống kê văn bản, issue 5 item 7).

Public signature, reused by the IOC dashboard (keep it stable)::

    document_statistics(*, root=None, start, end, by="agency", within=None)
        -> list[DocumentStatisticsRow]

* ``start``/``end`` — aware datetimes, the half-open period ``[start, end)``;
  :func:`period_for_dates` turns an inclusive range of local dates into one.
* ``root`` — an ``Organisation``: only it and its subtree (None: the whole province).
* ``by`` — ``"agency"``: a division (phòng, kind ``division``) counts for the closest
  ancestor that is not a division (its department, committee …); ``"organisation"``: each
  organisation as recorded.
* ``within`` — optional list of organisation path prefixes the caller may see (the view passes
  the user's scope); rows outside are left out.

Rows come in tree order: every current agency of the subtree (zeros included, so an agency that
exchanges nothing electronically is visible), plus any former one that has figures.
:func:`total_of` sums rows. Six queries, whatever the number of documents (pinned in
``tests/test_statistics.py``). Secret documents are counted like the others: only numbers are
returned, never a summary or a name.

Formulas (each document counts for its own organisation, each assignment/task for its unit):

* **incoming received** (văn bản đến) = incoming documents whose arrival time ``arrived_at`` is
  in the period, except those returned to the sender as wrong or invalid (status
  ``returned``: never entered the book); **paper** = channel ``paper`` (scanned), **electronic** =
  channel ``internal`` (from an agency on the platform) or ``exchange`` (edXML).
* **outgoing issued** (văn bản đi) = outgoing documents issued in the period (``issued_at`` in
  the period, status ``issued`` or ``recalled`` — recalled after issue still was issued);
  **issued electronically** = those with at least one recipient reached on the platform or
  through the exchange (recipient channel ``internal`` or ``exchange``); **on paper** = the rest
  (post only, or no recipient recorded).
* **signed digitally** = outgoing documents issued in the period that have a digitally signed
  file (``DocumentFile`` of kind ``signed``).
* **electronic share** (tỷ lệ văn bản trao đổi dưới dạng điện tử) = (incoming electronic +
  outgoing issued electronically) / (incoming received + outgoing issued) × 100, one decimal
  (half up); ``None`` when the agency exchanged nothing. **Target met** when the exact share is
  strictly greater than 97 % (``ELECTRONIC_TARGET``).
* **overdue assignments** (phân công xử lý quá hạn) — an assignment with a deadline, not
  withdrawn (``cancelled``), not only for information (role ``information``), given before
  ``end``, whose deadline ``due_at`` is before ``end``, and either
  (a) **still open at end**: not completed, or completed at or after ``end``; or
  (b) **completed late in the period**: completed in the period, after its deadline.
  Counted as ``assignments_open_overdue`` (a) and ``assignments_completed_late`` (b);
  ``assignments_overdue`` = a + b.
* **overdue tasks** (nhiệm vụ quá hạn) — the same rule for follow-up tasks (``FollowUpTask``:
  done = ``done``, withdrawn = ``cancelled``, given at ``created_at``), per responsible unit.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, fields
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone

from chinhquyen.directory.choices import OrganisationKind
from chinhquyen.directory.models import Organisation
from chinhquyen.documents.choices import (
    AssignmentRole,
    AssignmentStatus,
    FileKind,
    IncomingChannel,
    IncomingStatus,
    OutgoingStatus,
    RecipientChannel,
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
from chinhquyen.worktime.calendar import TZ

ELECTRONIC_TARGET = Decimal("97")
GROUPINGS = ("agency", "organisation")
ELECTRONIC_CHANNELS = (IncomingChannel.INTERNAL, IncomingChannel.EXCHANGE)
ELECTRONIC_RECIPIENTS = (RecipientChannel.INTERNAL, RecipientChannel.EXCHANGE)


@dataclass
class DocumentStatisticsRow:
    """The figures of one agency (or organisation) for the period; see the module docstring."""

    organisation_id: int | None
    name: str
    name_en: str = ""
    code: str = ""
    path: str = ""
    incoming_paper: int = 0
    incoming_electronic: int = 0
    outgoing_issued: int = 0
    outgoing_electronic: int = 0
    signed_digitally: int = 0
    assignments_open_overdue: int = 0
    assignments_completed_late: int = 0
    tasks_open_overdue: int = 0
    tasks_completed_late: int = 0

    @property
    def incoming_received(self) -> int:
        return self.incoming_paper + self.incoming_electronic

    @property
    def outgoing_paper(self) -> int:
        return self.outgoing_issued - self.outgoing_electronic

    @property
    def exchanged(self) -> int:
        """Documents received and issued."""
        return self.incoming_received + self.outgoing_issued

    @property
    def exchanged_electronically(self) -> int:
        return self.incoming_electronic + self.outgoing_electronic

    @property
    def electronic_share(self) -> Decimal | None:
        """Percentage, one decimal (half up); None when nothing was exchanged."""
        if not self.exchanged:
            return None
        share = Decimal(100 * self.exchanged_electronically) / Decimal(self.exchanged)
        return share.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    @property
    def target_met(self) -> bool | None:
        """Electronic share strictly above 97 % (exact, not the rounded figure)."""
        if not self.exchanged:
            return None
        return 100 * self.exchanged_electronically > ELECTRONIC_TARGET * self.exchanged

    @property
    def assignments_overdue(self) -> int:
        return self.assignments_open_overdue + self.assignments_completed_late

    @property
    def tasks_overdue(self) -> int:
        return self.tasks_open_overdue + self.tasks_completed_late

    def add(self, other: DocumentStatisticsRow) -> None:
        for name in COUNT_FIELDS:
            setattr(self, name, getattr(self, name) + getattr(other, name))


COUNT_FIELDS = tuple(f.name for f in fields(DocumentStatisticsRow) if f.type == "int")


def total_of(rows: Iterable[DocumentStatisticsRow], *, name: str = "") -> DocumentStatisticsRow:
    total = DocumentStatisticsRow(organisation_id=None, name=name)
    for row in rows:
        total.add(row)
    return total


def period_for_dates(
    first: datetime.date, last: datetime.date
) -> tuple[datetime.datetime, datetime.datetime]:
    """The local (Asia/Ho_Chi_Minh) period from the start of ``first`` to the end of ``last``."""
    return (
        datetime.datetime.combine(first, datetime.time(), tzinfo=TZ),
        datetime.datetime.combine(last + datetime.timedelta(days=1), datetime.time(), tzinfo=TZ),
    )


def _in_paths(queryset: QuerySet, lookup: str, prefixes: Iterable[str]) -> QuerySet:
    condition = Q()
    for prefix in prefixes:
        condition |= Q(**{f"{lookup}__path__startswith": prefix})
    return queryset.filter(condition)


def _scoped(queryset: QuerySet, lookup: str, root, within) -> QuerySet:
    if root is not None:
        queryset = queryset.filter(**{f"{lookup}__path__startswith": root.path})
    if within is not None:
        queryset = _in_paths(queryset, lookup, within)
    return queryset


def _agency_keys(organisations: list[dict], by: str) -> dict[int, int]:
    """Organisation id → the id of the row it counts in."""
    if by == "organisation":
        return {org["pk"]: org["pk"] for org in organisations}
    by_path = {org["path"]: org for org in organisations}
    steplen = Organisation.steplen
    keys: dict[int, int] = {}
    for org in organisations:
        target = org
        path = org["path"]
        # Walk up while the unit is a division (phòng): it counts for its agency.
        while target["kind"] == OrganisationKind.DIVISION and len(path) > steplen:
            path = path[:-steplen]
            parent = by_path.get(path)
            if parent is None:
                break
            target = parent
        keys[org["pk"]] = target["pk"]
    return keys


def document_statistics(
    *,
    root: Organisation | None = None,
    start: datetime.datetime,
    end: datetime.datetime,
    by: str = "agency",
    within: list[str] | None = None,
) -> list[DocumentStatisticsRow]:
    """Documents received and issued, the electronic share and overdue work, per agency.

    See the module docstring for the signature's contract and every formula.
    """
    if by not in GROUPINGS:
        raise ValueError(f"by must be one of {GROUPINGS}, not {by!r}")
    if timezone.is_naive(start) or timezone.is_naive(end):
        raise ValueError("start and end must be timezone-aware")
    if end <= start:
        raise ValueError("end must be after start")

    organisations = Organisation.objects.all()
    if root is not None:
        # The ancestors too, so that a division under root maps to its agency above root.
        organisations = organisations.filter(
            Q(path__startswith=root.path)
            | Q(
                path__in=[
                    root.path[:i]
                    for i in range(Organisation.steplen, len(root.path), Organisation.steplen)
                ]
            )
        )
    orgs = list(
        organisations.order_by("path").values(
            "pk", "path", "kind", "name", "name_en", "qcvn_code", "valid_until"
        )
    )
    keys = _agency_keys(orgs, by)
    info = {org["pk"]: org for org in orgs}
    rows: dict[int, DocumentStatisticsRow] = {}

    def visible(path: str) -> bool:
        inside_root = root is None or path.startswith(root.path)
        inside_scope = within is None or any(path.startswith(p) for p in within)
        return inside_root and inside_scope

    def row(organisation_id: int) -> DocumentStatisticsRow:
        key = keys.get(organisation_id, organisation_id)
        if key != organisation_id and not visible(info[key]["path"]):
            # The agency above is outside what the caller may see: keep the unit's own row.
            key = organisation_id
        found = rows.get(key)
        if found is None:
            org = info[key]
            found = rows[key] = DocumentStatisticsRow(
                organisation_id=key,
                name=org["name"],
                name_en=org["name_en"],
                code=org["qcvn_code"] or "",
                path=org["path"],
            )
        return found

    # Every current agency of the subtree gets a row, zeros included.
    for org in orgs:
        if org["valid_until"] is None and keys[org["pk"]] == org["pk"] and visible(org["path"]):
            row(org["pk"])

    incoming = (
        _scoped(IncomingDocument.objects.all(), "organisation", root, within)
        .filter(arrived_at__gte=start, arrived_at__lt=end)
        .exclude(status=IncomingStatus.RETURNED)
        .values("organisation", "channel")
        .annotate(count=Count("id"))
        .order_by()
    )
    for item in incoming:
        target = row(item["organisation"])
        if item["channel"] in ELECTRONIC_CHANNELS:
            target.incoming_electronic += item["count"]
        else:
            target.incoming_paper += item["count"]

    electronic_recipient = Recipient.objects.filter(
        document=OuterRef("pk"), channel__in=ELECTRONIC_RECIPIENTS
    )
    signed_file = DocumentFile.objects.filter(outgoing=OuterRef("pk"), kind=FileKind.SIGNED)
    outgoing = (
        _scoped(OutgoingDocument.objects.all(), "organisation", root, within)
        .filter(
            status__in=[OutgoingStatus.ISSUED, OutgoingStatus.RECALLED],
            issued_at__gte=start,
            issued_at__lt=end,
        )
        .annotate(is_electronic=Exists(electronic_recipient), is_signed=Exists(signed_file))
        .values("organisation")
        .annotate(
            issued=Count("id"),
            electronic=Count("id", filter=Q(is_electronic=True)),
            signed=Count("id", filter=Q(is_signed=True)),
        )
        .order_by()
    )
    for item in outgoing:
        target = row(item["organisation"])
        target.outgoing_issued += item["issued"]
        target.outgoing_electronic += item["electronic"]
        target.signed_digitally += item["signed"]

    for model, given, done, withdrawn, prefix in (
        (
            Assignment,
            "assigned_at",
            AssignmentStatus.COMPLETED,
            AssignmentStatus.CANCELLED,
            "assignments",
        ),
        (FollowUpTask, "created_at", TaskStatus.DONE, TaskStatus.CANCELLED, "tasks"),
    ):
        open_at_end = ~Q(status=done) | Q(completed_at__gte=end)
        completed_late = Q(
            status=done,
            completed_at__gte=start,
            completed_at__lt=end,
            completed_at__gt=F("due_at"),
        )
        items = (
            _scoped(model.objects.all(), "unit", root, within)
            .filter(due_at__isnull=False, due_at__lt=end, **{f"{given}__lt": end})
            .exclude(status=withdrawn)
        )
        if model is Assignment:
            items = items.exclude(role=AssignmentRole.INFORMATION)
        grouped = (
            items.filter(open_at_end | completed_late)
            .values("unit")
            .annotate(
                open_overdue=Count("id", filter=open_at_end),
                completed_late=Count("id", filter=completed_late),
            )
            .order_by()
        )
        for item in grouped:
            target = row(item["unit"])
            setattr(
                target,
                f"{prefix}_open_overdue",
                getattr(target, f"{prefix}_open_overdue") + item["open_overdue"],
            )
            setattr(
                target,
                f"{prefix}_completed_late",
                getattr(target, f"{prefix}_completed_late") + item["completed_late"],
            )

    return sorted(rows.values(), key=lambda r: r.path)
