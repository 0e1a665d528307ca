"""Catalogue search in Debian's Chromium on a 320 px phone, with and without JavaScript."""

import tempfile
from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("javascript", [True, False])
def test_a_citizen_searches_without_accents_on_a_320_pixel_phone(
    open_page, small_catalogue, javascript
):
    # Given the home page on a 320 px wide phone
    page = open_page("/", width=320, javascript=javascript)
    assert page.evaluate("document.documentElement.scrollWidth") <= 320

    # When the citizen types the words without accents and submits
    page.get_by_label("Tìm thủ tục hành chính").fill("dang ky khai sinh")
    page.get_by_role("button", name="Tìm kiếm", exact=True).click()
    page.wait_for_load_state()

    # Then the results list the birth registration first, nothing scrolls sideways,
    results = page.locator(".result-title a")
    assert results.all_inner_texts() == [
        "Đăng ký khai sinh",
        "Đăng ký lại khai sinh",
        "Đăng ký khai tử",
    ]
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    # and the filters are labelled form controls.
    assert page.get_by_label("Cấp thực hiện").count() == 1
    assert page.get_by_label("Dịch vụ công trực tuyến").count() == 1

    # When the citizen opens the first result
    results.first.click()
    page.wait_for_load_state()

    # Then the procedure page fits the phone too and offers to apply online.
    assert page.locator("h1").inner_text() == "Đăng ký khai sinh"
    assert page.get_by_role("link", name="Nộp hồ sơ trực tuyến").first.is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 320


@pytest.mark.parametrize("path", ["/thu-tuc/", "/thong-ke/", "/co-quan/"])
def test_portal_pages_fit_a_320_pixel_phone(open_page, small_catalogue, path):
    page = open_page(path, width=320)

    assert page.locator("h1").count() == 1
    assert page.get_by_role("main").count() == 1
    assert page.get_by_role("navigation", name="Dịch vụ công").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 320


def test_screenshots_for_a_human_look(open_page, small_catalogue):
    pages = [("/", "home"), ("/thu-tuc/?q=dang+ky", "search"), ("/thong-ke/", "stats")]
    for url, name in pages:
        for width in (320, 1280):
            page = open_page(url, width=width)
            path = Path(tempfile.gettempdir()) / f"chinhquyen-portal-{name}-{width}.png"
            page.screenshot(path=str(path), full_page=True)
            assert path.stat().st_size > 10_000
