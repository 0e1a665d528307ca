"""The assignment pages: assign and complete through the forms, the panel, "My work", the
overdue page and the routing slip (PDF)."""

import datetime
import shutil
import subprocess

import pytest
from django.urls import reverse
from django.utils import timezone

from chinhquyen.documents.choices import AssignmentStatus, IncomingStatus
from chinhquyen.documents.models import Assignment, DocumentEvent, Opinion
from chinhquyen.documents.services import assignment as service
from chinhquyen.documents.tests.test_assignment import build_docs

pytestmark = pytest.mark.django_db


@pytest.fixture
def docs(org_tree, leader_binh, deputy_cuong, specialist_dung, clerk_hoa):
    return build_docs(org_tree, deputy_cuong=deputy_cuong, specialist_dung=specialist_dung)


def _next_saturday() -> datetime.date:
    today = timezone.localdate()
    return today + datetime.timedelta(days=(5 - today.weekday()) % 7 or 7)


def test_leader_assigns_through_the_form_and_is_told_the_saturday_moved(docs, leader_binh, login):
    client = login(leader_binh)
    url = reverse("documents:assign", args=[docs.letter.pk])
    assert client.get(url).status_code == 200
    saturday = _next_saturday()
    response = client.post(
        url,
        {
            "lead_unit": docs.org_tree.division_a1.pk,
            "cooperating_units": [docs.division_a2.pk],
            "due_date": saturday.isoformat(),
            "instruction": "Phòng A1 chủ trì",
        },
        follow=True,
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert f"{saturday:%d/%m/%Y} is not a working day" in text
    lead = Assignment.objects.get(document=docs.letter, role="lead")
    assert timezone.localtime(lead.due_at).date() > saturday
    assert "Phòng A2" in text  # the panel lists the co-operating unit


def test_a_specialist_cannot_open_or_post_the_assign_form(
    docs, leader_binh, specialist_dung, login
):
    client = login(specialist_dung)
    url = reverse("documents:assign", args=[docs.letter.pk])
    # Not assigned to division A1 yet: the specialist does not even see the document.
    assert client.get(url).status_code == 404
    service.assign(
        docs.letter,
        lead=docs.org_tree.division_a1,
        due_days=2,
        instruction="",
        acting_user=leader_binh,
    )
    count = Assignment.objects.count()
    response = client.post(url, {"lead_unit": docs.division_a2.pk, "due_days": 2})
    assert response.status_code == 403
    assert Assignment.objects.count() == count


def test_assigning_a_completed_document_answers_409_with_the_reason(docs, leader_binh, login):
    document = docs.incoming(status=IncomingStatus.COMPLETED)
    response = login(leader_binh).post(
        reverse("documents:assign", args=[document.pk]),
        {"lead_unit": docs.org_tree.division_a1.pk, "due_days": 2},
    )
    assert response.status_code == 409
    assert "cannot be assigned" in response.content.decode()
    assert not Assignment.objects.filter(document=document).exists()


def test_specialist_starts_writes_an_opinion_and_completes_from_the_panel(
    docs, leader_binh, deputy_cuong, specialist_dung, login
):
    lead = service.assign(
        docs.letter,
        lead=docs.org_tree.division_a1,
        due_days=3,
        instruction="",
        acting_user=leader_binh,
    ).assignments[0]
    mine = service.sub_assign(
        lead, lead=docs.dung, instruction="Dũng xử lý", acting_user=deputy_cuong
    ).assignments[0]
    client = login(specialist_dung)
    panel = client.get(reverse("documents:assignment_panel", args=[docs.letter.pk]))
    assert panel.status_code == 200
    assert reverse("documents:start_assignment", args=[mine.pk]) in panel.content.decode()
    # The specialist may not assign the division's work further: no such link.
    assert reverse("documents:sub_assign", args=[lead.pk]) not in panel.content.decode()
    assert client.post(reverse("documents:start_assignment", args=[mine.pk])).status_code == 302
    response = client.post(
        reverse("documents:add_opinion", args=[docs.letter.pk]),
        {"text": "Đề xuất trả lời theo hướng dẫn"},
    )
    assert response.status_code == 302
    assert Opinion.objects.get(document=docs.letter).author == specialist_dung
    response = client.post(
        reverse("documents:complete_assignment", args=[mine.pk]), {"result": "Đã dự thảo trả lời"}
    )
    assert response.status_code == 302
    docs.letter.refresh_from_db()
    assert docs.letter.status == IncomingStatus.COMPLETED
    assert Assignment.objects.get(pk=lead.pk).status == AssignmentStatus.COMPLETED
    # Starting again is the wrong state: 409, nothing changes.
    events = DocumentEvent.objects.count()
    assert client.post(reverse("documents:start_assignment", args=[mine.pk])).status_code == 409
    assert DocumentEvent.objects.count() == events


def test_my_work_lists_by_deadline_with_overdue_flags_in_a_fixed_number_of_queries(
    docs, leader_binh, specialist_dung, login, django_assert_num_queries
):
    now = timezone.now()
    for days in (5, 2, 9):
        service.assign(
            docs.incoming(),
            lead=docs.dung,
            due_days=days,
            instruction="",
            acting_user=leader_binh,
        )
    # One overdue: its deadline passed (set directly: the service refuses past deadlines).
    late = docs.incoming()
    service.assign(late, lead=docs.dung, due_days=1, instruction="", acting_user=leader_binh)
    Assignment.objects.filter(document=late).update(due_at=now - datetime.timedelta(hours=2))
    client = login(specialist_dung)
    client.get(reverse("documents:my_work"))  # warm the session and calendar caches
    # 17 = session, user, 2 OTP devices, calendar token, 3 role grants, the access keys (the
    # organisations in scope, the user's officials), then the page's own 4 (count,
    # assignments with document/type/unit/person, tasks, for-information), then the session
    # save (savepoint, update, release). Independent of the number of rows.
    with django_assert_num_queries(17):
        response = client.get(reverse("documents:my_work"))
    assert response.status_code == 200
    rows = list(response.context["page"])
    assert [a.document_id for a in rows][0] == late.pk
    assert [a.due_at for a in rows] == sorted(a.due_at for a in rows)
    assert rows[0].overdue and not rows[1].overdue
    assert "1 văn bản quá hạn." in response.content.decode()  # the interface is Vietnamese
    # More rows cost no more queries.
    for _ in range(3):
        service.assign(
            docs.incoming(), lead=docs.dung, due_days=4, instruction="", acting_user=leader_binh
        )
    with django_assert_num_queries(17):
        client.get(reverse("documents:my_work"))


def test_overdue_page_counts_per_unit_for_leaders_only(docs, leader_binh, specialist_dung, login):
    document = docs.incoming()
    service.assign(
        document,
        lead=docs.org_tree.division_a1,
        cooperating=[docs.division_a2],
        due_days=1,
        instruction="",
        acting_user=leader_binh,
    )
    Assignment.objects.filter(document=document).update(
        due_at=timezone.now() - datetime.timedelta(days=1)
    )
    response = login(leader_binh).get(reverse("documents:overdue"))
    assert response.status_code == 200
    assert [(u.name, a, t) for u, a, t in response.context["summary"]] == [
        ("Phòng A1", 1, 0),
        ("Phòng A2", 1, 0),
    ]
    assert login(specialist_dung).get(reverse("documents:overdue")).status_code == 403


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_routing_slip_is_a_pdf_with_the_three_parts(
    docs, leader_binh, deputy_cuong, specialist_dung, login
):
    lead = service.assign(
        docs.letter,
        lead=docs.org_tree.division_a1,
        cooperating=[docs.division_a2],
        due_days=3,
        instruction="Giao Phòng A1 chủ trì",
        acting_user=leader_binh,
    ).assignments[0]
    service.sub_assign(lead, lead=docs.dung, instruction="Dũng dự thảo", acting_user=deputy_cuong)
    service.add_opinion(
        docs.letter, text="Đề xuất trả lời bằng công văn", acting_user=specialist_dung
    )
    response = login(leader_binh).get(reverse("documents:routing_slip", args=[docs.letter.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    content = b"".join(response.streaming_content) if response.streaming else response.content
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=content, capture_output=True, check=True
    ).stdout.decode()
    assert "PHIẾU GIẢI QUYẾT VĂN BẢN ĐẾN" in text
    for expected in ("Giao Phòng A1 chủ trì", "Dũng dự thảo", "Đề xuất trả lời bằng công văn"):
        assert expected in text


def test_the_incoming_detail_page_embeds_the_panel(docs, leader_binh, login):
    service.assign(docs.letter, lead=docs.dung, due_days=2, instruction="", acting_user=leader_binh)
    response = login(leader_binh).get(reverse("documents:incoming", args=[docs.letter.pk]))
    assert response.status_code == 200
    text = response.content.decode()
    assert 'id="assignment-panel-title"' in text
    assert "Phạm Minh Dũng" in text
    assert reverse("documents:routing_slip", args=[docs.letter.pk]) in text
