"""Registering a paper incoming document: metadata checks, book and arrival number, files,
timeline, audit, search text, duplicate warning, due date on a non-working day."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from chinhquyen.audit.models import AuditEntry
from chinhquyen.documents.choices import EventType, IncomingStatus, TextStatus
from chinhquyen.documents.errors import UploadRefused
from chinhquyen.documents.models import DocumentFile, IncomingDocument
from chinhquyen.documents.services.incoming import (
    DuplicateSuspected,
    MetadataInvalid,
    notation_problem,
    register_incoming,
)

ICT = ZoneInfo("Asia/Ho_Chi_Minh")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
DOCX_NAME_BUT_TEXT = b"Hello, this is plain text pretending to be a scan"


def at(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=ICT)


def scan(name: str = "cong-van.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def metadata(**changes) -> dict:
    """Valid Decree 30 metadata of an incoming official letter from the province committee."""
    values = {
        "issuer_name": "Ủy ban nhân dân tỉnh Thử Nghiệm",
        "issuer_code": "000.00.00.H37",
        "document_type": "cong-van",
        "number": "45",
        "notation": "UBND-VP",
        "issued_date": datetime.date(2026, 2, 2),
        "subject": "V/v triển khai kế hoạch chuyển đổi số năm 2026",
        "urgency": "normal",
        "secrecy": "none",
        "signer_position": "Chủ tịch",
        "signer_name": "Nguyễn Văn Tỉnh",
        "page_count": 2,
    }
    values.update(changes)
    return values


pytestmark = pytest.mark.django_db


def test_a_paper_letter_is_registered_with_the_next_arrival_number(org_tree, clerk_hoa):
    first = register_incoming(
        organisation=org_tree.dept_a,
        metadata=metadata(),
        files=[scan()],
        acting_user=clerk_hoa,
        arrived_at=at(2026, 2, 4, 9, 0),
    )
    second = register_incoming(
        organisation=org_tree.dept_a,
        metadata=metadata(number="46"),
        acting_user=clerk_hoa,
        arrived_at=at(2026, 2, 4, 10, 0),
    )
    doc = IncomingDocument.objects.get(pk=first.document.pk)
    assert (doc.arrival_number, second.document.arrival_number) == (1, 2)
    assert doc.book.year == 2026 and doc.book.code == "den"
    assert doc.status == IncomingStatus.REGISTERED
    assert doc.registered_by == clerk_hoa
    assert doc.code == "45/UBND-VP"
    assert doc.text_status == TextStatus.PENDING
    assert second.document.text_status == TextStatus.NOT_NEEDED
    stored = DocumentFile.objects.get(incoming=doc)
    assert stored.kind == "scan" and stored.content_type == "application/pdf"
    assert stored.sha256 == __import__("hashlib").sha256(PDF).hexdigest()
    assert stored.file.read() == PDF
    event = doc.events.get()
    assert event.type == EventType.REGISTERED and event.details["arrival_number"] == 1
    assert AuditEntry.objects.filter(
        action="documents.register_incoming", object_id=str(doc.pk)
    ).exists()
    assert " chuyen doi so " in doc.search_text and " 45 ubnd vp " in doc.search_text


def test_secret_documents_go_to_the_secret_book(org_tree, clerk_hoa):
    normal = register_incoming(
        organisation=org_tree.dept_a, metadata=metadata(), acting_user=clerk_hoa
    )
    secret = register_incoming(
        organisation=org_tree.dept_a,
        metadata=metadata(number="7", secrecy="confidential"),
        acting_user=clerk_hoa,
    )
    assert secret.document.book.is_secret and not normal.document.book.is_secret
    assert secret.document.arrival_number == 1  # its own series (Art. 15(2))


def test_missing_and_wrong_metadata_are_all_reported_and_nothing_is_saved(org_tree, clerk_hoa):
    bad = metadata(
        issuer_name=" ",
        subject="",
        document_type="",
        issued_date=datetime.date(2026, 3, 1),
        urgency="",
        secrecy="very",
        number="4 5",
        notation="qđ-ubnd",
        page_count=0,
    )
    with pytest.raises(MetadataInvalid) as caught:
        register_incoming(
            organisation=org_tree.dept_a,
            metadata=bad,
            files=[scan()],
            acting_user=clerk_hoa,
            arrived_at=at(2026, 2, 4, 9, 0),
        )
    errors = caught.value.errors
    assert set(errors) == {
        "issuer_name",
        "subject",
        "document_type",
        "issued_date",
        "urgency",
        "secrecy",
        "number",
        "notation",
        "page_count",
    }
    assert caught.value.status == 400
    assert "Trường này là bắt buộc" in errors["subject"][0] or "required" in errors["subject"][0]
    assert "capitals" in errors["notation"][0]
    assert not IncomingDocument.objects.exists()
    assert not DocumentFile.objects.exists()


def test_notation_rules():
    assert notation_problem("QĐ-UBND") is None
    assert notation_problem("UBND-VP") is None
    assert notation_problem("TTr-UBND") is None  # Appendix III writes TTr in mixed case
    assert "spaces" in notation_problem("QĐ - UBND")
    assert "capitals" in notation_problem("qd-ubnd")
    assert notation_problem("QĐ--UBND") is not None


def test_a_type_must_be_in_force_on_the_arrival_day(org_tree, clerk_hoa):
    with pytest.raises(MetadataInvalid) as caught:
        register_incoming(
            organisation=org_tree.dept_a,
            metadata=metadata(issued_date=datetime.date(2019, 5, 5)),
            acting_user=clerk_hoa,
            arrived_at=at(2019, 5, 6, 9, 0),  # before Decree 30 types came into force
        )
    assert set(caught.value.errors) == {"document_type"}


def test_a_future_document_date_or_arrival_is_refused(org_tree, clerk_hoa):
    with pytest.raises(MetadataInvalid) as caught:
        register_incoming(
            organisation=org_tree.dept_a,
            metadata=metadata(issued_date=datetime.date(2026, 2, 5)),
            acting_user=clerk_hoa,
            arrived_at=at(2026, 2, 4, 9, 0),
        )
    assert set(caught.value.errors) == {"issued_date"}
    with pytest.raises(MetadataInvalid) as caught:
        register_incoming(
            organisation=org_tree.dept_a,
            metadata=metadata(),
            acting_user=clerk_hoa,
            arrived_at=at(2099, 1, 1, 9, 0),
        )
    assert set(caught.value.errors) == {"arrived_at"}


def test_a_due_date_on_a_weekend_moves_to_monday_and_says_so(org_tree, clerk_hoa):
    result = register_incoming(
        organisation=org_tree.dept_a,
        metadata=metadata(due_date=datetime.date(2026, 2, 28)),  # a Saturday
        acting_user=clerk_hoa,
        arrived_at=at(2026, 2, 24, 9, 0),
    )
    assert result.document.due_date == datetime.date(2026, 3, 2)
    assert result.due_date_moved
    assert "02/03/2026" in result.warnings[0] and "not a working day" in result.warnings[0]


def test_a_due_date_in_tet_moves_past_the_holiday(org_tree, clerk_hoa):
    from chinhquyen.worktime.calendar import is_working_day

    result = register_incoming(
        organisation=org_tree.dept_a,
        metadata=metadata(
            issued_date=datetime.date(2026, 2, 2), due_date=datetime.date(2026, 2, 17)
        ),
        acting_user=clerk_hoa,
        arrived_at=at(2026, 2, 4, 9, 0),
    )
    moved = result.document.due_date
    assert moved > datetime.date(2026, 2, 17) and is_working_day(moved)
    assert not is_working_day(moved - datetime.timedelta(days=1))


def test_a_probable_duplicate_is_refused_unless_confirmed(org_tree, clerk_hoa):
    first = register_incoming(
        organisation=org_tree.dept_a, metadata=metadata(), acting_user=clerk_hoa
    )
    # Same issuer by code (name written differently), number, notation and date.
    again = metadata(issuer_name="UBND tỉnh Thử Nghiệm")
    with pytest.raises(DuplicateSuspected) as caught:
        register_incoming(organisation=org_tree.dept_a, metadata=again, acting_user=clerk_hoa)
    assert caught.value.duplicates == [first.document]
    assert f"arrival number {first.document.arrival_number}" in caught.value.message
    assert IncomingDocument.objects.count() == 1
    confirmed = register_incoming(
        organisation=org_tree.dept_a,
        metadata=again,
        acting_user=clerk_hoa,
        acknowledge_duplicate=True,
    )
    assert confirmed.document.arrival_number == 2
    assert confirmed.duplicates_acknowledged == [first.document.pk]
    # Another agency receiving the same letter is no duplicate.
    from chinhquyen.conftest import make_role_holder

    clerk_b = make_role_holder(
        "clerk_b", full_name="Văn thư B", organisation=org_tree.dept_b, role="clerk"
    )
    register_incoming(organisation=org_tree.dept_b, metadata=metadata(), acting_user=clerk_b)


def test_an_unsupported_scan_is_refused_and_nothing_is_saved(org_tree, clerk_hoa):
    docx_like = SimpleUploadedFile("scan.pdf", DOCX_NAME_BUT_TEXT)
    with pytest.raises(UploadRefused) as caught:
        register_incoming(
            organisation=org_tree.dept_a,
            metadata=metadata(),
            files=[scan(), docx_like],
            acting_user=clerk_hoa,
        )
    assert caught.value.status == 400
    assert "scan.pdf" in caught.value.message
    assert not IncomingDocument.objects.exists()
    assert not DocumentFile.objects.exists()


def test_images_are_accepted_as_scans(org_tree, clerk_hoa):
    result = register_incoming(
        organisation=org_tree.dept_a,
        metadata=metadata(),
        files=[SimpleUploadedFile("trang1.png", PNG), scan()],
        acting_user=clerk_hoa,
    )
    assert sorted(result.document.files.values_list("content_type", flat=True)) == [
        "application/pdf",
        "image/png",
    ]


def test_only_a_clerk_of_the_organisation_registers(org_tree, specialist_dung, clerk_hoa):
    with pytest.raises(PermissionDenied):
        register_incoming(
            organisation=org_tree.dept_a, metadata=metadata(), acting_user=specialist_dung
        )
    with pytest.raises(PermissionDenied):
        register_incoming(organisation=org_tree.dept_b, metadata=metadata(), acting_user=clerk_hoa)
    assert not IncomingDocument.objects.exists()


def test_text_extraction_is_queued_after_commit(
    org_tree, clerk_hoa, django_capture_on_commit_callbacks, monkeypatch
):
    from chinhquyen.documents.services import text

    queued = []
    monkeypatch.setattr(
        text, "enqueue_extraction", lambda file_id, **kwargs: queued.append(file_id)
    )
    with django_capture_on_commit_callbacks(execute=True):
        result = register_incoming(
            organisation=org_tree.dept_a,
            metadata=metadata(),
            files=[scan(), scan("phu-luc.pdf")],
            acting_user=clerk_hoa,
        )
    assert sorted(queued) == sorted(result.document.files.values_list("pk", flat=True))
