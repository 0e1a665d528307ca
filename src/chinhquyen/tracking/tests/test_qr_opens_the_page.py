"""The QR code printed on a real slip opens the status page of that dossier."""

import shutil
from urllib.parse import urlsplit

import pytest

from chinhquyen.dossiers.slips.mapping import status_url
from chinhquyen.dossiers.slips.tests.pdftools import (
    decode_qr_codes,
    needs_poppler,
    needs_weasyprint,
)

needs_zbar = pytest.mark.skipif(
    shutil.which("zbarimg") is None, reason="zbar-tools (zbarimg) not installed"
)


@pytest.mark.django_db
@needs_weasyprint
@needs_poppler
@needs_zbar
def test_the_receipt_qr_decodes_to_the_public_page_which_asks_for_the_phone(
    client, receive, officer_an, login, settings
):
    # given the portal's public address and a dossier received at the counter
    settings.PUBLIC_BASE_URL = "https://dichvucong.tuyenquang.gov.vn/"
    dossier = receive()
    login(officer_an)

    # when the officer prints the receipt slip and a phone reads its QR code
    pdf = client.get(f"/dossiers/{dossier.pk}/slips/receipt/").content
    [url] = decode_qr_codes(pdf)

    # then it is the public status page of that dossier on the portal's address
    assert url == f"https://dichvucong.tuyenquang.gov.vn/tra-cuu/{dossier.code}/"
    # and opening it (signed out) shows the form with the code, asking for the phone
    client.logout()
    page = client.get(urlsplit(url).path)
    assert page.status_code == 200
    assert f'value="{dossier.code}"' in page.content.decode()
    # and the phone then shows the status
    shown = client.post("/tra-cuu/", {"code": dossier.code, "phone": "0912345678"})
    assert shown.status_code == 200
    assert "Sở A" in shown.content.decode()


@pytest.mark.django_db
def test_without_a_public_address_the_url_comes_from_the_request(receive, settings, rf):
    settings.PUBLIC_BASE_URL = ""
    settings.ALLOWED_HOSTS = ["motcua.example.vn"]
    dossier = receive()

    url = status_url(dossier, request=rf.get("/", HTTP_HOST="motcua.example.vn"))

    assert url == f"http://motcua.example.vn/tra-cuu/{dossier.code}/"
