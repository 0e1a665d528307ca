"""Average resolution time per procedure: slowest first, whole months said, downloadable."""

# ruff: noqa: F401, F811 (dossier fixtures imported as parameters)

import datetime
import io

import pytest
from django.conf import settings
from django.urls import reverse

from chinhquyen.dossiers.tests.conftest import at, catalogue, coded_orgs, receive, specialist_minh
from chinhquyen.insights.tests.helpers import prepare, walk

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def test_the_time_per_procedure(
    client, receive, catalogue, officer_an, specialist_dung, specialist_minh, leader_binh
):
    prepare(catalogue)
    people = (officer_an, specialist_dung, specialist_minh, leader_binh)
    for day, hours in ((datetime.date(2026, 2, 3), 24), (datetime.date(2026, 2, 4), 72)):
        walk(
            receive,
            catalogue,
            people,
            day=day,
            hour=8,
            channel="counter",
            files=True,
            fate="approve",
            delay_hours=hours,
        )
    client.force_login(leader_binh)
    # A custom range inside February reads the whole month (said on the page).
    query = {"period": "custom", "start": "2026-02-10", "end": "2026-02-20"}
    response = client.get(reverse("insights:procedures"), query)
    assert response.status_code == 200
    [item] = response.context["rows"]
    assert item["row"].code == "1.009972"
    assert item["row"].resolved == 2
    assert item["days"] == "2.0"  # (1 + 3 days + 40 min + 13 s) / 2, rounded to a tenth
    assert "the months read are 01/02/2026–28/02/2026" in response.content.decode()
    workbook = client.get(reverse("insights:procedures"), {**query, "export": "xlsx"})
    from openpyxl import load_workbook

    rows = list(load_workbook(io.BytesIO(workbook.content)).active.iter_rows(values_only=True))
    assert ["1.009972", "Cấp giấy phép xây dựng nhà ở riêng lẻ", 2] == list(
        next(r for r in rows if r[0] == "1.009972")[:3]
    )


def test_refused_without_the_permission(client, officer_an):
    client.force_login(officer_an)
    assert client.get(reverse("insights:procedures")).status_code == 403
