import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from chinhquyen.core.testing import LOGIN, assert_permission_matrix
from chinhquyen.dossiers.services import transition
from chinhquyen.dossiers.tests.conftest import at


@pytest.mark.django_db
def test_queue_query_count_does_not_grow_with_dossiers(client, receive, officer_an, login):
    receive()
    login(officer_an)
    client.get("/dossiers/?queue=all")
    with CaptureQueriesContext(connection) as few:
        assert client.get("/dossiers/?queue=all").status_code == 200
    for minute in range(5):
        receive(received_at=at(2026, 2, 5, 10, minute))
    with CaptureQueriesContext(connection) as many:
        response = client.get("/dossiers/?queue=all")
    assert response.status_code == 200
    assert len(many) == len(few)
    assert "000.00.12.H37-260205-0006" in response.content.decode()


@pytest.mark.django_db
def test_transferred_dossier_is_visible_to_both_agencies(
    client, receive, personas, officer_an, specialist_dung, specialist_minh, login
):
    dossier = receive()
    transition(dossier, "forward", acting_user=officer_an, at=at(2026, 2, 5, 10, 0))
    transition(dossier, "transfer", acting_user=specialist_dung, at=at(2026, 2, 5, 11, 0))
    assert_permission_matrix(
        client,
        f"/dossiers/{dossier.pk}/",
        {
            "anonymous": LOGIN,
            "officer_an": 200,
            "specialist_dung": 200,
            "other_agency_official": 200,  # department B is involved now (liên thông)
            "admin_giang": 200,
            "citizen_chi": 403,
        },
        personas=personas,
    )
    login(specialist_minh)
    assert dossier.code in client.get("/dossiers/?queue=transferred").content.decode()


@pytest.mark.django_db
def test_wrong_agency_gets_404_and_post_conflict_gets_409(
    client, receive, personas, login, officer_an
):
    dossier = receive()
    assert_permission_matrix(
        client,
        f"/dossiers/{dossier.pk}/",
        {"other_agency_official": 404, "officer_an": 200},
        personas=personas,
    )
    login(officer_an)
    response = client.post(
        f"/dossiers/{dossier.pk}/act/",
        {"action": "return_result", "version": dossier.version, "return_method": "counter"},
    )
    assert response.status_code == 409
    stale = client.post(f"/dossiers/{dossier.pk}/act/", {"action": "forward", "version": 999})
    assert stale.status_code == 409
    assert "reload" in stale.content.decode() and "tải lại" in stale.content.decode()
    assert dossier.events.count() == 1
