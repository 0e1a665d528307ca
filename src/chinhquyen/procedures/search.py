"""Folded search text of a procedure version, for the public catalogue search.

Search ignores Vietnamese diacritics and case on every database: instead of relying on a
database collation or extension (SQLite has none for Vietnamese; PostgreSQL's ``unaccent``
leaves "đ" alone in some dictionaries), the text is folded once in Python — NFD, combining
marks removed, đ→d, lower case, every run of non-letters and non-digits made one space — and
stored padded with spaces, so a word prefix is the substring ``" " + word``. The query is folded
by the same function. See docs/portal.md.

A published version is never edited, so its folded text never goes stale; ``publish_version``
computes it (with the components, agencies and field known by then), and the portal's
``rebuild_catalogue_search`` command recomputes every version (after changing this function).
"""

from __future__ import annotations

from chinhquyen.core.text import fold_words
from chinhquyen.procedures.models import ProcedureVersion

__all__ = ["fold_words", "padded"]
SEARCH_TITLE_MAX = 1200


def padded(*parts: str | None) -> str:
    """The folded words of ``parts``, with a space before and after (word-prefix matching)."""
    words = " ".join(filter(None, (fold_words(part) for part in parts)))
    return f" {words} " if words else ""


def version_search_title(version: ProcedureVersion) -> str:
    """What a name match means: the Vietnamese and English names."""
    return padded(version.name, version.name_en)[:SEARCH_TITLE_MAX]


def version_search_text(version: ProcedureVersion) -> str:
    """Every other searchable part: code, field, result, agencies, components, legal basis."""
    parts: list[str | None] = [
        version.procedure.national_code,
        version.field.name if version.field_id else "",
        version.field.name_en if version.field_id else "",
        version.result_type,
        version.result_type_en,
        version.applicants,
        version.legal_basis,
    ]
    if version.pk:
        for name, short_name, name_en in version.implementing_agencies.values_list(
            "name", "short_name", "name_en"
        ):
            parts += [name, short_name, name_en]
        for name, name_en in version.components.values_list("name", "name_en"):
            parts += [name, name_en]
    return padded(*parts)


def index_version(version: ProcedureVersion) -> None:
    """Store the folded title and text of ``version`` (called inside the caller's transaction)."""
    version.search_title = version_search_title(version)
    version.search_text = version_search_text(version)
    ProcedureVersion.objects.filter(pk=version.pk).update(
        search_title=version.search_title, search_text=version.search_text
    )
