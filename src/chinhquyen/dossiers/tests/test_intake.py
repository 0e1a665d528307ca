import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from chinhquyen.dossiers.exceptions import IntakeRefused, UploadRefused
from chinhquyen.dossiers.models import DailySequence, Dossier, DossierAttachment
from chinhquyen.dossiers.tests.conftest import PDF, at, pdf


@pytest.mark.django_db
def test_codes_are_gap_free_per_agency_and_day(receive, coded_orgs):
    codes = [receive(received_at=at(2026, 2, 5, 9, i)).code for i in range(3)]
    next_day = receive(received_at=at(2026, 2, 6, 8, 0)).code
    assert codes == [
        "000.00.12.H37-260205-0001",
        "000.00.12.H37-260205-0002",
        "000.00.12.H37-260205-0003",
    ]
    assert next_day == "000.00.12.H37-260206-0001"


@pytest.mark.django_db
def test_missing_required_components_refuse_intake_with_the_list(receive, catalogue):
    with pytest.raises(IntakeRefused) as refused:
        receive(components=[(catalogue.application_form, pdf())])
    assert refused.value.code == "components_missing"
    assert refused.value.details["missing"] == ["Bản sao CCCD"]
    assert Dossier.objects.count() == 0
    assert DailySequence.objects.filter(last_number__gt=0).count() == 0


@pytest.mark.django_db
def test_a_refused_intake_does_not_burn_a_number(receive, catalogue):
    receive()
    with pytest.raises(UploadRefused):
        receive(
            components=[(catalogue.application_form, pdf()), (catalogue.id_copy, pdf("x", b"MZ"))]
        )
    assert receive().code.endswith("-0002")


@pytest.mark.django_db
def test_attachments_are_stored_with_sha256_and_sniffed_type(receive):
    import hashlib

    dossier = receive()
    attachments = list(DossierAttachment.objects.filter(dossier=dossier))
    assert len(attachments) == 2
    assert {a.content_type for a in attachments} == {"application/pdf"}
    assert attachments[0].sha256 == hashlib.sha256(PDF).hexdigest()
    assert attachments[0].file.read() == PDF


@pytest.mark.django_db
def test_an_exe_renamed_pdf_is_refused_by_its_content(receive, catalogue):
    exe = SimpleUploadedFile(
        "don.pdf", b"MZ\x90\x00" + b"\x00" * 100, content_type="application/pdf"
    )
    with pytest.raises(UploadRefused) as refused:
        receive(components=[(catalogue.application_form, exe), (catalogue.id_copy, pdf())])
    assert refused.value.code == "file_type_not_allowed"
    assert "don.pdf" in refused.value.message
    assert Dossier.objects.count() == 0


@pytest.mark.django_db
def test_a_too_big_file_is_refused(receive, catalogue, settings):
    settings.DOSSIER_UPLOAD_MAX_BYTES = 100
    big = pdf("big.pdf", PDF + b"0" * 200)
    with pytest.raises(UploadRefused) as refused:
        receive(components=[(catalogue.application_form, big), (catalogue.id_copy, pdf())])
    assert refused.value.code == "file_too_big"
    assert Dossier.objects.count() == 0


@pytest.mark.django_db
def test_paper_before_the_cutoff_is_handed_over_at_once(receive):
    dossier = receive(received_at=at(2026, 2, 5, 14, 59))
    assert dossier.handed_over_at == at(2026, 2, 5, 14, 59)
    assert dossier.legal_due_at == at(2026, 2, 12, 14, 59)


@pytest.mark.django_db
def test_an_official_of_another_agency_cannot_receive(receive, other_agency_official):
    with pytest.raises(Exception) as denied:
        receive(acting_user=other_agency_official)
    assert denied.type.__name__ == "PermissionDenied"
    assert Dossier.objects.count() == 0


@pytest.mark.django_db
def test_applicant_without_name_or_contact_is_refused(receive):
    with pytest.raises(IntakeRefused) as refused:
        receive(applicant={"name": "", "phone": "abc"})
    assert set(refused.value.details["fields"]) == {"name", "phone"}
