"""The dashboard pages: who may see them, what they show, sorting, drill-down links, and the
pinned query count of the overview (it reads the counters, never the dossier rows)."""

# ruff: noqa: F401, F811 (dossier fixtures imported as parameters)

import datetime
import re

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from chinhquyen.accounts.choices import Role
from chinhquyen.conftest import make_role_holder
from chinhquyen.dossiers.tests.conftest import at, catalogue, coded_orgs, receive

pytestmark = pytest.mark.django_db

FEB = {"period": "month", "date": "2026-02-05"}


@pytest.fixture(autouse=True)
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def _get(client, user, name="insights:overview", args=(), **params):
    if user is not None:
        client.force_login(user)
    return client.get(reverse(name, args=args), params)


@pytest.fixture
def it_admin(org_tree):
    return make_role_holder(
        "it_tuan",
        full_name="Lý Văn Tuấn",
        organisation=org_tree.dept_a,
        role=Role.IT_ADMIN,
        position="Chuyên viên CNTT",
    )


def test_anonymous_is_sent_to_sign_in(client, org_tree):
    response = client.get(reverse("insights:overview"))
    assert response.status_code == 302
    assert "login" in response["Location"]


@pytest.mark.parametrize("persona", ["citizen_chi", "officer_an", "clerk_hoa", "specialist_dung"])
def test_without_the_permission_the_dashboard_is_refused(client, personas, persona):
    response = _get(client, personas[persona])
    assert response.status_code == 403


@pytest.mark.parametrize("persona", ["leader_binh", "deputy_cuong", "admin_giang"])
def test_leaders_and_administrators_see_the_dashboard(client, personas, persona):
    response = _get(client, personas[persona], **FEB)
    assert response.status_code == 200
    assert "02/2026" in response.content.decode()


def test_it_staff_see_the_dashboard_of_their_agency(client, it_admin):
    response = _get(client, it_admin, **FEB)
    assert response.status_code == 200
    assert response.context["agency"].name == "Sở A"


def test_received_dossiers_show_on_a_tile_that_links_to_them(client, receive, leader_binh):
    first = receive()
    second = receive(received_at=at(2026, 2, 9, 10, 0))
    receive(received_at=at(2026, 3, 2, 10, 0))  # another month
    response = _get(client, leader_binh, **FEB)
    assert response.status_code == 200
    tiles = {t["code"]: t for g in response.context["groups"] for t in g["tiles"]}
    assert tiles["received"]["text"] == "2"
    link = tiles["received"]["link"]
    assert link.startswith(reverse("insights:drilldown", args=["received", "numerator"]))
    assert f'href="{link.replace("&", "&amp;")}"' in response.content.decode()
    listing = client.get(link)
    assert listing.status_code == 200
    body = listing.content.decode()
    assert first.code in body and second.code in body
    assert listing.context["page"].paginator.count == 2


def test_a_leader_cannot_choose_another_agency(client, coded_orgs, leader_binh):
    response = _get(client, leader_binh, agency=coded_orgs.dept_b.pk, **FEB)
    assert response.status_code == 400
    assert "agency" in response.context["form"].errors
    drill = _get(
        client,
        None,
        "insights:drilldown",
        ("received", "numerator"),
        agency=coded_orgs.dept_b.pk,
        **FEB,
    )
    assert drill.status_code == 400


def test_a_bad_period_is_explained(client, leader_binh):
    response = _get(client, leader_binh, period="custom", start="2026-03-01", end="2026-02-01")
    assert response.status_code == 400
    assert response.context["form"].errors["end"]


def test_the_agency_table_sorts_on_the_server_and_says_so(client, receive, admin_giang):
    receive()
    response = _get(client, admin_giang, sort="-received", **FEB)
    assert response.status_code == 200
    names = [item["row"].name for item in response.context["rows"]]
    assert names[0] == "Sở A"  # the only agency with dossiers comes first
    body = response.content.decode()
    assert body.count('aria-sort="descending"') == 1
    header = re.search(r'<th scope="col" class="num" aria-sort="descending">.*?</th>', body)
    assert "sort=received" in header.group(0)  # a second click sorts the other way
    ascending = _get(client, None, sort="name", **FEB)
    assert 'aria-sort="ascending"' in ascending.content.decode()


def test_charts_have_a_text_alternative_and_their_data(client, receive, leader_binh):
    receive()
    body = _get(client, leader_binh, **FEB).content.decode()
    for chart_id in ("chart-agencies", "chart-trend"):
        assert f'aria-labelledby="{chart_id}-title {chart_id}-desc"' in body
        assert f'<desc id="{chart_id}-desc">' in body
    assert 'id="trend-caption"' in body


def test_a_kpi_over_time(client, receive, leader_binh):
    receive()
    response = _get(
        client, leader_binh, "insights:series", ("received",), period="year", date="2026-01-01"
    )
    assert response.status_code == 200
    points = response.context["points"]
    assert [p["point"].label for p in points][:2] == ["01/2026", "02/2026"]
    assert [p["tile"]["text"] for p in points][:3] == ["0", "1", "0"]
    assert _get(client, None, "insights:series", ("nonsense",)).status_code == 404


def test_the_wall_view_refreshes_itself_and_dates_its_data(client, receive, leader_binh):
    receive()
    response = _get(client, leader_binh, "insights:wall")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'hx-trigger="every 60s"' in body
    assert '<noscript><meta http-equiv="refresh" content="60"></noscript>' in body
    assert "core/vendor/htmx/htmx.min.js" in body
    assert re.search(r"\d\d:\d\d:\d\d \d\d/\d\d/\d{4}", body)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("insights:wall")).status_code == 200
    assert not [q["sql"] for q in queries if '"dossiers_dossier"' in q["sql"]]


def _queries(call) -> int:
    with CaptureQueriesContext(connection) as queries:
        call()
    return len(queries)


def test_the_overview_reads_aggregates_not_dossiers(client, receive, leader_binh, org_tree):
    """The page adds a fixed number of queries to what the data layer needs (pinned), the same
    whatever the number of dossiers, and no query touches the dossier table."""
    from chinhquyen.insights import kpis

    client.force_login(leader_binh)
    receive()
    url = reverse("insights:overview")
    client.get(url, FEB)  # warm the per-process caches (work calendar, content types)
    one = _queries(lambda: client.get(url, FEB))
    for day in (6, 9, 10):
        receive(received_at=at(2026, 2, day, 9, 0))
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, FEB).status_code == 200
    assert len(queries) == one
    assert not [q["sql"] for q in queries if '"dossiers_dossier"' in q["sql"]]
    start, end = datetime.date(2026, 2, 1), datetime.date(2026, 2, 28)
    data_layer = _queries(
        lambda: kpis.dashboard(root=org_tree.dept_a, start=start, end=end)
    ) + _queries(
        lambda: kpis.series(
            "received", root=org_tree.dept_a, start=start, end=end, granularity="day"
        )
    )
    assert one - data_layer == PAGE_QUERIES
    assert one <= 45  # the whole page, data layer included


# Session, user and two-factor devices (4), the reader's grants (3), the top of their scope (1),
# the province's targets for the tiles (1), the agencies of the filter's list (1), the parent
# agency for "one level up" (1), the session's save (savepoint, update, release: 3).
# Raise it only with a reason.
PAGE_QUERIES = 14


def test_the_pages_speak_vietnamese(client, receive, leader_binh):
    receive()
    del client.cookies[settings.LANGUAGE_COOKIE_NAME]
    client.force_login(leader_binh)
    body = client.get(reverse("insights:overview"), FEB).content.decode()
    assert "Bảng chỉ số điều hành" in body and "Kỳ trước" in body
    wall = client.get(reverse("insights:wall")).content.decode()
    assert "Trung tâm điều hành" in wall and "Số liệu tính đến" in wall


def test_the_menu_offers_the_pages_to_those_who_may_see_them(client, leader_binh, officer_an):
    client.force_login(leader_binh)
    home = client.get(reverse("core:backoffice")).content.decode()
    for name in ("insights:overview", "insights:wall", "insights:alerts"):
        assert f'href="{reverse(name)}"' in home
    client.force_login(officer_an)
    other = client.get(reverse("core:backoffice")).content.decode()
    assert reverse("insights:overview") not in other


def test_a_level_keeps_only_the_agencies_of_that_level(client, receive, leader_binh):
    receive()
    client.force_login(leader_binh)
    every = client.get(reverse("insights:overview"), FEB)
    communes = client.get(reverse("insights:overview"), {**FEB, "level": "commune"})
    assert every.context["board"].tiles["received"].value == 1
    assert communes.context["board"].tiles["received"].value == 0
    assert "level=commune" in communes.context["previous_query"]
