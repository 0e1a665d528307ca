"""A package received becomes an incoming document in the right queue; statuses flow back."""

import hashlib

import pytest

from chinhquyen.documents.choices import (
    BookDirection,
    DeliveryStatus,
    EventType,
    FileKind,
    IncomingChannel,
    IncomingStatus,
    Urgency,
)
from chinhquyen.documents.models import DocumentEvent, DocumentFile, IncomingDocument
from chinhquyen.documents.services import exchange_hooks
from chinhquyen.documents.services.exchange_receive import receive_package, receive_status
from chinhquyen.exchange.edxml import errors as e
from chinhquyen.exchange.edxml.packages import document_bytes
from chinhquyen.exchange.edxml.parser import parse_document, parse_status
from chinhquyen.exchange.edxml.testing import *  # noqa: F403
from chinhquyen.exchange.edxml.testing import (
    CODE_A,
    CODE_B,
    import_organisation_key,
    issued_document,
    set_code,
)
from chinhquyen.exchange.models import OutboxMessage

pytestmark = pytest.mark.django_db


def _bytes(row):
    with row.file.open("rb") as handle:
        return handle.read()


def _statuses():
    return [
        parse_status(bytes(m.body)).status_code
        for m in OutboxMessage.objects.filter(kind="edxml.status").order_by("pk")
    ]


def test_package_arrives_in_the_recipient_queue_with_metadata_intact(
    exchange_recipient, org_b_xml_key
):
    outgoing = exchange_recipient.document
    data = document_bytes(exchange_recipient)

    incoming = receive_package(data, received_via="test")

    assert incoming.exchange_duplicate is False
    assert incoming.organisation == org_b_xml_key.organisation
    assert incoming.status == IncomingStatus.RECEIVED
    assert incoming.channel == IncomingChannel.EXCHANGE
    assert incoming.book is None and incoming.arrival_number is None
    assert incoming.exchange_document_id == f"{CODE_A},{outgoing.issued_date:%Y/%m/%d},05/KH-SA"
    assert (incoming.issuer_name, incoming.issuer_code) == ("Sở A", CODE_A)
    assert incoming.issuer == outgoing.organisation
    assert (incoming.number, incoming.notation, incoming.code) == ("05", "KH-SA", "05/KH-SA")
    assert incoming.issued_date == outgoing.issued_date
    assert incoming.subject == outgoing.subject
    assert incoming.document_type == outgoing.document_type
    assert (incoming.signer_position, incoming.signer_name) == ("Giám đốc", "Trần Thị Bình")
    assert incoming.urgency == Urgency.URGENT
    assert incoming.page_count == 2
    assert incoming.due_date == outgoing.due_date
    assert incoming.to_places == "Lưu: VT; Sở B"
    sent = list(outgoing.files.order_by("pk"))
    got = list(incoming.files.order_by("pk"))
    assert [f.kind for f in got] == [FileKind.MAIN, FileKind.APPENDIX]
    assert [_bytes(f) for f in got] == [_bytes(f) for f in sent]
    assert [f.sha256 for f in got] == [hashlib.sha256(_bytes(f)).hexdigest() for f in sent]
    assert "chuyen doi so" in incoming.search_text
    # The sender is told the same day that it arrived (status 01, Decree 30/2020 Art. 21).
    ack = OutboxMessage.objects.get(kind="edxml.status")
    assert ack.destination == CODE_A
    status = parse_status(bytes(ack.body))
    assert status.status_code == "01"
    assert status.sender.organ_id == CODE_B
    assert status.response_for.document_id == incoming.exchange_document_id
    assert status.signature.organisation_check == "confirmed"


def test_same_document_twice_is_not_filed_twice(exchange_recipient, org_b_xml_key):
    data = document_bytes(exchange_recipient)
    first = receive_package(data, received_via="test")

    again = receive_package(data, received_via="test")

    assert again.pk == first.pk
    assert again.exchange_duplicate is True
    assert IncomingDocument.objects.count() == 1
    assert DocumentFile.objects.filter(incoming__isnull=False).count() == 2
    assert _statuses() == ["01"]


def test_unknown_recipient_is_refused_and_nothing_stored(exchange_orgs, org_a_xml_key, clerk_hoa):
    recipient = issued_document(
        exchange_orgs.dept_a, author=clerk_hoa, recipient_code="000.00.77.H99"
    )
    with pytest.raises(e.PackageRefused) as info:
        receive_package(document_bytes(recipient), received_via="test")
    assert info.value.code == e.UNKNOWN_RECIPIENT
    assert "000.00.77.H99" in info.value.message
    assert not IncomingDocument.objects.exists()
    assert not OutboxMessage.objects.filter(kind="edxml.status").exists()


def test_tampered_package_stores_nothing(exchange_recipient, org_b_xml_key):
    data = document_bytes(exchange_recipient).replace("Sở A".encode(), "Sở X".encode(), 1)
    with pytest.raises(e.PackageRefused) as info:
        receive_package(data, received_via="test")
    assert info.value.code == e.SIGNATURE_INVALID
    assert not IncomingDocument.objects.exists()
    assert not DocumentFile.objects.filter(incoming__isnull=False).exists()


def test_receiver_without_key_still_gets_the_document(exchange_recipient):
    incoming = receive_package(document_bytes(exchange_recipient), received_via="test")
    assert incoming.status == IncomingStatus.RECEIVED
    assert not OutboxMessage.objects.filter(kind="edxml.status").exists()
    from chinhquyen.audit.models import AuditEntry

    assert AuditEntry.objects.filter(action="documents.exchange_status_not_sent").exists()


def test_hook_queues_the_signed_package_once(exchange_recipient):
    from django.db import transaction

    with transaction.atomic():
        exchange_hooks.queue_document(exchange_recipient)
        exchange_hooks.queue_document(exchange_recipient)  # same key, same bytes: one message
    message = OutboxMessage.objects.get(kind="edxml.document")
    assert (message.connector, message.destination) == ("peer", CODE_B)
    assert message.content_type == "application/xml"
    document_id = parse_document(bytes(message.body)).header.document_id
    assert message.idempotency_key == f"edxml:{document_id}:{CODE_B}"


def test_status_flows_back_to_the_sender(exchange_recipient, org_b_xml_key):
    from chinhquyen.documents.services.status import report_to_sender

    incoming = receive_package(document_bytes(exchange_recipient), received_via="test")
    report_to_sender(incoming, DeliveryStatus.ACCEPTED, note="Đã vào sổ văn bản đến")
    report_to_sender(incoming, DeliveryStatus.COMPLETED, note="Đã xử lý xong")
    report_to_sender(incoming, DeliveryStatus.IN_PROGRESS, note="muộn")
    bodies = [
        bytes(m.body) for m in OutboxMessage.objects.filter(kind="edxml.status").order_by("pk")
    ]
    assert [parse_status(b).status_code for b in bodies] == ["01", "03", "06", "05"]

    for body in bodies:
        receive_status(body, received_via="test")

    exchange_recipient.refresh_from_db()
    # A late "in progress" never moves a completed document back.
    assert exchange_recipient.status == DeliveryStatus.COMPLETED
    assert exchange_recipient.status_note == "Đã xử lý xong"
    notes = list(
        DocumentEvent.objects.filter(
            outgoing=exchange_recipient.document, type=EventType.STATUS_RECEIVED
        ).values_list("details__status", flat=True)
    )
    assert notes == ["delivered", "accepted", "completed"]


def test_status_from_an_organisation_that_was_not_sent_the_document_is_refused(
    exchange_recipient, org_b_xml_key, edxml_ca, exchange_orgs
):
    from chinhquyen.exchange.edxml.packages import status_bytes

    incoming = receive_package(document_bytes(exchange_recipient), received_via="test")
    # Department A itself claims to be a recipient of its own document.
    import_organisation_key(edxml_ca, exchange_orgs.province, code="000.00.00.H99")
    set_code(exchange_orgs.province, "000.00.00.H99")
    incoming.organisation = exchange_orgs.province
    with pytest.raises(e.PackageRefused) as info:
        receive_status(status_bytes(incoming, DeliveryStatus.COMPLETED), received_via="test")
    assert info.value.code == e.UNKNOWN_DOCUMENT
    exchange_recipient.refresh_from_db()
    assert exchange_recipient.status != DeliveryStatus.COMPLETED


def test_recall_withdraws_a_document_not_yet_registered(exchange_recipient, org_b_xml_key):
    from django.db import transaction

    incoming = receive_package(document_bytes(exchange_recipient), received_via="test")
    with transaction.atomic():
        exchange_hooks.queue_recall(exchange_recipient, reason="Sai sót nội dung")
    recall = OutboxMessage.objects.get(kind="edxml.document", idempotency_key__endswith=":recall")
    assert parse_document(bytes(recall.body)).business.kind == "revoke"

    receive_package(bytes(recall.body), received_via="test")

    incoming.refresh_from_db()
    assert incoming.status == IncomingStatus.RECALLED
    assert incoming.events.filter(type=EventType.RECALLED, note="Sai sót nội dung").exists()
    assert _statuses() == ["01", "15"]
    answer = OutboxMessage.objects.filter(kind="edxml.status").order_by("pk").last()
    receive_status(bytes(answer.body), received_via="test")
    exchange_recipient.refresh_from_db()
    assert exchange_recipient.status == DeliveryStatus.RECALLED


def test_recall_of_a_registered_document_is_noted_and_refused(
    exchange_recipient, org_b_xml_key, exchange_orgs
):
    from chinhquyen.documents.models import RegistrationBook

    incoming = receive_package(document_bytes(exchange_recipient), received_via="test")
    book = RegistrationBook.objects.create(
        organisation=exchange_orgs.dept_b,
        year=incoming.arrived_at.year,
        direction=BookDirection.INCOMING,
        code="den",
        name="Sổ văn bản đến",
    )
    IncomingDocument.objects.filter(pk=incoming.pk).update(
        status=IncomingStatus.REGISTERED, book=book, arrival_number=1
    )
    from chinhquyen.exchange.edxml.packages import document_bytes as package

    receive_package(package(exchange_recipient, kind="revoke"), received_via="test")

    incoming.refresh_from_db()
    assert incoming.status == IncomingStatus.REGISTERED
    assert incoming.events.filter(type=EventType.RECALLED, details__notice=True).exists()
    assert _statuses() == ["01", "16"]


def test_recall_of_a_document_that_never_arrived_is_refused(exchange_recipient, org_b_xml_key):
    with pytest.raises(e.PackageRefused) as info:
        receive_package(document_bytes(exchange_recipient, kind="revoke"), received_via="test")
    assert info.value.code == e.UNKNOWN_DOCUMENT


def test_inbox_handler_files_the_package(exchange_recipient, org_b_xml_key):
    from chinhquyen.exchange import inbox
    from chinhquyen.exchange.edxml.handlers import register_handlers
    from chinhquyen.exchange.models import InboxStatus

    register_handlers()
    data = document_bytes(exchange_recipient)
    message, created = inbox.accept(
        sender="T02", idempotency_key="doc-1", kind="edxml.document", body=data
    )
    assert created
    processed = inbox.process_message(message.pk)
    assert processed.status == InboxStatus.PROCESSED
    assert IncomingDocument.objects.filter(organisation=org_b_xml_key.organisation).count() == 1

    bad, _created = inbox.accept(
        sender="T02", idempotency_key="doc-2", kind="edxml.document", body=data[:-40]
    )
    failed = inbox.process_message(bad.pk)
    assert failed.status == InboxStatus.FAILED
    assert "edxml_malformed" in failed.error or "PackageRefused" in failed.error
    assert IncomingDocument.objects.count() == 1
