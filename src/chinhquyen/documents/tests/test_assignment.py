"""Assignment of incoming documents: the leader gives a document to a lead unit, co-operating
units and for-information recipients, with a deadline in working days (Decree 30/2020 Art. 23).

The fixtures here (``docs``) are imported by the other ``test_assignment*``, ``test_followup*``
and ``test_reminders*`` modules.
"""

import datetime
from dataclasses import dataclass

import pytest
from django.core.exceptions import PermissionDenied

from chinhquyen.audit.models import AuditEntry
from chinhquyen.conftest import _create_organisation, make_role_holder
from chinhquyen.directory.choices import OfficialStatus, OrganisationKind
from chinhquyen.directory.models import Official
from chinhquyen.documents.choices import (
    AssignmentRole,
    AssignmentStatus,
    BookDirection,
    DeliveryStatus,
    EventType,
    IncomingChannel,
    IncomingStatus,
    OutgoingStatus,
    RecipientChannel,
)
from chinhquyen.documents.errors import InvalidTransition
from chinhquyen.documents.models import (
    Assignment,
    DocumentEvent,
    DocumentType,
    IncomingDocument,
    OutgoingDocument,
    Recipient,
    RegistrationBook,
)
from chinhquyen.documents.services import assignment as service
from chinhquyen.documents.services.assignment import AssignmentError, Target
from chinhquyen.worktime.calendar import TZ

pytestmark = pytest.mark.django_db

# Thursday 26 November 2026, 09:00 in Hà Nội (24 Nov is Vietnam Culture Day, a holiday).
THURSDAY = datetime.datetime(2026, 11, 26, 9, 0, tzinfo=TZ)


@dataclass
class Docs:
    """The documents world of dept A: a second division, officials and a registered letter."""

    org_tree: object
    division_a2: object
    dung: Official  # specialist of division A1
    cuong: Official  # division leader of A1
    lan: Official  # specialist of division A2
    book: RegistrationBook
    letter: IncomingDocument

    def incoming(self, **fields) -> IncomingDocument:
        return make_incoming(self.org_tree.dept_a, fields.pop("book", self.book), **fields)


def make_incoming(organisation, book, **fields) -> IncomingDocument:
    """A registered incoming document, made directly (registration is another module)."""
    if book is not None:
        book.last_number += 1
        book.save(update_fields=["last_number"])
    values = {
        "organisation": organisation,
        "book": book,
        "arrival_number": book.last_number if book else None,
        "arrived_at": THURSDAY - datetime.timedelta(hours=1),
        "channel": IncomingChannel.PAPER,
        "status": IncomingStatus.REGISTERED,
        "issuer_name": "Bộ Nội vụ",
        "number": str(100 + (book.last_number if book else 0)),
        "notation": "BNV-VP",
        "document_type": DocumentType.objects.get(code="cong-van"),
        "subject": "V/v báo cáo tình hình thực hiện cải cách hành chính",
        "issued_date": datetime.date(2026, 11, 20),
    }
    values.update(fields)
    return IncomingDocument.objects.create(**values)


def build_docs(org_tree, *, deputy_cuong, specialist_dung) -> Docs:
    """Division A2 with specialist Lan, an incoming book and one registered letter."""
    from chinhquyen.accounts.choices import Role

    division_a2 = _create_organisation(
        parent=org_tree.dept_a, name="Phòng A2", kind=OrganisationKind.DIVISION
    )
    lan_user = make_role_holder(
        "specialist_lan",
        full_name="Đinh Thị Lan",
        organisation=division_a2,
        role=Role.SPECIALIST,
        position="Chuyên viên",
    )
    book = RegistrationBook.objects.create(
        organisation=org_tree.dept_a,
        year=2026,
        direction=BookDirection.INCOMING,
        code="den",
        name="Sổ văn bản đến",
    )
    return Docs(
        org_tree=org_tree,
        division_a2=division_a2,
        dung=Official.objects.get(user=specialist_dung),
        cuong=Official.objects.get(user=deputy_cuong),
        lan=Official.objects.get(user=lan_user),
        book=book,
        letter=make_incoming(org_tree.dept_a, book),
    )


@pytest.fixture
def docs(org_tree, leader_binh, deputy_cuong, specialist_dung, clerk_hoa) -> Docs:
    return build_docs(org_tree, deputy_cuong=deputy_cuong, specialist_dung=specialist_dung)


def _state(document: IncomingDocument) -> tuple:
    document.refresh_from_db()
    return (
        document.status,
        Assignment.objects.filter(document=document).count(),
        DocumentEvent.objects.filter(incoming=document).count(),
    )


def test_leader_assigns_a_lead_unit_and_co_operating_units_with_a_working_day_deadline(
    docs, leader_binh
):
    # Given a registered letter of department A
    # When its leader gives it to division A1 (lead) with division A2 co-operating and the
    # clerk's office of the department for information, 3 working days from Thursday 09:00
    result = service.assign(
        docs.letter,
        lead=docs.org_tree.division_a1,
        cooperating=[docs.division_a2],
        information=[docs.org_tree.dept_a],
        due_days=3,
        instruction="Đề nghị Phòng A1 chủ trì, tham mưu văn bản trả lời.",
        acting_user=leader_binh,
        now=THURSDAY,
    )
    # Then the deadline is Tuesday 09:00 (Saturday and Sunday skipped)
    tuesday = datetime.datetime(2026, 12, 1, 9, 0, tzinfo=TZ)
    assert result.due_at == tuesday
    assert result.warnings == []
    rows = {
        (a.role, a.unit.name, a.due_at) for a in Assignment.objects.filter(document=docs.letter)
    }
    assert rows == {
        (AssignmentRole.LEAD, "Phòng A1", tuesday),
        (AssignmentRole.COOPERATE, "Phòng A2", tuesday),
        (AssignmentRole.INFORMATION, "Sở A", None),
    }
    docs.letter.refresh_from_db()
    assert docs.letter.status == IncomingStatus.ASSIGNED
    event = DocumentEvent.objects.get(incoming=docs.letter, type=EventType.ASSIGNED)
    assert event.actor == leader_binh
    assert event.note == "Đề nghị Phòng A1 chủ trì, tham mưu văn bản trả lời."
    assert AuditEntry.objects.filter(action="documents.assign_incoming").count() == 1


def test_a_deadline_on_a_saturday_moves_to_monday_and_says_so(docs, leader_binh):
    result = service.assign(
        docs.letter,
        lead=docs.dung,
        due_date=datetime.date(2026, 11, 28),
        instruction="",
        acting_user=leader_binh,
        now=THURSDAY,
    )
    assert result.due_at == datetime.datetime(2026, 11, 30, 17, 0, tzinfo=TZ)
    assert result.warnings == [
        "28/11/2026 không phải là ngày làm việc; hạn xử lý được chuyển sang ngày làm việc tiếp "
        "theo, 30/11/2026. / 28/11/2026 is not a working day; the deadline was moved to the next "
        "working day, 30/11/2026."
    ]
    lead = Assignment.objects.get(document=docs.letter)
    assert (lead.unit, lead.assignee) == (docs.org_tree.division_a1, docs.dung)
    event = DocumentEvent.objects.get(incoming=docs.letter, type=EventType.ASSIGNED)
    assert event.details["requested_date"] == "2026-11-28"
    assert event.details["warnings"] == result.warnings


def test_a_past_deadline_is_refused(docs, leader_binh):
    before = _state(docs.letter)
    with pytest.raises(AssignmentError) as error:
        service.assign(
            docs.letter,
            lead=docs.org_tree.division_a1,
            due_date=datetime.date(2026, 11, 25),
            instruction="",
            acting_user=leader_binh,
            now=THURSDAY,
        )
    assert "25/11/2026" in error.value.message
    assert _state(docs.letter) == before


def test_a_non_leader_cannot_assign_and_nothing_changes(docs, specialist_dung, deputy_cuong):
    before = _state(docs.letter)
    # The division leader leads division A1 only, not the department that received the letter.
    for user in (specialist_dung, deputy_cuong):
        with pytest.raises(PermissionDenied):
            service.assign(
                docs.letter,
                lead=docs.org_tree.division_a1,
                due_days=3,
                instruction="",
                acting_user=user,
                now=THURSDAY,
            )
    assert _state(docs.letter) == before
    assert not AuditEntry.objects.filter(action="documents.assign_incoming").exists()


@pytest.mark.parametrize(
    "status",
    [
        IncomingStatus.RECEIVED,
        IncomingStatus.RETURNED,
        IncomingStatus.RECALLED,
        IncomingStatus.COMPLETED,
    ],
)
def test_only_a_registered_document_can_be_assigned(docs, leader_binh, status):
    fields = {"status": status}
    if status == IncomingStatus.RECEIVED:
        fields.update(book=None)
    document = docs.incoming(**fields)
    before = _state(document)
    with pytest.raises(InvalidTransition) as error:
        service.assign(
            document,
            lead=docs.org_tree.division_a1,
            due_days=2,
            instruction="",
            acting_user=leader_binh,
            now=THURSDAY,
        )
    assert error.value.status == 409
    assert _state(document) == before


def test_units_outside_the_organisation_and_inactive_people_are_refused(docs, leader_binh):
    before = _state(docs.letter)
    with pytest.raises(AssignmentError, match="Sở B"):
        service.assign(
            docs.letter,
            lead=docs.org_tree.division_a1,
            cooperating=[docs.org_tree.dept_b],
            due_days=2,
            instruction="",
            acting_user=leader_binh,
            now=THURSDAY,
        )
    Official.objects.filter(pk=docs.lan.pk).update(status=OfficialStatus.ON_LEAVE)
    docs.lan.refresh_from_db()
    with pytest.raises(AssignmentError, match="Đinh Thị Lan"):
        service.assign(
            docs.letter, lead=docs.lan, due_days=2, instruction="", acting_user=leader_binh
        )
    # A person must work in the unit named with them.
    with pytest.raises(AssignmentError, match="Phạm Minh Dũng"):
        service.assign(
            docs.letter,
            lead=Target(unit=docs.division_a2, person=docs.dung),
            due_days=2,
            instruction="",
            acting_user=leader_binh,
        )
    assert _state(docs.letter) == before


def test_re_assignment_withdraws_the_old_tree_and_keeps_it_as_history(
    docs, leader_binh, deputy_cuong
):
    first = service.assign(
        docs.letter,
        lead=docs.org_tree.division_a1,
        cooperating=[docs.division_a2],
        due_days=3,
        instruction="",
        acting_user=leader_binh,
        now=THURSDAY,
    )
    lead = first.assignments[0]
    service.sub_assign(lead, lead=docs.dung, instruction="", acting_user=deputy_cuong, now=THURSDAY)
    # When the leader changes the lead to division A2
    second = service.assign(
        docs.letter,
        lead=docs.division_a2,
        due_days=5,
        instruction="Chuyển Phòng A2 chủ trì.",
        acting_user=leader_binh,
        now=THURSDAY,
    )
    # Then the three earlier rows are withdrawn, not deleted
    assert len(second.withdrawn) == 3
    statuses = dict(
        Assignment.objects.filter(document=docs.letter).values_list("pk", "status").order_by("pk")
    )
    assert list(statuses.values()) == [AssignmentStatus.CANCELLED] * 3 + [AssignmentStatus.PENDING]
    assert AuditEntry.objects.filter(action="documents.reassign_incoming").count() == 1


def _sent_on_the_platform(docs) -> Recipient:
    """Department B sent the letter to department A on this platform."""
    outgoing = OutgoingDocument.objects.create(
        organisation=docs.org_tree.dept_b,
        drafting_unit=docs.org_tree.dept_b,
        document_type=DocumentType.objects.get(code="cong-van"),
        subject="V/v phối hợp",
        status=OutgoingStatus.ISSUED,
        created_by=docs.dung.user,
    )
    return Recipient.objects.create(
        document=outgoing,
        organisation=docs.org_tree.dept_a,
        name="Sở A",
        channel=RecipientChannel.INTERNAL,
        status=DeliveryStatus.ACCEPTED,
    )


def test_the_sender_on_the_platform_sees_assigned_then_in_progress_then_completed(
    docs, leader_binh, deputy_cuong, specialist_dung
):
    recipient = _sent_on_the_platform(docs)
    letter = docs.incoming(channel=IncomingChannel.INTERNAL, source_recipient=recipient)
    lead = service.assign(
        letter,
        lead=docs.org_tree.division_a1,
        cooperating=[docs.division_a2],
        due_days=3,
        instruction="",
        acting_user=leader_binh,
        now=THURSDAY,
    ).assignments[0]
    recipient.refresh_from_db()
    assert recipient.status == DeliveryStatus.ASSIGNED
    mine = service.sub_assign(
        lead, lead=docs.dung, instruction="", acting_user=deputy_cuong, now=THURSDAY
    ).assignments[0]
    service.start(mine, acting_user=specialist_dung)
    recipient.refresh_from_db()
    letter.refresh_from_db()
    assert (recipient.status, letter.status) == (
        DeliveryStatus.IN_PROGRESS,
        IncomingStatus.IN_PROGRESS,
    )
    service.complete_assignment(mine, result="Đã trả lời", acting_user=specialist_dung)
    recipient.refresh_from_db()
    letter.refresh_from_db()
    assert recipient.status == DeliveryStatus.COMPLETED
    assert letter.status == IncomingStatus.COMPLETED
