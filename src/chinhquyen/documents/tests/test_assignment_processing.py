"""Sub-assignment down the tree, opinions, completion and withdrawal."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from chinhquyen.documents.choices import AssignmentRole, AssignmentStatus, IncomingStatus
from chinhquyen.documents.errors import InvalidTransition
from chinhquyen.documents.models import Assignment, DocumentEvent, DocumentType, OutgoingDocument
from chinhquyen.documents.services import assignment as service
from chinhquyen.documents.services.assignment import AssignmentError
from chinhquyen.documents.tests.test_assignment import THURSDAY, build_docs
from chinhquyen.worktime.calendar import TZ

pytestmark = pytest.mark.django_db


@pytest.fixture
def docs(org_tree, leader_binh, deputy_cuong, specialist_dung, clerk_hoa):
    return build_docs(org_tree, deputy_cuong=deputy_cuong, specialist_dung=specialist_dung)


@pytest.fixture
def assigned(docs, leader_binh):
    """The letter given to division A1 (lead) and division A2 (co-operating), due Tuesday."""
    result = service.assign(
        docs.letter,
        lead=docs.org_tree.division_a1,
        cooperating=[docs.division_a2],
        information=[docs.org_tree.dept_a],
        due_days=3,
        instruction="",
        acting_user=leader_binh,
        now=THURSDAY,
    )
    lead, cooperating, information = result.assignments
    return lead, cooperating, information


def _snapshot(document):
    document.refresh_from_db()
    return (
        document.status,
        list(Assignment.objects.filter(document=document).values_list("pk", "status")),
        DocumentEvent.objects.filter(incoming=document).count(),
    )


def test_division_leader_assigns_the_division_lead_to_a_specialist(docs, assigned, deputy_cuong):
    lead, _co, _info = assigned
    result = service.sub_assign(
        lead, lead=docs.dung, instruction="Dũng dự thảo", acting_user=deputy_cuong, now=THURSDAY
    )
    (child,) = result.assignments
    assert (child.parent, child.assignee, child.role) == (lead, docs.dung, AssignmentRole.LEAD)
    # No deadline given: the parent's.
    assert child.due_at == lead.due_at
    assert DocumentEvent.objects.filter(incoming=docs.letter, type="sub_assigned").count() == 1


def test_sub_assignment_outside_the_units_subtree_is_refused(docs, assigned, deputy_cuong):
    lead, _co, _info = assigned
    before = _snapshot(docs.letter)
    # Division A2 is a sibling of A1, not below it; Lan works in A2.
    for target in (docs.division_a2, docs.lan, docs.org_tree.dept_a):
        with pytest.raises(AssignmentError):
            service.sub_assign(
                lead, lead=target, instruction="", acting_user=deputy_cuong, now=THURSDAY
            )
    assert _snapshot(docs.letter) == before


def test_only_the_units_head_or_the_leader_may_sub_assign(
    docs, assigned, deputy_cuong, specialist_dung, leader_binh
):
    lead, cooperating, information = assigned
    before = _snapshot(docs.letter)
    with pytest.raises(PermissionDenied):
        service.sub_assign(lead, lead=docs.dung, instruction="", acting_user=specialist_dung)
    # The head of division A1 has no say over division A2's co-operation.
    with pytest.raises(PermissionDenied):
        service.sub_assign(cooperating, lead=docs.lan, instruction="", acting_user=deputy_cuong)
    # For-information recipients only read.
    with pytest.raises(PermissionDenied):
        service.sub_assign(information, lead=docs.dung, instruction="", acting_user=leader_binh)
    assert _snapshot(docs.letter) == before
    # The agency leader may act for the division.
    service.sub_assign(lead, lead=docs.dung, instruction="", acting_user=leader_binh)


def test_a_sub_deadline_may_not_be_later_than_the_parents(docs, assigned, deputy_cuong):
    lead, _co, _info = assigned
    with pytest.raises(AssignmentError, match="01/12/2026"):
        service.sub_assign(
            lead,
            lead=docs.dung,
            due_date=datetime.date(2026, 12, 2),
            instruction="",
            acting_user=deputy_cuong,
            now=THURSDAY,
        )
    result = service.sub_assign(
        lead,
        lead=docs.dung,
        due_days=1,
        instruction="",
        acting_user=deputy_cuong,
        now=THURSDAY,
    )
    assert result.due_at == datetime.datetime(2026, 11, 27, 9, 0, tzinfo=TZ)


def test_co_operating_units_complete_on_their_own_and_the_lead_closes_the_document(
    docs, assigned, deputy_cuong, specialist_dung, leader_binh
):
    lead, cooperating, _info = assigned
    lan = docs.lan.user
    service.complete_assignment(cooperating, result="Đã góp ý", acting_user=lan)
    docs.letter.refresh_from_db()
    assert docs.letter.status == IncomingStatus.IN_PROGRESS  # the lead is still working
    mine = service.sub_assign(
        lead, lead=docs.dung, instruction="", acting_user=deputy_cuong
    ).assignments[0]
    reply = OutgoingDocument.objects.create(
        organisation=docs.org_tree.dept_a,
        drafting_unit=docs.org_tree.division_a1,
        document_type=DocumentType.objects.get(code="cong-van"),
        subject="Trả lời",
        created_by=specialist_dung,
    )
    service.complete_assignment(mine, result="", result_document=reply, acting_user=specialist_dung)
    docs.letter.refresh_from_db()
    assert docs.letter.status == IncomingStatus.COMPLETED
    assert docs.letter.completed_at is not None
    lead.refresh_from_db()
    assert (lead.status, lead.result_document) == (AssignmentStatus.COMPLETED, reply)
    events = DocumentEvent.objects.filter(incoming=docs.letter).order_by("pk")
    types = list(events.values_list("type", flat=True))
    assert types[-3:] == ["assignment_completed", "assignment_completed", "completed"]
    # Completed: nothing more to complete.
    with pytest.raises(InvalidTransition):
        service.complete_assignment(mine, result="x", acting_user=specialist_dung)


def test_a_reply_of_another_organisation_is_refused(docs, assigned, leader_binh):
    lead, _co, _info = assigned
    foreign = OutgoingDocument.objects.create(
        organisation=docs.org_tree.dept_b,
        drafting_unit=docs.org_tree.dept_b,
        document_type=DocumentType.objects.get(code="cong-van"),
        subject="Khác",
        created_by=leader_binh,
    )
    with pytest.raises(AssignmentError):
        service.complete_assignment(
            lead, result="", result_document=foreign, acting_user=leader_binh
        )
    lead.refresh_from_db()
    assert lead.status == AssignmentStatus.PENDING


def test_someone_else_cannot_complete_a_persons_assignment(docs, assigned, deputy_cuong, org_tree):
    lead, _co, _info = assigned
    mine = service.sub_assign(
        lead, lead=docs.dung, instruction="", acting_user=deputy_cuong
    ).assignments[0]
    with pytest.raises(PermissionDenied):
        service.complete_assignment(mine, result="x", acting_user=docs.lan.user)
    mine.refresh_from_db()
    assert mine.status == AssignmentStatus.PENDING


def test_opinions_by_those_involved_only(docs, assigned, specialist_dung, other_agency_official):
    opinion = service.add_opinion(
        docs.letter, text="  Cần xin ý kiến Sở B  ", acting_user=specialist_dung
    )
    assert opinion.text == "Cần xin ý kiến Sở B"
    with pytest.raises(PermissionDenied):
        service.add_opinion(docs.letter, text="?", acting_user=other_agency_official)
    with pytest.raises(AssignmentError):
        service.add_opinion(docs.letter, text="   ", acting_user=specialist_dung)


def test_withdrawing_the_lead_puts_the_document_back_to_awaiting_assignment(
    docs, assigned, leader_binh, deputy_cuong
):
    lead, cooperating, _info = assigned
    mine = service.sub_assign(
        lead, lead=docs.dung, instruction="", acting_user=deputy_cuong
    ).assignments[0]
    with pytest.raises(PermissionDenied):
        service.withdraw(lead, acting_user=deputy_cuong)
    withdrawn = service.withdraw(lead, reason="Giao nhầm", acting_user=leader_binh)
    assert set(withdrawn) == {lead.pk, mine.pk}
    docs.letter.refresh_from_db()
    assert docs.letter.status == IncomingStatus.REGISTERED
    cooperating.refresh_from_db()
    assert cooperating.status == AssignmentStatus.PENDING
