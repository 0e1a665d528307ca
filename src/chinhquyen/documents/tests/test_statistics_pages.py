"""The statistics page and its CSV: who may read them, and only for their agencies."""

import csv
import io

import pytest

from chinhquyen.core.testing import LOGIN, assert_permission_matrix
from chinhquyen.documents.tests.test_statistics import figures  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db

PERIOD = {"first": "2026-10-01", "last": "2026-10-31"}


def test_who_may_read_the_statistics(client, personas):
    assert_permission_matrix(
        client,
        "/documents/statistics/?first=2026-10-01&last=2026-10-31",
        {
            "anonymous": LOGIN,
            "clerk_hoa": 200,
            "leader_binh": 200,
            "deputy_cuong": 200,  # division leader: his division
            "admin_giang": 200,
            "specialist_dung": 403,
            "officer_an": 403,
            "other_agency_official": 403,
            "citizen_chi": 403,
        },
        personas=personas,
    )


def test_a_clerk_sees_her_agency_only(client, login, clerk_hoa, figures):  # noqa: F811
    login(clerk_hoa)
    response = client.get("/documents/statistics/", PERIOD)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Sở A" in page and "Sở B" not in page
    assert "66,7 %" in page or "66.7 %" in page
    assert "<caption" in page and "<svg" in page and 'role="img"' in page
    # Another agency cannot be asked for.
    response = client.get("/documents/statistics/", {**PERIOD, "agency": figures.dept_b.pk})
    assert response.status_code == 400
    assert "Sở B" not in response.content.decode().split("</form>")[-1]


def test_the_csv_has_the_same_figures(client, login, admin_giang, figures):  # noqa: F811
    login(admin_giang)
    response = client.get("/documents/statistics/thong-ke.csv", PERIOD)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    header, body = rows[0], rows[1:]
    assert len(header) == 2 + 15
    by_agency = {row[3]: dict(zip(header, row, strict=True)) for row in body}
    total_name = body[-1][3]  # the last row is the total
    assert set(by_agency) - {total_name} == {"Ủy ban nhân dân tỉnh Thử Nghiệm", "Sở A", "Sở B"}
    assert list(by_agency[total_name].values())[4] == "11"
    a = list(by_agency["Sở A"].values())
    # From, To, code, name, received, paper, electronic, issued, electronic, paper, signed, share
    assert a[4:12] == ["10", "3", "7", "5", "3", "2", "2", "66.7"]
    assert a[13:] == ["3", "1", "0", "0"]
