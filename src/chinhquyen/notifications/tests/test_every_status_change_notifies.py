"""Every applicant-visible status change queues one message, in the same transaction."""

import pytest
from django.db import transaction
from django.utils import timezone

from chinhquyen.dossiers.choices import DossierStatus
from chinhquyen.dossiers.services import transition
from chinhquyen.dossiers.tests.conftest import at
from chinhquyen.notifications.models import Delivery
from chinhquyen.notifications.tests.conftest import APPLICANT


@pytest.mark.django_db
def test_each_status_change_gives_one_notification_with_an_email_and_an_sms(
    receive, catalogue, officer_an, specialist_dung, specialist_minh, leader_binh
):
    # Given a dossier whose applicant gave a phone number and an e-mail address
    dossier = receive(applicant=APPLICANT)
    walk = [
        ("forward", officer_an, {}, DossierStatus.IN_PROCESSING),
        (
            "request_supplement",
            specialist_dung,
            {"note": "Thiếu bản vẽ", "requested_components": [catalogue.id_copy]},
            DossierStatus.AWAITING_SUPPLEMENT,
        ),
        ("receive_supplement", officer_an, {}, DossierStatus.IN_PROCESSING),
        ("assign", specialist_dung, {"assignee": specialist_dung.official}, None),
        ("comment", specialist_dung, {"note": "Đã xem"}, None),
        ("transfer", specialist_dung, {}, DossierStatus.TRANSFERRED),
        ("forward", specialist_minh, {}, DossierStatus.IN_PROCESSING),
        ("reject", leader_binh, {"note": "Không đủ điều kiện"}, DossierStatus.REJECTED),
        ("return_result", officer_an, {"return_method": "counter"}, DossierStatus.RETURNED),
    ]
    expected_kinds = []
    # When it walks through the process, one action per hour
    for hour, (action, user, extra, new_status) in enumerate(walk, start=8):
        transition(dossier, action, acting_user=user, at=at(2026, 2, 6, hour, 0), **extra)
        dossier.refresh_from_db()
        if new_status is not None:
            assert dossier.status == new_status
            expected_kinds.append(
                "supplement_requested"
                if new_status == DossierStatus.AWAITING_SUPPLEMENT
                else "status_changed"
            )
    # Then each of the seven status changes gave exactly one notification, none for the rest,
    kinds = list(dossier.notifications.order_by("created_at", "id").values_list("kind", flat=True))
    assert kinds == expected_kinds
    assert len(kinds) == 7
    # and each notification has one e-mail and one SMS delivery, pending, keyed by the event.
    deliveries = Delivery.objects.filter(notification__dossier=dossier)
    assert deliveries.count() == 14
    assert set(deliveries.values_list("status", flat=True)) == {"pending"}
    first = dossier.notifications.order_by("created_at", "id").first()
    assert sorted(first.deliveries.values_list("key", flat=True)) == [
        f"dossiers.notification:{first.pk}:email",
        f"dossiers.notification:{first.pk}:sms",
    ]
    # An event with its own message names it: the supplement request, with the note by e-mail.
    requested = dossier.notifications.get(kind="supplement_requested")
    assert requested.deliveries.get(channel="sms").body.startswith(
        f"Hồ sơ {dossier.code}: Yêu cầu bổ sung hồ sơ. Tra cứu: "
    )
    assert "Thiếu bản vẽ" in requested.deliveries.get(channel="email").body
    rejected = dossier.notifications.order_by("created_at", "id")[5]
    sms = rejected.deliveries.get(channel="sms")
    assert sms.recipient == "0912345678"
    assert sms.organisation_id == dossier.receiving_agency_id
    assert sms.body == (
        f"Hồ sơ {dossier.code}: Từ chối giải quyết. "
        f"Tra cứu: http://127.0.0.1:8000/tra-cuu/{dossier.code}/"
    )


@pytest.mark.django_db
def test_an_applicant_without_phone_or_email_gets_no_delivery(receive, officer_an):
    dossier = receive(applicant={"name": "Ngô Thị Chi", "id_number": "037190000123"})
    transition(dossier, "forward", acting_user=officer_an, at=at(2026, 2, 6, 8, 0))
    assert dossier.notifications.count() == 1
    assert Delivery.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_change_queues_and_sends_nothing(migration_seeds, receive, officer_an):
    dossier = receive(applicant=APPLICANT)
    with pytest.raises(RuntimeError), transaction.atomic():
        transition(dossier, "forward", acting_user=officer_an, at=at(2026, 2, 6, 8, 0))
        raise RuntimeError("later failure in the same transaction")
    assert dossier.notifications.count() == 0
    assert Delivery.objects.count() == 0


@pytest.mark.django_db
def test_a_dossier_received_by_post_tells_the_applicant_its_code_and_due_date(receive):
    # When a dossier arrives by post (the applicant is not at the counter to take form 01)
    dossier = receive(channel="post", applicant=APPLICANT)
    # Then one message says it was received and when the result is due, by e-mail and SMS.
    notification = dossier.notifications.get()
    assert notification.kind == "status_changed"
    due = timezone.localtime(dossier.due_at).strftime("%d/%m/%Y %H:%M")
    assert notification.message.startswith(
        f"Hồ sơ {dossier.code} của ông/bà đã được tiếp nhận; hẹn trả kết quả vào {due}."
    )
    assert sorted(notification.deliveries.values_list("channel", flat=True)) == ["email", "sms"]


@pytest.mark.django_db
def test_a_dossier_received_at_the_counter_sends_nothing_the_slip_says_it(receive):
    dossier = receive(applicant=APPLICANT)
    assert dossier.notifications.count() == 0
    assert Delivery.objects.count() == 0


@pytest.mark.django_db
def test_the_status_is_named_in_each_language_of_the_message(receive, officer_an):
    from django.utils import translation

    dossier = receive(applicant=APPLICANT)
    with translation.override("vi"):  # the officer's page is in Vietnamese
        transition(dossier, "forward", acting_user=officer_an, at=at(2026, 2, 6, 8, 0))
    dossier.refresh_from_db()
    with translation.override("vi"):
        vietnamese = str(DossierStatus(dossier.status).label)
    with translation.override("en"):
        english = str(DossierStatus(dossier.status).label)

    message = dossier.notifications.get().message

    assert vietnamese != english
    assert message == (
        f"Hồ sơ {dossier.code} của ông/bà đã chuyển sang trạng thái: {vietnamese}. / "
        f"The status of your dossier {dossier.code} is now: {english}."
    )
