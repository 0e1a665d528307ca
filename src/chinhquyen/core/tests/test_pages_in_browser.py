"""The public pages in a real browser (Debian's Chromium through Playwright).

One browser for the module; each test gets a fresh context (no cookies). Screenshots of the home
page at 320 px and 1280 px go to /tmp for a human look.
"""

import tempfile
from pathlib import Path

import pytest

from chinhquyen.core.browser_testing import launch_chromium

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(tempfile.gettempdir())


@pytest.fixture(scope="module")
def browser():
    """One Chromium for the module, with more flags than the shared ``chromium`` fixture."""
    with launch_chromium(CHROMIUM_ARGS) as chromium:
        yield chromium


@pytest.fixture
def open_page(browser, live_server):
    contexts = []

    def open_page(path: str = "/", *, width: int = 1280, javascript: bool = True):
        context = browser.new_context(
            viewport={"width": width, "height": 900},
            java_script_enabled=javascript,
            locale="en-US",  # a phone set to English: the site must still start in Vietnamese
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(5000)
        page.goto(live_server.url + path)
        return page

    yield open_page
    for context in contexts:
        context.close()


def _root_font_size(page) -> str:
    return page.evaluate("getComputedStyle(document.documentElement).fontSize")


def test_the_skip_link_is_the_first_stop_and_moves_focus_to_the_content(open_page):
    page = open_page("/")

    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.className")
    box = page.locator(".skip-link").bounding_box()
    page.keyboard.press("Enter")

    assert focused == "skip-link"
    assert box["width"] > 100  # shown when focused
    assert page.evaluate("document.activeElement.id") == "main"


def test_the_home_page_has_one_heading_and_the_landmarks(open_page):
    page = open_page("/")

    assert page.locator("h1").count() == 1
    assert page.get_by_role("banner").count() == 1
    assert page.get_by_role("main").count() == 1
    assert page.get_by_role("contentinfo").count() == 1
    assert page.evaluate("document.documentElement.lang") == "vi"


@pytest.mark.parametrize("path", ["/", "/preferences/", "/no-such-page/"])
def test_nothing_scrolls_sideways_on_a_320_pixel_phone(open_page, path):
    page = open_page(path, width=320)

    assert page.evaluate("document.documentElement.scrollWidth") <= 320


def test_the_language_switch_goes_to_english_and_back_and_is_remembered(open_page):
    page = open_page("/")

    page.get_by_role("button", name="English", exact=True).click()
    page.wait_for_load_state()
    assert page.evaluate("document.documentElement.lang") == "en"
    assert page.locator(".skip-link").inner_text() == "Skip to main content"

    page.goto(page.url.rstrip("/") + "/preferences/")
    assert page.locator("h1").inner_text() == "Display settings"

    page.get_by_role("button", name="Tiếng Việt", exact=True).click()
    page.wait_for_load_state()
    assert page.evaluate("document.documentElement.lang") == "vi"
    assert page.locator("h1").inner_text() == "Tùy chọn hiển thị"


def test_a_plus_enlarges_the_text_and_it_stays_after_a_reload(open_page):
    page = open_page("/")
    assert _root_font_size(page) == "16px"

    page.locator('button[name="text_size"][value="larger"]').click()
    page.wait_for_load_state()
    enlarged = _root_font_size(page)
    page.reload()

    assert enlarged == "20px"
    assert _root_font_size(page) == "20px"
    page.locator('button[name="text_size"][value="normal"]').click()
    page.wait_for_load_state()
    assert _root_font_size(page) == "16px"


def test_high_contrast_toggles_and_stays_after_a_reload(open_page):
    page = open_page("/")
    toggle = page.locator('form.contrast button[type="submit"]')

    toggle.click()
    page.wait_for_load_state()
    page.reload()

    assert "contrast-high" in page.evaluate("document.documentElement.className")
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(0, 0, 0)"
    assert toggle.get_attribute("aria-pressed") == "true"
    toggle.click()
    page.wait_for_load_state()
    assert "contrast-high" not in page.evaluate("document.documentElement.className")


def test_everything_works_with_javascript_turned_off(open_page):
    page = open_page("/", javascript=False)

    assert page.locator("h1").is_visible()
    page.locator('button[name="text_size"][value="larger"]').click()
    page.wait_for_load_state()
    assert page.locator("html.text-large").count() == 1
    page.get_by_role("button", name="English", exact=True).click()
    page.wait_for_load_state()
    assert page.locator('html[lang="en"]').count() == 1


def test_screenshots_of_the_home_page_for_a_human_look(open_page):
    for width in (320, 1280):
        page = open_page("/", width=width)
        path = SCREENSHOTS / f"chinhquyen-home-{width}.png"
        page.screenshot(path=str(path), full_page=True)
        assert path.stat().st_size > 10_000
