"""Electronic documents waiting in the queue (status "received"): the clerk registers them
(arrival number, sender told "accepted") or returns them (sender told "rejected")."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from chinhquyen.audit.models import AuditEntry
from chinhquyen.documents.choices import (
    DeliveryStatus,
    EventType,
    IncomingChannel,
    IncomingStatus,
    RecipientChannel,
)
from chinhquyen.documents.errors import InvalidTransition
from chinhquyen.documents.models import (
    DocumentType,
    IncomingDocument,
    OutgoingDocument,
    Recipient,
)
from chinhquyen.documents.services.incoming import (
    DuplicateSuspected,
    MetadataInvalid,
    accept_incoming,
    register_incoming,
    return_incoming,
    update_receiver_fields,
)
from chinhquyen.documents.tests.test_incoming_registration import metadata

pytestmark = pytest.mark.django_db


@pytest.fixture
def delivered(org_tree, specialist_dung):
    """Department B issued a plan to department A on this platform; it waits in A's queue."""
    from chinhquyen.documents.services import numbering

    plan = DocumentType.objects.get(code="ke-hoach")
    book = numbering.book_for(org_tree.dept_b, "outgoing", document_type=plan)
    outgoing = OutgoingDocument.objects.create(
        book=book,
        organisation=org_tree.dept_b,
        drafting_unit=org_tree.dept_b,
        document_type=plan,
        subject="Kế hoạch kiểm tra công tác văn thư năm 2026",
        number=12,
        notation="KH-SB",
        issued_date=datetime.date(2026, 2, 3),
        created_by=specialist_dung,
        status="issued",
    )
    recipient = Recipient.objects.create(
        document=outgoing,
        organisation=org_tree.dept_a,
        name=org_tree.dept_a.name,
        channel=RecipientChannel.INTERNAL,
        status=DeliveryStatus.DELIVERED,
    )
    return IncomingDocument.objects.create(
        organisation=org_tree.dept_a,
        status=IncomingStatus.RECEIVED,
        channel=IncomingChannel.INTERNAL,
        arrived_at=timezone.now(),
        issuer_name=org_tree.dept_b.name,
        issuer=org_tree.dept_b,
        document_type=plan,
        subject=outgoing.subject,
        number="12",
        notation="KH-SB",
        issued_date=outgoing.issued_date,
        source_recipient=recipient,
    )


def test_accepting_numbers_it_and_tells_the_sender(delivered, clerk_hoa):
    result = accept_incoming(
        delivered,
        acting_user=clerk_hoa,
        to_places="Phòng A1",
        due_date=datetime.date(2026, 12, 27),  # a Sunday
    )
    doc = IncomingDocument.objects.get(pk=delivered.pk)
    assert doc.status == IncomingStatus.REGISTERED
    assert doc.arrival_number == 1 and doc.book.code == "den"
    assert doc.registered_by == clerk_hoa
    assert doc.to_places == "Phòng A1"
    assert doc.due_date == datetime.date(2026, 12, 28)
    assert result.warnings and "28/12/2026" in result.warnings[0]
    # The sender's recipient row moved to "registered by the recipient (03)".
    recipient = Recipient.objects.get(pk=delivered.source_recipient_id)
    assert recipient.status == DeliveryStatus.ACCEPTED
    assert recipient.document.events.filter(type=EventType.STATUS_RECEIVED).exists()
    assert doc.events.filter(type=EventType.REGISTERED).count() == 1
    assert AuditEntry.objects.filter(action="documents.accept_incoming").count() == 1
    # The sender's metadata stayed as sent.
    assert (doc.subject, doc.code, doc.issuer_name) == (
        delivered.subject,
        "12/KH-SB",
        delivered.issuer_name,
    )


def test_accepting_twice_is_a_wrong_state(delivered, clerk_hoa):
    accept_incoming(delivered, acting_user=clerk_hoa)
    with pytest.raises(InvalidTransition) as caught:
        accept_incoming(delivered, acting_user=clerk_hoa)
    assert caught.value.status == 409
    assert IncomingDocument.objects.get(pk=delivered.pk).arrival_number == 1


def test_returning_needs_a_reason_and_tells_the_sender(delivered, clerk_hoa):
    with pytest.raises(MetadataInvalid):
        return_incoming(delivered, reason="  ", acting_user=clerk_hoa)
    assert IncomingDocument.objects.get(pk=delivered.pk).status == IncomingStatus.RECEIVED
    return_incoming(delivered, reason="Gửi nhầm cơ quan", acting_user=clerk_hoa)
    doc = IncomingDocument.objects.get(pk=delivered.pk)
    assert doc.status == IncomingStatus.RETURNED and doc.arrival_number is None
    recipient = Recipient.objects.get(pk=delivered.source_recipient_id)
    assert recipient.status == DeliveryStatus.REJECTED
    assert recipient.status_note == "Gửi nhầm cơ quan"
    assert doc.events.get().type == EventType.RETURNED
    with pytest.raises(InvalidTransition):
        accept_incoming(doc, acting_user=clerk_hoa)


def test_an_exchanged_document_reports_through_the_exchange_hook(delivered, clerk_hoa, monkeypatch):
    from chinhquyen.documents.services import exchange_hooks

    sent = []
    monkeypatch.setattr(
        exchange_hooks, "queue_status", lambda document, status, **kw: sent.append(status)
    )
    IncomingDocument.objects.filter(pk=delivered.pk).update(
        channel=IncomingChannel.EXCHANGE, source_recipient=None
    )
    delivered.refresh_from_db()
    accept_incoming(delivered, acting_user=clerk_hoa)
    assert sent == [DeliveryStatus.ACCEPTED]


def test_a_paper_copy_already_registered_is_a_probable_duplicate(org_tree, delivered, clerk_hoa):
    # The paper copy is registered while the electronic one waits: already a warning.
    paper = register_incoming(
        organisation=org_tree.dept_a,
        metadata=metadata(
            issuer_name=delivered.issuer_name,
            issuer_code="",
            document_type="ke-hoach",
            number="12",
            notation="KH-SB",
            issued_date=delivered.issued_date,
        ),
        acting_user=clerk_hoa,
        acknowledge_duplicate=True,
    )
    assert paper.duplicates_acknowledged == [delivered.pk]
    with pytest.raises(DuplicateSuspected):
        accept_incoming(delivered, acting_user=clerk_hoa)
    assert IncomingDocument.objects.get(pk=delivered.pk).status == IncomingStatus.RECEIVED
    result = accept_incoming(delivered, acting_user=clerk_hoa, acknowledge_duplicate=True)
    assert result.document.arrival_number == 2


def test_only_the_receiving_clerk_accepts_or_returns(delivered, specialist_dung, org_tree):
    with pytest.raises(PermissionDenied):
        accept_incoming(delivered, acting_user=specialist_dung)
    with pytest.raises(PermissionDenied):
        return_incoming(delivered, reason="x", acting_user=specialist_dung)
    assert IncomingDocument.objects.get(pk=delivered.pk).status == IncomingStatus.RECEIVED


def test_the_receiver_changes_only_receiver_side_fields(delivered, clerk_hoa):
    accept_incoming(delivered, acting_user=clerk_hoa)
    result = update_receiver_fields(
        delivered, acting_user=clerk_hoa, to_places="Phòng A1", description="Khẩn trương"
    )
    doc = result.document
    assert (doc.to_places, doc.description) == ("Phòng A1", "Khẩn trương")
    with pytest.raises(TypeError):
        update_receiver_fields(delivered, acting_user=clerk_hoa, subject="khác")  # type: ignore[call-arg]
