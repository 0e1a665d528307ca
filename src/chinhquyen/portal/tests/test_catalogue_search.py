"""Catalogue search: words without accents or case, đ = d, filters, name matches first.

The expected lists are exact, order included; the same file runs on SQLite and on PostgreSQL
(DATABASE_URL=postgres://…), which is how "same results on both databases" is proven.
"""

import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from chinhquyen.audit.models import AuditEntry
from chinhquyen.portal.search import CatalogueFilters, query_words, search_catalogue
from chinhquyen.procedures.choices import ImplementingLevel, OnlineMode
from chinhquyen.procedures.models import ProcedureVersion
from chinhquyen.procedures.search import fold_words

pytestmark = pytest.mark.django_db

QUERIES = [
    # Name words first (rank 0), then the version whose legal basis holds "sinh" (rank 1).
    ("dang ky khai sinh", ["1.001193", "1.004884", "1.000656"]),
    ("Đăng ký khai sinh", ["1.001193", "1.004884", "1.000656"]),
    ("ĐĂNG KÝ KẾT HÔN", ["1.000894"]),
    ("Dang Ky Ket Hon", ["1.000894"]),
    ("dinh chinh", ["2.000748"]),
    ("Đính CHÍNH", ["2.000748"]),
    ("khai", ["1.001193", "1.000656", "1.004884"]),
    ("kha", ["1.001193", "1.000656", "1.004884"]),  # a word prefix is enough
    ("hai", []),  # but not the middle of a word
    ("birth", ["1.001193"]),  # the English name
    ("giay chung nhan", ["2.001610"]),  # the result, not the name
    ("1.001193", ["1.001193"]),  # the code
    ("tu", ["1.000656", "2.001610"]),
    ("  khai   khai  ", ["1.001193", "1.000656", "1.004884"]),
    ("xyz", []),
    ("", ["1.000894", "1.001193", "1.000656", "1.004884", "2.001610", "2.000748"]),
]


def codes(versions) -> list[str]:
    return [v.procedure.national_code for v in versions]


def test_folding_removes_accents_and_case_and_maps_d_with_stroke():
    assert fold_words("Đăng ký KHAI SINH (lần đầu)") == "dang ky khai sinh lan dau"
    assert fold_words("Ủy ban nhân dân phường Minh Xuân") == "uy ban nhan dan phuong minh xuan"
    assert query_words("Đính   chính đính") == ["dinh", "chinh"]


@pytest.mark.parametrize(("query", "expected"), QUERIES)
def test_search_finds_the_same_procedures_in_the_same_order(small_catalogue, query, expected):
    assert codes(search_catalogue(CatalogueFilters(query=query))) == expected


def test_name_matches_rank_before_matches_in_other_fields(small_catalogue):
    ranked = search_catalogue(CatalogueFilters(query="dang ky khai sinh"))

    assert [(v.procedure.national_code, v.rank) for v in ranked] == [
        ("1.001193", 0),
        ("1.004884", 0),
        ("1.000656", 1),
    ]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"online_mode": OnlineMode.FULL}, ["1.000894", "1.001193"]),
        ({"level": ImplementingLevel.PROVINCE}, ["2.001610"]),
        ({"query": "ky khai", "online_mode": OnlineMode.PARTIAL}, ["1.004884"]),
    ],
)
def test_filters_narrow_the_results(small_catalogue, filters, expected):
    assert codes(search_catalogue(CatalogueFilters(**filters))) == expected


def test_filter_by_field_and_by_agency(small_catalogue, org_tree, business):
    assert codes(search_catalogue(CatalogueFilters(field_id=business.pk))) == ["2.001610"]
    assert codes(search_catalogue(CatalogueFilters(agency_id=org_tree.dept_b.pk))) == [
        "1.000656",
        "2.001610",
        "2.000748",
    ]


def test_only_the_version_in_force_is_searched(small_catalogue, org_tree):
    # Given a new draft of the birth registration renamed (not published)
    from chinhquyen.procedures import services

    draft = services.draft_new_version(small_catalogue["birth"].procedure, acting_user=None)
    services.update_draft(draft, acting_user=None, name="Thủ tục mới hoàn toàn")

    # Then the draft's words find nothing and the published name still does
    assert codes(search_catalogue(CatalogueFilters(query="hoan toan"))) == []
    assert codes(search_catalogue(CatalogueFilters(query="khai sinh")))[0] == "1.001193"


def test_the_search_page_lists_results_in_order_with_links(client, small_catalogue):
    response = client.get(reverse("portal:catalogue"), {"q": "dang ky khai sinh"})

    html = response.content.decode()
    assert response.status_code == 200
    assert re.findall(r'<h3 class="result-title"><a href="/thu-tuc/([^/]+)/">', html) == [
        "1.001193",
        "1.004884",
        "1.000656",
    ]
    assert "3 thủ tục" in html
    assert 'value="dang ky khai sinh"' in html


def test_the_search_page_filters_by_agency_and_field_from_the_query_string(
    client, small_catalogue, org_tree, civil_status
):
    response = client.get(
        reverse("portal:catalogue"),
        {"agency": org_tree.dept_a.pk, "field": civil_status.pk, "q": "dang ky"},
    )

    html = response.content.decode()
    assert re.findall(r'href="/thu-tuc/([^/]+)/"', html) == ["1.000894", "1.001193", "1.004884"]


def test_the_search_page_costs_a_bounded_number_of_queries(
    client, small_catalogue, django_assert_max_num_queries
):
    with django_assert_max_num_queries(8):
        response = client.get(reverse("portal:catalogue"), {"q": "dang ky"})
    assert response.status_code == 200


def test_results_are_paginated_twenty_a_page(client, org_tree, civil_status):
    from chinhquyen.portal.tests.conftest import publish

    for number in range(21):
        publish(f"9.{number:06d}", name=f"Thủ tục thử {number:02d}", field=civil_status)

    first = client.get(reverse("portal:catalogue"), {"q": "thu tuc"}).content.decode()
    second = client.get(reverse("portal:catalogue"), {"q": "thu tuc", "page": 2}).content.decode()

    assert len(re.findall(r'class="result-title"', first)) == 20
    assert re.findall(r'href="/thu-tuc/([^/]+)/"', second) == ["9.000020"]
    assert 'href="?q=thu+tuc&amp;page=2"' in first


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"q": "a" * 201}, "q", "Tối đa 200 ký tự (use at most 200 characters)."),
        ({"agency": "999999"}, "agency", "Hãy chọn một giá trị trong danh sách (choose one"),
        ({"level": "planet"}, "level", "Hãy chọn một giá trị trong danh sách (choose one"),
    ],
)
def test_bad_filters_answer_400_with_the_message_next_to_the_field(
    client, small_catalogue, params, field, message
):
    response = client.get(reverse("portal:catalogue"), params)

    html = response.content.decode()
    assert response.status_code == 400
    error = re.search(rf'<p class="field-error" id="{field}-error">([^<]*)</p>', html)
    assert message in error.group(1)
    assert 'class="result-title"' not in html


def test_rebuilding_the_search_text_restores_it(small_catalogue):
    # Given search columns emptied (e.g. data loaded around the services)
    ProcedureVersion.objects.update(search_title="", search_text="")
    assert codes(search_catalogue(CatalogueFilters(query="khai sinh"))) == []

    # When the IT department rebuilds the search text
    call_command("rebuild_catalogue_search")

    # Then search works again, and the rebuild is in the audit trail
    assert codes(search_catalogue(CatalogueFilters(query="dang ky khai sinh"))) == [
        "1.001193",
        "1.004884",
        "1.000656",
    ]
    entry = AuditEntry.objects.filter(action="portal.rebuild_catalogue_search").get()
    assert entry.details == {"versions": 6}


def test_postgresql_answers_the_search_from_trigram_indexes():
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'procedures_procedureversion' "
            "AND indexdef LIKE '%gin_trgm_ops%' ORDER BY indexname"
        )
        names = [row[0] for row in cursor.fetchall()]
    assert names == [
        "procedures_version_search_text_trgm",
        "procedures_version_search_title_trgm",
    ]
