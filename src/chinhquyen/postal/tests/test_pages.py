"""The back-office pages: list with filters, detail with history, a pickup at the counter."""

import pytest

from chinhquyen.exchange.models import OutboxMessage
from chinhquyen.postal.models import Order
from chinhquyen.postal.services.orders import create_pickup_order

pytestmark = pytest.mark.django_db


def pickup(org, **extra):
    values = {
        "organisation": org,
        "person_name": "Trần Văn Bình",
        "phone": "0912345678",
        "address": "3 Nguyễn Trãi",
    }
    return create_pickup_order(**values | extra)


def test_officer_records_a_pickup_at_the_counter_and_sees_it(
    client, login, officer_an, org_tree, postal_link
):
    login(officer_an)
    assert client.get("/postal/pickup/new/").status_code == 200
    bad = client.post(
        "/postal/pickup/new/",
        {"organisation": org_tree.dept_a.pk, "person_name": "Bình", "phone": "12", "address": "x"},
    )
    assert bad.status_code == 400 and not Order.objects.exists()
    made = client.post(
        "/postal/pickup/new/",
        {
            "organisation": org_tree.dept_a.pk,
            "person_name": "Trần Văn Bình",
            "phone": "0912 345 678",
            "address": "3 Nguyễn Trãi, phường Hạc Thành",
            "procedure_name": "Đăng ký kinh doanh hộ",
        },
    )
    order = Order.objects.get()
    assert made.status_code == 302 and made["Location"] == f"/postal/{order.pk}/"
    assert (order.kind, order.channel, order.status, order.requested_by) == (
        "pickup",
        "counter",
        "queued",
        officer_an,
    )
    assert OutboxMessage.objects.get().related_id == str(order.pk)
    page = client.get(f"/postal/{order.pk}/").content.decode()
    assert order.reference in page and "Trần Văn Bình" in page


def test_list_filters_by_status_and_hides_other_agencies(
    client, login, officer_an, other_agency_official, org_tree, settings
):
    settings.POSTAL_BASE_URL = ""
    mine = pickup(org_tree.dept_a)
    theirs = pickup(org_tree.dept_b, person_name="Lê Thị Hoa")
    Order.objects.filter(pk=mine.pk).update(status="delivered")
    login(officer_an)
    page = client.get("/postal/").content.decode()
    assert mine.reference in page and theirs.reference not in page
    filtered = client.get("/postal/", {"status": "in_transit"}).content.decode()
    assert mine.reference not in filtered
    assert mine.reference in client.get("/postal/", {"status": "delivered"}).content.decode()
    assert client.get("/postal/", {"status": "nonsense"}).status_code == 400
    assert client.get(f"/postal/{theirs.pk}/").status_code == 404


def test_citizens_and_anonymous_are_kept_out(client, login, citizen_chi, org_tree, settings):
    settings.POSTAL_BASE_URL = ""
    order = pickup(org_tree.dept_a)
    assert client.get("/postal/").status_code == 302
    login(citizen_chi)
    assert client.get(f"/postal/{order.pk}/").status_code == 403
    assert client.get("/postal/pickup/new/").status_code == 403
