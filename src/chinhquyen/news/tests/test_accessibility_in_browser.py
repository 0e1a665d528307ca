"""axe-core in Debian's Chromium on the information portal's public pages: no serious or
critical WCAG 2.1 A/AA violation at 320 px and 1280 px, in normal and high contrast (the
portal's helper, portal/tests/test_accessibility_in_browser.py)."""

import json

import pytest

from chinhquyen.core.tests.test_pages_in_browser import browser  # noqa: F401 (fixture)
from chinhquyen.news.choices import Category
from chinhquyen.news.tests.conftest import png_bytes, post_document, publish, upload
from chinhquyen.portal.tests.test_accessibility_in_browser import violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def content(org_tree):
    article = publish(
        org_tree.dept_a,
        title="Khai trương quầy tiếp nhận hồ sơ số 7",
        title_en="Counter 7 opens",
        body="## Giờ làm việc\n\n- Sáng: 7:30–11:30\n- Chiều: 13:30–17:00\n\n[Thủ tục](/thu-tuc/)",
        image=upload("quay.png", png_bytes()),
        image_alt="Quầy tiếp nhận hồ sơ số 7",
        image_alt_en="Counter 7",
    )
    publish(org_tree.dept_b, category=Category.ANNOUNCEMENT, title="Lịch nghỉ Tết")
    document = post_document(org_tree.dept_a)
    return {"article": article, "document": document}


@pytest.mark.parametrize(
    "path",
    [
        "/tin-tuc/",
        "/tin-tuc/?category=bogus",  # with error messages
        "/tin-tuc/{article}/",
        "/tin-tuc/van-ban/?q=quy+che",
        "/tin-tuc/van-ban/{document}/",
        "/",  # the home page with the latest news
    ],
)
def test_news_pages_have_no_serious_accessibility_violation(
    browser,  # noqa: F811
    live_server,
    axe_script,
    content,
    path,
):
    path = path.format(article=content["article"].pk, document=content["document"].pk)
    found = []
    for width, contrast in ((320, False), (1280, False), (1280, True)):
        found += violations(browser, live_server, axe_script, path, width=width, contrast=contrast)

    assert found == [], json.dumps(found, ensure_ascii=False, indent=1)


def test_news_pages_fit_a_320_px_screen_without_javascript(browser, live_server, content):  # noqa: F811
    context = browser.new_context(viewport={"width": 320, "height": 800}, java_script_enabled=False)
    try:
        page = context.new_page()
        widths = {}
        for path in (
            "/tin-tuc/",
            f"/tin-tuc/{content['article'].pk}/",
            "/tin-tuc/van-ban/",
            f"/tin-tuc/van-ban/{content['document'].pk}/",
        ):
            page.goto(live_server.url + path)
            widths[path] = page.evaluate("document.documentElement.scrollWidth")
    finally:
        context.close()

    assert {path: width for path, width in widths.items() if width > 320} == {}
