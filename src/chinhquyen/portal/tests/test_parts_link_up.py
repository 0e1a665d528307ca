"""The portal's parts link to each other: the header's account links, the citizen's dossier
page (pay online, e-receipt, online form answers) and the back-office dossier page (form
answers, e-receipt of fees paid online)."""

# Fixtures are imported from other apps' test modules and then requested.
# ruff: noqa: F811

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from chinhquyen.eforms import services as eform_services
from chinhquyen.eforms.tests.conftest import (  # noqa: F401 (fixtures)
    PDF,
    VALID_POST,
    draft_of,
    media,
    online,
)
from chinhquyen.payments import services as payment_services
from chinhquyen.payments.tests.conftest import (  # noqa: F401 (fixtures)
    chi_dossier,
    gateway_params,
    gateway_settings,
    signed,
)

pytestmark = pytest.mark.django_db


def html(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


# The header (base.html, every page)


def test_a_visitor_is_offered_the_citizen_sign_in_and_the_officials_sign_in(client):
    page = html(client.get("/"))

    assert '<a class="account-link" href="/cong-dan/dang-nhap/">' in page
    assert '<a class="account-link" href="/accounts/login/">Cán bộ, công chức</a>' in page


def test_a_citizen_gets_my_dossiers_profile_and_the_citizen_sign_out(client, citizen_chi):
    client.force_login(citizen_chi)

    page = html(client.get("/thu-tuc/"))

    assert '<a class="account-link" href="/tra-cuu/ho-so-cua-toi/">Hồ sơ của tôi</a>' in page
    assert '<a class="account-link" href="/cong-dan/ho-so/">Tài khoản của tôi</a>' in page
    assert 'action="/cong-dan/dang-xuat/" method="post"' in page
    assert "/accounts/logout/" not in page
    assert "/backoffice/" not in page


def test_an_official_keeps_the_back_office_and_the_staff_sign_out(client, officer_an):
    client.force_login(officer_an)

    page = html(client.get("/thu-tuc/"))

    assert 'action="/accounts/logout/" method="post"' in page
    assert "/cong-dan/dang-xuat/" not in page
    assert "/tra-cuu/ho-so-cua-toi/" not in page
    assert '<a class="account-link" href="/backoffice/">' in page


def test_the_citizen_signs_out_from_the_header(client, citizen_chi):
    client.force_login(citizen_chi)

    response = client.post("/cong-dan/dang-xuat/")

    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


# The citizen's dossier page


def my_page(client, citizen, dossier) -> str:
    client.force_login(citizen)
    return html(client.get(f"/tra-cuu/ho-so-cua-toi/{dossier.pk}/"))


def pay_online(dossier, citizen):
    order, _url = payment_services.start_payment(dossier=dossier, acting_user=citizen)
    outcome = payment_services.handle_notification(signed(gateway_params(order)))
    assert outcome.verdict == "accepted"
    return order


def test_unpaid_fees_offer_to_pay_online(client, citizen_chi, chi_dossier):
    page = my_page(client, citizen_chi, chi_dossier)

    assert (
        f'<a class="button" id="pay-online" href="/thanh-toan/ho-so/{chi_dossier.code}/">'
        "Thanh toán trực tuyến</a>"
    ) in page


def test_without_a_gateway_there_is_no_pay_online_link(
    client, citizen_chi, chi_dossier, gateway_settings
):
    gateway_settings.PAYMENT_HASH_SECRET = ""

    page = my_page(client, citizen_chi, chi_dossier)

    assert 'id="pay-online"' not in page


def test_paid_fees_link_their_e_receipt_and_no_longer_offer_to_pay(
    client, citizen_chi, chi_dossier
):
    order = pay_online(chi_dossier, citizen_chi)

    page = my_page(client, citizen_chi, chi_dossier)

    link = (
        f'<a href="/thanh-toan/bien-lai/{order.reference}/">Biên lai điện tử'
        f'<span class="visually-hidden"> {order.reference}</span></a>'
    )
    assert page.count(link) == 2  # one per fee line paid by the order
    assert 'id="pay-online"' not in page
    assert html(client.get(f"/thanh-toan/bien-lai/{order.reference}/"))


def test_a_dossier_seen_through_the_id_number_does_not_offer_to_pay(
    client, receive, citizen_chi, gateway_settings
):
    # given a counter dossier without an account link: the pay page is only for the account
    dossier = receive()
    from chinhquyen.citizens.models import CitizenProfile

    CitizenProfile.objects.update_or_create(
        user=citizen_chi, defaults={"id_number": "037190000123"}
    )

    page = my_page(client, citizen_chi, dossier)

    assert dossier.code in page
    assert 'id="pay-online"' not in page


@pytest.fixture
def online_dossier(client, citizen_chi, draft_of, online):  # noqa: F811
    """Chi applied online with the eforms form (answers in VALID_POST)."""
    draft = draft_of(citizen_chi)
    client.force_login(citizen_chi)
    client.post(f"/nop-ho-so/ho-so-nhap/{draft.pk}/", {**VALID_POST, "action": "continue"})
    client.post(
        f"/nop-ho-so/ho-so-nhap/{draft.pk}/tep/",
        {
            f"component-{online.application_form.pk}": SimpleUploadedFile("don.pdf", PDF),
            f"component-{online.id_copy.pk}": SimpleUploadedFile("cccd.pdf", PDF),
        },
    )
    draft.refresh_from_db()
    return eform_services.submit_draft(draft, acting_user=citizen_chi).dossier


def test_an_online_dossier_shows_the_answers_to_its_applicant(client, citizen_chi, online_dossier):
    page = my_page(client, citizen_chi, online_dossier)

    assert '<h2 id="answers-heading">Biểu mẫu trực tuyến của ông/bà</h2>' in page
    assert "<dt>Mục đích</dt><dd>Xin việc</dd>" in page


def test_a_counter_dossier_has_no_online_answers(client, citizen_chi, chi_dossier):
    page = my_page(client, citizen_chi, chi_dossier)

    assert "answers-heading" not in page


# The back-office dossier page


def test_the_back_office_links_the_form_answers_and_the_e_receipt(
    client, citizen_chi, online_dossier, officer_an, gateway_settings
):
    # given the online dossier's fee was paid online
    order = pay_online(online_dossier, citizen_chi)
    client.force_login(officer_an)

    page = html(client.get(f"/dossiers/{online_dossier.pk}/"))

    assert (
        f'<a href="/nop-ho-so/quan-tri/ho-so/{online_dossier.code}/">'
        "Nội dung tờ khai nộp trực tuyến</a>"
    ) in page
    assert f'<a href="/thanh-toan/bien-lai/{order.reference}/">{order.reference}</a>' in page
    # and the linked pages open for this official
    assert html(client.get(f"/nop-ho-so/quan-tri/ho-so/{online_dossier.code}/"))
    assert html(client.get(f"/thanh-toan/bien-lai/{order.reference}/"))


def test_a_counter_dossier_has_no_form_link_in_the_back_office(client, chi_dossier, officer_an):
    client.force_login(officer_an)

    page = html(client.get(f"/dossiers/{chi_dossier.pk}/"))

    assert "/nop-ho-so/quan-tri/ho-so/" not in page
    assert "/thanh-toan/bien-lai/" not in page
