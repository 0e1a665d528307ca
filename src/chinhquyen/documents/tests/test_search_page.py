"""The search page: GET form, highlighted results, pages, bad input, query count."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from chinhquyen.documents.tests.test_search import at, make_incoming, make_outgoing

pytestmark = pytest.mark.django_db


def english(client):
    client.cookies["chinhquyen_language"] = "en"
    return client


@pytest.fixture
def filled(org_tree, clerk_hoa):
    for i in range(25):
        make_incoming(org_tree.dept_a, f"V/v triển khai chuyển đổi số đợt {i}", arrived=at(0, i))
    make_outgoing(org_tree.dept_a, "Kế hoạch <b>cải cách</b> hành chính", created_by=clerk_hoa)


def test_search_page_finds_highlights_and_pages(filled, clerk_hoa, login):
    client = english(login(clerk_hoa))
    response = client.get("/documents/search/", {"q": "chuyen doi so", "kind": "incoming"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "25 documents found" in html
    assert "<mark>chuyển</mark> <mark>đổi</mark> <mark>số</mark> đợt 24" in html
    assert 'rel="next" href="?q=chuyen+doi+so&amp;kind=incoming&amp;page=2"' in html
    second = client.get("/documents/search/", {"q": "chuyen doi so", "page": "2"})
    html = second.content.decode()
    assert 'start="21"' in html and "đợt 4</a>" in html and "đợt 5</a>" not in html
    # The subject is escaped, never markup
    html = client.get("/documents/search/", {"q": "cai cach"}).content.decode()
    assert "&lt;b&gt;<mark>cải</mark> <mark>cách</mark>&lt;/b&gt;" in html


def test_search_page_refuses_bad_dates_with_a_message(filled, clerk_hoa, login):
    client = english(login(clerk_hoa))
    response = client.get(
        "/documents/search/", {"date_from": "2026-03-10", "date_to": "2026-03-01"}
    )
    assert response.status_code == 400
    assert "The end date is before the start date." in response.content.decode()
    assert client.get("/documents/search/", {"date_from": "10/03"}).status_code == 400


def test_search_page_in_vietnamese(filled, clerk_hoa, login):
    client = login(clerk_hoa)  # Vietnamese is the default language
    response = client.get("/documents/search/", {"q": "chuyen doi"})
    html = response.content.decode()
    assert "Tra cứu văn bản" in html
    assert "Tìm thấy 25 văn bản" in html


def test_search_page_query_count_is_pinned(filled, clerk_hoa, login):
    client = english(login(clerk_hoa))
    client.get("/documents/search/", {"q": "chuyen doi so"})
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/documents/search/", {"q": "chuyen doi so"})
    assert response.status_code == 200
    # 9 for the session, the user, two-factor devices and role grants; the scopes' agency ids
    # (4), the number of agencies (whole-tree scopes) and the user's official profile; the
    # access candidates (assignments of the user's units to other agencies, one per range of
    # agency ids: 3; documents registered by the user outside her agencies: 3; named: 1); one
    # ordered query per access branch (incoming: 2, outgoing: 5); on PostgreSQL the word
    # statistics (pg_stats), setting/restoring custom plans (2) and the planner settings of
    # the branches read through their own indexes (SET/RESET: 2 each); the page's rows; the
    # form's choices (types, agencies, books, issuers). Not per result.
    limit = 48 if connection.vendor == "postgresql" else 37
    assert len(queries) <= limit, [q["sql"][:120] for q in queries]
