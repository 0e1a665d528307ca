"""The sender's view follows the outbox: "sent" once the package is delivered, "delivery
failed" when every attempt was given up — in the same transaction as the outbox row."""

import pytest
from django.db import transaction

from chinhquyen.documents.choices import DeliveryStatus
from chinhquyen.documents.services import exchange_hooks
from chinhquyen.exchange.edxml.testing import *  # noqa: F403
from chinhquyen.exchange.models import OutboxMessage, OutboxStatus
from chinhquyen.exchange.outbox import deliver_due
from chinhquyen.exchange.tests.conftest import SECRET, closed_port_url


@pytest.fixture(autouse=True)
def document_types(transactional_db):
    """A transactional test's flush also empties the types the data migration seeded."""
    import importlib

    from django.apps import apps

    importlib.import_module("chinhquyen.documents.migrations.0002_decree30_document_types").seed(
        apps, None
    )


@pytest.fixture
def queued(exchange_recipient):
    with transaction.atomic():
        exchange_hooks.queue_document(exchange_recipient)
    return exchange_recipient


@pytest.mark.django_db(transaction=True)
def test_a_delivered_package_shows_sent_to_the_sender(queued, live_server, peers):
    # One live server plays both installations: each knows the other as a peer.
    inbox = {"url": live_server.url + "/exchange/inbox/", "secret": SECRET}
    sender = queued.document.organisation.qcvn_code
    peers.EXCHANGE_PEERS = {queued.external_code: inbox, sender: inbox}
    peers.EXCHANGE_NODE_CODE = sender

    assert deliver_due() == {"delivered": 1}

    queued.refresh_from_db()
    assert queued.status == DeliveryStatus.SENT


@pytest.mark.django_db(transaction=True)
def test_a_package_given_up_shows_delivery_failed(queued, peers):
    peers.EXCHANGE_PEERS = {queued.external_code: {"url": closed_port_url(), "secret": SECRET}}
    peers.EXCHANGE_MAX_ATTEMPTS = 1

    assert deliver_due() == {"dead": 1}

    queued.refresh_from_db()
    assert queued.status == DeliveryStatus.FAILED
    assert OutboxMessage.objects.get().status == OutboxStatus.DEAD
