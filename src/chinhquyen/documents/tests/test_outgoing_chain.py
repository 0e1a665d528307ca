# ruff: noqa: F811 (fixtures imported from the signing tests are parameters here)
"""The whole life of an outgoing document: drafted from the Appendix I template, converted by
LibreOffice, reviewed up the chain, numbered, signed by the leader, sealed by the clerk,
issued, and found in the recipient agency's queue with its metadata and signatures intact.

LibreOffice runs three times here (first version, final PDF, and nothing else), the test
PKI of the signing app provides the keys.
"""

import datetime
import hashlib
import shutil
import subprocess

import pytest

from chinhquyen.documents.choices import (
    BookDirection,
    DeliveryStatus,
    EventType,
    FileKind,
    IncomingChannel,
    IncomingStatus,
    OutgoingStatus,
    RecipientChannel,
    ReviewerRole,
)
from chinhquyen.documents.models import IncomingDocument
from chinhquyen.documents.services import numbering
from chinhquyen.documents.services.drafting import RecipientInput, create_draft
from chinhquyen.documents.services.issuing import (
    number_document,
    seal_and_issue,
    sign_as_signer,
)
from chinhquyen.documents.services.review import approve_step, submit_for_review
from chinhquyen.documents.tests.test_outgoing_fixtures import (  # noqa: F401 (fixtures)
    _fresh_signing_caches,
    binh_key,
    dept_a_key,
    named_tree,
    pki_trusted,
    test_pki,
)

pytestmark = pytest.mark.skipif(
    shutil.which("soffice") is None or shutil.which("pdftotext") is None,
    reason="LibreOffice and poppler-utils are needed (apt-get install libreoffice-writer-nogui "
    "poppler-utils)",
)


def pdf_text(path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout


def pdf_fonts(path) -> str:
    return subprocess.run(
        ["pdffonts", str(path)], capture_output=True, check=True, text=True
    ).stdout


def test_draft_to_recipient_queue(
    named_tree,
    specialist_dung,
    deputy_cuong,
    leader_binh,
    clerk_hoa,
    binh_key,
    dept_a_key,
    tmp_path,
):
    tree = named_tree
    quyet_dinh = numbering.type_in_force("quyet-dinh")
    # Four numbers of this year's book are already taken: the document gets 05.
    year = datetime.date.today().year
    book = numbering.book_for(
        tree.dept_a, BookDirection.OUTGOING, year=year, document_type=quyet_dinh
    )
    numbering.reserve_numbers(book, 4, reason="Giữ số cho văn bản giấy", acting_user=clerk_hoa)

    # Given a specialist drafts a decision from the template
    document = create_draft(
        organisation=tree.dept_a,
        drafting_unit=tree.division_a1,
        document_type=quyet_dinh,
        subject="Ban hành Quy chế tiếp nhận văn bản điện tử",
        body="Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ;\n"
        "Điều 1. Ban hành kèm theo Quyết định này Quy chế tiếp nhận văn bản điện tử.",
        recipients=[
            RecipientInput(organisation=tree.dept_b),
            RecipientInput(name="Bộ Nội vụ", external_code="000.00.00.G09"),
            RecipientInput(name="Công ty TNHH Hoa Sen", channel=RecipientChannel.POST),
        ],
        signer=leader_binh.official,
        signer_competence="",
        urgency="urgent",
        secrecy="none",
        acting_user=specialist_dung,
    )
    assert document.status == OutgoingStatus.DRAFT
    version = document.versions.get()
    draft_pdf = tmp_path / "draft.pdf"
    draft_pdf.write_bytes(version.pdf.read())
    text = pdf_text(draft_pdf)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Độc lập - Tự do - Hạnh phúc" in text
    assert "SỞ A" in text
    assert "/QĐ-SA" in text and "Số:" in text
    assert "QUYẾT ĐỊNH" in text
    assert "Ban hành Quy chế tiếp nhận văn bản điện tử" in text
    assert "KHẨN" in text
    assert "Nơi nhận:" in text and "- Lưu: VT, PA1." in text
    assert "Trần Thị Bình" in text and "GIÁM ĐỐC SỞ" in text
    assert "Tuyên Quang, ngày" in text
    fonts = pdf_fonts(draft_pdf)
    assert "LiberationSerif" in fonts or "TimesNewRoman" in fonts
    assert document.page_count == 1

    # When the division leader, then the agency leader approve
    submit_for_review(
        document,
        [
            (ReviewerRole.DIVISION_LEADER, deputy_cuong),
            (ReviewerRole.AGENCY_LEADER, leader_binh),
        ],
        specialist_dung,
    )
    approve_step(document, deputy_cuong, "Đồng ý")
    assert document.status == OutgoingStatus.IN_REVIEW
    approve_step(document, leader_binh)
    assert document.status == OutgoingStatus.APPROVED

    # and the clerk numbers it from the outgoing book
    number_document(document, clerk_hoa, issued_date=datetime.date(year, 2, 5))
    assert document.status == OutgoingStatus.NUMBERED
    assert (document.book_id, document.number, document.notation) == (book.pk, 5, "QĐ-SA")
    assert document.code == "05/QĐ-SA"
    final = document.files.get(kind=FileKind.MAIN)
    final_path = tmp_path / "final.pdf"
    final_path.write_bytes(final.file.read())
    final_text = pdf_text(final_path)
    assert "Số: 05/QĐ-SA" in final_text
    assert f"Tuyên Quang, ngày 05 tháng 02 năm {year}" in final_text

    # the leader signs, the clerk seals and issues
    sign_as_signer(document, leader_binh)
    assert document.status == OutgoingStatus.SIGNED
    seal_and_issue(document, clerk_hoa)
    assert document.status == OutgoingStatus.ISSUED
    assert document.issued_at is not None
    signed = document.files.filter(kind=FileKind.SIGNED).order_by("-pk").first()
    signed_bytes = signed.file.read()
    assert hashlib.sha256(signed_bytes).hexdigest() == signed.sha256

    # Then the agency on the platform finds it in its queue, unregistered, metadata intact
    incoming = IncomingDocument.objects.get(organisation=tree.dept_b)
    assert incoming.status == IncomingStatus.RECEIVED
    assert incoming.channel == IncomingChannel.INTERNAL
    assert incoming.book is None and incoming.arrival_number is None
    assert incoming.issuer == tree.dept_a
    assert incoming.issuer_name == "Sở A"
    assert incoming.issuer_code == tree.dept_a.qcvn_code
    assert (incoming.number, incoming.notation, incoming.code) == ("05", "QĐ-SA", "05/QĐ-SA")
    assert incoming.issued_date == datetime.date(year, 2, 5)
    assert incoming.document_type == quyet_dinh
    assert incoming.subject == document.subject
    assert (incoming.signer_name, incoming.signer_position) == ("Trần Thị Bình", "Giám đốc Sở")
    assert incoming.urgency == "urgent" and incoming.page_count == 1
    main = incoming.files.get(kind=FileKind.MAIN)
    copied = main.file.read()
    assert copied == signed_bytes
    assert main.sha256 == signed.sha256

    from chinhquyen.signing.verification import verify_pdf

    report = verify_pdf(copied)
    assert report.all_valid
    assert len(report.signatures) == 2
    if shutil.which("pdfsig"):
        copy_path = tmp_path / "copy.pdf"
        copy_path.write_bytes(copied)
        out = subprocess.run(
            ["pdfsig", str(copy_path)], capture_output=True, text=True, check=False
        ).stdout
        assert out.count("Signature Validation: Signature is Valid.") == 2

    # The leader's signature sits in the signer block (found by the name in the PDF), the
    # organisation's follows it; every step is in the audit trail.
    from chinhquyen.audit.models import AuditEntry

    signatures = list(
        AuditEntry.objects.filter(action="signing.sign_pdf")
        .order_by("id")
        .values_list("details", flat=True)
    )
    assert [(d["role"], d["placement"]) for d in signatures] == [
        ("personal", "anchor"),
        ("organisation", "default"),
    ]
    assert set(
        AuditEntry.objects.filter(
            object_id=str(document.pk), object_type__contains="outgoing"
        ).values_list("action", flat=True)
    ) >= {
        "documents.create_draft",
        "documents.submit_for_review",
        "documents.approve_step",
        "documents.number_document",
        "documents.render_final",
        "documents.sign_outgoing",
        "documents.seal_outgoing",
        "documents.issue_outgoing",
        "documents.deliver_internal",
        "documents.queue_exchange",
    }

    # The sender's view per recipient
    rows = {r.name: r for r in document.recipients.all()}
    assert rows["Sở B"].status == DeliveryStatus.DELIVERED
    assert rows["Bộ Nội vụ"].status == DeliveryStatus.PENDING
    assert (
        rows["Bộ Nội vụ"].message_key == f"outgoing:{document.pk}:recipient:{rows['Bộ Nội vụ'].pk}"
    )
    assert rows["Công ty TNHH Hoa Sen"].status == DeliveryStatus.PENDING
    events = list(document.events.values_list("type", flat=True))
    assert events == [
        EventType.DRAFTED,
        EventType.SUBMITTED,
        EventType.APPROVED,
        EventType.APPROVED,
        EventType.NUMBERED,
        EventType.VERSION_ADDED,
        EventType.SIGNED,
        EventType.SIGNED,
        EventType.ISSUED,
        EventType.DISTRIBUTED,
        EventType.DISTRIBUTED,
    ]
