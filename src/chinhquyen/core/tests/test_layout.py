"""The base layout: Vietnamese first, landmarks, skip link, CSP-clean markup."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_a_visitor_gets_the_home_page_in_vietnamese_even_if_the_browser_asks_for_english(
    client,
):
    # Given a phone whose system language is English
    # When the citizen opens the home page without having used the language switch
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")

    # Then the page is Vietnamese
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="vi"' in html
    assert "Chuyển đến nội dung chính" in html
    assert response["Content-Language"] == "vi"


def test_the_language_cookie_selects_english(client):
    client.cookies["chinhquyen_language"] = "en"

    html = client.get("/").content.decode()

    assert '<html lang="en"' in html
    assert "Skip to main content" in html


def test_an_unknown_language_in_the_cookie_falls_back_to_vietnamese(client):
    client.cookies["chinhquyen_language"] = "fr"

    html = client.get("/").content.decode()

    assert '<html lang="vi"' in html


def test_the_home_page_has_a_skip_link_first_one_h1_and_the_landmarks(client):
    html = client.get("/").content.decode()

    body = html[html.index("<body") :]
    first_link = re.search(r"<(a|button|input(?! type=\"hidden\"))[^>]*>", body).group(0)
    assert first_link == '<a class="skip-link" href="#main">'
    assert html.count("<h1") == 1
    assert '<header class="site-header" role="banner">' in html
    assert '<main id="main" tabindex="-1">' in html
    assert '<footer class="site-footer" role="contentinfo">' in html


def test_the_header_offers_sign_in_and_the_language_switch_as_post_forms(client):
    html = client.get("/").content.decode()

    assert f'href="{reverse("accounts:login")}"' in html
    assert f'action="{reverse("set_language")}" method="post"' in html
    assert '<button class="tool-button" type="submit" name="language" value="en" lang="en">' in html
    assert f'action="{reverse("core:preferences")}" method="post"' in html


def test_pages_carry_no_inline_script_or_style_so_the_csp_holds(client):
    for url in ["/", reverse("core:preferences"), "/no-such-page/"]:
        html = client.get(url).content.decode()

        assert "<script" not in html, url
        assert "<style" not in html, url
        assert " style=" not in html, url
        assert re.search(r" on[a-z]+=", html) is None, url


def test_display_preference_cookies_become_classes_on_html(client):
    client.cookies["chinhquyen_text_size"] = "large"
    client.cookies["chinhquyen_contrast"] = "high"

    html = client.get("/").content.decode()

    assert '<html lang="vi" class="text-large contrast-high">' in html
    assert 'name="contrast" value="normal" aria-pressed="true"' in html


def test_a_tampered_preference_cookie_is_ignored(client):
    client.cookies["chinhquyen_text_size"] = '"><script>'

    html = client.get("/").content.decode()

    assert '<html lang="vi">' in html


def test_a_signed_in_official_sees_the_sign_out_button_and_the_back_office_link(
    client, django_user_model
):
    official = django_user_model.objects.create_user(
        "officer_an", password="not-used-1234", full_name="Nguyễn Văn An"
    )
    client.force_login(official)

    html = client.get("/").content.decode()

    assert "Nguyễn Văn An" in html
    assert f'action="{reverse("accounts:logout")}" method="post"' in html
    assert f'href="{reverse("core:backoffice")}"' in html


def test_the_language_switch_remembers_english_for_a_year_and_returns_to_the_page(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/preferences/"})

    cookie = response.cookies["chinhquyen_language"]
    assert response.status_code == 302
    assert response["Location"] == "/preferences/"
    assert cookie.value == "en"
    assert cookie["max-age"] == 365 * 24 * 3600
    assert '<html lang="en"' in client.get("/preferences/").content.decode()
