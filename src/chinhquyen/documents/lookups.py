"""Lookups of the documents tables' two derived text columns, registered on those fields only.

Each column is plain text on every database, and on PostgreSQL also a stored generated column
beside it with a GIN index (read instead of the text, never written by Django):

* ``search_text`` (folded, space-padded words) → ``search_vector`` tsvector (migration 0003):
  ``search_text__word_prefixes`` / ``__word_prefixes_checked`` (services.search);
* ``access_keys`` (space-padded tokens, documents.access_keys) → ``access_array`` text[]
  (migration 0008): ``access_keys__meets`` (services.access).
"""

from __future__ import annotations

from django.db.models import BooleanField, Lookup


def _generated_column(lookup: Lookup, compiler, connection, name: str) -> str:
    """The generated column ``name`` of the row the lookup's text column belongs to."""
    alias = getattr(lookup.lhs, "alias", None)
    column = connection.ops.quote_name(name)
    quote = getattr(compiler, "quote_name", None) or compiler.quote_name_unless_alias
    return f"{quote(alias)}.{column}" if alias else column


def _plain(values) -> list[str]:
    """Folded words and tokens hold only a–z and 0–9: anything else is not one."""
    return [value for value in values if value and value.isalnum() and value.isascii()]


class ListLookup(Lookup):
    prepare_rhs = False
    output_field = BooleanField()

    def get_db_prep_lookup(self, value, connection):
        return ("%s", list(value))


class AllWordPrefixes(ListLookup):
    """``search_text__word_prefixes=["cong", "van"]``: every word begins a word of the text.

    SQLite (and any other database): ``search_text LIKE '% cong%' AND …``; PostgreSQL:
    ``search_vector @@ to_tsquery('simple', 'cong:* & van:*')`` (see services.search).
    """

    lookup_name = "word_prefixes"
    template = "%(vector)s @@ to_tsquery('simple'::regconfig, %%s)"

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
        if not [word for word in self.rhs if word]:
            return "1 = 1", []
        vector = _generated_column(self, compiler, connection, "search_vector")
        tsquery = " & ".join(f"{word}:*" for word in _plain(self.rhs))
        return self.template % {"vector": vector}, [tsquery]


class AllWordPrefixesChecked(AllWordPrefixes):
    """The same test, written so PostgreSQL checks it row by row instead of through the GIN
    index: for the common words of a query that also has rare ones, whose rows the index
    finds (reading the index for "so:*", which begins a third of all documents' words, costs
    more than testing it on the few rows the rare words leave)."""

    lookup_name = "word_prefixes_checked"
    template = "ts_match_vq(%(vector)s, to_tsquery('simple'::regconfig, %%s))"


class MeetsAnyKey(ListLookup):
    """``access_keys__meets=["o3", "r7"]``: the document holds one of the tokens.

    SQLite (and any other database): ``access_keys LIKE '% o3 %' OR …`` over the padded text;
    PostgreSQL: ``access_array && ARRAY[…]``, which its GIN index answers.
    """

    lookup_name = "meets"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        tokens = _plain(self.rhs)
        if not tokens:
            return "1 = 0", []
        clauses = [f"{lhs} LIKE %s" for _token in tokens]
        params = [param for token in tokens for param in (*lhs_params, f"% {token} %")]
        return "(" + " OR ".join(clauses) + ")", params

    def as_postgresql(self, compiler, connection):
        tokens = _plain(self.rhs)
        if not tokens:
            return "1 = 0", []
        array = _generated_column(self, compiler, connection, "access_array")
        return f"{array} && %s::text[]", [tokens]


def register() -> None:
    """On the two documents tables' fields only, not on every TextField (apps.ready)."""
    from chinhquyen.documents.models import IncomingDocument, OutgoingDocument

    for model in (IncomingDocument, OutgoingDocument):
        for name, lookups in (
            ("search_text", (AllWordPrefixes, AllWordPrefixesChecked)),
            ("access_keys", (MeetsAnyKey,)),
        ):
            for lookup in lookups:
                model._meta.get_field(name).register_lookup(lookup)
