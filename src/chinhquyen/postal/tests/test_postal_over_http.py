"""A pickup order goes to the operator emulator (a separate process) over real HTTP, and the
emulator's signed callbacks drive it to "delivered" through the live server."""

import pytest

from chinhquyen.exchange.messagelog import verify_log
from chinhquyen.exchange.models import MessageLogEntry, OutboxMessage
from chinhquyen.exchange.outbox import deliver_due
from chinhquyen.postal.models import Order, OrderEvent
from chinhquyen.postal.services.orders import create_pickup_order


@pytest.mark.django_db(transaction=True)
def test_pickup_order_to_delivered_over_http_both_ways(
    live_server, postal_link, emulator, org_tree, officer_an
):
    postal_link.POSTAL_BASE_URL = emulator.base_url
    postal_link.POSTAL_CALLBACK_URL = live_server.url + "/postal/callbacks/"
    order = create_pickup_order(
        organisation=org_tree.dept_a,
        person_name="Ngô Thị Chi",
        phone="0912 345 678",
        address="12 Trần Phú, phường Hạc Thành",
        procedure_name="Cấp giấy phép xây dựng",
        acting_user=officer_an,
    )
    assert order.status == "queued"
    assert deliver_due() == {"delivered": 1}
    order.refresh_from_db()
    assert order.status == "accepted"
    assert order.tracking_number.startswith("RR") and order.tracking_number.endswith("VN")
    assert OutboxMessage.objects.get().remote_id == order.tracking_number

    for status in ("picked_up", "in_transit", "delivered"):
        answer = emulator.advance(reference=order.reference, status=status)
        assert answer["receiver_status"] == 201, answer
        assert answer["receiver_answer"]["order_status"] == status
    order.refresh_from_db()
    assert order.status == "delivered"
    history = list(order.events.order_by("id").values_list("source", "status"))
    assert history == [
        ("system", "queued"),
        ("system", "accepted"),
        ("operator", "picked_up"),
        ("operator", "in_transit"),
        ("operator", "delivered"),
    ]

    # The same bytes again (same nonce): a replay, refused, nothing stored.
    answer = emulator.advance(replay=True)
    assert (answer["receiver_status"], answer["receiver_answer"]["code"]) == (409, "replayed")
    # The same event freshly signed (the operator retrying): recorded once.
    answer = emulator.advance(resend=True)
    assert (answer["receiver_status"], answer["receiver_answer"]["status"]) == (200, "duplicate")
    assert OrderEvent.objects.filter(source="operator").count() == 3
    # A callback for an order we do not have: refused, nothing stored.
    other = emulator.advance(reference=order.reference, status="returned", as_reference="BCX")
    assert (other["receiver_status"], other["receiver_answer"]["code"]) == (422, "unknown_order")
    assert OrderEvent.objects.filter(source="operator").count() == 3
    assert Order.objects.get().status == "delivered"

    outcomes = list(
        MessageLogEntry.objects.filter(connector="postal", direction="in")
        .order_by("id")
        .values_list("outcome", flat=True)
    )
    assert outcomes == ["accepted"] * 3 + ["replayed", "duplicate", "unknown_order"]
    assert verify_log().ok
    assert emulator.order(order.reference)["statuses"][-1] == "returned"
