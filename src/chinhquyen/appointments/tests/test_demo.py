"""The demo step configures slots and books a few tickets, once."""

import pytest

from chinhquyen.accounts.choices import Role
from chinhquyen.appointments.demo import load_demo_appointments
from chinhquyen.appointments.models import AgencySlotSettings, Slot, Ticket
from chinhquyen.conftest import make_role_holder

pytestmark = pytest.mark.django_db


def test_demo_configures_the_one_stop_agency_and_books_three_tickets(bookable, org_tree):
    make_role_holder(
        "quantri_it", full_name="Vũ Đức Tin", organisation=org_tree.province, role=Role.IT_ADMIN
    )
    make_role_holder(
        "motcua", full_name="Trần Văn Cửa", organisation=org_tree.dept_a,
        role=Role.ONE_STOP_OFFICER,
    )  # fmt: skip

    assert load_demo_appointments() == {"agencies": 1, "tickets": 3}
    assert AgencySlotSettings.objects.get().agency == org_tree.dept_a
    assert Ticket.objects.filter(citizen__username__startswith="congdan-demo-").count() == 3
    assert sum(Slot.objects.values_list("booked", flat=True)) == 3

    assert load_demo_appointments() == {"agencies": 0, "tickets": 0}
    assert Ticket.objects.count() == 3
