"""A named assignment belongs to the step it was made at: moving on hands the dossier to the
performers of the next step (reported: "an assigned dossier never reaches the leader")."""

import pytest

from chinhquyen.directory.models import Official
from chinhquyen.dossiers.services import queue, transition
from chinhquyen.dossiers.tests.conftest import at


def codes(user, name="to_process") -> list[str]:
    return [d.code for d in queue(user, name)]


@pytest.fixture
def review_forwards_to_decide(catalogue):
    from chinhquyen.procedures.choices import StepAction
    from chinhquyen.procedures.models import ProcessTransition

    ProcessTransition.objects.create(
        step=catalogue.review, action=StepAction.FORWARD, next_step=catalogue.decide
    )
    return catalogue


@pytest.mark.django_db
def test_a_dossier_assigned_at_review_reaches_the_leader_when_forwarded(
    review_forwards_to_decide, receive, officer_an, deputy_cuong, specialist_dung, leader_binh
):
    # Given a dossier at the review step, assigned by name to specialist Dũng
    dossier = receive()
    transition(dossier, "forward", acting_user=officer_an, at=at(2026, 2, 5, 10, 0))
    transition(
        dossier,
        "assign",
        acting_user=deputy_cuong,
        assignee=Official.objects.get(user=specialist_dung),
        at=at(2026, 2, 5, 10, 30),
    )
    assert codes(specialist_dung) == [dossier.code]
    assert codes(leader_binh) == []
    # When Dũng forwards it to the leader's decision step
    transition(dossier, "forward", acting_user=specialist_dung, at=at(2026, 2, 5, 14, 0))
    # Then it is unassigned, in the agency leader's queue and no longer in Dũng's
    dossier.refresh_from_db()
    assert dossier.current_step == review_forwards_to_decide.decide
    assert dossier.assignee is None
    assert codes(leader_binh) == [dossier.code]
    assert codes(specialist_dung) == []


@pytest.mark.django_db
def test_a_dossier_assigned_at_review_leaves_the_assignee_when_returned(
    receive, catalogue, officer_an, deputy_cuong, specialist_dung
):
    dossier = receive()
    transition(dossier, "forward", acting_user=officer_an, at=at(2026, 2, 5, 10, 0))
    transition(
        dossier,
        "assign",
        acting_user=deputy_cuong,
        assignee=Official.objects.get(user=specialist_dung),
        at=at(2026, 2, 5, 10, 30),
    )
    transition(dossier, "return", acting_user=specialist_dung, at=at(2026, 2, 5, 11, 0))
    dossier.refresh_from_db()
    assert dossier.current_step == catalogue.receive
    assert dossier.assignee is None
    assert codes(officer_an) == [dossier.code]
    assert codes(specialist_dung) == []
