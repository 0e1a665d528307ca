"""The national document exchange axis connector against its emulator, a separate HTTP server
process on loopback (``chinhquyen document_axis_emulator``) with one mailbox per organisation.

One database plays both installations, as in the kill test: system X serves department A
(CODE_A), system Y department B (CODE_B); the test switches the axis credentials between them.
"""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from chinhquyen.documents.choices import DeliveryStatus
from chinhquyen.documents.models import IncomingDocument
from chinhquyen.documents.services import exchange_hooks
from chinhquyen.exchange.connectors import document_axis
from chinhquyen.exchange.edxml.parser import parse_status
from chinhquyen.exchange.edxml.testing import *  # noqa: F403
from chinhquyen.exchange.edxml.testing import CODE_A, CODE_B
from chinhquyen.exchange.emulators.testing import EmulatorProcess
from chinhquyen.exchange.inbox import process_pending
from chinhquyen.exchange.models import InboxMessage, OutboxMessage
from chinhquyen.exchange.outbox import deliver_due

SYSTEMS = {"X": ("secret-x-0123456789", CODE_A), "Y": ("secret-y-0123456789", CODE_B)}


@pytest.fixture(scope="module")
def emulator(tmp_path_factory):
    args = []
    for system, (secret, code) in SYSTEMS.items():
        args += ["--system", f"{system}:{secret}:{code}"]
    process = EmulatorProcess(
        "document_axis_emulator", args, var_dir=str(tmp_path_factory.mktemp("axis-emulator"))
    ).start()
    yield process
    process.stop()


@pytest.fixture
def axis(emulator, settings):
    emulator.control("reset", {})
    settings.EDXML_CONNECTOR = "document_axis"
    settings.DOCUMENT_AXIS_URL = emulator.base_url + "/api/v1/edocs"
    settings.EXCHANGE_RETRY_JITTER = 0.0
    settings.EXCHANGE_CONNECT_TIMEOUT = 2.0
    settings.EXCHANGE_READ_TIMEOUT = 5.0
    act_as(settings, "X")
    return emulator


def act_as(settings, system: str) -> None:
    settings.DOCUMENT_AXIS_SYSTEM_ID = system
    settings.DOCUMENT_AXIS_SECRET = SYSTEMS[system][0]


def mailbox(axis, code: str) -> list[dict]:
    return axis.stats()["mailboxes"].get(code, [])


def send(recipient) -> OutboxMessage:
    with transaction.atomic():
        exchange_hooks.queue_document(recipient)
    return OutboxMessage.objects.get(kind="edxml.document")


def test_a_document_crosses_the_axis_and_the_01_answer_comes_back(
    axis, settings, exchange_recipient, org_b_xml_key
):
    message = send(exchange_recipient)
    assert message.connector == "document_axis"

    assert deliver_due() == {"delivered": 1}  # as X (department A)

    [package] = mailbox(axis, CODE_B)
    assert (package["from"], package["type"], package["status"]) == (CODE_A, "edoc", "pending")
    assert package["sha256"] == message.body_sha256
    exchange_recipient.refresh_from_db()
    assert exchange_recipient.status == DeliveryStatus.SENT

    act_as(settings, "Y")  # department B's installation polls its mailbox
    assert document_axis.poll() == {"received": 1, "duplicate": 0, "failed": 0}
    received = InboxMessage.objects.get()
    assert (received.sender, received.kind, received.connector) == (
        "document_axis",
        "edxml.document",
        "document_axis",
    )
    assert mailbox(axis, CODE_B)[0]["status"] == "done"
    assert process_pending() == {"processed": 1}
    incoming = IncomingDocument.objects.get(organisation=org_b_xml_key.organisation)
    assert incoming.issuer_code == CODE_A
    answer = OutboxMessage.objects.get(kind="edxml.status")
    assert (answer.connector, answer.destination) == ("document_axis", CODE_A)
    assert parse_status(answer.read_body()).status_code == "01"
    assert deliver_due() == {"delivered": 1}
    assert document_axis.poll() == {"received": 0, "duplicate": 0, "failed": 0}

    act_as(settings, "X")  # department A learns that its document arrived
    [status] = mailbox(axis, CODE_A)
    assert (status["from"], status["type"]) == (CODE_B, "status")
    assert document_axis.poll() == {"received": 1, "duplicate": 0, "failed": 0}
    assert process_pending() == {"processed": 1}
    exchange_recipient.refresh_from_db()
    assert exchange_recipient.status == DeliveryStatus.DELIVERED


def test_a_lost_answer_is_a_duplicate_at_the_axis_not_a_second_package(axis, exchange_recipient):
    axis.fault("POST", "/api/v1/edocs", [503], mode="after_store")
    message = send(exchange_recipient)

    assert deliver_due() == {"pending": 1}
    assert deliver_due(now=timezone.now() + timedelta(minutes=5)) == {"delivered": 1}

    message.refresh_from_db()
    assert (message.attempts, message.last_status_code) == (2, 200)
    assert len(mailbox(axis, CODE_B)) == 1
    counters = axis.stats()["counters"]
    assert (counters["stored"], counters["duplicates"]) == (1, 1)


def test_an_unknown_recipient_is_a_dead_letter_and_the_sender_sees_it(
    axis, exchange_orgs, clerk_hoa, org_a_xml_key
):
    recipient = issued_document(  # noqa: F405
        exchange_orgs.dept_a, author=clerk_hoa, recipient_code="000.00.00.G99"
    )
    message = send(recipient)

    assert deliver_due() == {"dead": 1}

    message.refresh_from_db()
    assert message.last_status_code == 404
    assert "unknown_recipient" in message.last_error
    recipient.refresh_from_db()
    assert recipient.status == DeliveryStatus.FAILED


def test_a_poll_that_cannot_mark_done_takes_the_package_once(
    axis, settings, exchange_recipient, org_b_xml_key
):
    send(exchange_recipient)
    deliver_due()
    act_as(settings, "Y")
    axis.fault("PUT", "/api/v1/edocs/", [503])

    assert document_axis.poll() == {"received": 0, "duplicate": 0, "failed": 1}
    assert document_axis.poll() == {"received": 0, "duplicate": 1, "failed": 0}

    assert InboxMessage.objects.count() == 1
    assert mailbox(axis, CODE_B)[0]["status"] == "done"
    assert process_pending() == {"processed": 1}
    assert IncomingDocument.objects.count() == 1
