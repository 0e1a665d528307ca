"""Text size (A-/A/A+) and high contrast, remembered per browser without JavaScript."""

import pytest
from django.urls import reverse

from chinhquyen.core.preferences import next_text_size

pytestmark = pytest.mark.django_db

ONE_YEAR = 365 * 24 * 3600


def test_a_plus_enlarges_the_text_and_sends_the_visitor_back(client):
    response = client.post(reverse("core:preferences"), {"text_size": "larger", "next": "/x/"})

    assert response.status_code == 303
    assert response["Location"] == "/x/"
    cookie = response.cookies["chinhquyen_text_size"]
    assert cookie.value == "large"
    assert cookie["max-age"] == ONE_YEAR
    assert cookie["samesite"] == "Lax"
    assert cookie["httponly"] is True


def test_the_choice_is_remembered_on_the_next_page(client):
    client.post(reverse("core:preferences"), {"text_size": "larger", "next": "/"})
    client.post(reverse("core:preferences"), {"contrast": "high", "next": "/"})

    html = client.get("/").content.decode()

    assert '<html lang="vi" class="text-large contrast-high">' in html


def test_high_contrast_is_turned_off_again(client):
    client.cookies["chinhquyen_contrast"] = "high"

    response = client.post(reverse("core:preferences"), {"contrast": "normal", "next": "/"})

    assert response.cookies["chinhquyen_contrast"].value == "normal"
    assert 'class="' not in client.get("/").content.decode().split("<head>")[0]


def test_the_sizes_step_and_stop_at_both_ends():
    assert next_text_size("normal", "smaller") == "small"
    assert next_text_size("small", "smaller") == "small"
    assert next_text_size("normal", "larger") == "large"
    assert next_text_size("large", "larger") == "x-large"
    assert next_text_size("x-large", "larger") == "x-large"
    assert next_text_size("x-large", "normal") == "normal"
    assert next_text_size("garbage", "larger") == "large"


def test_a_redirect_to_another_site_is_refused(client):
    response = client.post(
        reverse("core:preferences"), {"text_size": "larger", "next": "https://evil.example/"}
    )

    assert response.status_code == 303
    assert response["Location"] == reverse("core:home")


def test_an_unknown_value_sets_no_cookie(client):
    response = client.post(reverse("core:preferences"), {"text_size": "huge", "contrast": "pink"})

    assert response.status_code == 303
    assert "chinhquyen_text_size" not in response.cookies
    assert "chinhquyen_contrast" not in response.cookies


def test_the_settings_page_shows_the_current_size(client):
    client.cookies["chinhquyen_text_size"] = "x-large"

    response = client.get(reverse("core:preferences"), {"next": "/directory/"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "Cỡ chữ hiện tại: <strong>rất lớn</strong>" in html
    assert '<input type="hidden" name="next" value="/directory/">' in html


def test_a_form_without_csrf_token_gets_the_friendly_expired_page_and_sets_nothing(client):
    client.handler.enforce_csrf_checks = True

    response = client.post(reverse("core:preferences"), {"text_size": "larger"})

    html = response.content.decode()
    assert response.status_code == 403
    assert "<h1>Biểu mẫu đã hết hạn</h1>" in html
    assert '<div class="other-language" lang="en"><h2>The form has expired</h2>' in html
    assert "chinhquyen_text_size" not in response.cookies
