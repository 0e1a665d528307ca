"""Full-text search of official documents (tra cứu văn bản): summaries, metadata and file text.

**Folding.** The searchable text is folded like the procedure catalogue
(``procedures.search.padded``: no diacritics, lower case, đ→d, words of a–z/0–9 separated by
single spaces, padded), so "cong van chuyen doi so" finds "Công văn … chuyển đổi số".
``reindex`` is called by every service that changes what is searchable (registration, text
extraction, drafting, numbering); it folds the summary, number/notation, signer, type, issuer or
issuing organisation, recipients, body and the files' text (OCR included).

**Matching.** Every word of the query must *begin* a word of the text ("chuyen" finds
"chuyển", "uyen" does not); the order of the words does not matter. The predicate has two
spellings with the same meaning over the same stored text (see docs/documents.md):

* SQLite (and any other database): ``search_text LIKE '% word%'`` for each word;
* PostgreSQL: ``search_vector @@ to_tsquery('simple', 'word1:* & word2:*')``, where
  ``search_vector`` is a stored generated column ``to_tsvector('simple', search_text)`` with a
  GIN index (migration ``documents 0003_search_indexes``). The folded text holds only a–z, 0–9
  and single spaces, so the default parser's tokens are exactly its space-separated words and
  the ``simple`` dictionary keeps each one as it is (no stemming, no stop words): a prefix
  lexeme ``w:*`` matches the same documents as ``' w'``. ``test_search_same_on_both_databases``
  runs a fixed set of queries on each database and checks the exact results.

**Access.** The documents searched are always those of ``services.access``
(``incoming_visible_to`` / ``outgoing_visible_to``): a secret document is neither listed nor
counted for someone who may not see it.

**Order and pages.** Newest first (incoming: arrival time; outgoing: issue time, or creation
time before issue), ties by id, 20 a page. The count is exact up to ``COUNT_LIMIT`` (200) and
shown as "more than 200" beyond — counting every match of a common word over a million
documents costs far more than the page itself; pages stop there too (10 pages): a search is
for finding, the registers (incoming/outgoing lists) are for browsing — refine the query.
"""

from __future__ import annotations

import datetime
import heapq
import re
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Literal

from django.db import connection
from django.db.models import BooleanField, DateTimeField, Exists, F, Lookup, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce
from django.db.models.lookups import In
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from chinhquyen.accounts.scopes import ALL, organisation_scope
from chinhquyen.documents.choices import OutgoingStatus, Secrecy
from chinhquyen.documents.models import Assignment, IncomingDocument, OutgoingDocument, ReviewStep
from chinhquyen.procedures.search import fold_words, padded

# Enough for the summary, the metadata and the first pages of OCR text.
SEARCH_TEXT_MAX = 20000
PAGE_SIZE = 20
COUNT_LIMIT = 200
MAX_WORDS = 8
MAX_QUERY_LENGTH = 200
# Outgoing documents are listed by issue time, or creation time while not issued.
LISTED_AT = Coalesce(F("issued_at"), F("created_at"), output_field=DateTimeField())

Kind = Literal["incoming", "outgoing", "all"]


def document_search_text(document: IncomingDocument | OutgoingDocument) -> str:
    parts = [
        document.subject,
        document.code,
        document.signer_name,
        document.signer_position,
        document.description,
        document.document_type.name if document.document_type_id else "",
    ]
    if isinstance(document, IncomingDocument):
        parts += [document.issuer_name, document.to_places, str(document.arrival_number or "")]
    else:
        parts += [document.organisation.name, document.body]
    if document.pk:
        parts += list(document.files.exclude(text="").values_list("text", flat=True))
    return padded(*parts)[:SEARCH_TEXT_MAX]


def reindex(document: IncomingDocument | OutgoingDocument) -> None:
    """Recompute and store the document's search text (one UPDATE, no change capture)."""
    document.search_text = document_search_text(document)
    type(document).objects.filter(pk=document.pk).update(search_text=document.search_text)


# --- Matching ---------------------------------------------------------------------------


def query_words(query: str) -> list[str]:
    """The distinct folded words of ``query`` (at most ``MAX_WORDS``), in order."""
    words: list[str] = []
    for word in fold_words((query or "")[:MAX_QUERY_LENGTH]).split():
        if word not in words:
            words.append(word)
    return words[:MAX_WORDS]


class AllWordPrefixes(Lookup):
    """``search_text__word_prefixes=["cong", "van"]``: every word begins a word of the text.

    Only for the padded, folded ``search_text`` of the documents tables (on PostgreSQL it reads
    the ``search_vector`` column beside it, see the module docstring).
    """

    lookup_name = "word_prefixes"
    prepare_rhs = False
    output_field = BooleanField()

    def get_db_prep_lookup(self, value, connection):
        return ("%s", list(value))

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        words = [word for word in self.rhs if word]
        if not words:
            return "1 = 1", []
        clauses, params = [], []
        for word in words:
            clauses.append(f"{lhs} LIKE %s ESCAPE '\\'")
            # Folded words hold only a-z and 0-9: nothing to escape, but stay safe.
            escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            params += [*lhs_params, f"% {escaped}%"]
        return "(" + " AND ".join(clauses) + ")", params

    def as_postgresql(self, compiler, connection):
        words = [word for word in self.rhs if word]
        if not words:
            return "1 = 1", []
        alias = getattr(self.lhs, "alias", None)
        column = connection.ops.quote_name("search_vector")
        quote = getattr(compiler, "quote_name", None) or compiler.quote_name_unless_alias
        vector = f"{quote(alias)}.{column}" if alias else column
        tsquery = " & ".join(f"{word}:*" for word in words if word.isalnum() and word.isascii())
        return self.template % {"vector": vector}, [tsquery]

    template = "%(vector)s @@ to_tsquery('simple'::regconfig, %%s)"


class AllWordPrefixesChecked(AllWordPrefixes):
    """The same test, written so PostgreSQL checks it row by row instead of through the GIN
    index: for the common words of a query that also has rare ones, whose rows the index
    finds (reading the index for "so:*", which begins a third of all documents' words, costs
    more than testing it on the few rows the rare words leave)."""

    lookup_name = "word_prefixes_checked"
    template = "ts_match_vq(%(vector)s, to_tsquery('simple'::regconfig, %%s))"


# Registered on the two search_text fields only, not on every TextField.
for _model in (IncomingDocument, OutgoingDocument):
    _model._meta.get_field("search_text").register_lookup(AllWordPrefixes)
    _model._meta.get_field("search_text").register_lookup(AllWordPrefixesChecked)


def _match(documents: QuerySet, words: list[str]) -> QuerySet:
    """``documents`` whose search text has every word as a word prefix (see the lookups)."""
    if not words:
        return documents
    common = _common_words(documents.model, words)
    rare = [word for word in words if word not in common]
    if not rare or not common:
        return documents.filter(search_text__word_prefixes=words)
    return documents.filter(
        search_text__word_prefixes=rare, search_text__word_prefixes_checked=common
    )


# --- Access, in a form the planner can use ---------------------------------------------
#
# The same rule as ``services.access.incoming_visible_to`` / ``outgoing_visible_to`` (the
# equivalence is tested for every persona and every branch of the rule in
# test_search_access.py), written for a search over a million rows: the scopes become literal
# lists of organisation ids (one small query each) and the assignment and review conditions
# correlated EXISTS probes, instead of joins wrapped in ``pk IN (SELECT …)``, which made
# PostgreSQL compute every document the user may see before taking the newest twenty.


def _memo(user, key, compute):
    """Per user object (one request): the scopes are cached there too (accounts.scopes)."""
    memo = user.__dict__.setdefault("_documents_search_memo", {})
    if key not in memo:
        memo[key] = compute()
    return memo[key]


def _scope_ids(user, permission: str):
    """Organisation ids where ``user`` holds ``permission``, ALL, or None for nowhere."""
    return _memo(user, permission, lambda: _ids(organisation_scope(user, permission)))


def _ids(scope):
    """Organisation ids in ``scope`` (a list of tree paths), ALL, or None for nothing."""
    from chinhquyen.directory.models import Organisation

    if scope is ALL:
        return ALL
    if not scope:
        return None
    condition = Q()
    for path in scope:
        condition |= Q(path__startswith=path)
    return list(Organisation.objects.filter(condition).values_list("pk", flat=True))


def _officials(user) -> list[int]:
    from chinhquyen.directory.models import Official

    return _memo(
        user,
        "officials",
        lambda: list(Official.objects.filter(user=user).values_list("pk", flat=True)),
    )


def _or(conditions: list) -> Q:
    result = Q(pk__in=[])
    for condition in conditions:
        result |= condition
    return result


@dataclass
class IncomingRule:
    """``access.incoming_visible_to`` for one user, split for the planner.

    ``by_organisation``: conditions on the document's own columns (its organisation and
    secrecy), which an index answers; ``others``: the named and assigned arms (registered by
    the user, assigned to the user or to a unit in their scope), probed per row.
    """

    everything: bool = False
    nothing: bool = False
    by_organisation: Q | None = None
    others: Q | None = None
    views_all: bool = False  # every open document is seen by organisation
    leads_all: bool = False  # every secret one too

    def condition(self) -> Q:
        return _or([c for c in (self.by_organisation, self.others) if c is not None])


def _covers_tree(user, ids) -> bool:
    """``ids`` (from ``_scope_ids``) hold every organisation: a scope over the whole tree (a
    province leader's), where the organisation condition keeps every row and only makes the
    planner read an IN list of every agency for each row."""
    from chinhquyen.directory.models import Organisation

    if ids is ALL:
        return True
    if not ids:
        return False
    total = _memo(user, "organisations", Organisation.objects.count)
    return len(set(ids)) >= total


def incoming_rule(user) -> IncomingRule:
    if not getattr(user, "is_authenticated", False):
        return IncomingRule(nothing=True)
    views = _scope_ids(user, "documents.view_incomingdocument")
    if views is ALL:
        return IncomingRule(everything=True)
    units = _scope_ids(user, "documents.view_assignment")
    leads = _scope_ids(user, "documents.assign_incomingdocument")
    # Whole-tree scopes: every open (views) or secret (leads) document is seen by organisation,
    # so that arm needs no condition on the organisation and the assigned arms add nothing.
    views_all, leads_all = _covers_tree(user, views), _covers_tree(user, leads)
    if views_all and leads_all:
        return IncomingRule(everything=True)
    officials = _officials(user)
    open_doc, secret_doc = Q(secrecy=Secrecy.NONE), ~Q(secrecy=Secrecy.NONE)
    by_organisation = []
    if views:
        by_organisation.append(open_doc if views_all else open_doc & Q(organisation_id__in=views))
    if leads:
        by_organisation.append(
            secret_doc if leads_all else secret_doc & Q(organisation_id__in=leads)
        )
    others = [Q(registered_by=user)]
    secret_levels = [level for level in Secrecy.values if level != Secrecy.NONE]
    for docs, unit_ids, covered in ((open_doc, units, views_all), (secret_doc, leads, leads_all)):
        if covered:
            continue
        via = Q(assignee_id__in=officials) if officials else Q(pk__in=[])
        if unit_ids:
            via |= Q(unit_id__in=unit_ids)
        if officials or unit_ids:
            # The outer row's secrecy tested again inside (not as an equality, which PostgreSQL
            # would turn into a hash key) keeps it from hashing every assignment of the user's
            # units (100,000+ in a big department) for each search: the probe runs per
            # candidate row on the assignment's document index, and only for rows the cheaper
            # conditions before it did not already let through.
            level = Q(In(OuterRef("secrecy"), secret_levels))
            assigned = Assignment.objects.filter(
                via, level if docs is secret_doc else ~level, document_id=OuterRef("pk")
            )
            others.append(docs & Exists(assigned))
    return IncomingRule(
        by_organisation=_or(by_organisation) if by_organisation else None,
        others=_or(others),
        views_all=views_all,
        leads_all=leads_all,
    )


def incoming_visible(user, queryset: QuerySet) -> QuerySet:
    """``queryset`` restricted like ``access.incoming_visible_to(user, queryset)``."""
    rule = incoming_rule(user)
    if rule.nothing:
        return queryset.none()
    if rule.everything:
        return queryset
    return queryset.filter(rule.condition())


# Documents a user sees only through the named/assigned arms (not by organisation) are few:
# documents of another agency assigned to one of the user's units, secret ones the user is
# named on or registered. ``Assignment.document_organisation`` (the document's agency, copied
# onto the assignment, migration 0007) with its index ``(unit, document_organisation,
# document)`` gives the first kind as index ranges — the agencies outside the scope — without
# touching the documents (a join over every assignment of a big department's units cost
# ~0.3 s over a million documents). The candidates are re-checked against the rule in the
# search query itself. Above EXTRA_IDS_MAX candidates (a specialist sees everything through
# the assignments of the division) the per-row probes are used instead.
EXTRA_IDS_MAX = 5000


def _assigned_outside(
    units: list[int] | None, scope: list[int] | None, limit: int
) -> set[int] | None:
    """Ids of documents assigned to one of ``units`` whose agency is not in ``scope`` (or not
    recorded on the assignment), or None when there are more than ``limit``."""
    if not units:
        return set()
    assigned = Assignment.objects.filter(unit_id__in=units).order_by()
    found: set[int] = set()
    # One index range per gap between the scope's ids (not ``NOT IN``, which reads every
    # assignment of the units), plus the rows written without the agency.
    gaps = _outside(scope or [], "document_organisation_id")
    for condition in [Q(document_organisation__isnull=True), *gaps]:
        rows = assigned.filter(condition).values_list("document_id", flat=True)
        found.update(rows[: limit + 1])
        if len(found) > limit:
            return None
    return found


def _outside(ids: list[int], field: str = "organisation_id") -> list[Q]:
    """``field`` not in ``ids``, as ranges an index can answer (not ``NOT IN``)."""
    ids = sorted(set(ids))
    if not ids:
        return [Q()]
    gaps = [Q(**{f"{field}__lt": ids[0]}), Q(**{f"{field}__gt": ids[-1]})]
    for low, high in zip(ids, ids[1:], strict=False):
        if high > low + 1:
            gaps.append(Q(**{f"{field}__gt": low, f"{field}__lt": high}))
    return gaps


def _incoming_extra_ids(user, rule: IncomingRule) -> list[int] | None:
    """Ids of documents the user may see only through the named/assigned arms (candidates;
    the rule is re-checked), or None when there are more than ``EXTRA_IDS_MAX``."""
    outside = ~rule.by_organisation if rule.by_organisation is not None else Q()
    officials = _officials(user)
    units = _scope_ids(user, "documents.view_assignment") or []
    leads = _scope_ids(user, "documents.assign_incomingdocument") or []
    views = _scope_ids(user, "documents.view_incomingdocument") or []
    # Open documents of agencies outside ``views`` assigned to the user's units; secret ones
    # of agencies outside ``leads`` assigned to the units they lead (a whole-tree scope has
    # no such arm, see incoming_rule).
    found: set[int] = set()
    for unit_ids, scope, covered in (
        (units, views, rule.views_all),
        (leads, leads, rule.leads_all),
    ):
        if covered:
            continue
        more = _assigned_outside(unit_ids, scope, EXTRA_IDS_MAX - len(found))
        if more is None:
            return None
        found |= more
    # Registered by the user outside what the organisation arms show: secret ones where the
    # user is no leader (partial index on secret documents), open ones of agencies outside
    # their scope — one query per range of ids between the scope's (an index range each; as
    # one query PostgreSQL factors ``registered_by`` out of the ORs and reads all of a
    # clerk's 100,000 registrations in her own agency).
    secret = ~Q(secrecy=Secrecy.NONE) & (~Q(organisation_id__in=leads) if leads else Q())
    mine = IncomingDocument.objects.filter(registered_by=user)
    sources = [mine.filter(secret)]
    # Ordered by the (registered_by, organisation) index's own order, so PostgreSQL reads the
    # range from that index instead of every registration of the user from another one.
    sources += [
        mine.filter(gap, secrecy=Secrecy.NONE).order_by("organisation_id")
        for gap in _outside(views)
    ]
    if officials:
        named = Assignment.objects.filter(assignee_id__in=officials).values("document_id")
        sources.append(IncomingDocument.objects.filter(outside, pk__in=named))
    for source in sources:
        # Not the model's newest-first ordering, which would walk the whole table.
        if not source.query.order_by:
            source = source.order_by()
        found = found | set(source.values_list("pk", flat=True)[: EXTRA_IDS_MAX + 1])
        if len(found) > EXTRA_IDS_MAX:
            return None
    return sorted(found)


def _incoming_branches(user, documents: QuerySet) -> list[tuple[QuerySet, bool]]:
    """``(queryset, walk)`` pairs whose union is ``incoming_visible(user, documents)``;
    ``walk``: the newest-first walk suits it when the words are common (not a list of ids)."""
    rule = incoming_rule(user)
    if rule.nothing:
        return []
    if rule.everything:
        return [(documents, True)]
    branches = []
    if rule.by_organisation is not None:
        branches.append((documents.filter(rule.by_organisation), True))
    extra = _incoming_extra_ids(user, rule)
    if extra is None:
        outside = ~rule.by_organisation if rule.by_organisation is not None else Q()
        branches.append((documents.filter(outside & rule.others), True))
    elif extra:
        branches.append((documents.filter(rule.others, pk__in=extra), False))
    return branches


def outgoing_arms(user) -> list[tuple[Q, bool]] | None:
    """``access.outgoing_visible_to`` for one user as ``(condition, walk)`` arms whose union
    is the rule (None: everything). ``walk``: answered by the agency's newest-first index;
    the others (drafted by a unit in scope, written, signed or reviewed by the user) are read
    through their own indexes and sorted."""
    if not getattr(user, "is_authenticated", False):
        return []
    views = _scope_ids(user, "documents.view_outgoingdocument")
    if views is ALL:
        return None
    leads = _scope_ids(user, "documents.approve_outgoingdocument")
    # Whole-tree scopes (a province leader): no condition on the organisation (see
    # incoming_rule); both together leave nothing to check.
    views_all, leads_all = _covers_tree(user, views), _covers_tree(user, leads)
    if views_all and leads_all:
        return None
    clerks = _scope_ids(user, "documents.number_outgoingdocument")
    officials = _officials(user)
    open_doc, secret_doc = Q(secrecy=Secrecy.NONE), ~Q(secrecy=Secrecy.NONE)
    by_organisation = []
    if views:
        by_organisation.append(open_doc if views_all else open_doc & Q(organisation_id__in=views))
    if leads:
        by_organisation.append(
            secret_doc if leads_all else secret_doc & Q(organisation_id__in=leads)
        )
    if clerks:
        by_organisation.append(
            secret_doc
            & Q(organisation_id__in=clerks)
            & ~Q(status__in=[OutgoingStatus.DRAFT, OutgoingStatus.IN_REVIEW])
        )
    arms = [(_or(by_organisation), True)] if by_organisation else []
    if views and not views_all:
        # Drafted by a unit in scope for another agency (the agency arm has the rest): one arm
        # per range of agency ids outside the scope, which an index answers (a province
        # leader's scope leaves none).
        arms += [(open_doc & Q(drafting_unit_id__in=views) & gap, False) for gap in _outside(views)]
    # Written, reviewed or signed by the user: one arm each, read through its own index (as
    # one OR with a per-row review probe PostgreSQL walked every outgoing document).
    reviewed = ReviewStep.objects.filter(reviewer=user).order_by().values("document_id")
    arms += [(Q(created_by=user), False), (Q(pk__in=reviewed), False)]
    if officials:
        arms.append((Q(signer_id__in=officials), False))
    return arms


def outgoing_visible(user, queryset: QuerySet) -> QuerySet:
    """``queryset`` restricted like ``access.outgoing_visible_to(user, queryset)``."""
    arms = outgoing_arms(user)
    if arms is None:
        return queryset
    return queryset.filter(_or([condition for condition, _walk in arms]))


# --- Search -----------------------------------------------------------------------------


@dataclass(frozen=True)
class SearchFilters:
    query: str = ""
    kind: Kind = "all"
    book: int | None = None  # RegistrationBook id (its direction implies the kind)
    document_type: str = ""  # DocumentType.code (every version of the type)
    issuer: int | None = None  # Organisation id: issuer of an incoming, issuing org of outgoing
    organisation: int | None = None  # the agency holding the document (receiving / issuing)
    date_from: datetime.date | None = None  # listing date, local (arrival / issue)
    date_to: datetime.date | None = None
    status: str = ""


@dataclass
class SearchHit:
    kind: str  # "incoming" | "outgoing"
    document: IncomingDocument | OutgoingDocument
    listed_at: datetime.datetime
    highlighted_subject: SafeString = field(default_factory=lambda: mark_safe(""))  # noqa: S308
    matched_in_text: bool = False  # some word is not in the summary: it matched the metadata/files


@dataclass
class SearchPage:
    hits: list[SearchHit]
    number: int
    count: int  # exact when not ``count_is_lower_bound``
    count_is_lower_bound: bool
    page_size: int = PAGE_SIZE
    words: list[str] = field(default_factory=list)

    @property
    def num_pages(self) -> int:
        return max(1, -(-min(self.count, COUNT_LIMIT) // self.page_size))

    @property
    def first_index(self) -> int:
        return (self.number - 1) * self.page_size + 1

    @property
    def has_next(self) -> bool:
        return self.number < self.num_pages

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1

    @property
    def previous_page_number(self) -> int:
        return self.number - 1


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _incoming(user, filters: SearchFilters, words: list[str]) -> QuerySet:
    """Incoming documents matching ``filters`` and ``words`` (before the access rule)."""
    documents = IncomingDocument.objects.all()
    if filters.book:
        documents = documents.filter(book_id=filters.book)
    if filters.document_type:
        documents = documents.filter(document_type__code=filters.document_type)
    if filters.issuer:
        documents = documents.filter(issuer_id=filters.issuer)
    if filters.organisation:
        documents = documents.filter(organisation_id=filters.organisation)
    if filters.date_from:
        documents = documents.filter(arrived_at__gte=_day_start(filters.date_from))
    if filters.date_to:
        documents = documents.filter(
            arrived_at__lt=_day_start(filters.date_to + datetime.timedelta(days=1))
        )
    if filters.status:
        documents = documents.filter(status=filters.status)
    if words:
        documents = _match(documents, words)
    return documents


def _outgoing(user, filters: SearchFilters, words: list[str]) -> QuerySet:
    documents = OutgoingDocument.objects.annotate(listed_at=LISTED_AT)
    if filters.book:
        documents = documents.filter(book_id=filters.book)
    if filters.document_type:
        documents = documents.filter(document_type__code=filters.document_type)
    if filters.issuer:
        documents = documents.filter(organisation_id=filters.issuer)
    if filters.organisation:
        documents = documents.filter(organisation_id=filters.organisation)
    if filters.date_from:
        documents = documents.filter(listed_at__gte=_day_start(filters.date_from))
    if filters.date_to:
        documents = documents.filter(
            listed_at__lt=_day_start(filters.date_to + datetime.timedelta(days=1))
        )
    if filters.status:
        documents = documents.filter(status=filters.status)
    if words:
        documents = _match(documents, words)
    # The access rule is applied by the caller, one arm per query (outgoing_arms).
    return documents


def _kinds(filters: SearchFilters) -> list[str]:
    from chinhquyen.documents.choices import IncomingStatus, OutgoingStatus
    from chinhquyen.documents.models import RegistrationBook

    kinds = ["incoming", "outgoing"] if filters.kind == "all" else [filters.kind]
    if filters.book:
        direction = (
            RegistrationBook.objects.filter(pk=filters.book)
            .values_list("direction", flat=True)
            .first()
        )
        kinds = [kind for kind in kinds if kind == direction]
    if filters.status:
        kinds = [
            kind
            for kind in kinds
            if filters.status
            in (IncomingStatus.values if kind == "incoming" else OutgoingStatus.values)
        ]
    return kinds


# Every word at least this frequent (share of documents): walk the newest-first index.
COMMON_WORD = 0.02
_word_stats: dict[str, tuple[float, dict[str, float], float]] = {}


def _word_frequencies(table: str) -> tuple[dict[str, float], float]:
    """PostgreSQL's own statistics of ``search_vector`` (most common lexemes and their share
    of rows, from ANALYZE), read once every ten minutes per process."""
    now = time.monotonic()
    cached = _word_stats.get(table)
    if cached and now - cached[0] < 600:
        return cached[1], cached[2]
    frequencies: dict[str, float] = {}
    floor = 1.0
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT most_common_elems::text, most_common_elem_freqs FROM pg_stats "
            "WHERE tablename = %s AND attname = 'search_vector'",
            [table],
        )
        row = cursor.fetchone()
    if row and row[0]:
        # anyarray comes back as its text form: {cong,van,...} (folded words need no quoting)
        lexemes, shares = row[0].strip("{}").split(","), row[1]
        frequencies = dict(zip(lexemes, shares, strict=False))
        floor = shares[len(lexemes)]  # the lowest frequency kept: rarer words are not listed
    _word_stats[table] = (now, frequencies, floor)
    return frequencies, floor


def _common_words(model, words: list[str]) -> set[str]:
    """The words that begin words of at least ``COMMON_WORD`` of the documents (PostgreSQL's
    statistics; none elsewhere)."""
    if connection.vendor != "postgresql":
        return set()
    frequencies, floor = _word_frequencies(model._meta.db_table)
    return {
        word
        for word in words
        if frequencies
        and sum(share for lexeme, share in frequencies.items() if lexeme.startswith(word))
        >= max(COMMON_WORD, floor)
    }


@contextmanager
def _settings(*names: str):
    """``SET name = off`` for the block, then ``RESET`` (also on error)."""
    with connection.cursor() as cursor:
        for name in names:
            cursor.execute(f"SET {name} = off")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            for name in names:
                cursor.execute(f"RESET {name}")


@contextmanager
def _custom_plans():
    """On PostgreSQL, plan each search query for its own words, without JIT, then restore.

    The connection prepares a statement run five times (settings: server-side binding), and
    PostgreSQL may then keep one generic plan for every set of words: a plan made for
    average words walked all 800,000 incoming documents for a rare one (2.4 s instead of
    20 ms). JIT compiling, triggered by such plans' estimates, costs 20 ms per query and saves
    nothing on queries this short. One statement to set both, one to restore them.
    """
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_setting('plan_cache_mode'), current_setting('jit'), "
            "set_config('plan_cache_mode', 'force_custom_plan', false), "
            "set_config('jit', 'off', false)"
        )
        mode, jit = cursor.fetchone()[:2]
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT set_config('plan_cache_mode', %s, false), set_config('jit', %s, false)",
                [mode, jit],
            )


@contextmanager
def _plan_for(model, words: list[str], *, ids: bool = False):
    """On PostgreSQL, walk the newest-first indexes when every word is common.

    The planner multiplies the words' frequencies as if independent ("cải cách hành chính":
    four words of ~20 % each → 0.2 %), while they come together (12 % of the documents): it
    then reads every match through the GIN index and sorts them (~0.4 s over a million
    documents) instead of walking the newest documents and stopping at the page (~10 ms).
    Rare words keep the planner's choice (the GIN index is right for them).
    """
    if connection.vendor != "postgresql" or not words:
        yield
        return
    if ids:
        # A list of at most EXTRA_IDS_MAX ids: read them by primary key and test the words on
        # each, rather than AND the ids with every match of the words from the GIN index.
        with _settings("enable_bitmapscan"):
            yield
        return
    if len(_common_words(model, words)) < len(words):
        yield
        return
    # No bitmap (GIN) scan and no sort: the newest-first index (or an agency's), walked in
    # order until the page is full.
    with _settings("enable_bitmapscan", "enable_sort"):
        yield


def search_documents(
    user,
    *,
    query: str = "",
    kind: Kind = "all",
    book: int | None = None,
    document_type: str = "",
    issuer: int | None = None,
    organisation: int | None = None,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    status: str = "",
    page: int = 1,
    page_size: int = PAGE_SIZE,
) -> SearchPage:
    """One page of the documents ``user`` may see that match, newest first.

    ``page`` is clamped to 1…(last page within ``COUNT_LIMIT`` results). Costs, per kind
    searched, one query for the newest ``COUNT_LIMIT + 1`` ids and one for the page's rows
    (plus the user's scopes: a few small queries, cached on the user object).
    """
    filters = SearchFilters(
        query=query,
        kind=kind,
        book=book,
        document_type=document_type,
        issuer=issuer,
        organisation=organisation,
        date_from=date_from,
        date_to=date_to,
        status=status,
    )
    words = query_words(query)
    branches: list[tuple[str, str, QuerySet, bool]] = []
    for name in _kinds(filters):
        if name == "incoming":
            matching = _incoming(user, filters, words)
            branches += [
                ("incoming", "arrived_at", qs, walk)
                for qs, walk in _incoming_branches(user, matching)
            ]
        else:
            matching = _outgoing(user, filters, words)
            arms = outgoing_arms(user)
            if arms is None:
                branches.append(("outgoing", "listed_at", matching, True))
            for condition, walk in arms or []:
                branches.append(("outgoing", "listed_at", matching.filter(condition), walk))
    # One ordered query per branch gives both the count and the page: the newest
    # COUNT_LIMIT + 1 (time, id) pairs. The LIMIT keeps a common word over a million rows
    # cheap (PostgreSQL walks the newest-first index and stops); an exact count of every
    # match would not be.
    streams = []
    with _custom_plans():
        for name, date, documents, walk in branches:
            rows = documents.order_by(f"-{date}", "-pk").values_list(date, "pk")
            with _plan_for(documents.model, words, ids=not walk):
                streams.append([(at, name, pk) for at, pk in rows[: COUNT_LIMIT + 1]])
    merged = list(
        dict.fromkeys(heapq.merge(*streams, key=lambda row: (row[0], row[2]), reverse=True))
    )
    count = len(merged)
    lower_bound = count > COUNT_LIMIT
    num_pages = max(1, -(-min(count, COUNT_LIMIT) // page_size))
    number = min(max(1, int(page or 1)), num_pages)
    chosen = merged[(number - 1) * page_size : number * page_size]
    hits = _load_hits(chosen, words)
    return SearchPage(
        hits=hits,
        number=number,
        count=min(count, COUNT_LIMIT) if lower_bound else count,
        count_is_lower_bound=lower_bound,
        page_size=page_size,
        words=words,
    )


def _load_hits(chosen: list[tuple], words: list[str]) -> list[SearchHit]:
    incoming_ids = [pk for _at, kind, pk in chosen if kind == "incoming"]
    outgoing_ids = [pk for _at, kind, pk in chosen if kind == "outgoing"]
    loaded: dict[tuple[str, int], object] = {}
    if incoming_ids:
        for document in IncomingDocument.objects.filter(pk__in=incoming_ids).select_related(
            "document_type", "organisation", "book"
        ):
            loaded["incoming", document.pk] = document
    if outgoing_ids:
        for document in OutgoingDocument.objects.filter(pk__in=outgoing_ids).select_related(
            "document_type", "organisation", "book"
        ):
            loaded["outgoing", document.pk] = document
    hits = []
    for at, kind, pk in chosen:
        document = loaded.get((kind, pk))
        if document is None:  # pragma: no cover - deleted between the two queries
            continue
        marked, all_in_subject = highlight(document.subject, words)
        hits.append(
            SearchHit(
                kind=kind,
                document=document,
                listed_at=at,
                highlighted_subject=marked,
                matched_in_text=bool(words) and not all_in_subject,
            )
        )
    return hits


_TOKEN = re.compile(r"\w+")


def highlight(text: str, words: list[str]) -> tuple[SafeString, bool]:
    """``text`` escaped, with the words beginning with a query word in ``<mark>``; and whether
    every query word was found in it (otherwise it matched other metadata or the files)."""
    if not words:
        return mark_safe(escape(text)), True  # noqa: S308 (escaped)
    found: set[str] = set()
    out: list[str] = []
    last = 0
    for match in _TOKEN.finditer(text):
        folded = fold_words(match.group()).split()
        hit = [word for word in words if any(part.startswith(word) for part in folded)]
        if hit:
            found.update(hit)
            out.append(escape(text[last : match.start()]))
            out.append(f"<mark>{escape(match.group())}</mark>")
            last = match.end()
    out.append(escape(text[last:]))
    return mark_safe("".join(out)), found >= set(words)  # noqa: S308 (every part escaped)
