"""PostgreSQL only: the generated tsvector column, its GIN index, and the planner settings.

(The results themselves are checked on both databases by test_search.py.)
"""

import pytest
from django.db import connection

from chinhquyen.documents.models import IncomingDocument
from chinhquyen.documents.services import search
from chinhquyen.documents.tests.test_search import (  # noqa: F401 (corpus is a fixture)
    SAME_ON_BOTH,
    at,
    corpus,
    make_incoming,
)

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL full-text index"),
]


def _plan(sql: str, params) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


def test_search_vector_is_generated_from_the_folded_text(org_tree):
    document = make_incoming(org_tree.dept_a, "Công văn về chuyển đổi số", arrived=at())
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT search_vector::text FROM documents_incomingdocument WHERE id = %s",
            [document.pk],
        )
        vector = cursor.fetchone()[0]
    for word in ("cong", "van", "ve", "chuyen", "doi", "so"):
        assert f"'{word}'" in vector
    # Kept up to date by PostgreSQL when the search text changes (reindex).
    IncomingDocument.objects.filter(pk=document.pk).update(search_text=" thong bao ")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT search_vector::text FROM documents_incomingdocument WHERE id = %s",
            [document.pk],
        )
        assert cursor.fetchone()[0] == "'bao' 'thong'"


def test_word_prefixes_use_the_gin_index():
    queryset = IncomingDocument.objects.filter(
        search_text__word_prefixes=["chuyen", "d"]
    ).order_by()
    sql, params = queryset.query.sql_with_params()
    assert "search_vector\" @@ to_tsquery('simple'::regconfig, %s)" in sql
    assert params == ("chuyen:* & d:*",)
    assert "documents_incomingdocument_search_gin" in _plan(sql, params)


def test_the_planner_settings_are_reset_after_a_search(org_tree, clerk_hoa, monkeypatch):
    make_incoming(org_tree.dept_a, "Kế hoạch chuyển đổi số", arrived=at())
    # Every word "common": the walk settings are used, then reset.
    monkeypatch.setattr(
        search, "_word_frequencies", lambda table: ({"ke": 0.5, "hoach": 0.5}, 0.01)
    )
    assert search.search_documents(clerk_hoa, query="ke hoach").count == 1
    with connection.cursor() as cursor:
        cursor.execute("SHOW enable_bitmapscan")
        assert cursor.fetchone()[0] == "on"
        cursor.execute("SHOW enable_sort")
        assert cursor.fetchone()[0] == "on"
        # Custom plans for each search's words, no JIT (services.search._custom_plans).
        cursor.execute("SHOW plan_cache_mode")
        assert cursor.fetchone()[0] == "auto"
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "on"


def test_word_statistics_are_read_from_pg_stats(org_tree):
    for i in range(30):
        make_incoming(org_tree.dept_a, f"Báo cáo tháng {i}", arrived=at(0, i))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE documents_incomingdocument")
    search._word_stats.clear()
    frequencies, floor = search._word_frequencies("documents_incomingdocument")
    assert frequencies["bao"] == pytest.approx(1.0) and frequencies["cao"] == pytest.approx(1.0)
    assert 0 < floor <= 1


COMMON = {"chuyen": 0.3, "doi": 0.3, "so": 0.4, "ke": 0.2, "hoach": 0.2, "v": 0.5, "ve": 0.4}


@pytest.mark.parametrize(("query", "expected"), SAME_ON_BOTH)
def test_same_results_when_some_words_are_common(
    corpus,  # noqa: F811 (the fixture imported above)
    clerk_hoa,
    monkeypatch,
    query,
    expected,
):
    """With common words the query takes other forms (newest-first walk; common words checked
    row by row beside the rare ones through the index): the results stay the same."""
    monkeypatch.setattr(search, "_word_frequencies", lambda table: (COMMON, 0.01))
    page = search.search_documents(clerk_hoa, query=query)
    keys = {(doc.__class__.__name__, doc.pk): name for name, doc in corpus.items()}
    found = [keys[hit.document.__class__.__name__, hit.document.pk] for hit in page.hits]
    assert found == expected
