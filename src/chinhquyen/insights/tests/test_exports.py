"""Exports of the dashboard tables: a real .xlsx (openpyxl reads it, LibreOffice opens it) with
numbers as numbers, and a PDF with the same rows; the charts' SVG and text alternatives."""

# ruff: noqa: F401, F811 (dossier fixtures imported as parameters)

import io
import re
import shutil
import subprocess
from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from chinhquyen.dossiers.tests.conftest import at, catalogue, coded_orgs, receive
from chinhquyen.insights import charts, exports

FEB = {"period": "month", "date": "2026-02-05"}


@pytest.fixture(autouse=True)
def english(client):
    """The assertions read English labels and numbers (the default language is Vietnamese)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


def _workbook(content: bytes):
    from openpyxl import load_workbook

    return load_workbook(io.BytesIO(content))


def _rows(sheet) -> list[list]:
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def _pdf_text(content: bytes, tmp_path) -> str:
    path = tmp_path / "table.pdf"
    path.write_bytes(content)
    return subprocess.run(  # noqa: S603 (fixed command)
        ["/usr/bin/pdftotext", "-layout", str(path), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout


@pytest.mark.django_db
def test_the_agency_table_downloads_as_a_workbook(client, receive, admin_giang):
    receive()
    receive(received_at=at(2026, 2, 6, 9, 0))
    client.force_login(admin_giang)
    response = client.get(
        reverse("insights:overview"), {**FEB, "export": "xlsx", "table": "agencies"}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == exports.XLSX_TYPE
    assert 'filename="chi-so-agencies-2026-02.xlsx"' in response["Content-Disposition"]
    sheet = _workbook(response.content).active
    rows = _rows(sheet)
    assert rows[0][0] == "Indicators per agency"
    header = next(r for r in rows if r[:2] == ["Agency code", "Agency"])
    column = header.index("Dossiers received")
    by_name = {r[1]: r for r in rows[rows.index(header) + 1 :] if r[1]}
    assert by_name["Sở A"][column] == 2  # a number, not the text "2"
    assert by_name["Sở B"][column] == 0
    assert by_name["Total"][column] == 2
    rate = header.index("Resolved early or on time")
    assert by_name["Sở A"][rate] is None  # nothing resolved: no rate, not zero


@pytest.mark.django_db
def test_the_indicators_download_as_pdf(client, receive, leader_binh, tmp_path):
    receive()
    client.force_login(leader_binh)
    response = client.get(reverse("insights:overview"), {**FEB, "export": "pdf", "table": "tiles"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    text = _pdf_text(response.content, tmp_path)
    assert "Dossiers received" in text
    assert "Sở A" in text  # the scope line, with its Vietnamese letters


@pytest.mark.django_db
def test_a_series_downloads_with_one_row_per_period(client, receive, leader_binh):
    receive()
    client.force_login(leader_binh)
    response = client.get(
        reverse("insights:series", args=["received"]),
        {"period": "year", "date": "2026-06-01", "export": "xlsx"},
    )
    rows = _rows(_workbook(response.content).active)
    header = rows.index(["Period", "Dossiers received"])
    data = rows[header + 1 : header + 13]
    assert [r[0] for r in data][:3] == ["01/2026", "02/2026", "03/2026"]
    assert [r[1] for r in data][:3] == [0, 1, 0]


@pytest.mark.django_db
def test_an_unknown_export_format_is_not_found(client, leader_binh):
    client.force_login(leader_binh)
    response = client.get(reverse("insights:overview"), {**FEB, "export": "docx"})
    assert response.status_code == 404


def test_libreoffice_opens_the_workbook(tmp_path):
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    table = exports.Table(
        title="Chỉ số theo cơ quan",
        subtitle=["Kỳ: 02/2026"],
        columns=[
            exports.Column("name", "Cơ quan", "text"),
            exports.Column("received", "Tiếp nhận", "int"),
            exports.Column("rate", "Đúng hạn", "percent"),
        ],
        rows=[["Sở A", 12, Decimal("91.7")], ["Sở B", 0, None]],
        total=["Tổng", 12, Decimal("91.7")],
    )
    source = tmp_path / "bang.xlsx"
    source.write_bytes(exports.xlsx_bytes(table))
    subprocess.run(  # noqa: S603 (fixed command)
        [
            soffice,
            f"-env:UserInstallation=file://{tmp_path}/profile",
            "--headless",
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76",  # comma, quote, UTF-8
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    csv_text = (tmp_path / "bang.csv").read_text(encoding="utf-8", errors="replace")
    assert "Sở A,12,91.7" in csv_text
    assert "Tổng,12,91.7" in csv_text


def test_a_row_of_the_wrong_width_is_refused():
    with pytest.raises(ValueError, match="2 cells for 3 columns"):
        exports.Table(
            title="t",
            columns=[exports.Column("a", "A"), exports.Column("b", "B"), exports.Column("c", "C")],
            rows=[[1, 2]],
        )


def test_a_line_chart_leaves_a_gap_where_data_is_missing():
    svg = str(
        charts.series_chart(
            chart_id="c",
            title="Tỷ lệ đúng hạn",
            points=[
                charts.Point("01", Decimal("90")),
                charts.Point("02", Decimal("95.5")),
                charts.Point("03", None),
                charts.Point("04", Decimal("80")),
                charts.Point("05", Decimal("85")),
            ],
            unit=" %",
            maximum=100,
        )
    )
    assert svg.count("<polyline") == 2
    assert svg.count("<circle") == 4
    assert 'role="img"' in svg and '<title id="c-title">Tỷ lệ đúng hạn</title>' in svg
    assert "highest 95.5 % (02)" in svg and "lowest 80 % (04)" in svg


def test_a_column_chart_and_agency_bars_describe_themselves():
    columns = str(
        charts.series_chart(
            chart_id="s",
            title="Hồ sơ tiếp nhận",
            points=[charts.Point("T1", 3), charts.Point("T2", 0), charts.Point("T3", 7)],
            kind="bars",
        )
    )
    assert columns.count('class="chart-column"') == 3
    assert "First value 3, last value 7; highest 7 (T3), lowest 0 (T2)" in columns
    bars = str(
        charts.agency_bars(
            chart_id="b",
            title="Đúng hạn",
            bars=[charts.Bar("Sở A", Decimal("91.7")), charts.Bar("Sở B", None)],
            unit=" %",
            maximum=100,
        )
    )
    assert "2 agencies. Highest: Sở A, 91.7 %; lowest: Sở A, 91.7 %" in bars
    assert ">—</text>" in bars  # no data is written as a dash, not drawn as zero
    empty = str(charts.series_chart(chart_id="e", title="x", points=[]))
    assert "No data in this period." in empty


def test_the_axis_of_counts_keeps_whole_numbers():
    svg = str(
        charts.series_chart(
            chart_id="a",
            title="x",
            points=[charts.Point("T1", 1), charts.Point("T2", 0)],
            kind="bars",
        )
    )
    ticks = [t for t in re.findall(r'text-anchor="end">([^<]+)</text>', svg)]
    assert ticks == ["0", "1", "2", "3", "4"]
    assert charts._nice_max(17) == 20 and charts._nice_max(250) == 400
    assert charts._nice_max(0.3, whole=False) == 0.4  # average days keep their decimals
