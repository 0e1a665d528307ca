"""Document files: the content decides the type, scans are PDF/JPEG/PNG/TIFF, size limit,
SHA-256, and files of outgoing documents too."""

import hashlib
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from chinhquyen.documents.errors import UploadRefused
from chinhquyen.documents.services.files import check_document_upload
from chinhquyen.documents.tests.test_incoming_registration import PDF, PNG

TIFF = b"II*\x00" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32


def docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("content", "content_type"),
    [(PDF, "application/pdf"), (PNG, "image/png"), (TIFF, "image/tiff"), (JPEG, "image/jpeg")],
)
def test_scan_formats_are_accepted(content, content_type):
    checked = check_document_upload(SimpleUploadedFile("x.bin", content), scan=True)
    assert checked.content_type == content_type
    assert checked.sha256 == hashlib.sha256(content).hexdigest()
    assert checked.size == len(content)


def test_a_word_file_is_a_document_but_not_a_scan():
    assert (
        check_document_upload(SimpleUploadedFile("du-thao.docx", docx()), scan=False).content_type
        == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    with pytest.raises(UploadRefused) as caught:
        check_document_upload(SimpleUploadedFile("du-thao.docx", docx()), scan=True)
    assert caught.value.code == "scan_format" and caught.value.status == 400
    assert (
        "du-thao.docx" in caught.value.message and "PDF, JPEG, PNG or TIFF" in caught.value.message
    )


def test_the_name_does_not_decide():
    with pytest.raises(UploadRefused) as caught:
        check_document_upload(SimpleUploadedFile("scan.pdf", b"MZ\x90\x00 an exe"), scan=True)
    assert caught.value.code == "file_type_not_allowed"


def test_empty_and_too_big_files_are_refused():
    with pytest.raises(UploadRefused) as caught:
        check_document_upload(SimpleUploadedFile("empty.pdf", b""), scan=True)
    assert caught.value.code == "file_empty"
    with override_settings(DOSSIER_UPLOAD_MAX_BYTES=10), pytest.raises(UploadRefused) as caught:
        check_document_upload(SimpleUploadedFile("big.pdf", PDF), scan=True)
    assert caught.value.code == "file_too_big"


@pytest.mark.django_db
def test_a_file_of_an_outgoing_document_is_stored_and_streamed(
    org_tree, specialist_dung, other_agency_official, login
):
    from django.urls import reverse

    from chinhquyen.documents.models import DocumentType, OutgoingDocument
    from chinhquyen.documents.services.files import add_file

    draft = OutgoingDocument.objects.create(
        organisation=org_tree.dept_a,
        drafting_unit=org_tree.division_a1,
        document_type=DocumentType.objects.get(code="ke-hoach"),
        subject="Dự thảo kế hoạch",
        created_by=specialist_dung,
    )
    stored = add_file(
        draft,
        check_document_upload(SimpleUploadedFile("ke-hoach.pdf", PDF), scan=False),
        "main",
        specialist_dung,
    )
    assert stored.outgoing == draft and stored.incoming is None
    client = login(specialist_dung)
    response = client.get(reverse("documents:file", args=[stored.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    client = login(other_agency_official)
    assert client.get(reverse("documents:file", args=[stored.pk])).status_code == 404
