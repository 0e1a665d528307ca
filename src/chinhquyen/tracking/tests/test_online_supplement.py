"""A supplement request names its components; the supplement — at the counter or answered
online by the applicant — brings exactly those."""

import pytest

from chinhquyen.dossiers.exceptions import DossierError, IntakeRefused, InvalidTransition
from chinhquyen.dossiers.services import transition
from chinhquyen.dossiers.tests.conftest import at, pdf

APPLICANT = {
    "name": "Ngô Thị Chi",
    "id_number": "037190000123",
    "phone": "0912345678",
    "address": "12 Trần Phú",
}


@pytest.fixture
def in_review(receive, citizen_chi, officer_an):
    dossier = receive(applicant={**APPLICANT, "user": citizen_chi})
    transition(dossier, "forward", acting_user=officer_an, at=at(2026, 2, 5, 10, 0))
    dossier.refresh_from_db()
    return dossier


@pytest.fixture
def awaiting(in_review, catalogue, specialist_dung):
    """The specialist asked for a new ID copy on Thu 5 Feb 11:00."""
    transition(
        in_review,
        "request_supplement",
        acting_user=specialist_dung,
        requested_components=[catalogue.id_copy],
        note="Bản sao CCCD bị mờ, đề nghị nộp lại.",
        at=at(2026, 2, 5, 11, 0),
    )
    in_review.refresh_from_db()
    return in_review


def url(dossier, suffix=""):
    return f"/tra-cuu/ho-so-cua-toi/{dossier.pk}/{suffix}"


# --- the officer's request ---------------------------------------------------------------


@pytest.mark.django_db
def test_a_request_must_name_at_least_one_component_and_nothing_changes(in_review, specialist_dung):
    with pytest.raises(DossierError) as refused:
        transition(
            in_review,
            "request_supplement",
            acting_user=specialist_dung,
            note="Thiếu giấy tờ",
            at=at(2026, 2, 5, 11, 0),
        )
    assert refused.value.code == "components_required"
    assert refused.value.status == 400
    in_review.refresh_from_db()
    assert in_review.status == "in_processing"
    assert in_review.supplement_requests.count() == 0


@pytest.mark.django_db
def test_a_request_for_a_component_of_another_procedure_is_refused(in_review, specialist_dung):
    with pytest.raises(DossierError) as refused:
        transition(
            in_review,
            "request_supplement",
            acting_user=specialist_dung,
            requested_components=[999999],
            note="Thiếu giấy tờ",
            at=at(2026, 2, 5, 11, 0),
        )
    assert refused.value.code == "component_unknown"
    in_review.refresh_from_db()
    assert (in_review.status, in_review.supplement_requests.count()) == ("in_processing", 0)


@pytest.mark.django_db
def test_the_officer_ticks_the_components_on_the_dossier_page(
    client, login, receive, catalogue, officer_an, specialist_dung
):
    from django.utils import timezone

    # given a dossier received now (the page acts now: within the supplement window),
    # at the review step, whose page offers the specialist one checkbox per component
    in_review = receive(received_at=timezone.now())
    transition(in_review, "forward", acting_user=officer_an)
    in_review.refresh_from_db()
    login(specialist_dung)
    page = client.get(f"/dossiers/{in_review.pk}/").content.decode()
    for component in (catalogue.application_form, catalogue.id_copy, catalogue.optional_doc):
        assert f'name="components" value="{component.pk}"' in page

    # when nothing is ticked, the request is refused with 400 and nothing changes
    refused = client.post(
        f"/dossiers/{in_review.pk}/act/",
        {"action": "request_supplement", "version": in_review.version, "note": "Thiếu"},
    )
    assert refused.status_code == 400
    assert "Tick at least one component the applicant must supplement." in (
        refused.content.decode()
    )
    in_review.refresh_from_db()
    assert in_review.status == "in_processing"

    # when the ID copy is ticked with an explanation
    response = client.post(
        f"/dossiers/{in_review.pk}/act/",
        {
            "action": "request_supplement",
            "version": in_review.version,
            "note": "Bản sao CCCD bị mờ",
            "components": [str(catalogue.id_copy.pk)],
        },
    )

    # then the request records that component and the explanation
    assert response.status_code == 302
    request = in_review.supplement_requests.get()
    assert [c.pk for c in request.components.all()] == [catalogue.id_copy.pk]
    assert request.explanation == "Bản sao CCCD bị mờ"
    assert request.event.type == "supplement_requested"
    assert request.event.data["items"] == [
        {"content": "Bản sao CCCD", "reason": "Bản sao CCCD bị mờ"}
    ]


@pytest.mark.django_db
def test_the_counter_accepts_only_the_requested_components(awaiting, catalogue, officer_an, media):
    # when the officer receives a supplement holding another component too
    with pytest.raises(IntakeRefused) as refused:
        transition(
            awaiting,
            "receive_supplement",
            acting_user=officer_an,
            files=[
                (catalogue.id_copy, pdf("cccd-moi.pdf")),
                (catalogue.application_form, pdf("don-moi.pdf")),
            ],
            at=at(2026, 2, 9, 9, 0),
        )

    # then it is refused (400) naming what to bring, and nothing changed
    assert refused.value.code == "component_not_requested"
    assert refused.value.status == 400
    assert "Bản sao CCCD" in refused.value.message
    awaiting.refresh_from_db()
    assert awaiting.status == "awaiting_supplement"
    assert awaiting.attachments.count() == 2
    assert [p.name for p in media.rglob("*-moi.pdf")] == []


# --- the citizen's answer ----------------------------------------------------------------


@pytest.mark.django_db
def test_the_citizen_page_asks_for_exactly_the_requested_components(
    client, login, awaiting, catalogue, citizen_chi
):
    login(citizen_chi)

    page = client.get(url(awaiting)).content.decode()

    assert "Bản sao CCCD bị mờ, đề nghị nộp lại." in page
    assert f'name="component_{catalogue.id_copy.pk}"' in page
    assert f'name="component_{catalogue.application_form.pk}"' not in page
    assert 'enctype="multipart/form-data"' in page


@pytest.mark.django_db
def test_the_citizen_answers_online_and_the_clock_restarts(
    client, login, awaiting, catalogue, citizen_chi, media
):
    from chinhquyen.audit.models import AuditEntry

    login(citizen_chi)

    # when Chi uploads the new ID copy
    response = client.post(
        url(awaiting, "bo-sung/"),
        {f"component_{catalogue.id_copy.pk}": pdf("cccd-moi.pdf"), "note": "Đã chụp lại"},
    )

    # then the dossier is back in processing through the supplement transition, online
    assert response.status_code == 302
    assert response["Location"] == url(awaiting)
    awaiting.refresh_from_db()
    assert awaiting.status == "in_processing"
    event = awaiting.events.get(type="supplement_received")
    assert event.actor_id == citizen_chi.pk
    assert event.data["channel"] == "online"
    assert event.data["attachments"] == 1
    # the processing time restarts from the supplement (Decree 61/2018 Art. 19(4))
    assert awaiting.clock_started_at == event.at
    assert event.data["clock"] == "restart"
    # the file is stored as a supplement, and the request answered online
    latest = awaiting.attachments.order_by("-id").first()
    assert (latest.component_id, latest.original_name, latest.is_supplement) == (
        catalogue.id_copy.pk,
        "cccd-moi.pdf",
        True,
    )
    assert latest.uploaded_by_id == citizen_chi.pk
    request = awaiting.supplement_requests.get()
    assert (request.answered_at, request.answer_channel) == (event.at, "online")
    # and it is audited with the citizen as actor
    entry = AuditEntry.objects.filter(action="dossiers.receive_supplement").get()
    assert entry.actor_id == citizen_chi.pk


@pytest.mark.django_db
def test_a_missing_or_wrong_type_file_is_refused_next_to_the_field(
    client, login, awaiting, catalogue, citizen_chi, media
):
    login(citizen_chi)
    field = f"component_{catalogue.id_copy.pk}"

    # when nothing is uploaded
    empty = client.post(url(awaiting, "bo-sung/"), {"note": ""})
    # and when a program disguised as a PDF is uploaded
    exe = client.post(
        url(awaiting, "bo-sung/"), {field: pdf("cccd.pdf", b"MZ\x90\x00" + b"\x00" * 64)}
    )

    # then both are refused with 400 and the reason next to the field; nothing changed
    assert empty.status_code == exe.status_code == 400
    assert "Upload this document." in empty.content.decode()
    assert "is not an allowed type" in exe.content.decode()
    assert f'id="id_{field}-errors"' in exe.content.decode()
    awaiting.refresh_from_db()
    assert awaiting.status == "awaiting_supplement"
    assert awaiting.attachments.count() == 2
    # and no file was left behind: only the two of the intake are stored
    assert sorted(p.name for p in media.rglob("*") if p.is_file()) == ["cccd.pdf", "don.pdf"]


@pytest.mark.django_db
def test_the_citizen_cannot_bring_a_component_not_requested(
    awaiting, catalogue, citizen_chi, media
):
    with pytest.raises(IntakeRefused) as refused:
        transition(
            awaiting,
            "receive_supplement",
            acting_user=citizen_chi,
            files=[(catalogue.application_form, pdf("don-moi.pdf"))],
        )
    assert refused.value.code == "component_not_requested"
    awaiting.refresh_from_db()
    assert awaiting.status == "awaiting_supplement"


@pytest.mark.django_db
def test_no_answer_when_no_supplement_is_awaited(client, login, in_review, catalogue, citizen_chi):
    login(citizen_chi)

    response = client.post(
        url(in_review, "bo-sung/"), {f"component_{catalogue.id_copy.pk}": pdf("cccd.pdf")}
    )

    assert response.status_code == 409
    in_review.refresh_from_db()
    assert in_review.status == "in_processing"
    with pytest.raises(InvalidTransition):
        transition(
            in_review,
            "receive_supplement",
            acting_user=citizen_chi,
            files=[(catalogue.id_copy, pdf("cccd.pdf"))],
        )


@pytest.mark.django_db
def test_another_citizen_cannot_answer_through_the_service(
    awaiting, catalogue, other_citizen, media
):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        transition(
            awaiting,
            "receive_supplement",
            acting_user=other_citizen,
            files=[(catalogue.id_copy, pdf("cccd.pdf"))],
        )
    awaiting.refresh_from_db()
    assert awaiting.status == "awaiting_supplement"
