"""The IT administrator's page of the outbox: scoped to their agency, filter, retry now."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from chinhquyen.dossiers.services import transition
from chinhquyen.dossiers.tests.conftest import at
from chinhquyen.notifications.models import Delivery
from chinhquyen.notifications.tests.conftest import APPLICANT

PAGE = reverse("notifications:deliveries")


@pytest.fixture
def failed_delivery(receive, officer_an, smtp_port, django_capture_on_commit_callbacks):
    """A dossier of department A whose e-mail failed once (nothing listens on the port)."""
    from chinhquyen.notifications.services import send_due

    dossier = receive(applicant={**APPLICANT, "phone": ""})
    with django_capture_on_commit_callbacks(execute=True):
        transition(dossier, "forward", acting_user=officer_an, at=at(2026, 2, 6, 8, 0))
    send_due()
    return Delivery.objects.get()


@pytest.mark.django_db
def test_the_it_administrator_sees_the_failed_delivery_with_its_error(
    client, login, it_admin_lan, failed_delivery
):
    login(it_admin_lan)
    response = client.get(PAGE, {"status": "failed", "channel": "email"})
    assert response.status_code == 200
    assert list(response.context["page"]) == [failed_delivery]
    assert response.context["retryable"] == {failed_delivery.pk}
    body = response.content.decode()
    assert "ConnectionRefusedError" in body
    assert reverse("notifications:retry", args=[failed_delivery.pk]) in body


@pytest.mark.django_db
def test_filters_narrow_the_list_and_a_bad_filter_is_a_400(
    client, login, it_admin_lan, failed_delivery
):
    login(it_admin_lan)
    assert list(client.get(PAGE, {"status": "sent"}).context["page"]) == []
    assert list(client.get(PAGE, {"channel": "sms"}).context["page"]) == []
    response = client.get(PAGE, {"status": "exploded"})
    assert response.status_code == 400
    assert list(response.context["page"]) == []


@pytest.mark.django_db
def test_the_list_takes_a_bounded_number_of_queries(
    client, login, it_admin_lan, failed_delivery, receive, officer_an
):
    login(it_admin_lan)
    client.get(PAGE)
    with CaptureQueriesContext(connection) as few:
        client.get(PAGE)
    for day in (9, 10, 11):
        dossier = receive(applicant=APPLICANT, received_at=at(2026, 2, day, 8, 0))
        transition(dossier, "forward", acting_user=officer_an, at=at(2026, 2, day, 9, 0))
    with CaptureQueriesContext(connection) as many:
        response = client.get(PAGE)
    assert response.context["page"].paginator.count == 7
    assert len(many) == len(few)


@pytest.mark.django_db
def test_retry_now_makes_the_delivery_due_and_it_is_sent(
    client, login, it_admin_lan, failed_delivery, start_smtp, django_capture_on_commit_callbacks
):
    from chinhquyen.audit.models import AuditEntry
    from chinhquyen.notifications.services import send_due

    login(it_admin_lan)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("notifications:retry", args=[failed_delivery.pk]))
    assert response.status_code == 302
    failed_delivery.refresh_from_db()
    assert (failed_delivery.status, failed_delivery.attempts) == ("pending", 0)
    assert AuditEntry.objects.filter(action="notifications.retry").count() == 1
    handler = start_smtp()
    assert send_due() == {"sent": 1}
    assert len(handler.messages) == 1
    # A sent delivery cannot be retried: it would be sent twice.
    response = client.post(reverse("notifications:retry", args=[failed_delivery.pk]))
    assert response.status_code == 302
    failed_delivery.refresh_from_db()
    assert failed_delivery.status == "sent"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("persona", "list_status", "retry_status"),
    [
        ("anonymous", 302, 302),
        ("citizen_chi", 403, 403),
        ("officer_an", 403, 404),
        ("it_admin_other", 200, 404),
    ],
)
def test_others_cannot_see_or_retry_department_a_deliveries(
    client, login, request, failed_delivery, persona, list_status, retry_status
):
    if persona != "anonymous":
        login(request.getfixturevalue(persona))
    response = client.get(PAGE)
    assert response.status_code == list_status
    if list_status == 200:
        assert list(response.context["page"]) == []
    response = client.post(reverse("notifications:retry", args=[failed_delivery.pk]))
    assert response.status_code == retry_status
    failed_delivery.refresh_from_db()
    assert (failed_delivery.status, failed_delivery.attempts) == ("failed", 1)


@pytest.mark.django_db
def test_the_admin_is_read_only(admin_client, failed_delivery):
    url = reverse("admin:notifications_delivery_change", args=[failed_delivery.pk])
    assert admin_client.get(url).status_code == 200
    assert admin_client.post(url, {"status": "sent"}).status_code == 403
    failed_delivery.refresh_from_db()
    assert failed_delivery.status == "failed"


@pytest.mark.django_db
def test_the_page_is_in_the_it_administrators_navigation_in_vietnamese(
    client, login, it_admin_lan, officer_an
):
    login(it_admin_lan)
    body = client.get(PAGE).content.decode()
    assert f'href="{PAGE}"' in body
    assert "<h1>Gửi thông báo (thư điện tử, SMS)</h1>" in body
    assert "Không có lượt gửi nào." in body
    client.logout()
    login(officer_an)
    assert client.get(PAGE).status_code == 403
