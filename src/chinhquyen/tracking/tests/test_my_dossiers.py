"""A signed-in citizen sees their own dossiers (filed from the account, or under the ID
number verified by the national SSO), whatever the channel — and never anyone else's."""

import pytest

from chinhquyen.dossiers.services import transition
from chinhquyen.dossiers.tests.conftest import at

APPLICANT = {
    "name": "Ngô Thị Chi",
    "id_number": "037190000123",
    "phone": "0912345678",
    "address": "12 Trần Phú",
}


@pytest.fixture
def chi_dossier(receive, citizen_chi):
    """Filed at the counter for Chi, linked to her account."""
    return receive(applicant={**APPLICANT, "user": citizen_chi})


@pytest.fixture
def lan_dossier(receive, other_citizen):
    return receive(
        applicant={
            "name": "Bùi Thị Lan",
            "id_number": "037190000999",
            "phone": "0987654321",
            "user": other_citizen,
        }
    )


@pytest.mark.django_db
def test_the_list_shows_only_the_citizens_own_dossiers(
    client, login, chi_dossier, lan_dossier, citizen_chi, django_assert_max_num_queries
):
    login(citizen_chi)

    with django_assert_max_num_queries(12):
        response = client.get("/tra-cuu/ho-so-cua-toi/")

    assert response.status_code == 200
    page = response.content.decode()
    assert chi_dossier.code in page
    assert lan_dossier.code not in page


@pytest.mark.django_db
def test_another_citizens_dossier_is_404_everywhere(client, login, lan_dossier, citizen_chi):
    login(citizen_chi)
    base = f"/tra-cuu/ho-so-cua-toi/{lan_dossier.pk}/"

    assert client.get(base).status_code == 404
    assert client.get(base + "ket-qua/").status_code == 404
    assert client.post(base + "bo-sung/", {}).status_code == 404
    assert client.post(base + "danh-gia/", {}).status_code == 404
    assert client.get("/tra-cuu/ho-so-cua-toi/999999/").status_code == 404


@pytest.mark.django_db
def test_a_counter_dossier_under_the_verified_id_number_is_the_citizens_too(
    client, login, receive, citizen_chi
):
    from chinhquyen.citizens.choices import VerifiedBy
    from chinhquyen.citizens.models import CitizenProfile

    # given a dossier filed at the counter with Chi's ID number but no account,
    # and Chi's account carrying that number from the national SSO
    dossier = receive(applicant=APPLICANT)
    CitizenProfile.objects.create(
        user=citizen_chi, id_number="037190000123", verified_by=VerifiedBy.NATIONAL_SSO
    )
    login(citizen_chi)

    # then it is listed and its page opens
    assert dossier.code in client.get("/tra-cuu/ho-so-cua-toi/").content.decode()
    assert client.get(f"/tra-cuu/ho-so-cua-toi/{dossier.pk}/").status_code == 200


@pytest.mark.django_db
def test_officials_get_403_and_visitors_are_sent_to_sign_in(client, login, chi_dossier, officer_an):
    url = f"/tra-cuu/ho-so-cua-toi/{chi_dossier.pk}/"

    anonymous = client.get(url)
    assert anonymous.status_code == 302
    assert (
        anonymous["Location"]
        == f"/cong-dan/dang-nhap/?next=%2Ftra-cuu%2Fho-so-cua-toi%2F{chi_dossier.pk}%2F"
    )

    login(officer_an)
    assert client.get(url).status_code == 403
    assert client.get("/tra-cuu/ho-so-cua-toi/").status_code == 403


@pytest.mark.django_db
def test_the_citizen_timeline_leaves_out_internal_notes_and_officials(
    client, login, chi_dossier, citizen_chi, officer_an, specialist_dung, catalogue
):
    # given an officer comment, an assignment and a supplement request
    transition(
        chi_dossier,
        "comment",
        acting_user=officer_an,
        note="Ghi chú nội bộ: kiểm tra kỹ",
        at=at(2026, 2, 5, 9, 30),
    )
    transition(chi_dossier, "forward", acting_user=officer_an, at=at(2026, 2, 5, 10, 0))
    transition(
        chi_dossier,
        "request_supplement",
        acting_user=specialist_dung,
        requested_components=[catalogue.id_copy],
        note="Bản sao CCCD bị mờ",
        at=at(2026, 2, 5, 11, 0),
    )
    login(citizen_chi)

    page = client.get(f"/tra-cuu/ho-so-cua-toi/{chi_dossier.pk}/").content.decode()

    # then the applicant sees the steps and the request addressed to her
    assert '<th scope="row">Receive</th>' in page
    assert '<th scope="row">Review</th>' in page
    assert "Bản sao CCCD bị mờ" in page
    # but not the internal comment nor the officials' names
    assert "Ghi chú nội bộ" not in page
    assert "Nguyễn Văn An" not in page and "Phạm Minh Dũng" not in page


@pytest.mark.django_db
def test_an_online_dossier_filed_by_the_citizen_is_listed(client, login, receive, citizen_chi):
    from chinhquyen.dossiers.choices import Channel

    dossier = receive(channel=Channel.ONLINE, acting_user=citizen_chi, applicant=APPLICANT)
    login(citizen_chi)

    page = client.get("/tra-cuu/ho-so-cua-toi/").content.decode()

    assert dossier.applicant_user_id == citizen_chi.pk
    assert dossier.code in page
