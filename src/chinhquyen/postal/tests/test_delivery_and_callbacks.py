"""A result returned by post makes a delivery order in the same transaction; the operator's
callbacks update it and the dossier's timeline; refused callbacks store nothing."""

import datetime as dt

import pytest

from chinhquyen.dossiers.models import DossierEvent
from chinhquyen.dossiers.services import transition
from chinhquyen.dossiers.tests.conftest import at
from chinhquyen.exchange.connectors.base import DeliveryResult, PermanentError
from chinhquyen.exchange.models import MessageLogEntry, OutboxMessage
from chinhquyen.exchange.outbox import claim, send_claimed
from chinhquyen.postal.models import Order, OrderEvent
from chinhquyen.postal.tests.conftest import signed_callback

pytestmark = pytest.mark.django_db


def returned_by_post(receive, officer_an, tracking="EB000000019VN"):
    dossier = receive()
    dossier.payments.update(paid_at=at(2026, 2, 6, 9, 0), receipt_number="BL-1")
    type(dossier).objects.filter(pk=dossier.pk).update(status="result_ready")
    dossier.refresh_from_db()
    return transition(
        dossier,
        "return_result",
        acting_user=officer_an,
        return_method="post",
        tracking_number=tracking,
        postal_address="45 Lê Lợi, phường Hạc Thành",
        at=at(2026, 2, 9, 10, 0),
    )


def event(order, status, *, event_id="EV1", when="2026-02-10T08:00:00+07:00", **extra):
    return {
        "event_id": event_id,
        "reference": order.reference,
        "tracking_number": order.tracking_number,
        "status": status,
        "at": when,
        "location": "Bưu cục Hạc Thành",
        **extra,
    }


def test_return_by_post_makes_a_delivery_order_sent_through_the_outbox(
    receive, officer_an, postal_link
):
    dossier = returned_by_post(receive, officer_an)
    order = Order.objects.get()
    assert (order.kind, order.status, order.dossier, order.return_record) == (
        "delivery",
        "queued",
        dossier,
        dossier.postal_order,
    )
    assert order.address == "45 Lê Lợi, phường Hạc Thành"
    message = OutboxMessage.objects.get()
    assert (message.connector, message.destination, message.kind) == (
        "postal",
        "VNPOST",
        "postal.order",
    )
    assert message.idempotency_key == f"postal:{order.reference}"

    # The operator answers with its own number: the return record follows it.
    class Answering:
        def deliver(self, message):
            return DeliveryResult(status_code=201, remote_id="EB123456785VN")

    from chinhquyen.exchange import connectors

    connectors.register_connector("postal", Answering)
    try:
        send_claimed(claim(worker="t")[0])
    finally:
        from chinhquyen.exchange.connectors.postal import PostalConnector

        connectors.register_connector("postal", PostalConnector)
    order.refresh_from_db()
    dossier.postal_order.refresh_from_db()
    assert (order.status, order.tracking_number) == ("accepted", "EB123456785VN")
    assert dossier.postal_order.tracking_number == "EB123456785VN"
    assert "EB000000019VN" in order.events.get(status="accepted").note


def test_an_order_the_operator_refuses_is_shown_refused(receive, officer_an, postal_link):
    returned_by_post(receive, officer_an)

    class Refusing:
        def deliver(self, message):
            raise PermanentError("HTTP 422 invalid_order", status_code=422)

    from chinhquyen.exchange import connectors
    from chinhquyen.exchange.connectors.postal import PostalConnector

    connectors.register_connector("postal", Refusing)
    try:
        send_claimed(claim(worker="t")[0])
    finally:
        connectors.register_connector("postal", PostalConnector)
    order = Order.objects.get()
    assert order.status == "refused" and "invalid_order" in order.last_error


def test_without_the_operator_link_the_order_is_only_recorded(receive, officer_an, settings):
    settings.POSTAL_BASE_URL = ""
    returned_by_post(receive, officer_an)
    assert Order.objects.get().status == "recorded"
    assert not OutboxMessage.objects.exists()


def test_callbacks_update_the_order_and_the_dossier_timeline(
    client, receive, officer_an, postal_link
):
    dossier = returned_by_post(receive, officer_an)
    order = Order.objects.get()
    first = client.post("/postal/callbacks/", **signed_callback(event(order, "in_transit")))
    assert first.status_code == 201 and first.json()["order_status"] == "in_transit"
    again = client.post("/postal/callbacks/", **signed_callback(event(order, "in_transit")))
    assert (again.status_code, again.json()["status"]) == (200, "duplicate")
    late = event(order, "picked_up", event_id="EV0", when="2026-02-10T07:00:00+07:00")
    assert client.post("/postal/callbacks/", **signed_callback(late)).status_code == 201
    order.refresh_from_db()
    assert order.status == "in_transit"  # an older event does not move it back
    assert not order.events.get(event_id="EV0").applied

    done = event(order, "delivered", event_id="EV2", when="2026-02-11T09:30:00+07:00")
    assert client.post("/postal/callbacks/", **signed_callback(done)).status_code == 201
    order.refresh_from_db()
    assert (order.status, order.status_at) == (
        "delivered",
        dt.datetime(2026, 2, 11, 2, 30, tzinfo=dt.UTC),
    )
    fact = DossierEvent.objects.filter(dossier=dossier, data__postal_status="delivered").get()
    assert order.tracking_number in fact.note
    assert OrderEvent.objects.filter(source="operator").count() == 3


@pytest.mark.parametrize(
    ("change", "code", "status"),
    [
        ({"secret": "not-the-shared-secret"}, "bad_signature", 401),
        ({"sender": "SOMEONE"}, "unknown_sender", 401),
        ({"timestamp": 1_000_000_000}, "timestamp_expired", 401),
        ({"event": {"status": "lost_in_space"}}, "bad_status", 400),
        ({"event": {"at": "yesterday"}}, "malformed", 400),
        ({"event": {"reference": "BC000000NOPE", "tracking_number": ""}}, "unknown_order", 422),
        ({"event": {"tracking_number": "EB999999995VN"}}, "tracking_mismatch", 422),
    ],
)
def test_refused_callbacks_store_nothing(
    client, receive, officer_an, postal_link, change, code, status
):
    returned_by_post(receive, officer_an)
    order = Order.objects.get()
    before = (order.status, OrderEvent.objects.count(), DossierEvent.objects.count())
    data = event(order, "delivered") | change.get("event", {})
    extra = {k: v for k, v in change.items() if k != "event"}
    answer = client.post("/postal/callbacks/", **signed_callback(data, **extra))
    assert (answer.status_code, answer.json()["code"]) == (status, code)
    assert answer.json()["message_vi"] and answer.json()["message_en"]
    order.refresh_from_db()
    assert (order.status, OrderEvent.objects.count(), DossierEvent.objects.count()) == before
    assert MessageLogEntry.objects.filter(connector="postal").get().outcome == code


def test_same_event_id_with_another_content_is_a_conflict(client, receive, officer_an, postal_link):
    returned_by_post(receive, officer_an)
    order = Order.objects.get()
    assert (
        client.post("/postal/callbacks/", **signed_callback(event(order, "failed"))).status_code
        == 201
    )
    other = client.post("/postal/callbacks/", **signed_callback(event(order, "delivered")))
    assert (other.status_code, other.json()["code"]) == (409, "event_conflict")
    order.refresh_from_db()
    assert order.status == "failed"
