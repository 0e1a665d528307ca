"""Drill-down: the records behind a number, paginated, limited to what the reader may open,
by named part for KPIs counting several kinds of record, and downloadable."""

# ruff: noqa: F401, F811 (dossier fixtures imported as parameters)

import io

import pytest
from django.conf import settings
from django.urls import reverse

from chinhquyen.accounts.choices import Role
from chinhquyen.conftest import make_role_holder
from chinhquyen.dossiers.tests.conftest import at, catalogue, coded_orgs, receive

pytestmark = pytest.mark.django_db

FEB = {"period": "month", "date": "2026-02-05"}


@pytest.fixture(autouse=True)
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def two(receive):
    return [receive(), receive(received_at=at(2026, 2, 9, 10, 0))]


def test_the_list_is_paginated(client, two, leader_binh, monkeypatch):
    monkeypatch.setattr("chinhquyen.insights.views_drilldown.PAGE_SIZE", 1)
    client.force_login(leader_binh)
    url = reverse("insights:drilldown", args=["received", "numerator"])
    first = client.get(url, FEB)
    assert first.context["page"].paginator.num_pages == 2
    body = first.content.decode()
    assert "Page 1 of 2" in body and "page=2" in body
    second = client.get(url, {**FEB, "page": 2})
    codes = {row["cells"][0] for r in (first, second) for row in r.context["rows"]}
    assert codes == {d.code for d in two}
    # Newest first, each linked to its own page (which authorises again).
    assert first.context["rows"][0]["link"] == reverse("dossiers:detail", args=[two[1].pk])


def test_records_the_reader_may_not_open_are_counted_not_listed(client, two, org_tree):
    it_admin = make_role_holder(
        "it_tuan",
        full_name="Lý Văn Tuấn",
        organisation=org_tree.dept_a,
        role=Role.IT_ADMIN,
    )
    client.force_login(it_admin)
    response = client.get(reverse("insights:drilldown", args=["received", "numerator"]), FEB)
    assert response.status_code == 200
    assert response.context["rows"] == []
    assert response.context["hidden"] == 2
    assert "2 more records are counted but outside what you may open" in (response.content.decode())


def test_kpis_of_several_kinds_of_record_list_them_by_part(client, leader_binh):
    client.force_login(leader_binh)
    response = client.get(
        reverse("insights:drilldown", args=["documents_electronic_share", "numerator"]), FEB
    )
    assert response.status_code == 200
    assert response.context["part"] == "incoming_electronic"
    assert len(response.context["parts"]) == 4
    assert [p["current"] for p in response.context["parts"]] == [True, False, False, False]


def test_computed_and_unknown_numbers_have_no_list(client, leader_binh):
    client.force_login(leader_binh)
    for args in (("index_766_total", "numerator"), ("received", "nonsense"), ("x", "numerator")):
        assert client.get(reverse("insights:drilldown", args=args), FEB).status_code == 404


def test_the_whole_list_downloads(client, two, leader_binh):
    from openpyxl import load_workbook

    client.force_login(leader_binh)
    response = client.get(
        reverse("insights:drilldown", args=["received", "numerator"]), {**FEB, "export": "xlsx"}
    )
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    header = rows.index(next(r for r in rows if r and r[0] == "Dossier code"))
    assert {r[0] for r in rows[header + 1 : header + 3]} == {d.code for d in two}
    assert "Ngô Thị Chi" not in str(rows)  # no applicant's personal data
