"""The sign-in page offers both ways; redirects stay on this site; pages stay cheap."""

import pytest

from chinhquyen.citizens.services import ensure_profile

pytestmark = pytest.mark.django_db


def test_the_sign_in_page_offers_the_national_sso_and_a_code(client, settings):
    settings.CITIZEN_OIDC_ISSUER = "https://sso.example.vn"
    settings.CITIZEN_OIDC_CLIENT_ID = "chinhquyen"
    response = client.get("/cong-dan/dang-nhap/?next=/nop-ho-so/1.009972/")
    assert response.status_code == 200
    text = response.content.decode()
    assert 'href="/cong-dan/dang-nhap/quoc-gia/?next=/nop-ho-so/1.009972/"' in text
    assert 'action="/cong-dan/dang-nhap/ma/"' in text
    assert '<label for="id_destination">Số điện thoại hoặc địa chỉ thư điện tử</label>' in text
    assert 'name="next" value="/nop-ho-so/1.009972/"' in text


def test_without_sso_settings_only_the_code_is_offered(client, settings):
    settings.CITIZEN_OIDC_ISSUER = ""
    text = client.get("/cong-dan/dang-nhap/").content.decode()
    assert "/cong-dan/dang-nhap/quoc-gia/" not in text
    assert "Trang này chưa được cấu hình đăng nhập một lần quốc gia." in text


def test_an_outside_next_address_is_ignored(client, settings):
    settings.CITIZEN_OIDC_ISSUER = "https://sso.example.vn"
    settings.CITIZEN_OIDC_CLIENT_ID = "chinhquyen"
    text = client.get("/cong-dan/dang-nhap/?next=https://evil.example/").content.decode()
    assert 'href="/cong-dan/dang-nhap/quoc-gia/?next=/cong-dan/ho-so/"' in text
    assert '<input type="hidden" name="next" value="/cong-dan/ho-so/">' in text
    assert "quoc-gia/?next=https" not in text


def test_the_citizen_root_leads_to_the_account_or_the_sign_in(client, citizen_chi):
    assert client.get("/cong-dan/")["Location"] == "/cong-dan/dang-nhap/"
    client.force_login(citizen_chi)
    assert client.get("/cong-dan/")["Location"] == "/cong-dan/ho-so/"
    assert client.get("/cong-dan/dang-nhap/")["Location"] == "/cong-dan/ho-so/"


def test_the_profile_page_runs_a_bounded_number_of_queries(
    client, citizen_chi, django_assert_max_num_queries
):
    ensure_profile(user=citizen_chi)
    client.force_login(citizen_chi)
    with django_assert_max_num_queries(8):
        assert client.get("/cong-dan/ho-so/").status_code == 200
