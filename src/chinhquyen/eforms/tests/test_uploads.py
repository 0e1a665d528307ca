"""Files are uploaded per component of the procedure version; a wrong type (by content) or an
oversize file is refused before anything is stored, with the message next to its component."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from chinhquyen.eforms.models import DraftFile
from chinhquyen.eforms.tests.conftest import PDF, stored_files

pytestmark = pytest.mark.django_db


def url(draft) -> str:
    return f"/nop-ho-so/ho-so-nhap/{draft.pk}/tep/"


def test_a_pdf_is_kept_for_its_component(client, citizen_chi, draft_of, online, media):
    draft = draft_of(citizen_chi)
    client.force_login(citizen_chi)
    response = client.post(
        url(draft),
        {f"component-{online.application_form.pk}": SimpleUploadedFile("don.pdf", PDF)},
    )
    assert response.status_code == 302
    item = DraftFile.objects.get()
    assert (item.component, item.original_name, item.content_type, item.size) == (
        online.application_form,
        "don.pdf",
        "application/pdf",
        len(PDF),
    )
    assert stored_files(media) == [f"eforms/drafts/{draft.pk}/don.pdf"]


def test_a_file_whose_content_is_not_allowed_is_refused(
    client, citizen_chi, draft_of, online, media
):
    # given an executable renamed to .pdf
    draft = draft_of(citizen_chi)
    client.force_login(citizen_chi)
    fake = SimpleUploadedFile("don.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    # when
    response = client.post(url(draft), {f"component-{online.application_form.pk}": fake})
    # then refused next to its component, nothing stored
    assert response.status_code == 400
    page = response.content.decode()
    assert f'<ul class="errorlist" id="component-{online.application_form.pk}-error"><li>' in page
    assert "its content was checked, not its name" in page
    assert DraftFile.objects.count() == 0
    assert stored_files(media) == []


def test_an_oversize_file_is_refused(client, citizen_chi, draft_of, online, media, settings):
    settings.DOSSIER_UPLOAD_MAX_BYTES = 1024
    draft = draft_of(citizen_chi)
    client.force_login(citizen_chi)
    big = SimpleUploadedFile("scan.pdf", PDF + b"0" * 2000)
    response = client.post(url(draft), {f"component-{online.id_copy.pk}": big})
    assert response.status_code == 400
    assert (
        "The file “scan.pdf” is too big: 2045 bytes, the limit is 1024 bytes."
        in response.content.decode()
    )
    assert DraftFile.objects.count() == 0
    assert stored_files(media) == []


def test_a_new_file_replaces_the_earlier_one(
    client, citizen_chi, draft_of, online, media, django_capture_on_commit_callbacks
):
    draft = draft_of(citizen_chi)
    client.force_login(citizen_chi)
    key = f"component-{online.application_form.pk}"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url(draft), {key: SimpleUploadedFile("a.pdf", PDF)})
        client.post(url(draft), {key: SimpleUploadedFile("b.pdf", PDF)})
    assert list(DraftFile.objects.values_list("original_name", flat=True)) == ["b.pdf"]
    assert stored_files(media) == [f"eforms/drafts/{draft.pk}/b.pdf"]
