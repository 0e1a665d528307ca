# ruff: noqa: F811 (fixtures imported from the outgoing tests are parameters here)
"""The walk of issue 5, every step through the real services and the real tools:

a paper letter arrives → its scan is OCRed (Tesseract) → registered in the incoming book → the
leader assigns a lead and a co-operating unit → the specialist drafts the reply from the Decree
30 template (LibreOffice) → approval → numbered → signed by the leader, then the organisation →
issued to an agency on the platform, which finds it in its queue with the metadata intact,
registers it, and the sender sees that; the lead completes the assignment with the reply.
"""

import datetime
import shutil

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from chinhquyen.accounts.choices import Role
from chinhquyen.audit.models import AuditEntry
from chinhquyen.conftest import make_role_holder
from chinhquyen.documents.choices import (
    AssignmentRole,
    DeliveryStatus,
    EventType,
    IncomingChannel,
    IncomingStatus,
    OutgoingStatus,
    ReviewerRole,
    TextStatus,
)
from chinhquyen.documents.models import IncomingDocument
from chinhquyen.documents.services import numbering
from chinhquyen.documents.services.assignment import (
    Target,
    assign,
    complete_assignment,
    start,
)
from chinhquyen.documents.services.drafting import RecipientInput, create_draft
from chinhquyen.documents.services.incoming import accept_incoming, register_incoming
from chinhquyen.documents.services.issuing import number_document, seal_and_issue, sign_as_signer
from chinhquyen.documents.services.review import approve_step, submit_for_review
from chinhquyen.documents.services.search import search_documents
from chinhquyen.documents.services.text import extract_file_text
from chinhquyen.documents.tests.test_outgoing_fixtures import (  # noqa: F401 (fixtures)
    _fresh_signing_caches,
    binh_key,
    dept_a_key,
    named_tree,
    pki_trusted,
    test_pki,
)
from chinhquyen.documents.tests.test_text_fixtures import scanned_page
from chinhquyen.signing.demo import demo_seal_png, demo_signature_png
from chinhquyen.signing.services import set_appearance_image

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        not all(shutil.which(tool) for tool in ("soffice", "tesseract")),
        reason="needs LibreOffice and Tesseract (make test installs them)",
    ),
]

LETTER = [
    ("bold", "SỞ B"),
    ("regular", "Số: 31/SB-VP"),
    ("bold", "CÔNG VĂN"),
    ("regular", "về việc cung cấp số liệu chuyển đổi số"),
    ("regular", "Kính gửi: Sở A."),
    ("regular", "Đề nghị Sở A cung cấp số liệu trước ngày 15."),
]


def test_a_paper_letter_is_answered_by_an_electronic_reply_found_by_the_sender(
    named_tree,
    clerk_hoa,
    leader_binh,
    deputy_cuong,
    specialist_dung,
    binh_key,
    dept_a_key,
):
    tree = named_tree
    # The leader's handwritten signature and Sở A's seal (Appendix I §II).
    set_appearance_image(binh_key, demo_signature_png("Trần Thị Bình"))
    set_appearance_image(dept_a_key, demo_seal_png("Sở A"))
    clerk_of_b = make_role_holder(
        "van_thu_b", full_name="Đinh Thị Văn", organisation=tree.dept_b, role=Role.CLERK
    )

    # A paper letter from Sở B arrives at Sở A; the clerk scans and registers it.
    scan = SimpleUploadedFile("cong-van-31.png", scanned_page(LETTER), content_type="image/png")
    registered = register_incoming(
        organisation=tree.dept_a,
        metadata={
            "issuer_name": "Sở B",
            "issuer_code": tree.dept_b.qcvn_code,
            "document_type": "cong-van",
            "number": "31",
            "notation": "SB-VP",
            "issued_date": datetime.date.today() - datetime.timedelta(days=2),
            "subject": "V/v cung cấp số liệu chuyển đổi số",
            "urgency": "normal",
            "secrecy": "none",
            "signer_position": "Giám đốc",
            "signer_name": "Lê Văn Bê",
            "page_count": 1,
        },
        files=[scan],
        acting_user=clerk_hoa,
    )
    letter = registered.document
    assert (letter.arrival_number, letter.status) == (1, IncomingStatus.REGISTERED)

    # Its scan is read by OCR in the background (run here at once), so a search without
    # accents finds a phrase that is only in the scan's body.
    extract_file_text(letter.files.get().pk)
    letter.refresh_from_db()
    assert letter.text_status == TextStatus.EXTRACTED
    found = search_documents(leader_binh, query="de nghi so a cung cap")
    assert [hit.document.pk for hit in found.hits] == [letter.pk]

    # The leader gives it to Phòng A1 (lead, the specialist) with Sở A's office co-operating.
    assigned = assign(
        letter,
        lead=Target(tree.division_a1, specialist_dung.official),
        cooperating=[tree.dept_a],
        due_days=5,
        instruction="Phòng A1 chủ trì trả lời.",
        acting_user=leader_binh,
    )
    lead = next(a for a in assigned.assignments if a.role == AssignmentRole.LEAD)
    start(lead, acting_user=specialist_dung)

    # The specialist drafts the reply from the template; it goes up the chain.
    reply = create_draft(
        organisation=tree.dept_a,
        drafting_unit=tree.division_a1,
        document_type=numbering.type_in_force("cong-van"),
        subject="V/v cung cấp số liệu chuyển đổi số",
        body="Phúc đáp Công văn số 31/SB-VP, Sở A gửi số liệu chuyển đổi số kèm theo.",
        recipients=[RecipientInput(organisation=tree.dept_b)],
        signer=leader_binh.official,
        reply_to=letter,
        acting_user=specialist_dung,
    )
    submit_for_review(
        reply,
        [(ReviewerRole.DIVISION_LEADER, deputy_cuong), (ReviewerRole.AGENCY_LEADER, leader_binh)],
        specialist_dung,
    )
    approve_step(reply, deputy_cuong)
    approve_step(reply, leader_binh)
    assert reply.status == OutgoingStatus.APPROVED

    # Numbered from the outgoing book, signed by the leader, sealed and issued by the clerk.
    number_document(reply, clerk_hoa)
    assert reply.code == "01/SA-PA1"
    sign_as_signer(reply, leader_binh)
    seal_and_issue(reply, clerk_hoa)
    assert reply.status == OutgoingStatus.ISSUED
    # The leader's signature image sits at the signer block, the seal over it.
    placements = [
        (entry["role"], entry["placement"])
        for entry in AuditEntry.objects.filter(action="signing.sign_pdf")
        .order_by("id")
        .values_list("details", flat=True)
    ]
    assert placements == [("personal", "anchor"), ("organisation", "signature")]

    # Sở B finds it in its queue at once, with the metadata intact, and registers it.
    arrived = IncomingDocument.objects.get(organisation=tree.dept_b)
    assert (arrived.status, arrived.channel) == (IncomingStatus.RECEIVED, IncomingChannel.INTERNAL)
    assert (arrived.issuer, arrived.code, arrived.subject) == (
        tree.dept_a,
        "01/SA-PA1",
        "V/v cung cấp số liệu chuyển đổi số",
    )
    assert (arrived.signer_name, arrived.document_type.code) == ("Trần Thị Bình", "cong-van")
    assert arrived.files.get().sha256 == reply.files.filter(kind="signed").latest("pk").sha256
    accept_incoming(arrived, acting_user=clerk_of_b)
    recipient = reply.recipients.get()
    assert recipient.status == DeliveryStatus.ACCEPTED  # the sender sees it registered

    # The lead completes the assignment with the reply: the letter is done.
    complete_assignment(
        lead,
        result="Đã trả lời bằng công văn 01/SA-PA1.",
        result_document=reply,
        acting_user=specialist_dung,
    )
    letter.refresh_from_db()
    assert letter.status == IncomingStatus.COMPLETED
    assert list(letter.events.values_list("type", flat=True)) == [
        EventType.REGISTERED,
        EventType.TEXT_EXTRACTED,
        EventType.ASSIGNED,
        EventType.STARTED,
        EventType.ASSIGNMENT_COMPLETED,
        EventType.COMPLETED,
    ]
