"""Follow-up tasks arising from documents: created by a leader, progressed by the unit."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from chinhquyen.audit.models import AuditEntry
from chinhquyen.documents.choices import TaskStatus
from chinhquyen.documents.errors import InvalidTransition
from chinhquyen.documents.models import FollowUpTask
from chinhquyen.documents.services import followup
from chinhquyen.documents.services.assignment import AssignmentError, Target
from chinhquyen.documents.tests.test_assignment import THURSDAY, build_docs
from chinhquyen.worktime.calendar import TZ

pytestmark = pytest.mark.django_db


@pytest.fixture
def docs(org_tree, leader_binh, deputy_cuong, specialist_dung, clerk_hoa):
    return build_docs(org_tree, deputy_cuong=deputy_cuong, specialist_dung=specialist_dung)


def test_leader_creates_a_task_from_a_letter_and_the_specialist_reports_progress(
    docs, leader_binh, specialist_dung
):
    result = followup.create_task(
        title="Tổng hợp báo cáo cải cách hành chính quý IV",
        responsible=docs.dung,
        incoming=docs.letter,
        due_date=datetime.date(2026, 11, 29),  # a Sunday
        acting_user=leader_binh,
        now=THURSDAY,
    )
    task = result.task
    assert task.organisation == docs.org_tree.dept_a
    assert task.due_at == datetime.datetime(2026, 11, 30, 17, 0, tzinfo=TZ)
    assert len(result.warnings) == 1 and "30/11/2026" in result.warnings[0]
    followup.update_task(
        task,
        status=TaskStatus.IN_PROGRESS,
        progress="Đã có số liệu 3/5 phòng",
        acting_user=specialist_dung,
    )
    task = followup.update_task(task, status=TaskStatus.DONE, acting_user=specialist_dung)
    assert (task.status, task.progress) == (TaskStatus.DONE, "Đã có số liệu 3/5 phòng")
    assert task.completed_at is not None
    entry = AuditEntry.objects.filter(action="documents.update_task").order_by("pk").first()
    assert entry.before == {"status": "open", "progress": ""}
    # Done is final.
    with pytest.raises(InvalidTransition):
        followup.update_task(task, status=TaskStatus.IN_PROGRESS, acting_user=specialist_dung)


def test_only_leaders_create_and_cancel_and_strangers_cannot_update(
    docs, leader_binh, specialist_dung, other_agency_official
):
    with pytest.raises(PermissionDenied):
        followup.create_task(
            title="x",
            responsible=docs.org_tree.division_a1,
            organisation=docs.org_tree.dept_a,
            acting_user=specialist_dung,
        )
    task = followup.create_task(
        title="Theo dõi",
        responsible=docs.org_tree.division_a1,
        organisation=docs.org_tree.dept_a,
        due_days=2,
        acting_user=leader_binh,
    ).task
    with pytest.raises(PermissionDenied):
        followup.update_task(task, status=TaskStatus.CANCELLED, acting_user=specialist_dung)
    with pytest.raises(PermissionDenied):
        followup.update_task(task, progress="x", acting_user=other_agency_official)
    task.refresh_from_db()
    assert (task.status, task.progress) == (TaskStatus.OPEN, "")
    # Another agency's unit is not the leader's to task; a person outside the unit is bad input.
    with pytest.raises(PermissionDenied):
        followup.create_task(
            title="Ngoài cơ quan",
            responsible=docs.org_tree.dept_b,
            organisation=docs.org_tree.dept_a,
            acting_user=leader_binh,
        )
    with pytest.raises(AssignmentError):
        followup.create_task(
            title="Sai phòng",
            responsible=Target(unit=docs.division_a2, person=docs.dung),
            organisation=docs.org_tree.dept_a,
            acting_user=leader_binh,
        )
    assert FollowUpTask.objects.count() == 1


def test_the_list_filters_by_unit_and_status_and_overdue_tasks_are_found(
    docs, leader_binh, specialist_dung, login
):
    mine = followup.create_task(
        title="Việc của Phòng A1",
        responsible=docs.org_tree.division_a1,
        organisation=docs.org_tree.dept_a,
        due_days=2,
        acting_user=leader_binh,
    ).task
    other = followup.create_task(
        title="Việc của Phòng A2",
        responsible=docs.division_a2,
        organisation=docs.org_tree.dept_a,
        due_days=2,
        acting_user=leader_binh,
    ).task
    FollowUpTask.objects.filter(pk=other.pk).update(
        due_at=timezone.now() - datetime.timedelta(hours=1)
    )
    assert list(followup.overdue_tasks(docs.org_tree.dept_a)) == [other]
    assert list(followup.overdue_tasks(docs.org_tree.division_a1)) == []
    # The specialist of A1 sees the tasks of A1 only.
    assert list(followup.tasks_for_unit(specialist_dung)) == [mine]
    client = login(leader_binh)
    response = client.get(reverse("documents:tasks"), {"status": "overdue"})
    assert [t.pk for t in response.context["page"]] == [other.pk]
    response = client.get(
        reverse("documents:tasks"), {"status": "open", "unit": docs.org_tree.division_a1.pk}
    )
    assert [t.pk for t in response.context["page"]] == [mine.pk]


def test_task_pages_create_and_update_without_javascript(docs, leader_binh, specialist_dung, login):
    client = login(leader_binh)
    url = reverse("documents:task_create") + f"?incoming={docs.letter.pk}"
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "incoming": docs.letter.pk,
            "title": "Báo cáo kết quả",
            "unit": docs.org_tree.division_a1.pk,
            "person": docs.dung.pk,
            "due_days": 3,
        },
    )
    task = FollowUpTask.objects.get()
    assert response.status_code == 302
    assert task.incoming == docs.letter
    client = login(specialist_dung)
    response = client.post(
        reverse("documents:task", args=[task.pk]),
        {"status": "in_progress", "progress": "Đang tổng hợp"},
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert (task.status, task.progress) == ("in_progress", "Đang tổng hợp")
    response = client.post(
        reverse("documents:task", args=[task.pk]), {"status": "cancelled", "progress": ""}
    )
    assert response.status_code == 403
