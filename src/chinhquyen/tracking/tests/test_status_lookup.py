"""The public status page: dossier code plus the phone or ID number, the same answer as the
public API, nothing personal, and one "not found" whichever of the two was wrong."""

import re

import pytest
from django.utils import translation

from chinhquyen.dossiers.choices import DossierStatus
from chinhquyen.dossiers.tests.conftest import at

PERSONAL = ("Ngô Thị Chi", "0912345678", "037190000123", "Trần Phú")
WRONG_CODE = "000.00.12.H37-260205-9999"


def error_summary(response) -> str:
    found = re.search(r'<div class="error-summary".*?</div>', response.content.decode(), re.S)
    assert found, "no error summary on the page"
    return found.group(0)


@pytest.mark.django_db
def test_the_right_code_and_phone_show_status_steps_and_appointment(client, receive):
    # given a dossier received at the counter on Thu 5 Feb 2026 09:00, due Thu 12 Feb 09:00
    dossier = receive()

    # when anyone enters its code and the phone number, with spaces as people type it
    response = client.post("/tra-cuu/", {"code": dossier.code, "phone": "0912 345 678"})

    # then the page shows the code, procedure, agency, status, times and steps
    assert response.status_code == 200
    assert "private, no-store" in response["Cache-Control"]
    page = response.content.decode()
    assert dossier.code in page
    assert "Cấp giấy phép xây dựng nhà ở riêng lẻ (1.009972)" in page
    assert "Sở A" in page
    with translation.override("vi"):  # the site's default language
        assert str(DossierStatus.RECEIVED.label) in page
    assert "09:00 05/02/2026" in page  # received
    assert "09:00 12/02/2026" in page  # appointed return
    assert '<th scope="row">Receive</th>' in page
    # and nothing personal
    for personal in PERSONAL:
        assert personal not in page


@pytest.mark.django_db
def test_the_id_number_works_instead_of_the_phone(client, receive):
    dossier = receive()

    response = client.post("/tra-cuu/", {"code": dossier.code, "id_number": "037190000123"})

    assert response.status_code == 200
    assert dossier.code in response.content.decode()


@pytest.mark.django_db
def test_page_and_api_give_the_same_status(client, receive, officer_an):
    from chinhquyen.dossiers.services import transition

    # given a dossier forwarded to the review step
    dossier = receive()
    transition(dossier, "forward", acting_user=officer_an, at=at(2026, 2, 5, 10, 0))

    # when it is looked up on the page and through the API
    page = client.post("/tra-cuu/", {"code": dossier.code, "phone": "0912345678"})
    api = client.get(f"/api/v1/public/dossiers/{dossier.code}", {"phone": "0912345678"}).json()

    # then both show the same status and the same steps
    text = page.content.decode()
    assert api["status_label"] in text
    assert [s["name"] for s in api["steps"]] == ["Receive", "Review"]
    for step in api["steps"]:
        assert f'<th scope="row">{step["name"]}</th>' in text


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("code", "secret"),
    [
        ("right", {"phone": "0999999999"}),
        ("right", {"id_number": "001099000001"}),
        (WRONG_CODE, {"phone": "0912345678"}),
    ],
    ids=["wrong-phone", "wrong-id-number", "wrong-code"],
)
def test_a_wrong_code_phone_or_id_number_gets_the_same_404(client, receive, code, secret):
    # given a dossier, and the answer to a wrong phone number as the reference
    dossier = receive()
    reference = client.post("/tra-cuu/", {"code": dossier.code, "phone": "0000000000"})

    # when the code or the secret is wrong
    response = client.post(
        "/tra-cuu/", {"code": dossier.code if code == "right" else code, **secret}
    )

    # then the answer is 404 with the very same message, and no dossier data
    assert response.status_code == reference.status_code == 404
    assert error_summary(response) == error_summary(reference)
    # (bilingual: the English half is always there)
    assert "No dossier matches this code and phone number or ID number." in error_summary(response)
    assert "Sở A" not in response.content.decode()


@pytest.mark.django_db
def test_without_phone_or_id_number_the_form_says_so_next_to_the_field(client, receive):
    dossier = receive()

    response = client.post("/tra-cuu/", {"code": dossier.code})

    assert response.status_code == 400
    page = response.content.decode()
    assert (
        "Give the phone number or the ID number used in the dossier." in page
    )  # English half of the bilingual message
    assert "Sở A" not in page


@pytest.mark.django_db
def test_the_qr_address_shows_the_form_with_the_code_and_no_data(client, receive):
    # given a dossier
    dossier = receive()

    # when its QR address is opened, and the same address with a code that does not exist
    page = client.get(f"/tra-cuu/{dossier.code}/")
    unknown = client.get(f"/tra-cuu/{WRONG_CODE}/")

    # then both show the form with the code filled in, asking for the phone or ID number
    assert page.status_code == unknown.status_code == 200
    text = page.content.decode()
    assert f'value="{dossier.code}"' in text
    assert 'name="phone"' in text and 'name="id_number"' in text
    # and nothing about the dossier, not even whether it exists
    assert "Sở A" not in text and "Cấp giấy phép" not in text
    assert without_token(text, dossier.code) == without_token(unknown.content.decode(), WRONG_CODE)


def without_token(page: str, code: str) -> str:
    """The page with the code and the (per-response) CSRF token blanked out."""
    page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "TOKEN", page)
    return page.replace(code, "CODE")
