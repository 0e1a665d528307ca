"""Receiving a supplement with files: only the documents asked for are brought, each checked
by type and size as at intake; the complete dossier is the earlier files plus the supplement.
(Reported: a supplement holding only the missing document was refused as incomplete.)"""

import pytest

from chinhquyen.dossiers.exceptions import IntakeRefused, UploadRefused
from chinhquyen.dossiers.services import transition
from chinhquyen.dossiers.tests.conftest import at, pdf


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


@pytest.fixture
def awaiting(receive, catalogue, officer_an, specialist_dung):
    """A dossier whose specialist asked for a new copy of the ID card."""
    dossier = receive()
    transition(dossier, "forward", acting_user=officer_an, at=at(2026, 2, 5, 10, 0))
    transition(
        dossier,
        "request_supplement",
        acting_user=specialist_dung,
        requested_components=[catalogue.id_copy],
        note="Bản sao CCCD bị mờ, đề nghị nộp lại.",
        at=at(2026, 2, 5, 11, 0),
    )
    dossier.refresh_from_db()
    return dossier


def attachments(dossier) -> list[tuple[str, str, bool]]:
    return list(
        dossier.attachments.order_by("id").values_list(
            "component__name", "original_name", "is_supplement"
        )
    )


@pytest.mark.django_db
def test_a_supplement_with_only_the_requested_document_is_received(
    awaiting, catalogue, officer_an, media
):
    # When the officer receives a supplement holding only the new ID copy
    transition(
        awaiting,
        "receive_supplement",
        acting_user=officer_an,
        files=[(catalogue.id_copy, pdf("cccd-moi.pdf"))],
        at=at(2026, 2, 9, 9, 0),
    )
    # Then the dossier is back in processing, with the earlier files plus the supplement
    awaiting.refresh_from_db()
    assert awaiting.status == "in_processing"
    assert attachments(awaiting) == [
        ("Đơn đề nghị", "don.pdf", False),
        ("Bản sao CCCD", "cccd.pdf", False),
        ("Bản sao CCCD", "cccd-moi.pdf", True),
    ]
    event = awaiting.events.get(type="supplement_received")
    assert event.data["attachments"] == 1


@pytest.mark.django_db
def test_a_supplement_file_of_a_forbidden_type_is_refused_and_nothing_changes(
    awaiting, catalogue, officer_an, media
):
    exe = pdf("cccd.exe", b"MZ\x90\x00" + b"\x00" * 64)
    with pytest.raises(UploadRefused):
        transition(
            awaiting,
            "receive_supplement",
            acting_user=officer_an,
            files=[(catalogue.id_copy, exe)],
            at=at(2026, 2, 9, 9, 0),
        )
    awaiting.refresh_from_db()
    assert awaiting.status == "awaiting_supplement"
    assert len(attachments(awaiting)) == 2
    assert [p.name for p in media.rglob("*.exe")] == []


@pytest.mark.django_db
def test_a_supplement_for_a_component_of_another_procedure_is_refused(awaiting, officer_an, media):
    from chinhquyen.procedures.models import ProcedureComponent

    foreign = ProcedureComponent(pk=999999, name="Giấy tờ lạ")
    with pytest.raises(IntakeRefused) as refused:
        transition(
            awaiting,
            "receive_supplement",
            acting_user=officer_an,
            files=[(foreign, pdf())],
            at=at(2026, 2, 9, 9, 0),
        )
    assert refused.value.code == "component_unknown"
    awaiting.refresh_from_db()
    assert (awaiting.status, len(attachments(awaiting))) == ("awaiting_supplement", 2)


@pytest.mark.django_db
def test_a_supplement_is_refused_when_earlier_files_and_supplement_still_miss_a_component(
    receive, catalogue, officer_an, specialist_dung, media
):
    # Given a dossier whose ID copy was removed from the record (e.g. found unreadable)
    dossier = receive()
    dossier.attachments.filter(component=catalogue.id_copy).delete()
    transition(dossier, "forward", acting_user=officer_an, at=at(2026, 2, 5, 10, 0))
    transition(
        dossier,
        "request_supplement",
        acting_user=specialist_dung,
        requested_components=[catalogue.id_copy],
        note="Thiếu bản sao CCCD.",
        at=at(2026, 2, 5, 11, 0),
    )
    # (a request recorded before requests named their components: any subset is accepted)
    dossier.supplement_requests.all().delete()
    # When the supplement brings only an optional photo
    with pytest.raises(IntakeRefused) as refused:
        transition(
            dossier,
            "receive_supplement",
            acting_user=officer_an,
            files=[(catalogue.optional_doc, pdf("anh.pdf"))],
            at=at(2026, 2, 9, 9, 0),
        )
    # Then it is refused naming the missing component, and nothing changed
    assert refused.value.code == "components_missing"
    assert "Bản sao CCCD" in str(refused.value)
    dossier.refresh_from_db()
    assert (dossier.status, len(attachments(dossier))) == ("awaiting_supplement", 1)


@pytest.mark.django_db
def test_the_dossier_page_receives_a_supplement_with_one_file(
    client, login, awaiting, catalogue, officer_an, media
):
    login(officer_an)
    page = client.get(f"/dossiers/{awaiting.pk}/").content.decode()
    assert f'name="supplement_{catalogue.id_copy.pk}"' in page
    response = client.post(
        f"/dossiers/{awaiting.pk}/act/",
        {
            "action": "receive_supplement",
            "version": awaiting.version,
            f"supplement_{catalogue.id_copy.pk}": pdf("cccd-moi.pdf"),
        },
    )
    assert response.status_code == 302
    awaiting.refresh_from_db()
    assert awaiting.status == "in_processing"
    assert attachments(awaiting)[-1] == ("Bản sao CCCD", "cccd-moi.pdf", True)
