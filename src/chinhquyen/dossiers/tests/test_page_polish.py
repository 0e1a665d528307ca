"""Reported page problems: the result file's raw storage path, the raw rating channel, the
dossier code broken in the heading, the queue table too narrow to read."""

import pytest

from chinhquyen.accounts.choices import Role
from chinhquyen.conftest import _create_organisation, make_role_holder
from chinhquyen.directory.choices import OrganisationKind
from chinhquyen.dossiers.services import record_evaluation, record_payment, transition
from chinhquyen.dossiers.tests.conftest import PDF, at, pdf

RATINGS = {
    "time_rating": 2,
    "agencies_contacted": 1,
    "contacts_needed": 0,
    "procedure_accuracy": 2,
    "attitude": 2,
    "lawfulness": 2,
}


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


def approved_with(receive, name, officer_an, specialist_dung, specialist_minh, leader_binh):
    dossier = receive()
    transition(dossier, "forward", acting_user=officer_an, at=at(2026, 2, 5, 10, 0))
    transition(dossier, "transfer", acting_user=specialist_dung, at=at(2026, 2, 5, 11, 0))
    transition(dossier, "forward", acting_user=specialist_minh, at=at(2026, 2, 5, 14, 0))
    transition(
        dossier, "approve", acting_user=leader_binh, result_file=pdf(name), at=at(2026, 2, 6, 9)
    )
    dossier.refresh_from_db()
    return dossier


@pytest.mark.django_db
def test_result_file_shows_its_original_name_and_downloads_only_through_the_dossier(
    client,
    login,
    receive,
    media,
    officer_an,
    specialist_dung,
    specialist_minh,
    leader_binh,
    org_tree,
):
    # Given two dossiers approved with a result file of the same name (the storage renames
    # the second one "giay-phep_XXXXXXX.pdf")
    people = (officer_an, specialist_dung, specialist_minh, leader_binh)
    approved_with(receive, "giay-phep.pdf", *people)
    dossier = approved_with(receive, "giay-phep.pdf", *people)
    assert dossier.result_file.name != "dossiers/results/2026/02/giay-phep.pdf"
    # When the officer opens the dossier page
    login(officer_an)
    page = client.get(f"/dossiers/{dossier.pk}/").content.decode()
    # Then the original name is a link to the authorised download, never the storage path
    assert f'<a href="/dossiers/{dossier.pk}/result/" download>giay-phep.pdf</a>' in page
    assert dossier.result_file.name not in page
    assert "/media/" not in page
    download = client.get(f"/dossiers/{dossier.pk}/result/")
    assert download.status_code == 200
    assert download["Content-Disposition"] == 'attachment; filename="giay-phep.pdf"'
    assert download["Cache-Control"] == "private, no-store"
    assert b"".join(download.streaming_content) == PDF
    # and an official of an agency that never handled the dossier does not get it
    dept_c = _create_organisation(
        parent=org_tree.province, name="Sở C", kind=OrganisationKind.DEPARTMENT
    )
    login(
        make_role_holder(
            "officer_lam", full_name="Lâm Văn Lâm", organisation=dept_c, role=Role.AGENCY_LEADER
        )
    )
    assert client.get(f"/dossiers/{dossier.pk}/result/").status_code == 404


@pytest.mark.django_db
def test_a_dossier_without_result_file_has_no_download(client, login, receive, officer_an):
    dossier = receive()
    login(officer_an)
    assert client.get(f"/dossiers/{dossier.pk}/result/").status_code == 404


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_sign_in_for_the_result_file(client, receive):
    dossier = receive()
    response = client.get(f"/dossiers/{dossier.pk}/result/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.django_db
def test_rating_block_shows_the_channel_label_and_the_heading_keeps_the_code_whole(
    client, login, receive, officer_an, specialist_dung, specialist_minh, leader_binh, media
):
    dossier = approved_with(
        receive, "kq.pdf", officer_an, specialist_dung, specialist_minh, leader_binh
    )
    record_payment(
        dossier.payments.get(), method="cash", receipt_number="BL-1", acting_user=officer_an
    )
    transition(dossier, "return_result", acting_user=officer_an, return_method="counter")
    record_evaluation(dossier, ratings=RATINGS, acting_user=officer_an)
    login(officer_an)
    page = client.get(f"/dossiers/{dossier.pk}/").content.decode()  # the site speaks Vietnamese
    assert "(counter)" not in page
    assert "(phiếu giấy tại bộ phận một cửa)." in page
    assert f'<span class="dossier-code">{dossier.code}</span>' in page


@pytest.mark.django_db
def test_queue_table_scrolls_in_a_labelled_region_with_five_columns(
    client, login, receive, officer_an
):
    dossier = receive()
    login(officer_an)
    page = client.get("/dossiers/?queue=all").content.decode()
    assert (
        '<div class="table-wrap dossier-queue-wrap" role="region" '
        'aria-labelledby="queue-caption" tabindex="0">'
    ) in page
    assert '<caption id="queue-caption">' in page
    head = page[page.index("<thead>") : page.index("</thead>")]
    assert head.count('<th scope="col"') == 5
    assert dossier.code in page and "Ngô Thị Chi" in page
