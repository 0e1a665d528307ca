"""Deadline reminders: once, through the notifications outbox; overdue items are listed."""

import datetime
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from chinhquyen.accounts.models import User
from chinhquyen.documents.models import Assignment
from chinhquyen.documents.services import assignment as service
from chinhquyen.documents.services import followup
from chinhquyen.documents.services.reminders import send_document_reminders
from chinhquyen.documents.tests.test_assignment import THURSDAY, build_docs
from chinhquyen.notifications.models import Delivery
from chinhquyen.notifications.services import send_due

pytestmark = pytest.mark.django_db


@pytest.fixture
def docs(org_tree, leader_binh, deputy_cuong, specialist_dung, clerk_hoa):
    User.objects.filter(username="specialist_dung").update(email="dung@so-a.gov.vn")
    User.objects.filter(username="deputy_cuong").update(email="cuong@so-a.gov.vn")
    return build_docs(org_tree, deputy_cuong=deputy_cuong, specialist_dung=specialist_dung)


@pytest.fixture
def work(docs, leader_binh):
    """Thursday 09:00: the letter due Friday 09:00 (lead: Dũng; co-operating: division A1),
    a second letter due next Tuesday, a third one already overdue."""
    soon = service.assign(
        docs.letter,
        lead=docs.dung,
        cooperating=[docs.org_tree.division_a1],
        information=[docs.division_a2],
        due_days=1,
        instruction="",
        acting_user=leader_binh,
        now=THURSDAY,
    )
    later = service.assign(
        docs.incoming(), lead=docs.dung, due_days=3, instruction="", acting_user=leader_binh
    )
    late_doc = docs.incoming()
    service.assign(
        late_doc, lead=docs.division_a2, due_days=1, instruction="", acting_user=leader_binh
    )
    Assignment.objects.filter(document=late_doc).update(
        due_at=THURSDAY - datetime.timedelta(hours=3)
    )
    Assignment.objects.filter(document=later.assignments[0].document).update(
        due_at=datetime.datetime(2026, 12, 1, 9, 0, tzinfo=THURSDAY.tzinfo)
    )
    return soon


def test_items_due_within_a_working_day_are_reminded_once_by_e_mail(
    docs, work, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        run = send_document_reminders(now=THURSDAY)
    # The lead (Dũng) and the co-operating division (its head, Cường); not the one due on
    # Tuesday, not the information row, not the overdue one.
    assert (run.assignments, run.emails) == (2, 2)
    assert (run.overdue_assignments, run.overdue_tasks) == (1, 0)
    lead, cooperating, information = work.assignments
    for row in (lead, cooperating):
        row.refresh_from_db()
        assert row.reminded_at == THURSDAY
    assert sorted(Delivery.objects.values_list("recipient", flat=True)) == [
        "cuong@so-a.gov.vn",
        "dung@so-a.gov.vn",
    ]
    # The outbox sends them (the cron path of the notifications app).
    assert send_due(now=THURSDAY) == {"sent": 2}
    subjects = {message.subject for message in mail.outbox}
    assert len(subjects) == 1
    assert "29/11" not in subjects.pop()
    body = mail.outbox[0].body
    assert "09:00 27/11/2026" in body
    assert "Phạm Minh Dũng" in body or "Phòng A1" in body
    # A second run reminds nobody again.
    again = send_document_reminders(now=THURSDAY + datetime.timedelta(minutes=30))
    assert (again.assignments, again.emails) == (0, 0)
    assert Delivery.objects.count() == 2


def test_follow_up_tasks_are_reminded_once_too(docs, leader_binh):
    task = followup.create_task(
        title="Báo cáo nhanh",
        responsible=docs.dung,
        organisation=docs.org_tree.dept_a,
        due_days=1,
        acting_user=leader_binh,
        now=THURSDAY,
    ).task
    first = send_document_reminders(now=THURSDAY)
    second = send_document_reminders(now=THURSDAY + datetime.timedelta(hours=1))
    assert (first.tasks, first.emails, second.tasks) == (1, 1, 0)
    delivery = Delivery.objects.get()
    assert delivery.key == f"documents.reminder:task:{task.pk}:{docs.dung.user_id}:email"
    assert delivery.organisation == docs.org_tree.dept_a


def test_the_command_reports_and_lists_overdue_items(docs, work):
    # The command runs at the real "now": make the late one late now.
    Assignment.objects.filter(unit=docs.division_a2, role="lead").update(
        due_at=timezone.now() - datetime.timedelta(days=1)
    )
    out = StringIO()
    call_command("send_document_reminders", "--list-overdue", stdout=out)
    text = out.getvalue()
    assert "overdue: 1 assignment(s)" in text
    assert "Phòng A2:" in text


def test_the_background_task_runs_the_same_reminders(docs, work):
    from chinhquyen.documents.services.reminders import send_document_reminders_task

    result = send_document_reminders_task.call()
    assert set(result) == {
        "assignments",
        "tasks",
        "emails",
        "overdue_assignments",
        "overdue_tasks",
    }
