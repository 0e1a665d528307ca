"""Submitting goes through the same intake service as the counter (channel online); the form
data is kept with the dossier in an eforms ``Submission``; the citizen gets the code and the
tracking link. Partial-online procedures list what must still be brought to the counter."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from chinhquyen.audit.models import AuditEntry
from chinhquyen.dossiers.choices import Channel, DossierStatus
from chinhquyen.dossiers.models import Dossier, DossierAttachment
from chinhquyen.eforms import services
from chinhquyen.eforms.exceptions import DataInvalid
from chinhquyen.eforms.models import ApplicationDraft, DraftFile, Submission
from chinhquyen.eforms.tests.conftest import PDF, VALID_POST, at
from chinhquyen.procedures.choices import OnlineMode
from chinhquyen.procedures.models import ProcedureVersion

pytestmark = pytest.mark.django_db


@pytest.fixture
def ready(client, citizen_chi, draft_of, online):
    """A complete draft: valid answers and both required components attached."""
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
    return draft


def test_submitting_receives_an_online_dossier_with_the_form_data(
    client, citizen_chi, ready, online, django_capture_on_commit_callbacks
):
    # given the review page offers to submit
    review = client.get(f"/nop-ho-so/ho-so-nhap/{ready.pk}/xem-lai/").content.decode()
    assert "<dt>Số bản</dt><dd>2</dd>" in review
    assert "<dt>Người yêu cầu — Số điện thoại</dt><dd>0912345678</dd>" in review
    # when the citizen submits
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/nop-ho-so/ho-so-nhap/{ready.pk}/xem-lai/")
    # then a dossier was received on the online channel by the intake service
    dossier = Dossier.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/nop-ho-so/da-nop/{dossier.code}/"
    assert dossier.channel == Channel.ONLINE
    assert dossier.status == DossierStatus.RECEIVED
    assert dossier.applicant_user == citizen_chi
    assert (dossier.applicant_name, dossier.applicant_phone) == ("Ngô Thị Chi", "0912345678")
    assert dossier.received_by == citizen_chi
    assert sorted(DossierAttachment.objects.values_list("original_name", flat=True)) == [
        "cccd.pdf",
        "don.pdf",
    ]
    assert AuditEntry.objects.filter(action="dossiers.receive_dossier").count() == 1
    # and the form data is kept with it, under the form version it was started with
    submission = Submission.objects.get()
    assert submission.dossier == dossier
    assert submission.form_version.number == 1
    assert submission.data["copies"] == 2
    assert submission.data["purpose"] == "work"
    # and the draft and its files are gone
    assert ApplicationDraft.objects.count() == 0
    assert DraftFile.objects.count() == 0
    # and the confirmation shows the code and the tracking link
    page = client.get(response["Location"]).content.decode()
    assert f'<strong class="eform-code">{dossier.code}</strong>' in page
    assert f'href="/tra-cuu/{dossier.code}/"' in page


def test_a_draft_with_errors_is_not_submitted(client, citizen_chi, draft_of, online):
    draft = draft_of(citizen_chi)
    with pytest.raises(DataInvalid) as caught:
        services.submit_draft(draft, acting_user=citizen_chi, at=at(2026, 2, 5, 9, 0))
    assert sorted(caught.value.errors) == ["agree", "applicant.phone", "copies", "purpose"]
    assert Dossier.objects.count() == 0
    assert Submission.objects.count() == 0
    assert ApplicationDraft.objects.filter(pk=draft.pk).exists()


def test_missing_required_components_are_refused_by_the_intake(client, citizen_chi, draft_of):
    # given valid answers but no file
    draft = draft_of(citizen_chi)
    client.force_login(citizen_chi)
    client.post(f"/nop-ho-so/ho-so-nhap/{draft.pk}/", {**VALID_POST, "action": "continue"})
    # when the citizen forces the submission
    response = client.post(f"/nop-ho-so/ho-so-nhap/{draft.pk}/xem-lai/")
    # then the intake refuses: nothing received, the draft stays
    assert response.status_code == 400
    assert "missing required components: Đơn đề nghị; Bản sao CCCD." in response.content.decode()
    assert Dossier.objects.count() == 0
    assert ApplicationDraft.objects.filter(pk=draft.pk).exists()


def test_another_citizen_cannot_submit(client, ready, other_citizen):
    client.force_login(other_citizen)
    assert client.post(f"/nop-ho-so/ho-so-nhap/{ready.pk}/xem-lai/").status_code == 404
    assert Dossier.objects.count() == 0


def test_partial_online_says_what_to_bring(client, citizen_chi, online):
    ProcedureVersion.objects.filter(pk=online.version.pk).update(online_mode=OnlineMode.PARTIAL)
    client.force_login(citizen_chi)
    page = client.get(f"/nop-ho-so/{online.procedure.national_code}/").content.decode()
    assert "Trực tuyến một phần: giấy tờ vẫn phải mang đến bộ phận một cửa" in page
    assert "<li>Đơn đề nghị — 1 bản chính</li>" in page


def test_a_procedure_not_offered_online_cannot_be_started(client, citizen_chi, online):
    ProcedureVersion.objects.filter(pk=online.version.pk).update(online_mode=OnlineMode.NONE)
    client.force_login(citizen_chi)
    response = client.post(f"/nop-ho-so/{online.procedure.national_code}/")
    assert response.status_code == 409
    assert "apply at the agency's counter" in response.content.decode().replace("&#x27;", "'")
    assert ApplicationDraft.objects.count() == 0


def test_the_officials_of_the_agency_read_the_answers(
    client, citizen_chi, ready, officer_an, other_agency_official
):
    # given a submitted online dossier at department A
    ready.refresh_from_db()
    submission = services.submit_draft(ready, acting_user=citizen_chi)
    code = submission.dossier.code
    # when the one-stop officer of department A opens its form
    client.force_login(officer_an)
    page = client.get(f"/nop-ho-so/quan-tri/ho-so/{code}/").content.decode()
    # then the answers are listed with their labels
    assert "<dt>Mục đích</dt><dd>Xin việc</dd>" in page
    assert "<dt>Người yêu cầu — Ngày sinh</dt><dd>1990-03-05</dd>" in page
    # and an official of another agency, or the citizen, gets nothing
    client.force_login(other_agency_official)
    assert client.get(f"/nop-ho-so/quan-tri/ho-so/{code}/").status_code == 404
    client.force_login(citizen_chi)
    assert client.get(f"/nop-ho-so/quan-tri/ho-so/{code}/").status_code == 403
