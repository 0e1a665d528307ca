"""Endpoint bookings: double booking refused on every database, with the meeting named."""

import pytest
from django.db import IntegrityError, connection, transaction

from chinhquyen.audit.models import AuditEntry
from chinhquyen.meetings import services
from chinhquyen.meetings.choices import EntryStatus
from chinhquyen.meetings.errors import BookingConflict, InvalidTransition, MeetingError
from chinhquyen.meetings.models import EndpointBooking
from chinhquyen.meetings.tests.conftest import at

pytestmark = pytest.mark.django_db


def active_bookings():
    return list(
        EndpointBooking.objects.filter(released_at__isnull=True).values_list(
            "entry_id", "endpoint_id", "starts_at", "ends_at"
        )
    )


def test_an_overlapping_booking_is_refused_naming_the_meeting(make_entry, endpoint_a, clerk_hoa):
    first = make_entry("Họp giao ban tuần", start=at(2026, 11, 30, 8), end=at(2026, 11, 30, 10))
    second = make_entry("Hội nghị trực tuyến", start=at(2026, 11, 30, 9), end=at(2026, 11, 30, 11))
    services.book_endpoint(first, endpoint_a, acting_user=clerk_hoa)
    before = active_bookings()

    with pytest.raises(BookingConflict) as refused:
        services.book_endpoint(second, endpoint_a, acting_user=clerk_hoa)

    message = refused.value.message
    assert "Họp giao ban tuần" in message  # the meeting holding the endpoint
    assert "Phòng họp trực tuyến Sở A" in message
    assert "08:00 30/11/2026" in message and "10:00 30/11/2026" in message
    assert " / " in message  # Vietnamese / English
    assert refused.value.status == 409
    assert active_bookings() == before


def test_back_to_back_meetings_share_an_endpoint(make_entry, endpoint_a, clerk_hoa):
    first = make_entry(start=at(2026, 11, 30, 8), end=at(2026, 11, 30, 10))
    second = make_entry(start=at(2026, 11, 30, 10), end=at(2026, 11, 30, 11))
    services.book_endpoint(first, endpoint_a, acting_user=clerk_hoa)
    services.book_endpoint(second, endpoint_a, acting_user=clerk_hoa)
    assert len(active_bookings()) == 2


def test_a_released_or_cancelled_booking_frees_the_endpoint(make_entry, endpoint_a, clerk_hoa):
    first = make_entry("Họp A")
    second = make_entry("Họp B")
    booking = services.book_endpoint(first, endpoint_a, acting_user=clerk_hoa)
    services.release_endpoint(booking, acting_user=clerk_hoa)
    again = services.book_endpoint(second, endpoint_a, acting_user=clerk_hoa)

    services.cancel_entry(second, acting_user=clerk_hoa, reason="Lãnh đạo bận")
    again.refresh_from_db()
    assert again.released_at is not None  # kept, marked released
    services.book_endpoint(first, endpoint_a, acting_user=clerk_hoa)
    assert EndpointBooking.objects.count() == 3
    with pytest.raises(InvalidTransition):
        services.release_endpoint(booking, acting_user=clerk_hoa)


def test_moving_an_entry_onto_a_booked_time_is_refused_and_nothing_changes(
    make_entry, endpoint_a, clerk_hoa
):
    first = make_entry("Họp A", start=at(2026, 11, 30, 8), end=at(2026, 11, 30, 10))
    second = make_entry("Họp B", start=at(2026, 11, 30, 14), end=at(2026, 11, 30, 16))
    services.book_endpoint(first, endpoint_a, acting_user=clerk_hoa)
    services.book_endpoint(second, endpoint_a, acting_user=clerk_hoa)
    before = active_bookings()

    with pytest.raises(BookingConflict, match="Họp A"):
        services.update_entry(
            second,
            acting_user=clerk_hoa,
            starts_at=at(2026, 11, 30, 9),
            ends_at=at(2026, 11, 30, 12),
        )

    second.refresh_from_db()
    assert second.starts_at == at(2026, 11, 30, 14)
    assert active_bookings() == before


def test_moving_an_entry_moves_its_bookings(make_entry, endpoint_a, clerk_hoa):
    entry = make_entry(start=at(2026, 11, 30, 8), end=at(2026, 11, 30, 10))
    booking = services.book_endpoint(entry, endpoint_a, acting_user=clerk_hoa)
    services.update_entry(
        entry, acting_user=clerk_hoa, starts_at=at(2026, 12, 1, 8), ends_at=at(2026, 12, 1, 9)
    )
    booking.refresh_from_db()
    assert (booking.starts_at, booking.ends_at) == (at(2026, 12, 1, 8), at(2026, 12, 1, 9))


def test_an_endpoint_out_of_service_or_a_cancelled_entry_cannot_be_booked(
    make_entry, endpoint_a, clerk_hoa
):
    entry = make_entry()
    services.update_endpoint(endpoint_a, acting_user=clerk_hoa, is_active=False)
    with pytest.raises(MeetingError, match="out of service"):
        services.book_endpoint(entry, endpoint_a, acting_user=clerk_hoa)
    services.update_endpoint(endpoint_a, acting_user=clerk_hoa, is_active=True)
    services.cancel_entry(entry, acting_user=clerk_hoa)
    with pytest.raises(InvalidTransition):
        services.book_endpoint(entry, endpoint_a, acting_user=clerk_hoa)
    assert active_bookings() == []


def test_the_chair_already_busy_is_a_warning_not_an_error(org_tree, make_entry, leader_binh):
    make_entry("Tiếp công dân", start=at(2026, 11, 30, 8), end=at(2026, 11, 30, 10))
    saved = services.create_entry(
        organisation=org_tree.dept_a,
        title="Làm việc với đoàn kiểm tra",
        starts_at=at(2026, 11, 30, 9, 30),
        ends_at=at(2026, 11, 30, 11),
        chair=leader_binh.official,
        acting_user=None,
    )
    assert saved.entry.pk is not None
    assert len(saved.warnings) == 1
    assert "Trần Thị Bình" in saved.warnings[0] and "Tiếp công dân" in saved.warnings[0]
    # A cancelled entry does not count.
    services.cancel_entry(saved.entry, acting_user=None)
    later = services.create_entry(
        organisation=org_tree.dept_a,
        title="Họp khác",
        starts_at=at(2026, 11, 30, 10),
        ends_at=at(2026, 11, 30, 11),
        chair=leader_binh.official,
        acting_user=None,
    )
    assert later.warnings == []


def test_times_are_checked_and_all_day_covers_whole_local_days(org_tree):
    with pytest.raises(MeetingError, match="after the start"):
        services.create_entry(
            organisation=org_tree.dept_a,
            title="Sai giờ",
            starts_at=at(2026, 11, 30, 10),
            ends_at=at(2026, 11, 30, 9),
            acting_user=None,
        )
    entry = services.create_entry(
        organisation=org_tree.dept_a,
        title="Đi công tác cơ sở",
        starts_at=at(2026, 12, 1, 14),
        ends_at=at(2026, 12, 2, 9),
        all_day=True,
        acting_user=None,
    ).entry
    assert (entry.starts_at, entry.ends_at) == (at(2026, 12, 1), at(2026, 12, 3))


def test_each_step_is_audited_and_publishing_raises_the_sequence(make_entry, endpoint_a, clerk_hoa):
    entry = make_entry()
    services.publish_entry(entry, acting_user=clerk_hoa)
    services.book_endpoint(entry, endpoint_a, acting_user=clerk_hoa)
    services.update_entry(entry, acting_user=clerk_hoa, place="Hội trường tầng 2")
    entry.refresh_from_db()
    assert entry.status == EntryStatus.PUBLISHED
    assert entry.sequence == 3  # published, endpoint added, changed
    with pytest.raises(InvalidTransition):
        services.publish_entry(entry, acting_user=clerk_hoa)
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {
        "meetings.create_entry",
        "meetings.publish_entry",
        "meetings.book_endpoint",
        "meetings.update_entry",
    } <= actions


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL exclusion constraint")
def test_postgresql_refuses_an_overlap_even_without_the_service(make_entry, endpoint_a, clerk_hoa):
    first = make_entry(start=at(2026, 11, 30, 8), end=at(2026, 11, 30, 10))
    second = make_entry(start=at(2026, 11, 30, 9), end=at(2026, 11, 30, 11))
    services.book_endpoint(first, endpoint_a, acting_user=clerk_hoa)
    with pytest.raises(IntegrityError, match="meetings_endpoint_booking_no_overlap"):
        with transaction.atomic():
            EndpointBooking.objects.create(
                entry=second,
                endpoint=endpoint_a,
                starts_at=second.starts_at,
                ends_at=second.ends_at,
                booked_by=clerk_hoa,
            )
