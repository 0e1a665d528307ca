"""Alerts: dossiers at risk (the dossier issue's rule) or overdue, document work due soon or
overdue, per agency for its leader; the daily digest once per leader and day via the outbox."""

# ruff: noqa: F401, F811 (fixtures imported as parameters)

import datetime
import io
from io import StringIO

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from chinhquyen.accounts.models import User
from chinhquyen.audit.models import AuditEntry
from chinhquyen.documents.tests.test_assignment import THURSDAY
from chinhquyen.documents.tests.test_reminders import docs, work
from chinhquyen.dossiers.services import transition
from chinhquyen.dossiers.tests.conftest import at, catalogue, coded_orgs, receive
from chinhquyen.insights.alerts import (
    agency_alerts,
    digest_key,
    send_daily_digest,
    send_daily_digest_task,
)
from chinhquyen.notifications.models import Delivery
from chinhquyen.notifications.services import send_due

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def history(receive, officer_an):
    """Three dossiers whose receive step took 2 h, 3 h and 3.5 h (median 3 h), then a new one
    whose receive step (4 h) started at 07:30 on Friday 6 February 2026."""
    for minute, hours in ((1, 2), (2, 3), (3, 3.5)):
        done = receive(received_at=at(2026, 2, 4, 7, 30 + minute))
        transition(
            done,
            "forward",
            acting_user=officer_an,
            at=at(2026, 2, 4, 7, 30 + minute) + datetime.timedelta(hours=hours),
        )
    return receive(received_at=at(2026, 2, 6, 7, 30))


def refs(items) -> list[str]:
    return [item.reference for item in items]


def test_a_dossier_with_less_time_left_than_its_step_usually_takes_is_at_risk(history, coded_orgs):
    calm = agency_alerts(coded_orgs.dept_a, now=at(2026, 2, 6, 8, 0))
    assert refs(calm.dossiers_at_risk) == []
    tight = agency_alerts(coded_orgs.dept_a, now=at(2026, 2, 6, 8, 31))
    assert refs(tight.dossiers_at_risk) == [history.code]
    assert tight.dossiers_at_risk[0].url == reverse("dossiers:detail", args=[history.pk])
    assert tight.dossiers_overdue == []
    # Another agency's leader is not warned about it.
    assert agency_alerts(coded_orgs.dept_b, now=at(2026, 2, 6, 8, 31)).total == 0


def test_dossiers_past_their_appointment_are_overdue_not_at_risk(history, coded_orgs):
    later = agency_alerts(coded_orgs.dept_a, now=at(2026, 3, 2, 9, 0))
    assert len(later.dossiers_overdue) == 4
    assert history.code in refs(later.dossiers_overdue)
    assert later.dossiers_at_risk == []


def test_document_work_due_soon_and_overdue(docs, work):
    alerts = agency_alerts(docs.org_tree.dept_a, now=THURSDAY)
    # The letter due Friday 09:00: its lead (Dũng) and the co-operating division A1; the
    # letter of division A2 overdue since 06:00; nothing for the one due next Tuesday.
    assert sorted(item.unit for item in alerts.assignments_due_soon) == ["Phòng A1", "Phòng A1"]
    assert [item.unit for item in alerts.assignments_overdue] == ["Phòng A2"]
    assert alerts.counts() == {
        "dossiers_at_risk": 0,
        "dossiers_overdue": 0,
        "assignments_due_soon": 2,
        "assignments_overdue": 1,
        "tasks_due_soon": 0,
        "tasks_overdue": 0,
    }


def test_the_leader_sees_the_alerts_of_the_agency(client, history, leader_binh, coded_orgs):
    client.force_login(leader_binh)
    response = client.get(reverse("insights:alerts"))
    assert response.status_code == 200
    assert response.context["agency"] == coded_orgs.dept_a
    body = response.content.decode()
    assert "Dossiers past their appointment (4)" in body  # now is after February 2026
    assert history.code in body
    workbook = client.get(reverse("insights:alerts"), {"export": "xlsx"})
    from openpyxl import load_workbook

    rows = list(load_workbook(io.BytesIO(workbook.content)).active.iter_rows(values_only=True))
    assert sum(1 for row in rows if row[1] == history.code) == 1


@pytest.mark.parametrize("persona", ["officer_an", "specialist_dung", "citizen_chi"])
def test_only_leaders_see_alerts(client, personas, persona):
    client.force_login(personas[persona])
    assert client.get(reverse("insights:alerts")).status_code == 403


def test_a_leader_cannot_read_another_agency(client, leader_binh, admin_giang, coded_orgs):
    client.force_login(leader_binh)
    refused = client.get(reverse("insights:alerts"), {"agency": coded_orgs.dept_b.pk})
    assert refused.status_code == 400
    client.force_login(admin_giang)
    allowed = client.get(reverse("insights:alerts"), {"agency": coded_orgs.dept_b.pk})
    assert allowed.status_code == 200
    assert "Nothing is at risk or overdue." in allowed.content.decode()


def test_the_daily_digest_goes_once_per_leader_and_day(
    docs, work, leader_binh, django_capture_on_commit_callbacks
):
    User.objects.filter(pk=leader_binh.pk).update(email="binh@so-a.gov.vn")
    with django_capture_on_commit_callbacks(execute=True):
        first = send_daily_digest(now=THURSDAY)
    assert (first.leaders, first.queued, first.already) == (1, 1, 0)
    delivery = Delivery.objects.get()
    day = THURSDAY.date()
    assert delivery.key == digest_key(day, docs.org_tree.dept_a.pk, leader_binh.pk)
    assert delivery.recipient == "binh@so-a.gov.vn"
    assert delivery.organisation == docs.org_tree.dept_a
    assert "26/11/2026" in delivery.subject and "Sở A" in delivery.subject
    assert "Document assignments overdue: 1" in delivery.body  # the English half
    assert "Phòng A2" in delivery.body
    assert "/insights/alerts/?agency=" in delivery.body
    # The same day again (a second cron run, or the task): nothing new.
    again = send_daily_digest(now=THURSDAY + datetime.timedelta(hours=2))
    assert (again.queued, again.already) == (0, 1)
    assert Delivery.objects.filter(key__startswith=f"insights.digest:{day}").count() == 1
    assert AuditEntry.objects.filter(action="insights.queue_digest").count() == 1
    # The outbox sends it.
    assert send_due(now=THURSDAY + datetime.timedelta(hours=3))["sent"] >= 1
    assert [m.to for m in mail.outbox if "26/11/2026" in m.subject] == [["binh@so-a.gov.vn"]]
    # The next day is a new digest.
    nxt = send_daily_digest(now=THURSDAY + datetime.timedelta(days=1))
    assert nxt.queued == 1


def test_no_digest_without_an_address_or_without_alerts(coded_orgs, leader_binh):
    run = send_daily_digest()
    assert (run.leaders, run.without_address, run.queued) == (1, 1, 0)
    User.objects.filter(pk=leader_binh.pk).update(email="binh@so-a.gov.vn")
    quiet = send_daily_digest()
    assert (quiet.nothing_to_report, quiet.queued) == (1, 0)
    assert not Delivery.objects.exists()


def test_the_background_task_sends_today_s_digest(history, leader_binh):
    User.objects.filter(pk=leader_binh.pk).update(email="binh@so-a.gov.vn")
    result = send_daily_digest_task.call()
    assert (result["queued"], result["day"]) == (1, timezone.localdate().isoformat())
    assert send_daily_digest_task.call()["already"] == 1


def test_the_command_for_cron(docs, work, leader_binh):
    User.objects.filter(pk=leader_binh.pk).update(email="binh@so-a.gov.vn")
    out = StringIO()
    call_command("insights_digest", stdout=out)
    assert "1 leader(s)" in out.getvalue()
    call_command("insights_digest", stdout=out)
    assert "1 already sent today" in out.getvalue()
