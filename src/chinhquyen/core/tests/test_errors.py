"""Error pages: same look, both languages, and a 500 page that needs nothing."""

import pytest
from django.template import loader

pytestmark = pytest.mark.django_db


def test_a_missing_page_is_a_bilingual_404(client):
    response = client.get("/no-such-page/")

    html = response.content.decode()
    assert response.status_code == 404
    assert "<h1>Không tìm thấy trang</h1>" in html
    assert '<div class="other-language" lang="en"><h2>Page not found</h2>' in html
    assert 'class="skip-link"' in html


def test_in_english_the_404_page_gives_vietnamese_second(client):
    client.cookies["chinhquyen_language"] = "en"

    html = client.get("/no-such-page/").content.decode()

    assert "<h1>Page not found</h1>" in html
    assert '<div class="other-language" lang="vi"><h2>Không tìm thấy trang</h2>' in html


def test_the_500_page_renders_without_request_context_or_database():
    # Rendered exactly as Django's server_error handler does: no request, no context.
    html = loader.get_template("500.html").render()

    assert "<h1>Xin lỗi, hệ thống đã gặp lỗi</h1>" in html
    assert "<h2>Sorry, something went wrong on our side</h2>" in html
    assert "<script" not in html


@pytest.mark.parametrize(
    ("template", "vietnamese", "english"),
    [
        ("400.html", "Yêu cầu không hợp lệ", "The request could not be understood"),
        (
            "403.html",
            "Bạn không có quyền truy cập trang này",
            "You do not have access to this page",
        ),
    ],
)
def test_400_and_403_pages_are_bilingual(rf, template, vietnamese, english):
    from django.contrib.auth.models import AnonymousUser
    from django.utils import translation

    request = rf.get("/")
    request.user = AnonymousUser()
    with translation.override("vi"):
        html = loader.get_template(template).render({}, request)

    assert f"<h1>{vietnamese}</h1>" in html
    assert f"<h2>{english}</h2>" in html
