"""Distribution at issue (internal queue, exchange outbox, post) and recall (Art. 18)."""

# ruff: noqa: F811 (fixtures imported from the outgoing test fixtures are parameters here)

import pytest
from django.core.exceptions import PermissionDenied

from chinhquyen.documents.choices import (
    DeliveryStatus,
    EventType,
    IncomingStatus,
    OutgoingStatus,
    RecipientChannel,
)
from chinhquyen.documents.errors import DocumentError, InvalidTransition
from chinhquyen.documents.models import DocumentEvent, IncomingDocument
from chinhquyen.documents.services import numbering
from chinhquyen.documents.services.distribution import recall
from chinhquyen.documents.services.drafting import RecipientInput
from chinhquyen.documents.services.issuing import seal_and_issue, sign_as_signer
from chinhquyen.documents.tests.test_outgoing_fixtures import (  # noqa: F401 (fixtures)
    _fresh_signing_caches,
    binh_key,
    dept_a_key,
    make_numbered,
    named_tree,
    pki_trusted,
    test_pki,
)


@pytest.fixture
def issued(named_tree, specialist_dung, leader_binh, clerk_hoa, binh_key, dept_a_key):
    document = make_numbered(
        named_tree,
        specialist_dung,
        leader_binh,
        clerk_hoa,
        recipients=[
            RecipientInput(organisation=named_tree.dept_b),
            RecipientInput(organisation=named_tree.province, for_information=True),
            RecipientInput(name="Bộ Nội vụ", external_code="000.00.00.G09"),
            RecipientInput(name="Công ty Hoa Sen", channel=RecipientChannel.POST),
        ],
    )
    sign_as_signer(document, leader_binh)
    seal_and_issue(document, clerk_hoa)
    return document


def outbox(kind_suffix: str = ""):
    from chinhquyen.exchange.models import OutboxMessage

    return list(OutboxMessage.objects.filter(idempotency_key__endswith=kind_suffix).order_by("pk"))


def test_each_channel(issued, named_tree):
    rows = {r.name: r for r in issued.recipients.all()}
    for name in ("Sở B", "Ủy ban nhân dân tỉnh Thử Nghiệm"):
        assert rows[name].status == DeliveryStatus.DELIVERED
        copy = IncomingDocument.objects.get(source_recipient=rows[name])
        assert copy.status == IncomingStatus.RECEIVED
        assert "so 01" in copy.search_text  # the PDF's text is searchable at once
    exchange = rows["Bộ Nội vụ"]
    assert exchange.status == DeliveryStatus.PENDING
    assert exchange.message_key == f"outgoing:{issued.pk}:recipient:{exchange.pk}"
    # The exchange outbox holds one signed edXML package for it, keyed by the recipient row.
    (message,) = outbox()
    assert message.destination == "000.00.00.G09"
    assert message.idempotency_key.startswith(exchange.message_key)
    assert message.related_id == str(exchange.pk)
    post = rows["Công ty Hoa Sen"]
    assert (post.status, post.status_note) == (DeliveryStatus.PENDING, "Chờ gửi qua bưu điện")
    assert issued.events.filter(type=EventType.DISTRIBUTED).count() == 3


def test_recall_sends_a_notice_for_registered_copies(issued, named_tree, clerk_hoa):
    # The recipients' clerks registered their copies.
    for copy in IncomingDocument.objects.all():
        book = numbering.book_for(copy.organisation, "incoming")
        IncomingDocument.objects.filter(pk=copy.pk).update(
            status=IncomingStatus.REGISTERED,
            book=book,
            arrival_number=numbering.take_number(book).number,
        )
    recall(issued, "Sai thể thức", clerk_hoa)
    copy = IncomingDocument.objects.get(organisation=named_tree.dept_b)
    assert copy.status == IncomingStatus.REGISTERED  # the recipient deletes it and says so
    notice = DocumentEvent.objects.get(incoming=copy, type=EventType.RECALLED)
    assert notice.note == "Sai thể thức" and notice.details["notice"] is True
    issued.refresh_from_db()
    assert issued.status == OutgoingStatus.RECALLED
    assert set(issued.recipients.values_list("status", flat=True)) == {DeliveryStatus.RECALLED}
    assert issued.events.filter(type=EventType.RECALLED).get().details == {
        "withdrawn": 0,
        "noticed": 3,  # two registered copies and the agency reached through the exchange
    }
    assert len(outbox(":recall")) == 1


def test_recall_withdraws_unregistered_copies(issued, named_tree, leader_binh):
    recall(issued, "Ban hành nhầm", leader_binh)
    copy = IncomingDocument.objects.get(organisation=named_tree.dept_b)
    assert copy.status == IncomingStatus.RECALLED
    assert DocumentEvent.objects.get(incoming=copy, type=EventType.RECALLED).details == {
        "withdrawn": True,
        "notice": False,
    }
    assert issued.status == OutgoingStatus.RECALLED


def test_recall_refusals(issued, specialist_dung, clerk_hoa):
    with pytest.raises(PermissionDenied):
        recall(issued, "Sai", specialist_dung)
    with pytest.raises(DocumentError):
        recall(issued, "  ", clerk_hoa)
    issued.refresh_from_db()
    assert issued.status == OutgoingStatus.ISSUED
    assert not DocumentEvent.objects.filter(type=EventType.RECALLED).exists()


def test_frozen_after_recall_or_before_issue(named_tree, specialist_dung, leader_binh, clerk_hoa):
    document = make_numbered(named_tree, specialist_dung, leader_binh, clerk_hoa)
    with pytest.raises(InvalidTransition):
        recall(document, "Chưa ban hành", clerk_hoa)
