"""The review chain: who may review, in which order, returning and resubmitting; a wrong
state is 409 and a wrong person 403, and then nothing changes."""

# ruff: noqa: F811 (fixtures imported from the outgoing test fixtures are parameters here)

import pytest
from django.core.exceptions import PermissionDenied

from chinhquyen.documents.choices import (
    EventType,
    OutgoingStatus,
    ReviewDecision,
    ReviewerRole,
)
from chinhquyen.documents.errors import DocumentError, InvalidTransition
from chinhquyen.documents.models import DraftComment, ReviewStep
from chinhquyen.documents.services.review import (
    approve_step,
    current_step,
    return_for_changes,
    submit_for_review,
)
from chinhquyen.documents.tests.test_outgoing_fixtures import make_draft, named_tree  # noqa: F401


@pytest.fixture
def draft(named_tree, specialist_dung, leader_binh):
    return make_draft(named_tree, specialist_dung, leader_binh)


def chain(deputy, leader):
    return [(ReviewerRole.DIVISION_LEADER, deputy), (ReviewerRole.AGENCY_LEADER, leader)]


def snapshot(document):
    document.refresh_from_db()
    return (
        document.status,
        list(document.review_steps.values_list("order", "decision", "comment")),
        document.events.count(),
    )


def test_approvals_in_order_make_it_approved(draft, specialist_dung, deputy_cuong, leader_binh):
    steps = submit_for_review(draft, chain(deputy_cuong, leader_binh), specialist_dung)
    assert [s.order for s in steps] == [101, 102]
    assert draft.status == OutgoingStatus.IN_REVIEW
    assert current_step(draft).reviewer == deputy_cuong

    # The agency leader cannot approve before the division leader: not their turn.
    before = snapshot(draft)
    with pytest.raises(PermissionDenied):
        approve_step(draft, leader_binh)
    assert snapshot(draft) == before

    approve_step(draft, deputy_cuong, "Đồng ý trình")
    assert current_step(draft).reviewer == leader_binh
    step = approve_step(draft, leader_binh)
    assert step.version.number == 1
    assert draft.status == OutgoingStatus.APPROVED
    assert current_step(draft) is None
    assert list(draft.events.values_list("type", flat=True)) == [
        EventType.SUBMITTED,
        EventType.APPROVED,
        EventType.APPROVED,
    ]


def test_wrong_state_is_409_and_nothing_changes(draft, deputy_cuong, leader_binh):
    before = snapshot(draft)
    with pytest.raises(InvalidTransition) as caught:
        approve_step(draft, deputy_cuong)
    assert caught.value.status == 409
    with pytest.raises(InvalidTransition):
        return_for_changes(draft, "Sửa lại", deputy_cuong)
    assert snapshot(draft) == before


def test_outsider_cannot_submit(draft, other_agency_official, deputy_cuong, leader_binh):
    before = snapshot(draft)
    with pytest.raises(PermissionDenied):
        submit_for_review(draft, chain(deputy_cuong, leader_binh), other_agency_official)
    assert snapshot(draft) == before


@pytest.mark.parametrize(
    ("steps", "code"),
    [
        ([], "chain_required"),
        ([("division_leader", "deputy_cuong")], "chain_without_leader"),
        ([("agency_leader", "deputy_cuong")], "reviewer_not_eligible"),
        ([("agency_leader", "other_agency_official")], "reviewer_not_eligible"),
        ([("division_leader", "specialist_dung"), ("agency_leader", "leader_binh")], "self_review"),
        (
            [("agency_leader", "leader_binh"), ("division_leader", "deputy_cuong")],
            "chain_order",
        ),
    ],
)
def test_bad_chains_are_refused(draft, personas, specialist_dung, steps, code):
    before = snapshot(draft)
    with pytest.raises(DocumentError) as caught:
        submit_for_review(draft, [(role, personas[name]) for role, name in steps], specialist_dung)
    assert caught.value.code == code
    assert " / " in caught.value.message  # Vietnamese / English
    assert snapshot(draft) == before


def test_return_then_resubmit_to_the_same_reviewers(
    draft, specialist_dung, deputy_cuong, leader_binh
):
    submit_for_review(draft, chain(deputy_cuong, leader_binh), specialist_dung)
    with pytest.raises(DocumentError):
        return_for_changes(draft, "   ", deputy_cuong)
    with pytest.raises(PermissionDenied):
        return_for_changes(draft, "Sửa Điều 2", leader_binh)

    return_for_changes(draft, "Sửa Điều 2", deputy_cuong)
    assert draft.status == OutgoingStatus.DRAFT
    assert DraftComment.objects.get(document=draft).text == "Sửa Điều 2"
    # The returned decision stays; the leader's step was never reached and is gone.
    assert list(draft.review_steps.values_list("order", "decision")) == [
        (101, ReviewDecision.RETURNED)
    ]

    submit_for_review(draft, None, specialist_dung)
    assert list(
        ReviewStep.objects.filter(document=draft).values_list("order", "reviewer", "decision")
    ) == [
        (101, deputy_cuong.pk, ReviewDecision.RETURNED),
        (201, deputy_cuong.pk, ReviewDecision.PENDING),
        (202, leader_binh.pk, ReviewDecision.PENDING),
    ]
    approve_step(draft, deputy_cuong)
    approve_step(draft, leader_binh)
    assert draft.status == OutgoingStatus.APPROVED
