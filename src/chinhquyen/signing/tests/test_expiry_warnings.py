"""Expiry warnings: once per certificate and threshold, to the holder and the IT admins."""

import pytest
from django.core.management import call_command

from chinhquyen.signing.choices import CertificateStatus
from chinhquyen.signing.expiry import send_expiry_warnings
from chinhquyen.signing.models import Certificate, ExpiryWarning, SigningNotification
from chinhquyen.signing.registry import register_certificate
from chinhquyen.signing.tasks import expiry_warnings_task
from chinhquyen.signing.tests.conftest import certificate_pem


@pytest.fixture
def binh_expiring(leader_binh):
    from chinhquyen.accounts.models import User

    User.objects.filter(pk=leader_binh.pk).update(email="binh@so-a.example")
    return register_certificate(
        data=certificate_pem(common_name="Trần Thị Bình", days_left=10),
        kind="personal",
        official=leader_binh.official,
    )


def test_holder_and_it_admins_are_warned_once_even_when_run_twice(
    binh_expiring,
    leader_binh,
    it_admin_tuan,
    it_admin_province,
    other_agency_official,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    # given a certificate of Bình expiring in 10 days, and a second IT admin in department B
    from chinhquyen.accounts.choices import Role
    from chinhquyen.conftest import make_role_holder

    make_role_holder(
        "it_admin_b", full_name="IT Sở B", organisation=other_agency_official.official.organisation,
        role=Role.IT_ADMIN,
    )  # fmt: skip

    # when the warnings run twice
    with django_capture_on_commit_callbacks(execute=True):
        first = send_expiry_warnings()
    with django_capture_on_commit_callbacks(execute=True):
        second = send_expiry_warnings()

    # then one warning, to Bình and the IT admins of department A and the province only
    assert (first, second) == ({"warned": 1, "expired": 0}, {"warned": 0, "expired": 0})
    warning = ExpiryWarning.objects.get()
    assert (warning.certificate, warning.threshold_days, warning.recipients) == (
        binh_expiring, 30, 3,
    )  # fmt: skip
    recipients = set(SigningNotification.objects.values_list("recipient__username", flat=True))
    assert recipients == {"leader_binh", "it_admin_tuan", "it_admin_phuong"}
    assert [m.to for m in mailoutbox] == [["binh@so-a.example"]]
    notice = SigningNotification.objects.get(recipient=leader_binh)
    assert binh_expiring.serial_number in notice.message
    assert "expires on" in notice.message


def test_threshold_is_a_setting(leader_binh, settings):
    register_certificate(
        data=certificate_pem(common_name="Trần Thị Bình", days_left=40),
        kind="personal",
        official=leader_binh.official,
    )
    assert send_expiry_warnings() == {"warned": 0, "expired": 0}
    settings.SIGNING_EXPIRY_WARNING_DAYS = 45
    assert send_expiry_warnings() == {"warned": 1, "expired": 0}
    assert ExpiryWarning.objects.get().threshold_days == 45


def test_expired_certificates_are_marked_and_not_warned(leader_binh):
    entry = register_certificate(
        data=certificate_pem(common_name="Trần Thị Bình", days_left=5),
        kind="personal",
        official=leader_binh.official,
    )
    import datetime

    from django.utils import timezone

    later = timezone.now() + datetime.timedelta(days=6)
    assert send_expiry_warnings(now=later) == {"warned": 0, "expired": 1}
    entry.refresh_from_db()
    assert entry.status == CertificateStatus.EXPIRED
    assert not ExpiryWarning.objects.exists()


def test_command_and_task_run_the_same_warnings(binh_expiring, capsys):
    call_command("signing_expiry_warnings")
    assert "1" in capsys.readouterr().out
    assert expiry_warnings_task.call() == {"warned": 0, "expired": 0}
    assert ExpiryWarning.objects.count() == 1
    assert Certificate.objects.get().status == CertificateStatus.VALID
