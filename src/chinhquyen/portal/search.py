"""Public catalogue search: words ignoring diacritics and case, filters, name matches first.

Each word of the query, folded like the stored text (``procedures.search.fold_words``), must
begin a word of the procedure version's folded title (names) or text (code, field, result,
agencies, components, legal basis). The predicate is the same ``LIKE '% word%'`` on SQLite and
PostgreSQL, over the same stored text, so both give the same results; on PostgreSQL trigram
GIN indexes (migration procedures 0004) answer it without scanning. Versions whose title holds
every word come first, then the others; each group by name. Only the version in force of each
procedure is searched (``procedures.services.current_versions``).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Case, CharField, F, Func, IntegerField, Q, QuerySet, Value, When

from chinhquyen.procedures.search import fold_words
from chinhquyen.procedures.services import current_versions

MAX_WORDS = 8
MAX_QUERY_LENGTH = 200


class Bytewise(Func):
    """``expression`` compared byte by byte on every database (ORDER BY must not depend on the
    server's locale: PostgreSQL's default collation ignores spaces, SQLite's does not)."""

    template = '%(expressions)s COLLATE "C"'
    output_field = CharField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler, connection, template="%(expressions)s COLLATE BINARY", **extra_context
        )


# Folded title: alphabetical ignoring accents (as a reader expects, Đ next to D), then the code.
ORDER = (Bytewise(F("search_title")), Bytewise(F("procedure__national_code")))


@dataclass(frozen=True)
class CatalogueFilters:
    query: str = ""
    field_id: int | None = None
    agency_id: int | None = None
    level: str = ""
    online_mode: str = ""


def query_words(query: str) -> list[str]:
    """The distinct folded words of ``query`` (at most ``MAX_WORDS``), in order."""
    words: list[str] = []
    for word in fold_words(query[:MAX_QUERY_LENGTH]).split():
        if word not in words:
            words.append(word)
    return words[:MAX_WORDS]


def search_catalogue(filters: CatalogueFilters) -> QuerySet:
    """Versions in force matching ``filters``, ranked (``rank`` 0: name match) and ordered."""
    versions = current_versions().select_related("procedure", "field")
    if filters.field_id:
        versions = versions.filter(field_id=filters.field_id)
    if filters.level:
        versions = versions.filter(level=filters.level)
    if filters.online_mode:
        versions = versions.filter(online_mode=filters.online_mode)
    if filters.agency_id:
        versions = versions.filter(implementing_agencies__id=filters.agency_id)
    words = query_words(filters.query)
    if not words:
        return versions.annotate(rank=Value(0, output_field=IntegerField())).order_by(*ORDER)
    in_title = Q()
    for word in words:
        prefix = f" {word}"
        in_title &= Q(search_title__contains=prefix)
        versions = versions.filter(
            Q(search_title__contains=prefix) | Q(search_text__contains=prefix)
        )
    return versions.annotate(
        rank=Case(When(in_title, then=Value(0)), default=Value(1), output_field=IntegerField())
    ).order_by("rank", *ORDER)


def search_agencies(queryset: QuerySet, query: str) -> QuerySet:
    """Organisations of ``queryset`` with a word of their name starting with each query word
    (ignoring accents and case, any order), or whose code is the query."""
    words = query_words(query)
    if not words:
        return queryset
    condition = Q()
    for word in words:
        condition &= Q(search_name__startswith=word) | Q(search_name__contains=f" {word}")
    code = query.strip().upper()
    return queryset.filter(condition | Q(qcvn_code=code) | Q(short_name__iexact=query.strip()))
