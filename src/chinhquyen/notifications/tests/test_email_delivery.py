"""E-mail through a real SMTP server (aiosmtpd on loopback): after commit, once, retried."""

import warnings
from datetime import timedelta

import pytest
from django.core.checks import run_checks
from django.core.management import call_command
from django.utils import timezone

from chinhquyen.dossiers.services import transition
from chinhquyen.dossiers.tests.conftest import at
from chinhquyen.notifications.models import Delivery
from chinhquyen.notifications.services import deliver, queue_notification, send_due
from chinhquyen.notifications.tests.conftest import APPLICANT

EMAIL_ONLY = {**APPLICANT, "phone": ""}


def forward(dossier, officer, callbacks):
    with callbacks(execute=True):
        transition(dossier, "forward", acting_user=officer, at=at(2026, 2, 6, 8, 0))
    return Delivery.objects.get(notification__dossier=dossier, channel="email")


@pytest.mark.django_db
def test_the_applicant_receives_one_bilingual_email_after_commit(
    receive, officer_an, smtp_server, django_capture_on_commit_callbacks
):
    # Given a dossier of an applicant who gave an e-mail address
    dossier = receive(applicant=EMAIL_ONLY)
    # When it changes status and the outbox is sent
    delivery = forward(dossier, officer_an, django_capture_on_commit_callbacks)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no "Configure settings.MAILERS" deprecation
        assert send_due() == {"sent": 1}
    # Then the SMTP server got exactly one message for the applicant
    assert len(smtp_server.messages) == 1
    recipients, message = smtp_server.messages[0]
    assert recipients == ["chi@example.vn"]
    assert message["Subject"] == f"Hồ sơ {dossier.code}: Đang giải quyết"
    assert message["X-ChinhQuyen-Delivery"] == delivery.key
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    link = f"http://127.0.0.1:8000/tra-cuu/{dossier.code}/"
    assert f"Hồ sơ {dossier.code}: Đang giải quyết" in text
    assert f"Dossier {dossier.code}: In processing" in text
    assert link in text and f'href="{link}"' in html
    # with no personal data beyond the code (no name, no ID number)
    assert "Ngô Thị Chi" not in text and "037190000123" not in text
    # and the delivery is recorded as sent with the Message-ID used.
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("sent", 1)
    assert delivery.provider_reference == message["Message-ID"]
    assert dossier.notifications.get().sent_at is not None


@pytest.mark.django_db
def test_a_server_down_at_first_gets_the_message_on_the_retry_and_only_once(
    receive, officer_an, smtp_port, start_smtp, django_capture_on_commit_callbacks, settings
):
    settings.NOTIFICATION_RETRY_BASE_SECONDS = 60
    dossier = receive(applicant=EMAIL_ONLY)
    delivery = forward(dossier, officer_an, django_capture_on_commit_callbacks)
    now = timezone.now()
    # Given the SMTP server is down: the first attempt fails and is retried in 60 s
    assert send_due(now=now) == {"failed": 1}
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("failed", 1)
    assert "ConnectionRefusedError" in delivery.last_error
    assert delivery.next_attempt_at == now + timedelta(seconds=60)
    # and nothing is due before then.
    assert send_due(now=now + timedelta(seconds=59)) == {}
    # When the server comes up and the retry is due
    handler = start_smtp()
    assert send_due(now=now + timedelta(seconds=61)) == {"sent": 1}
    # Then the message arrived once, and later runs or a stray task send nothing more.
    assert send_due(now=now + timedelta(hours=1)) == {}
    assert deliver(delivery.pk, now=now + timedelta(hours=1)) is None
    assert len(handler.messages) == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_error) == ("sent", 2, "")


@pytest.mark.django_db
def test_backoff_doubles_and_the_delivery_is_given_up_after_the_last_attempt(
    receive, officer_an, smtp_port, django_capture_on_commit_callbacks, settings
):
    settings.NOTIFICATION_RETRY_BASE_SECONDS = 10
    settings.NOTIFICATION_MAX_ATTEMPTS = 3
    dossier = receive(applicant=EMAIL_ONLY)
    delivery = forward(dossier, officer_an, django_capture_on_commit_callbacks)
    now = timezone.now()
    waits = []
    for _ in range(3):
        deliver(delivery.pk, now=now)
        delivery.refresh_from_db()
        waits.append((delivery.status, (delivery.next_attempt_at - now).total_seconds()))
        now = delivery.next_attempt_at
    assert waits == [("failed", 10), ("failed", 20), ("dead", 40)]
    assert send_due(now=now + timedelta(days=1)) == {}


@pytest.mark.django_db
def test_the_same_event_queued_twice_is_sent_once(
    receive, officer_an, smtp_server, django_capture_on_commit_callbacks
):
    dossier = receive(applicant=EMAIL_ONLY)
    delivery = forward(dossier, officer_an, django_capture_on_commit_callbacks)
    # When the event is queued again and its delivery handed over twice
    again = queue_notification(dossier.notifications.get())
    assert [row.pk for row in again] == [delivery.pk]
    first, second = deliver(delivery.pk), deliver(delivery.pk)
    # Then one message only: the second attempt finds it already claimed and sent.
    assert (first.status, second) == ("sent", None)
    assert len(smtp_server.messages) == 1


@pytest.mark.django_db(transaction=True)
def test_the_background_worker_sends_what_was_enqueued_after_commit(
    migration_seeds, receive, officer_an, smtp_server, django_capture_on_commit_callbacks
):
    # (transactional: the worker closes its database connection between tasks)
    from django_tasks_db.models import DBTaskResult

    dossier = receive(applicant=EMAIL_ONLY)
    delivery = forward(dossier, officer_an, django_capture_on_commit_callbacks)
    # The commit enqueued one task for the delivery; enqueueing it again is harmless.
    from chinhquyen.notifications.services import enqueue_deliveries

    enqueue_deliveries(ids=[delivery.pk])
    assert DBTaskResult.objects.count() == 2
    call_command("db_worker", batch=True, no_startup_delay=True, interval=0)
    delivery.refresh_from_db()
    assert delivery.status == "sent"
    assert len(smtp_server.messages) == 1


@pytest.mark.django_db
def test_the_command_sends_what_is_due(
    receive, officer_an, smtp_server, django_capture_on_commit_callbacks, capsys
):
    dossier = receive(applicant=EMAIL_ONLY)
    forward(dossier, officer_an, django_capture_on_commit_callbacks)
    call_command("send_notifications")
    assert capsys.readouterr().out.strip() == "sent: 1"
    assert len(smtp_server.messages) == 1


def test_the_mailers_setting_is_configured_without_warnings(settings):
    assert "default" in settings.MAILERS
    assert [m for m in run_checks(tags=["mail"]) if m.id.startswith("mail.")] == []


@pytest.mark.django_db
def test_a_failure_schedules_a_deferred_task_for_the_retry(
    receive, officer_an, smtp_port, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    dossier = receive(applicant=EMAIL_ONLY)
    delivery = forward(dossier, officer_an, django_capture_on_commit_callbacks)
    DBTaskResult.objects.all().delete()  # the task enqueued at commit
    with django_capture_on_commit_callbacks(execute=True):
        assert send_due() == {"failed": 1}
    delivery.refresh_from_db()
    retry = DBTaskResult.objects.get()
    assert retry.run_after == delivery.next_attempt_at
    assert retry.args_kwargs["kwargs"] == {"delivery_id": delivery.pk}
