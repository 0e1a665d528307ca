"""The pages: booking as a citizen, the ticket with its QR code, the counter and the display."""

import pytest
from django.urls import reverse

from chinhquyen.appointments.choices import TicketKind, TicketStatus
from chinhquyen.appointments.models import AgencySlotSettings, Slot, Ticket
from chinhquyen.appointments.services import (
    book_ticket,
    bookable_days,
    configure_slots,
    day_slots,
    issue_walk_in_ticket,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def tomorrow_slot(agency):
    """The first slot of the next working day (always in the future)."""
    day = bookable_days(agency)[1]
    return day, day_slots(agency, day)[0]


def _book_url(bookable, agency):
    return reverse("appointments:book", args=[bookable.procedure.national_code, agency.pk])


def test_anonymous_visitors_are_sent_to_sign_in_and_officials_refused(
    client, login, bookable, agency, officer_an
):
    response = client.get(_book_url(bookable, agency))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("citizens:login") + "?next=")

    login(officer_an)
    assert client.get(_book_url(bookable, agency)).status_code == 403


def test_the_procedure_search_and_agency_choice(client, login, bookable, agency, citizen_chi):
    from chinhquyen.procedures.search import index_version

    index_version(bookable.version)  # what publish_version does
    response = client.get(reverse("appointments:index"), {"q": "giay phep xay dung"})
    assert response.status_code == 200
    assert reverse("appointments:choose_agency", args=["1.009972"]) in response.text

    login(citizen_chi)
    response = client.get(reverse("appointments:choose_agency", args=["1.009972"]))
    assert response.status_code == 200
    assert _book_url(bookable, agency) in response.text


def test_a_citizen_books_and_gets_a_ticket_with_a_qr_code(
    client, login, bookable, agency, citizen_chi, tomorrow_slot
):
    day, slot = tomorrow_slot
    login(citizen_chi)
    page = client.get(_book_url(bookable, agency), {"ngay": day.isoformat()})
    assert page.status_code == 200
    assert 'value="Ngô Thị Chi"' in page.text
    assert f'value="{slot.starts_at.isoformat()}"' in page.text

    response = client.post(
        _book_url(bookable, agency),
        {"day": day.isoformat(), "slot": slot.starts_at.isoformat(), "name": "Ngô Thị Chi",
         "phone": "0912345678"},
    )  # fmt: skip

    ticket = Ticket.objects.get()
    assert response.status_code == 302
    assert response["Location"] == ticket.get_absolute_url()
    assert (ticket.label, ticket.kind, ticket.phone) == ("A-001", TicketKind.BOOKED, "0912345678")
    shown = client.get(ticket.get_absolute_url())
    assert shown.status_code == 200
    assert "A-001" in shown.text
    assert 'src="data:image/svg+xml;base64,' in shown.text
    assert f"http://testserver{ticket.get_absolute_url()}" in shown.text
    assert reverse("appointments:cancel", args=[ticket.token]) in shown.text


def test_bad_input_is_shown_next_to_the_field_and_nothing_saved(
    client, login, bookable, agency, citizen_chi, tomorrow_slot
):
    day, slot = tomorrow_slot
    login(citizen_chi)

    response = client.post(
        _book_url(bookable, agency),
        {"day": day.isoformat(), "slot": "", "name": "", "phone": "12ab"},
    )

    assert response.status_code == 400
    assert response.text.count('class="field-error"') == 3
    assert Ticket.objects.count() == 0


def test_a_full_slot_answers_409_and_changes_nothing(
    client, login, bookable, agency, officer_an, citizen_chi, other_citizen, tomorrow_slot
):
    day, slot = tomorrow_slot
    configure_slots(
        agency=agency, slot_minutes=30, capacity=1, days_ahead=10, prefix="A",
        acting_user=officer_an,
    )  # fmt: skip
    book_ticket(
        procedure=bookable.procedure, agency=agency, starts_at=slot.starts_at,
        acting_user=other_citizen,
    )  # fmt: skip
    login(citizen_chi)

    response = client.post(
        _book_url(bookable, agency),
        {"day": day.isoformat(), "slot": slot.starts_at.isoformat(), "name": "Chi"},
    )

    assert response.status_code == 409
    assert "This slot is full" in response.text
    assert Ticket.objects.count() == 1
    assert Slot.objects.get().booked == 1


def test_cancel_by_the_owner_only(
    client, login, bookable, agency, citizen_chi, other_citizen, tomorrow_slot
):
    day, slot = tomorrow_slot
    ticket = book_ticket(
        procedure=bookable.procedure, agency=agency, starts_at=slot.starts_at,
        acting_user=citizen_chi,
    )  # fmt: skip
    url = reverse("appointments:cancel", args=[ticket.token])

    login(other_citizen)
    assert client.post(url).status_code == 403
    assert Ticket.objects.get().status == TicketStatus.WAITING

    login(citizen_chi)
    assert client.get(url).status_code == 200
    assert client.post(url).status_code == 302
    assert Ticket.objects.get().status == TicketStatus.CANCELLED
    assert client.post(url).status_code == 409


def test_my_tickets_lists_them_with_bounded_queries(
    client, login, bookable, agency, citizen_chi, django_assert_max_num_queries
):
    days = bookable_days(agency)
    for day in days[1:4]:
        book_ticket(
            procedure=bookable.procedure, agency=agency,
            starts_at=day_slots(agency, day)[0].starts_at, acting_user=citizen_chi,
        )  # fmt: skip
    login(citizen_chi)

    with django_assert_max_num_queries(8):
        response = client.get(reverse("appointments:my_tickets"))

    assert response.status_code == 200
    assert response.text.count("/dat-lich/ve/") == 3


def test_the_counter_issues_calls_and_marks(client, login, agency, officer_an):
    login(officer_an)
    counter_url = reverse("appointments:counter", args=[agency.pk])
    assert client.get(counter_url).status_code == 200

    issued = client.post(reverse("appointments:walk_in", args=[agency.pk]), {"name": "Ông Tư"})
    ticket = Ticket.objects.get()
    assert issued["Location"] == ticket.get_absolute_url()
    assert (ticket.label, ticket.kind) == ("A-001", TicketKind.WALK_IN)

    empty = client.post(reverse("appointments:call_next", args=[agency.pk]), {"counter": ""})
    assert empty.status_code == 400
    assert Ticket.objects.get().status == TicketStatus.WAITING

    called = client.post(reverse("appointments:call_next", args=[agency.pk]), {"counter": "Quầy 3"})
    assert called.status_code == 302
    ticket.refresh_from_db()
    assert (ticket.status, ticket.counter) == (TicketStatus.CALLED, "Quầy 3")
    assert "Quầy 3" in client.get(counter_url).text  # remembered for the next call

    board = client.get(reverse("appointments:board", args=[agency.pk]))
    assert board.status_code == 200
    assert "A-001" in board.text and "Quầy 3" in board.text
    assert 'hx-trigger="every 5s"' in board.text
    assert 'http-equiv="refresh"' not in board.text
    kiosk = client.get(reverse("appointments:board", args=[agency.pk]), {"tu-dong": "1"})
    assert '<meta http-equiv="refresh" content="15">' in kiosk.text

    action_url = reverse("appointments:ticket_action", args=[agency.pk, ticket.pk])
    assert client.post(action_url, {"action": "served"}).status_code == 302
    assert Ticket.objects.get().status == TicketStatus.SERVED
    assert client.post(action_url, {"action": "recall"}).status_code == 409


def test_the_counter_of_another_agency_is_refused(
    client, login, agency, officer_an, other_agency_official, citizen_chi
):
    ticket = issue_walk_in_ticket(agency=agency, acting_user=officer_an)

    for user in (other_agency_official, citizen_chi):
        login(user)
        assert client.get(reverse("appointments:counter", args=[agency.pk])).status_code == 403
        assert (
            client.post(
                reverse("appointments:call_next", args=[agency.pk]), {"counter": "1"}
            ).status_code
            == 403
        )
        assert client.post(reverse("appointments:walk_in", args=[agency.pk])).status_code == 403
    assert Ticket.objects.get() == ticket
    assert ticket.status == TicketStatus.WAITING and Ticket.objects.count() == 1


def test_the_counter_page_has_bounded_queries(
    client, login, agency, officer_an, django_assert_max_num_queries
):
    for _ in range(5):
        issue_walk_in_ticket(agency=agency, acting_user=officer_an)
    login(officer_an)
    client.get(reverse("appointments:counter", args=[agency.pk]))

    with django_assert_max_num_queries(14):
        response = client.get(reverse("appointments:counter", args=[agency.pk]))
    assert response.text.count("A-00") == 5


def test_the_agency_configures_its_slots(client, login, agency, officer_an, other_agency_official):
    url = reverse("appointments:settings_edit", args=[agency.pk])
    login(other_agency_official)
    assert client.get(url).status_code == 403

    login(officer_an)
    bad = client.post(url, {"slot_minutes": "x", "capacity": "0", "days_ahead": "5", "prefix": "A"})
    assert bad.status_code == 400
    assert bad.text.count('class="field-error"') == 1  # the number is checked first
    assert AgencySlotSettings.objects.count() == 0

    good = client.post(
        url, {"slot_minutes": "20", "capacity": "6", "days_ahead": "5", "prefix": "c"}
    )
    assert good.status_code == 302
    saved = AgencySlotSettings.objects.get()
    assert (saved.slot_minutes, saved.capacity, saved.days_ahead, saved.prefix) == (20, 6, 5, "C")
    assert client.get(reverse("appointments:settings_list")).status_code == 200


def test_the_settings_list_reads_every_agency_settings_in_one_query(
    client, login, agency, admin_giang
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from chinhquyen.appointments import services

    login(admin_giang)
    agencies = list(services.agencies_for(admin_giang, services.CONFIGURE_PERMISSION))
    assert len(agencies) >= 2
    services.configure_slots(
        agency=agencies[0],
        slot_minutes=20,
        capacity=3,
        days_ahead=5,
        prefix="B",
        acting_user=admin_giang,
    )

    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("appointments:settings_list"))

    assert response.status_code == 200
    settings_queries = [q for q in queries if "appointments_agencyslotsettings" in q["sql"]]
    assert len(settings_queries) == 1
