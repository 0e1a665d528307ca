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
(``incoming_visible_to`` / ``outgoing_visible_to``), read from the documents' access keys
(``documents.access_keys``): a secret document is neither listed nor counted for someone who
may not see it.

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
from django.db.models import DateTimeField, F, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from chinhquyen.accounts.scopes import ALL
from chinhquyen.documents.models import IncomingDocument, OutgoingDocument
from chinhquyen.documents.services.access import (
    incoming_access_keys,
    outgoing_access_keys,
    visible_by_keys,
)
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


def _match(documents: QuerySet, words: list[str]) -> QuerySet:
    """``documents`` whose search text has every word as a word prefix (documents.lookups)."""
    if not words:
        return documents
    common = _common_words(documents.model, words)
    rare = [word for word in words if word not in common]
    if not rare or not common:
        return documents.filter(search_text__word_prefixes=words)
    return documents.filter(
        search_text__word_prefixes=rare, search_text__word_prefixes_checked=common
    )


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


def _incoming(filters: SearchFilters) -> QuerySet:
    """Incoming documents matching ``filters`` (before the words and the access rule)."""
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
    return documents


def _outgoing(filters: SearchFilters) -> QuerySet:
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


# The newest documents a search walks first (see _newest), before asking the indexes.
WINDOW = 20000
WALKED_PER_READ = 3  # rows walked in order for the cost of one row read through an index


def _window_start(model, date: str, size: int | None = None):
    """The listing time of the ``size``-th newest document of ``model`` (an index-only read
    of the newest-first index), or None when there are fewer."""
    documents = model.objects.all()
    if model is OutgoingDocument:
        documents = documents.annotate(listed_at=LISTED_AT)
    rows = documents.order_by(f"-{date}", "-pk").values_list(date, flat=True)
    size = size or WINDOW
    return next(iter(rows[size - 1 : size]), None)


def _newest(documents: QuerySet, date: str, words: list[str], keys) -> list[tuple]:
    """The newest ``COUNT_LIMIT + 1`` ``(time, id)`` pairs of ``documents`` (the filters and
    the access rule applied) that hold every word of ``words``; ``keys``: the user's access
    keys (services.access).

    On PostgreSQL the plan is chosen here, because the planner cannot know two things:

    * Words that come together ("cải cách hành chính": four words of ~20 % each) are far more
      frequent together than their product (0.2 % against 12 % in fact), so it reads every
      match through the word index and sorts (~0.4 s over a million documents) where walking
      the newest documents stops at the page in milliseconds. Rare words keep its choice: the
      word index is right for them.
    * Filters and access go together too: "status registered" as a specialist, who sees
      only documents assigned to the division, is empty (registered documents are not yet
      assigned), while the planner expects thousands and walks all 800,000 rows in vain.

    So, with no words or only common ones, the cheaper of two bounded reads is taken: walking
    the newest documents in order until the page is full, or reading the documents the user
    may see through the access keys' index and sorting them (the words then tested on each
    row). The second costs about the number of documents the user sees (from PostgreSQL's
    statistics of the keys); the first is tried on the newest ``WINDOW`` documents, whose
    matches — exact if they fill the page, as every newer match lies inside the window — also
    tell how far a walk would have to go.
    """
    limit = COUNT_LIMIT + 1
    model = documents.model
    if documents.query.is_empty():
        return []
    matching = _match(documents, words)
    if connection.vendor != "postgresql" or len(_common_words(model, words)) < len(words):
        return list(_ordered(matching, date)[:limit])
    visible = _visible_rows(model, keys)
    if visible <= WINDOW:
        return _through_indexes(documents, date, words, limit)
    start = _window_start(model, date)
    if start is None:  # fewer than WINDOW documents in all
        return _walk(matching, date, limit)
    found = _walk(matching.filter(**{f"{date}__gte": start}), date, limit)
    if len(found) == limit:
        return found
    # A walk long enough for the page at the window's density, with a margin, while it
    # costs less than the index read (a walked row costs about a quarter of one read through
    # the index, measured over a million documents: 0.4 against 1.3–2 µs): matches may thin
    # out with age ("in progress" documents are mostly recent), so the walk is bounded, and
    # the indexes read if it falls short (at worst about twice the index read alone).
    budget = int(1.5 * limit * WINDOW / len(found)) if found else 0
    if found and budget < WALKED_PER_READ * visible:
        start = _window_start(model, date, budget)
        if start is None:
            return _walk(matching, date, limit)
        found = _walk(matching.filter(**{f"{date}__gte": start}), date, limit)
        if len(found) == limit:
            return found
    return _through_indexes(documents, date, words, limit)


def _ordered(documents: QuerySet, date: str) -> QuerySet:
    return documents.order_by(f"-{date}", "-pk").values_list(date, "pk")


def _walk(documents: QuerySet, date: str, limit: int) -> list[tuple]:
    """The newest-first index walked in order until ``limit`` rows (no bitmap scan, no sort)."""
    with _settings("enable_bitmapscan", "enable_sort"):
        return list(_ordered(documents, date)[:limit])


def _through_indexes(documents: QuerySet, date: str, words: list[str], limit: int) -> list:
    """What the access keys' index (or the filters' indexes) gives, sorted, the words tested
    on each row rather than read from their index (which lists a fifth of all documents for a
    common word); no walk of the newest-first index."""
    if words:
        documents = documents.filter(search_text__word_prefixes_checked=words)
    with _settings("enable_indexscan"):
        return list(_ordered(documents, date)[:limit])


_key_stats: dict[str, tuple[float, dict[str, float], float, float]] = {}


def _visible_rows(model, keys) -> float:
    """About how many documents of ``model`` hold one of ``keys`` (every one for ALL), from
    PostgreSQL's statistics of the keys (most common tokens and their share of rows, from
    ANALYZE), read once every ten minutes per process. A token too rare to be listed counts
    as the rarest listed one."""
    table = model._meta.db_table
    now = time.monotonic()
    cached = _key_stats.get(table)
    if not cached or now - cached[0] >= 600:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT c.reltuples, s.most_common_elems::text, s.most_common_elem_freqs "
                "FROM pg_class c LEFT JOIN pg_stats s ON s.tablename = c.relname "
                "AND s.attname = 'access_array' WHERE c.relname = %s",
                [table],
            )
            rows, tokens, shares = cursor.fetchone() or (0, None, None)
        frequencies = (
            dict(zip(tokens.strip("{}").split(","), shares, strict=False)) if tokens else {}
        )
        floor = shares[len(frequencies)] if frequencies else 1.0
        cached = _key_stats[table] = (now, frequencies, floor, max(float(rows or 0), 0.0))
    _at, frequencies, floor, rows = cached
    if keys is ALL:
        return rows
    return min(1.0, sum(frequencies.get(key, floor) for key in keys)) * rows


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
    # One ordered query per kind gives both the count and the page: the newest
    # COUNT_LIMIT + 1 (time, id) pairs. The LIMIT keeps a common word over a million rows
    # cheap (PostgreSQL walks the newest-first index and stops); an exact count of every
    # match would not be.
    streams = []
    with _custom_plans():
        for name in _kinds(filters):
            if name == "incoming":
                keys, date, documents = incoming_access_keys(user), "arrived_at", _incoming(filters)
            else:
                keys, date, documents = outgoing_access_keys(user), "listed_at", _outgoing(filters)
            rows = _newest(visible_by_keys(keys, documents), date, words, keys)
            streams.append([(at, name, pk) for at, pk in rows])
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
