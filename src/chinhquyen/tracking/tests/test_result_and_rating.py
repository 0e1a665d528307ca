"""The applicant downloads the signed electronic result through an authorising view, and
rates the service online once after return (Decree 61/2018 Art. 31)."""

import pytest

from chinhquyen.dossiers.services import record_payment, transition
from chinhquyen.dossiers.tests.conftest import PDF, at, pdf

APPLICANT = {"name": "Ngô Thị Chi", "id_number": "037190000123", "phone": "0912345678"}
RATING = {
    "time_rating": "2",
    "agencies_contacted": "1",
    "contacts_needed": "1",
    "procedure_accuracy": "2",
    "attitude": "2",
    "lawfulness": "1",
    "complaint_handling": "",
    "online_quality": "2",
    "comment": "Nhanh, chu đáo",
}


@pytest.fixture
def ready(receive, citizen_chi, officer_an, specialist_dung, specialist_minh, leader_binh):
    """Chi's dossier approved with a PDF result on Wed 11 Feb 10:00 (fee still unpaid)."""
    dossier = receive(applicant={**APPLICANT, "user": citizen_chi})
    transition(dossier, "forward", acting_user=officer_an, at=at(2026, 2, 5, 10, 0))
    transition(dossier, "transfer", acting_user=specialist_dung, at=at(2026, 2, 6, 9, 0))
    transition(dossier, "forward", acting_user=specialist_minh, at=at(2026, 2, 9, 9, 0))
    transition(
        dossier,
        "approve",
        acting_user=leader_binh,
        result_file=pdf("giay-phep.pdf"),
        at=at(2026, 2, 11, 10, 0),
    )
    dossier.refresh_from_db()
    return dossier


def signed(dossier, leader):
    """The leader's signature recorded on the result (``dossiers.services.results``)."""
    from chinhquyen.dossiers.models import Dossier

    Dossier.objects.filter(pk=dossier.pk).update(
        result_signed_at=at(2026, 2, 11, 11, 0), result_signed_by=leader
    )
    dossier.refresh_from_db()
    return dossier


def paid(dossier, officer):
    record_payment(
        dossier.payments.get(),
        method="cash",
        receipt_number="BL-0001",
        acting_user=officer,
        paid_at=at(2026, 2, 11, 14, 0),
    )


def url(dossier, suffix=""):
    return f"/tra-cuu/ho-so-cua-toi/{dossier.pk}/{suffix}"


@pytest.mark.django_db
def test_the_signed_result_is_streamed_to_its_applicant_once_fees_are_paid(
    client, login, ready, citizen_chi, leader_binh, officer_an
):
    from chinhquyen.audit.models import AuditEntry

    login(citizen_chi)
    # given the result is not signed yet, then it is not offered
    assert client.get(url(ready, "ket-qua/")).status_code == 404
    # and signed but with the fee unpaid, still not
    signed(ready, leader_binh)
    assert client.get(url(ready, "ket-qua/")).status_code == 404
    assert "ket-qua/" not in client.get(url(ready)).content.decode()

    # when the fee is paid
    paid(ready, officer_an)
    page = client.get(url(ready)).content.decode()
    response = client.get(url(ready, "ket-qua/"))

    # then the page links it and the file comes through the view, privately
    assert f'href="{url(ready, "ket-qua/")}"' in page
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"] == 'attachment; filename="giay-phep.pdf"'
    assert "private, no-store" in response["Cache-Control"]
    # and the download is audited
    entry = AuditEntry.objects.get(action="tracking.result_downloaded")
    assert entry.actor_id == citizen_chi.pk
    assert entry.details == {"file": "giay-phep.pdf"}


@pytest.mark.django_db
def test_another_citizen_never_gets_the_result(
    client, login, ready, other_citizen, leader_binh, officer_an
):
    signed(ready, leader_binh)
    paid(ready, officer_an)
    login(other_citizen)

    assert client.get(url(ready, "ket-qua/")).status_code == 404


@pytest.mark.django_db
def test_the_citizen_rates_once_after_return(client, login, ready, citizen_chi, officer_an):
    from chinhquyen.dossiers.models import Evaluation

    login(citizen_chi)
    # given the result is not returned yet: no form, and a rating is refused with 409
    assert 'name="time_rating"' not in client.get(url(ready)).content.decode()
    early = client.post(url(ready, "danh-gia/"), RATING)
    assert early.status_code == 409
    assert Evaluation.objects.count() == 0

    # when the result is returned and Chi rates
    paid(ready, officer_an)
    transition(
        ready,
        "return_result",
        acting_user=officer_an,
        return_method="counter",
        at=at(2026, 2, 12, 9, 0),
    )
    assert 'name="time_rating"' in client.get(url(ready)).content.decode()
    response = client.post(url(ready, "danh-gia/"), RATING)

    # then the rating is recorded online with the Art. 31 criteria
    assert response.status_code == 302
    evaluation = Evaluation.objects.get(dossier=ready)
    assert (evaluation.channel, evaluation.time_rating, evaluation.lawfulness) == ("online", 2, 1)
    assert (evaluation.complaint_handling, evaluation.comment) == (None, "Nhanh, chu đáo")
    assert ready.events.filter(type="evaluated", actor=citizen_chi).count() == 1

    # and a second rating is refused with 409, the first one kept
    again = client.post(url(ready, "danh-gia/"), {**RATING, "time_rating": "0"})
    assert again.status_code == 409
    assert "This dossier has already been rated." in again.content.decode()
    assert Evaluation.objects.get(dossier=ready).time_rating == 2


@pytest.mark.django_db
def test_an_incomplete_rating_is_refused_next_to_the_field(
    client, login, ready, citizen_chi, officer_an
):
    from chinhquyen.dossiers.models import Evaluation

    paid(ready, officer_an)
    transition(ready, "return_result", acting_user=officer_an, return_method="counter")
    login(citizen_chi)

    response = client.post(url(ready, "danh-gia/"), {**RATING, "attitude": "7"})

    assert response.status_code == 400
    assert Evaluation.objects.count() == 0
