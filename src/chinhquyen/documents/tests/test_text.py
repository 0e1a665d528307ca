"""Text extraction and OCR of document files (services.text, the task and the command).

The scans are made at test time (``test_text_fixtures``); the OCR is real (OCRmyPDF +
Tesseract ``vie``) and is skipped, with the reason, only where the tesseract binary is absent.
"""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from chinhquyen.audit.models import AuditEntry
from chinhquyen.documents.choices import EventType, TextStatus
from chinhquyen.documents.models import DocumentFile, IncomingDocument
from chinhquyen.documents.services import text as text_service
from chinhquyen.documents.services.search import SEARCH_TEXT_MAX
from chinhquyen.documents.services.text import extract_file_text
from chinhquyen.documents.tasks import extract_document_text
from chinhquyen.documents.tests import test_text_fixtures as fixtures

incoming, add_file, media = fixtures.incoming, fixtures.add_file, fixtures.media
requires_tesseract = fixtures.requires_tesseract
PDF, IMMEDIATE, events = fixtures.PDF, fixtures.IMMEDIATE, fixtures.events
scanned_page, scan_as_pdf = fixtures.scanned_page, fixtures.scan_as_pdf
born_digital_pdf = fixtures.born_digital_pdf


# --- Scans are read with OCR -----------------------------------------------------------------


@requires_tesseract
@pytest.mark.django_db
def test_a_scanned_png_is_ocred_and_found_without_accents(incoming, add_file):
    # given a letter scanned to a PNG, registered and waiting for its text
    original = scanned_page()
    scan = add_file(original, "cong-van-125.png", "image/png")
    assert scan.text_status == TextStatus.PENDING

    # when the worker reads it
    result = extract_file_text(scan.pk)

    # then the OCR text is stored, a searchable PDF sits beside the untouched original
    assert result.text_status == TextStatus.EXTRACTED
    assert result.text_error == ""
    assert "chuyển đổi số" in result.text
    assert result.searchable.name.endswith(".pdf")
    with result.searchable.open("rb") as handle:
        assert handle.read(5) == b"%PDF-"
    with result.file.open("rb") as handle:
        assert handle.read() == original
    # and the document is searchable without diacritics, its text marked extracted
    incoming.refresh_from_db()
    assert incoming.text_status == TextStatus.EXTRACTED
    assert " chuyen doi so " in incoming.search_text
    assert " tuyen quang " in incoming.search_text
    [event] = events(incoming, EventType.TEXT_EXTRACTED)
    assert event.details["method"] == "ocr"
    assert event.details["file_id"] == scan.pk
    assert AuditEntry.objects.filter(action="documents.extract_text").count() == 1


@requires_tesseract
@pytest.mark.django_db
def test_a_pdf_made_of_a_scan_is_ocred(incoming, add_file):
    scan = add_file(scan_as_pdf(scanned_page()), "scan.pdf", "application/pdf")

    result = extract_file_text(scan.pk)

    assert result.text_status == TextStatus.EXTRACTED
    assert "triển khai" in result.text
    assert result.searchable
    incoming.refresh_from_db()
    assert " trien khai chuyen doi so nam 2026 " in incoming.search_text


@requires_tesseract
@pytest.mark.django_db
def test_a_page_scanned_upside_down_is_turned_before_reading(incoming, add_file):
    scan = add_file(scanned_page(rotate=180, fmt="JPEG"), "nguoc.jpg", "image/jpeg")

    result = extract_file_text(scan.pk)

    assert result.text_status == TextStatus.EXTRACTED
    incoming.refresh_from_db()
    assert " chuyen doi so " in incoming.search_text


@requires_tesseract
@pytest.mark.django_db
def test_a_pdf_with_a_text_page_and_a_scanned_page_keeps_both(incoming, add_file):
    import pikepdf

    merged = pikepdf.new()
    parts = [
        pikepdf.open(io.BytesIO(part))
        for part in (
            born_digital_pdf(["Phụ lục kèm theo: danh mục nhiệm vụ của các sở, ban, ngành."]),
            scan_as_pdf(scanned_page()),
        )
    ]
    for part in parts:
        merged.pages.extend(part.pages)
    buffer = io.BytesIO()
    merged.save(buffer)
    mixed = add_file(buffer.getvalue(), "hon-hop.pdf", "application/pdf")

    result = extract_file_text(mixed.pk)

    assert result.text_status == TextStatus.EXTRACTED
    assert "danh mục nhiệm vụ" in result.text  # the text page, as written
    assert "chuyển đổi số" in result.text  # the scanned page, recognised
    [event] = events(incoming, EventType.TEXT_EXTRACTED)
    assert (event.details["pages"], event.details["ocr_pages"]) == (2, 1)


# --- Born-digital PDFs are read without OCR ---------------------------------------------------


@pytest.mark.django_db
def test_a_born_digital_pdf_is_read_from_its_text_layer(incoming, add_file, monkeypatch):
    # OCR would fail here: the text must come from the PDF itself
    monkeypatch.setenv("PATH", "/nonexistent")
    pdf = add_file(
        born_digital_pdf(["Kế hoạch chuyển đổi số năm 2026 của Ủy ban nhân dân tỉnh."]),
        "ke-hoach.pdf",
        "application/pdf",
    )

    result = extract_file_text(pdf.pk)

    assert result.text_status == TextStatus.EXTRACTED
    assert "Kế hoạch chuyển đổi số năm 2026" in result.text
    assert not result.searchable  # nothing to make searchable
    [event] = events(incoming, EventType.TEXT_EXTRACTED)
    assert event.details["method"] == "text_layer"
    incoming.refresh_from_db()
    assert " ke hoach chuyen doi so " in incoming.search_text


@pytest.mark.django_db
def test_text_over_the_search_limit_is_cut(incoming, add_file, monkeypatch):
    paragraph = "Nội dung chi tiết của kế hoạch triển khai chuyển đổi số tại các cơ quan. " * 8
    pdf = add_file(born_digital_pdf([paragraph] * 60), "dai.pdf", "application/pdf")
    monkeypatch.setattr(text_service, "FILE_TEXT_MAX", 30_000)

    result = extract_file_text(pdf.pk)

    assert len(result.text) == 30_000
    incoming.refresh_from_db()
    assert len(incoming.search_text) == SEARCH_TEXT_MAX
    # the summary and metadata come first, so they are never cut away
    assert incoming.search_text.startswith(" ve viec trien khai nhiem vu nam 2026 ")
    [event] = events(incoming, EventType.TEXT_EXTRACTED)
    assert event.details["truncated"] is True


# --- Failures keep the document ---------------------------------------------------------------


def assert_failed(document, document_file, reason: str) -> None:
    document_file.refresh_from_db()
    assert document_file.text_status == TextStatus.FAILED
    assert reason in document_file.text_error
    assert " / " in document_file.text_error  # Vietnamese / English
    assert document_file.text == ""
    document.refresh_from_db()
    assert document.text_status == TextStatus.FAILED
    [event] = events(document, EventType.TEXT_FAILED)
    assert event.note == document_file.text_error
    assert AuditEntry.objects.filter(action="documents.extract_text_failed").count() == 1


@requires_tesseract
@pytest.mark.django_db
def test_a_corrupt_pdf_ends_failed_and_the_document_is_kept(incoming, add_file):
    garbage = b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >>\nthis is not a pdf\n%%EOF"
    broken = add_file(garbage, "hong.pdf", "application/pdf")

    result = extract_file_text(broken.pk)

    assert_failed(incoming, result, "The file is damaged or is not a valid PDF.")
    with result.file.open("rb") as handle:
        assert handle.read() == garbage  # the original is untouched
    assert not result.searchable


@pytest.mark.django_db
def test_a_zero_byte_image_ends_failed(incoming, add_file):
    empty = add_file(b"", "trang.png", "image/png")

    result = extract_file_text(empty.pk)

    assert_failed(incoming, result, "The file is empty.")
    assert IncomingDocument.objects.filter(pk=incoming.pk).exists()


@pytest.mark.django_db
def test_a_damaged_image_ends_failed(incoming, add_file):
    broken = add_file(scanned_page()[:200], "cut.png", "image/png")

    result = extract_file_text(broken.pk)

    assert_failed(incoming, result, "The image is damaged")


@pytest.mark.django_db
def test_a_password_protected_pdf_ends_failed(incoming, add_file):
    import pikepdf

    plain = pikepdf.open(io.BytesIO(born_digital_pdf(["Tài liệu mật có mật khẩu."])))
    buffer = io.BytesIO()
    plain.save(buffer, encryption=pikepdf.Encryption(user="bi-mat", owner="chu-so-huu"))
    locked = add_file(buffer.getvalue(), "mat.pdf", "application/pdf")

    result = extract_file_text(locked.pk)

    assert_failed(incoming, result, "protected by a password")


@pytest.mark.django_db
def test_without_tesseract_a_scan_ends_failed_with_a_clear_reason(incoming, add_file, monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    scan = add_file(scanned_page(), "scan.png", "image/png")

    result = extract_file_text(scan.pk)

    assert_failed(incoming, result, "tesseract is missing")


@requires_tesseract
@pytest.mark.django_db
def test_ocr_over_the_time_limit_is_stopped(incoming, add_file, settings):
    settings.DOCUMENTS_OCR_TIMEOUT_SECONDS = 0.2
    scan = add_file(scanned_page(), "scan.png", "image/png")

    result = extract_file_text(scan.pk)

    assert_failed(incoming, result, "took longer than 0.2 seconds")


@pytest.mark.django_db
def test_one_failed_file_marks_the_document_even_if_another_was_read(incoming, add_file):
    good = add_file(born_digital_pdf(["Văn bản chính của công văn số 125."]), "a.pdf", PDF)
    bad = add_file(b"", "b.png", "image/png")

    extract_file_text(good.pk)
    incoming.refresh_from_db()
    assert incoming.text_status == TextStatus.PENDING  # b.png still waiting
    extract_file_text(bad.pk)

    incoming.refresh_from_db()
    assert incoming.text_status == TextStatus.FAILED
    assert " van ban chinh cua cong van so 125 " in incoming.search_text


# --- Claiming: the work is done once ----------------------------------------------------------


@pytest.mark.django_db
def test_the_task_run_twice_does_the_work_once(incoming, add_file):
    pdf = add_file(born_digital_pdf(["Thông báo lịch họp giao ban tuần."]), "tb.pdf", PDF)

    first = extract_document_text.call(file_id=pdf.pk)
    second = extract_document_text.call(file_id=pdf.pk)

    assert (first, second) == (TextStatus.EXTRACTED, TextStatus.EXTRACTED)
    assert len(events(incoming, EventType.TEXT_EXTRACTED)) == 1
    assert AuditEntry.objects.filter(action="documents.extract_text").count() == 1


@pytest.mark.django_db
def test_forcing_reads_a_done_file_again(incoming, add_file):
    pdf = add_file(born_digital_pdf(["Thông báo lịch họp giao ban tuần."]), "tb.pdf", PDF)
    extract_file_text(pdf.pk)

    extract_file_text(pdf.pk, force=True)

    assert len(events(incoming, EventType.TEXT_EXTRACTED)) == 2


@pytest.mark.django_db
def test_a_file_held_by_another_worker_is_left_alone_until_its_lease_ends(incoming, add_file):
    pdf = add_file(born_digital_pdf(["Báo cáo tình hình thực hiện nhiệm vụ."]), "bc.pdf", PDF)
    # given another worker that claimed the file
    lease = text_service._claim(pdf.pk, force=False)
    assert lease is not None

    # when a second worker tries, it does nothing
    result = extract_file_text(pdf.pk)
    assert result.text_status == TextStatus.PENDING
    assert events(incoming, EventType.TEXT_EXTRACTED) == []
    assert text_service.files_to_extract(pending=True) == []

    # and when that worker died and its lease ran out, the file is taken again
    DocumentFile.objects.filter(pk=pdf.pk).update(
        text_claim="dead", text_claimed_until=timezone.now() - timezone.timedelta(seconds=1)
    )
    assert text_service.files_to_extract(pending=True) == [pdf.pk]
    result = extract_file_text(pdf.pk)
    assert result.text_status == TextStatus.EXTRACTED
    # the dead worker's late result is not written over it
    assert DocumentFile.objects.filter(pk=pdf.pk, text_claim=lease).count() == 0
    assert DocumentFile.objects.get(pk=pdf.pk).text_claimed_until is None


# --- Queueing after commit ---------------------------------------------------------------------


@pytest.mark.django_db
def test_queueing_enqueues_after_commit_and_the_worker_reads_it(
    incoming, add_file, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = IMMEDIATE
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        pdf = add_file(born_digital_pdf(["Giấy mời họp về chuyển đổi số."]), "gm.pdf", PDF)
        # nothing ran before the commit
        assert DocumentFile.objects.get(pk=pdf.pk).text_status == TextStatus.PENDING

    assert [c for c in callbacks if "queue_text_extraction" in getattr(c, "__qualname__", "")]
    pdf.refresh_from_db()
    assert pdf.text_status == TextStatus.EXTRACTED
    incoming.refresh_from_db()
    assert incoming.text_status == TextStatus.EXTRACTED


@pytest.mark.django_db
def test_a_file_without_text_to_read_is_not_queued(
    incoming, add_file, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        sheet = add_file(b"<?xml version='1.0'?><edXML/>", "goi-tin.xml", "application/xml")

    assert not [c for c in callbacks if "queue_text_extraction" in getattr(c, "__qualname__", "")]
    assert sheet.text_status == TextStatus.NOT_NEEDED
    incoming.refresh_from_db()
    assert incoming.text_status == TextStatus.NOT_NEEDED


# --- The command -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_command_reads_pending_files_and_retries_failed_ones(incoming, add_file, monkeypatch):
    waiting = add_file(born_digital_pdf(["Quyết định phê duyệt kế hoạch."]), "qd.pdf", PDF)
    monkeypatch.setenv("PATH", "/nonexistent")
    scan = add_file(b"", "empty.png", "image/png")
    out = io.StringIO()

    call_command("extract_document_text", stdout=out)

    assert "extracted: 1" in out.getvalue() and "failed: 1" in out.getvalue()
    waiting.refresh_from_db()
    assert waiting.text_status == TextStatus.EXTRACTED
    entry = AuditEntry.objects.get(action="documents.extract_text")
    assert entry.source == "command"

    # the failed one is tried again with --failed (and fails again: it is empty)
    out = io.StringIO()
    call_command("extract_document_text", "--failed", stdout=out)
    assert f"file {scan.pk}: failed" in out.getvalue()
    assert len(events(incoming, EventType.TEXT_FAILED)) == 2

    # a named file is read again even though it is done
    out = io.StringIO()
    call_command("extract_document_text", "--file", str(waiting.pk), stdout=out)
    assert f"file {waiting.pk}: extracted" in out.getvalue()
    assert len(events(incoming, EventType.TEXT_EXTRACTED)) == 2


@pytest.mark.django_db
def test_the_command_can_hand_files_to_the_worker(incoming, add_file, settings):
    settings.TASKS = IMMEDIATE
    pdf = add_file(born_digital_pdf(["Kế hoạch công tác tháng 12."]), "kh.pdf", PDF, queue=False)
    out = io.StringIO()

    call_command("extract_document_text", "--pending", "--enqueue", stdout=out)

    assert "1 file(s) enqueued" in out.getvalue()
    pdf.refresh_from_db()
    assert pdf.text_status == TextStatus.EXTRACTED


@pytest.mark.django_db
def test_the_database_queue_and_its_worker_read_the_file(
    incoming, add_file, settings, django_capture_on_commit_callbacks
):
    # the production path: a row in the task table, run by the db_worker process
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        pdf = add_file(born_digital_pdf(["Báo cáo chuyển đổi số quý IV."]), "bc.pdf", PDF)
    assert DocumentFile.objects.get(pk=pdf.pk).text_status == TextStatus.PENDING

    # (the worker's own loop closes the connections, which ends an in-memory test database:
    # its run_task is called on the queued row instead)
    from django_tasks_db.management.commands.db_worker import Worker
    from django_tasks_db.models import DBTaskResult

    [row] = DBTaskResult.objects.ready()
    assert row.task_path == "chinhquyen.documents.tasks.extract_document_text"
    worker = Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=1,
        worker_id="test",
        excluded_queue_names=[],
    )
    worker.run_task(row)

    row.refresh_from_db()
    assert row.status == "SUCCESSFUL"
    pdf.refresh_from_db()
    assert pdf.text_status == TextStatus.EXTRACTED
    assert AuditEntry.objects.get(action="documents.extract_text").source == "task"
