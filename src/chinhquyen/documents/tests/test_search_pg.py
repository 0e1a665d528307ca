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


# --- The plan chosen for common words and filters (services.search._newest) ---------------


@pytest.fixture
def many(org_tree, personas):
    """Forty documents over two agencies, some assigned to division A1, words spread out."""
    from chinhquyen.documents.tests.test_search_access import assign

    subjects = ["Kế hoạch chuyển đổi số", "Báo cáo kết quả", "Kế hoạch phòng chống thiên tai"]
    documents = []
    for i in range(40):
        agency = org_tree.dept_a if i % 3 else org_tree.dept_b
        document = make_incoming(
            agency,
            f"{subjects[i % 3]} đợt {i}",
            arrived=at(0, i),
            status="in_progress" if i < 8 else "completed",
        )
        if i % 4 == 0:
            assign(document, org_tree.division_a1, by=personas["leader_binh"])
        documents.append(document)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE documents_incomingdocument")
    return documents


def _reference(user, words, status=""):
    from chinhquyen.documents.services.access import incoming_visible_to

    documents = incoming_visible_to(user).filter(**({"status": status} if status else {}))
    kept = [
        document
        for document in documents
        if all(any(part.startswith(w) for part in document.search_text.split()) for w in words)
    ]
    kept.sort(key=lambda document: (document.arrived_at, document.pk), reverse=True)
    return [document.pk for document in kept][: search.COUNT_LIMIT + 1]


@pytest.mark.parametrize("window", [1, 6])
@pytest.mark.parametrize("visible", [1, 10**6])
@pytest.mark.parametrize("per_read", [0, 3])
@pytest.mark.parametrize(
    ("query", "status"),
    [("", ""), ("ke hoach", ""), ("thien tai", ""), ("bao cao", "in_progress"), ("", "completed")],
)
@pytest.mark.parametrize("persona", ["clerk_hoa", "deputy_cuong"])
def test_every_plan_gives_the_newest_matches(
    many, personas, monkeypatch, window, visible, per_read, query, status, persona
):
    """Whichever read is taken — the indexes at once, the newest window, a bounded walk, the
    indexes after a walk fell short, a whole walk — the page is the newest matches, exactly."""
    monkeypatch.setattr(search, "COUNT_LIMIT", 4)
    monkeypatch.setattr(search, "WINDOW", window)
    monkeypatch.setattr(search, "WALKED_PER_READ", per_read)
    monkeypatch.setattr(search, "_visible_rows", lambda model, keys: visible)
    every_word_common = {"ke": 0.5, "hoach": 0.5, "bao": 0.3, "cao": 0.3, "thien": 0.3, "tai": 0.3}
    monkeypatch.setattr(search, "_word_frequencies", lambda table: (every_word_common, 0.01))
    user = personas[persona]
    rows = search._newest(
        search.visible_by_keys(
            search.incoming_access_keys(user),
            search._incoming(search.SearchFilters(status=status)),
        ),
        "arrived_at",
        search.query_words(query),
        search.incoming_access_keys(user),
    )
    assert [pk for _at, pk in rows] == _reference(user, search.query_words(query), status)


def test_a_walk_that_falls_short_reads_the_indexes(many, clerk_hoa, monkeypatch):
    """The window holds a few matches only; the walk they justify is longer than the index
    read (per_read 0): the indexes are read, with index scans (the newest-first walk) off."""
    from django.test.utils import CaptureQueriesContext

    monkeypatch.setattr(search, "WINDOW", 3)
    monkeypatch.setattr(search, "WALKED_PER_READ", 0)
    monkeypatch.setattr(search, "_visible_rows", lambda model, keys: 10**6)
    monkeypatch.setattr(search, "_word_frequencies", lambda table: ({"bao": 0.3}, 0.01))
    with CaptureQueriesContext(connection) as queries:
        page = search.search_documents(clerk_hoa, query="bao", kind="incoming")
    assert page.count == len(_reference(clerk_hoa, ["bao"]))
    statements = [query["sql"] for query in queries.captured_queries]
    assert "SET enable_indexscan = off" in statements
    assert any("ts_match_vq" in sql for sql in statements)  # words tested row by row


def test_visible_rows_come_from_the_statistics_of_the_keys(many, org_tree):
    search._key_stats.clear()
    total = IncomingDocument.objects.count()
    assert search._visible_rows(IncomingDocument, search.ALL) == pytest.approx(total)
    # Department A holds two thirds of the documents.
    share = search._visible_rows(IncomingDocument, [f"o{org_tree.dept_a.pk}"]) / total
    assert share == pytest.approx(2 / 3, abs=0.05)
    search._key_stats.clear()


def test_matches_thinning_out_with_age_end_in_the_index_read(
    many, org_tree, clerk_hoa, monkeypatch
):
    """Two matches among the newest documents promise a short walk; the older ones are far
    apart, so the bounded walk falls short and the indexes give the rest, in order."""
    from django.test.utils import CaptureQueriesContext

    newest = [
        make_incoming(org_tree.dept_a, f"Xuất khẩu nông sản {i}", arrived=at(9, i))
        for i in range(2)
    ]
    oldest = [
        make_incoming(org_tree.dept_a, f"Xuất khẩu cà phê {i}", arrived=at(-9, i)) for i in range(6)
    ]
    monkeypatch.setattr(search, "COUNT_LIMIT", 4)
    monkeypatch.setattr(search, "WINDOW", 2)
    monkeypatch.setattr(search, "_visible_rows", lambda model, keys: 10**6)
    monkeypatch.setattr(search, "_word_frequencies", lambda table: ({"xuat": 0.3}, 0.01))
    with CaptureQueriesContext(connection) as queries:
        page = search.search_documents(clerk_hoa, query="xuat", kind="incoming")
    expected = [d.pk for d in sorted(newest + oldest, key=lambda d: d.arrived_at, reverse=True)]
    assert [hit.document.pk for hit in page.hits] == expected[:5]
    statements = [query["sql"] for query in queries.captured_queries]
    assert statements.count("SET enable_sort = off") == 2  # the window, then the bounded walk
    assert "SET enable_indexscan = off" in statements
