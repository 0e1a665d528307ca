"""Dates, times and money are printed the Vietnamese administrative way (Decree 30/2020)."""

import datetime as dt

from django.utils import translation

from chinhquyen.dossiers.slips.formatting import place_date_line, vn_date, vn_datetime, vnd
from chinhquyen.dossiers.slips.samples import at


def test_time_and_date_in_vietnamese():
    with translation.override("vi"):
        assert vn_datetime(at(2026, 2, 5, 9, 0)) == "09 giờ 00 phút, ngày 05 tháng 02 năm 2026"
        assert vn_date(dt.date(2026, 1, 9)) == "ngày 09 tháng 01 năm 2026"


def test_only_january_and_february_take_a_leading_zero():
    with translation.override("vi"):
        assert vn_date(dt.date(2026, 3, 15)) == "ngày 15 tháng 3 năm 2026"
        assert vn_date(dt.date(2026, 12, 1)) == "ngày 01 tháng 12 năm 2026"


def test_utc_instants_are_printed_in_vietnam_time():
    utc_instant = dt.datetime(2026, 2, 5, 2, 0, tzinfo=dt.UTC)

    with translation.override("vi"):
        assert vn_datetime(utc_instant) == "09 giờ 00 phút, ngày 05 tháng 02 năm 2026"


def test_english_rendering_keeps_the_numbers():
    with translation.override("en"):
        assert vn_datetime(at(2026, 2, 5, 9, 0)) == "09:00, 05/02/2026"
        assert vnd(1250000) == "1.250.000 VND"


def test_place_date_line_and_money():
    with translation.override("vi"):
        assert place_date_line("Tuyên Quang", dt.date(2026, 2, 5)) == (
            "Tuyên Quang, ngày 05 tháng 02 năm 2026"
        )
        assert vnd(1250000) == "1.250.000 đồng"
        assert vnd(0) == "0 đồng"
        assert vn_datetime(None) == ""
