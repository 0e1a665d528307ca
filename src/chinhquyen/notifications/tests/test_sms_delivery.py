"""SMS through the HTTP gateway adapter, answered by the sandbox gateway on loopback."""

from datetime import timedelta

import pytest
from django.utils import timezone

from chinhquyen.citizens import sms as citizens_sms
from chinhquyen.dossiers.services import transition
from chinhquyen.dossiers.tests.conftest import at
from chinhquyen.notifications.models import Delivery
from chinhquyen.notifications.services import deliver, send_due
from chinhquyen.notifications.sms import HttpSmsGateway, SmsError, ascii_text
from chinhquyen.notifications.tests.conftest import APPLICANT

SMS_ONLY = {**APPLICANT, "email": ""}


def forward(dossier, officer, callbacks):
    with callbacks(execute=True):
        transition(dossier, "forward", acting_user=officer, at=at(2026, 2, 6, 8, 0))
    return Delivery.objects.get(notification__dossier=dossier, channel="sms")


@pytest.mark.django_db
def test_the_applicant_gets_one_sms_without_diacritics(
    receive, officer_an, sms_gateway, django_capture_on_commit_callbacks, settings
):
    settings.SMS_ASCII_ONLY = True
    dossier = receive(applicant=SMS_ONLY)
    delivery = forward(dossier, officer_an, django_capture_on_commit_callbacks)
    assert send_due() == {"sent": 1}
    [message] = sms_gateway.messages
    assert (message.phone, message.brandname, message.request_id) == (
        "0912345678",
        "UBND-TQ",
        delivery.key,
    )
    assert message.content == (
        f"Ho so {dossier.code}: Dang giai quyet. "
        f"Tra cuu: http://127.0.0.1:8000/tra-cuu/{dossier.code}/"
    )
    delivery.refresh_from_db()
    assert (delivery.status, delivery.provider_reference) == ("sent", message.id)


@pytest.mark.django_db
def test_a_gateway_error_is_retried_and_sent_once(
    receive, officer_an, sms_gateway, django_capture_on_commit_callbacks
):
    dossier = receive(applicant=SMS_ONLY)
    delivery = forward(dossier, officer_an, django_capture_on_commit_callbacks)
    sms_gateway.fail_next(1)
    now = timezone.now()
    assert send_due(now=now) == {"failed": 1}
    delivery.refresh_from_db()
    assert "HTTP 503" in delivery.last_error
    assert send_due(now=now + timedelta(minutes=5)) == {"sent": 1}
    assert deliver(delivery.pk, now=now + timedelta(hours=1)) is None
    assert len(sms_gateway.messages) == 1


@pytest.mark.django_db
def test_a_wrong_api_key_is_a_failure_with_the_gateway_answer(
    receive, officer_an, sms_gateway, django_capture_on_commit_callbacks, settings
):
    settings.SMS_GATEWAY_API_KEY = "wrong"
    dossier = receive(applicant=SMS_ONLY)
    delivery = forward(dossier, officer_an, django_capture_on_commit_callbacks)
    assert send_due() == {"failed": 1}
    delivery.refresh_from_db()
    assert delivery.last_error == (
        "SmsError: SMS gateway refused (HTTP 200, code 101): Authorize Failed"
    )
    assert sms_gateway.messages == []


def test_the_sandbox_answers_a_repeated_request_id_without_sending_again(sms_gateway):
    gateway = HttpSmsGateway()
    first = gateway.send_sms("0912345678", "Mã xác thực 123456", reference="otp-1")
    second = gateway.send_sms("0912345678", "Mã xác thực 123456", reference="otp-1")
    assert first == second
    assert len(sms_gateway.messages) == 1


def test_an_unreachable_gateway_raises_sms_error(settings):
    settings.SMS_GATEWAY_URL = "http://127.0.0.1:9/sms"
    with pytest.raises(SmsError, match="unreachable"):
        HttpSmsGateway().send_sms("0912345678", "x")


def test_citizens_one_time_codes_can_go_through_the_real_adapter(sms_gateway, settings):
    # Given the citizens' SMS backend set to the HTTP gateway adapter
    settings.CITIZEN_SMS_BACKEND = "chinhquyen.notifications.sms.HttpSmsGateway"
    settings.SMS_ASCII_ONLY = False
    # When a one-time code is sent through the citizens' interface
    citizens_sms.send_sms("0987654321", "Mã xác thực: 482913")
    # Then the gateway received it, diacritics kept.
    assert [(m.phone, m.content) for m in sms_gateway.messages] == [
        ("0987654321", "Mã xác thực: 482913")
    ]


def test_ascii_text_removes_vietnamese_diacritics_and_keeps_case():
    assert ascii_text("Hồ sơ ĐÃ tiếp nhận, đường Trần Phú") == "Ho so DA tiep nhan, duong Tran Phu"
