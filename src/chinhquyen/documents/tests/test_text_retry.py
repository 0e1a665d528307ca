"""The "read the text again" button: retry_text_extraction and its POST view."""

from __future__ import annotations

import pytest
from django.urls import reverse

from chinhquyen.audit.models import AuditEntry
from chinhquyen.documents.choices import TextStatus
from chinhquyen.documents.models import DocumentFile
from chinhquyen.documents.services.text import extract_file_text
from chinhquyen.documents.tests import test_text_fixtures as fixtures

incoming, add_file, media = fixtures.incoming, fixtures.add_file, fixtures.media
PDF, IMMEDIATE, requires_tesseract = fixtures.PDF, fixtures.IMMEDIATE, fixtures.requires_tesseract
born_digital_pdf, scanned_page = fixtures.born_digital_pdf, fixtures.scanned_page


@pytest.fixture
def failed_for_lack_of_tesseract(incoming, add_file, monkeypatch):
    """A born-digital PDF and a scan read while tesseract was missing: the scan failed."""
    text_pdf = add_file(born_digital_pdf(["Công văn đôn đốc chuyển đổi số."]), "cv.pdf", PDF)
    with monkeypatch.context() as patch:
        patch.setenv("PATH", "/nonexistent")
        scan = add_file(scanned_page(), "scan.png", "image/png")
        extract_file_text(text_pdf.pk)
        extract_file_text(scan.pk)
    incoming.refresh_from_db()
    assert incoming.text_status == TextStatus.FAILED
    assert "tesseract is missing" in DocumentFile.objects.get(pk=scan.pk).text_error
    return scan


def url(document, kind="incoming"):
    return reverse("documents:retry_text", args=[kind, document.pk])


def snapshot(document):
    files = DocumentFile.objects.filter(incoming=document).order_by("pk")
    return (
        [(f.text_status, f.text_error) for f in files],
        type(document).objects.get(pk=document.pk).text_status,
        AuditEntry.objects.filter(action="documents.retry_text_extraction").count(),
    )


@requires_tesseract
@pytest.mark.django_db
def test_the_clerk_retries_and_the_failed_file_is_read_again(
    client,
    login,
    clerk_hoa,
    incoming,
    failed_for_lack_of_tesseract,
    settings,
    django_capture_on_commit_callbacks,
):
    settings.TASKS = IMMEDIATE
    scan = failed_for_lack_of_tesseract
    login(clerk_hoa)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url(incoming))

    # back to the document, whose scan is now read and searchable
    assert response.status_code == 302
    assert response.url == incoming.get_absolute_url()
    scan.refresh_from_db()
    assert (scan.text_status, scan.text_error) == (TextStatus.EXTRACTED, "")
    incoming.refresh_from_db()
    assert incoming.text_status == TextStatus.EXTRACTED
    assert " chuyen doi so " in incoming.search_text
    entry = AuditEntry.objects.get(action="documents.retry_text_extraction")
    assert entry.actor == clerk_hoa
    # the second reading ran on the clerk's behalf, the first one was the system's
    readings = AuditEntry.objects.filter(
        action__startswith="documents.extract_text", object_id=str(scan.pk)
    ).order_by("pk")
    assert [(e.action, e.actor) for e in readings] == [
        ("documents.extract_text_failed", None),
        ("documents.extract_text", clerk_hoa),
    ]


@pytest.mark.django_db
def test_retrying_queues_the_failed_files_only_after_commit(
    client,
    login,
    clerk_hoa,
    incoming,
    failed_for_lack_of_tesseract,
    django_capture_on_commit_callbacks,
    monkeypatch,
):
    from chinhquyen.documents.services import text

    queued = []
    monkeypatch.setattr(text, "enqueue_extraction", lambda pk, **kw: queued.append((pk, kw)))
    login(clerk_hoa)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(url(incoming))
        scan = DocumentFile.objects.get(pk=failed_for_lack_of_tesseract.pk)
        assert (scan.text_status, scan.text_error) == (TextStatus.PENDING, "")
        assert queued == []
    for callback in callbacks:
        callback()
    assert queued == [(scan.pk, {"acting_user_id": clerk_hoa.pk})]
    incoming.refresh_from_db()
    assert incoming.text_status == TextStatus.PENDING


@pytest.mark.django_db
def test_nothing_failed_is_a_409(client, login, clerk_hoa, incoming, add_file):
    pdf = add_file(born_digital_pdf(["Thông báo kết luận cuộc họp."]), "tb.pdf", PDF)
    extract_file_text(pdf.pk)
    before = snapshot(incoming)
    login(clerk_hoa)

    response = client.post(url(incoming))

    assert response.status_code == 409
    page = response.content.decode()
    assert "Văn bản này không có tệp nào cần đọc lại nội dung." in page
    assert "No file of this document is waiting" in page
    assert snapshot(incoming) == before


@pytest.mark.django_db
def test_a_leader_who_does_not_keep_the_books_is_refused(
    client, login, leader_binh, incoming, failed_for_lack_of_tesseract
):
    before = snapshot(incoming)
    login(leader_binh)

    assert client.post(url(incoming)).status_code == 403
    assert snapshot(incoming) == before


@pytest.mark.django_db
def test_another_agency_does_not_learn_the_document_exists(
    client, login, other_agency_official, incoming, failed_for_lack_of_tesseract
):
    before = snapshot(incoming)
    login(other_agency_official)

    assert client.post(url(incoming)).status_code == 404
    assert client.post(url(incoming, kind="nonsense")).status_code == 404
    assert snapshot(incoming) == before


@pytest.mark.django_db
def test_get_and_anonymous_do_nothing(
    client, login, clerk_hoa, incoming, failed_for_lack_of_tesseract
):
    before = snapshot(incoming)
    assert client.post(url(incoming)).status_code == 302  # to the login page
    login(clerk_hoa)
    assert client.get(url(incoming)).status_code == 405
    assert snapshot(incoming) == before


@pytest.mark.django_db
def test_the_author_of_an_outgoing_draft_retries_its_files(
    client, login, org_tree, specialist_dung, settings, django_capture_on_commit_callbacks
):
    import hashlib

    from django.core.files.base import ContentFile

    from chinhquyen.documents.choices import FileKind
    from chinhquyen.documents.models import DocumentType, OutgoingDocument

    settings.TASKS = IMMEDIATE
    draft = OutgoingDocument.objects.create(
        organisation=org_tree.dept_a,
        drafting_unit=org_tree.division_a1,
        document_type=DocumentType.objects.get(code="cong-van"),
        subject="Về việc báo cáo chuyển đổi số",
        created_by=specialist_dung,
    )
    content = born_digital_pdf(["Dự thảo công văn báo cáo chuyển đổi số."])
    attachment = DocumentFile.objects.create(
        outgoing=draft,
        kind=FileKind.MAIN,
        file=ContentFile(content, name="du-thao.pdf"),
        name="du-thao.pdf",
        content_type=PDF,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        text_status=TextStatus.FAILED,
        text_error="Nhận dạng chữ (OCR) không thành công. / Text recognition (OCR) failed.",
    )
    login(specialist_dung)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url(draft, kind="outgoing"))

    assert response.status_code == 302
    attachment.refresh_from_db()
    assert attachment.text_status == TextStatus.EXTRACTED
    draft.refresh_from_db()
    assert draft.text_status == TextStatus.EXTRACTED
    assert " du thao cong van bao cao chuyen doi so " in draft.search_text
