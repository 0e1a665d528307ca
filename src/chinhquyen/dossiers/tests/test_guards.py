import pytest
from django.core.exceptions import PermissionDenied

from chinhquyen.dossiers.choices import DossierStatus
from chinhquyen.dossiers.exceptions import DossierError, InvalidTransition, StaleDossier
from chinhquyen.dossiers.models import DossierEvent
from chinhquyen.dossiers.services import flag_overdue, transition
from chinhquyen.dossiers.tests.conftest import at


def snapshot(dossier):
    dossier.refresh_from_db()
    return (dossier.status, dossier.current_step_id, dossier.version, dossier.events.count())


@pytest.mark.django_db
def test_wrong_state_is_invalid_transition_and_changes_nothing(receive, officer_an):
    dossier = receive()
    before = snapshot(dossier)
    with pytest.raises(InvalidTransition) as refused:
        transition(dossier, "return_result", acting_user=officer_an, return_method="counter")
    assert refused.value.status == 409
    assert snapshot(dossier) == before


@pytest.mark.django_db
def test_wrong_role_is_permission_denied_and_changes_nothing(receive, specialist_dung, officer_an):
    dossier = receive()
    transition(dossier, "forward", acting_user=officer_an, at=at(2026, 2, 5, 10, 0))
    before = snapshot(dossier)
    # The review step is the specialist's: the one-stop officer may not transfer it.
    with pytest.raises(PermissionDenied):
        transition(dossier, "transfer", acting_user=officer_an, at=at(2026, 2, 5, 11, 0))
    assert snapshot(dossier) == before


@pytest.mark.django_db
def test_action_not_in_the_process_is_refused(receive, officer_an):
    dossier = receive()
    with pytest.raises(InvalidTransition) as refused:
        transition(dossier, "approve", acting_user=officer_an)
    assert refused.value.code == "action_not_in_process"


@pytest.mark.django_db
def test_stale_version_loses_with_a_reload_message(receive, officer_an, specialist_dung):
    dossier = receive()
    version = dossier.version
    transition(dossier, "forward", acting_user=officer_an, expected_version=version)
    before = snapshot(dossier)
    with pytest.raises(StaleDossier) as lost:
        transition(dossier, "forward", acting_user=officer_an, expected_version=version)
    assert lost.value.status == 409 and lost.value.code == "dossier_changed"
    assert snapshot(dossier) == before


@pytest.mark.django_db
def test_a_comment_only_adds_an_event_and_never_goes_stale(receive, officer_an, leader_binh):
    # Given a dossier whose page leader_binh loaded at version 1, then officer_an acted on it
    dossier = receive()
    seen_version = dossier.version
    transition(dossier, "forward", acting_user=officer_an, expected_version=seen_version)
    status, step, version, events = snapshot(dossier)
    # When leader_binh comments from the old page
    transition(
        dossier, "comment", acting_user=leader_binh, note="Ưu tiên", expected_version=seen_version
    )
    # Then the comment is recorded and nothing else changes (not even the version)
    assert snapshot(dossier) == (status, step, version, events + 1)
    comment = dossier.events.order_by("-id").first()
    assert (comment.type, comment.note, comment.actor) == ("commented", "Ưu tiên", leader_binh)


@pytest.mark.django_db
def test_reject_needs_a_reason(receive, officer_an, specialist_dung, specialist_minh, leader_binh):
    dossier = receive()
    transition(dossier, "forward", acting_user=officer_an, at=at(2026, 2, 5, 10, 0))
    transition(dossier, "transfer", acting_user=specialist_dung, at=at(2026, 2, 5, 11, 0))
    transition(dossier, "forward", acting_user=specialist_minh, at=at(2026, 2, 5, 14, 0))
    with pytest.raises(DossierError) as refused:
        transition(dossier, "reject", acting_user=leader_binh, note="  ")
    assert refused.value.code == "reason_required"
    transition(
        dossier,
        "reject",
        acting_user=leader_binh,
        note="Không đủ điều kiện",
        at=at(2026, 2, 6, 9, 0),
    )
    assert dossier.status == DossierStatus.REJECTED
    assert dossier.rejection_reason == "Không đủ điều kiện"


@pytest.mark.django_db
def test_supplement_after_the_window_is_refused(receive, officer_an, specialist_dung):
    dossier = receive(received_at=at(2026, 2, 5, 9, 0))
    transition(dossier, "forward", acting_user=officer_an, at=at(2026, 2, 5, 10, 0))
    with pytest.raises(InvalidTransition) as refused:
        # 3 working days after Thu 5 Feb 09:00 is Tue 10 Feb 09:00.
        transition(
            dossier,
            "request_supplement",
            acting_user=specialist_dung,
            requested_components=dossier.procedure_version.components.all()[:1],
            note="Thiếu",
            at=at(2026, 2, 10, 9, 1),
        )
    assert refused.value.code == "supplement_window_closed"


@pytest.mark.django_db
def test_apology_less_than_a_working_day_before_the_deadline_is_refused(receive, leader_binh):
    dossier = receive(received_at=at(2026, 2, 5, 9, 0))  # due Thu 12 Feb 09:00
    with pytest.raises(InvalidTransition) as refused:
        transition(
            dossier,
            "issue_apology",
            acting_user=leader_binh,
            note="Trễ",
            new_due_at=at(2026, 2, 27, 9, 0),
            at=at(2026, 2, 11, 9, 1),
        )
    assert refused.value.code == "apology_too_late"


@pytest.mark.django_db
def test_withdrawal_by_the_applicant(receive, citizen_chi, other_citizen):
    dossier = receive(applicant={"name": "Chi", "phone": "0912345678", "user": citizen_chi})
    with pytest.raises(PermissionDenied):
        transition(dossier, "withdraw", acting_user=other_citizen)
    transition(dossier, "withdraw", acting_user=citizen_chi, note="Không cần nữa")
    assert dossier.status == DossierStatus.WITHDRAWN


@pytest.mark.django_db
def test_overdue_without_apology_is_flagged_once_to_the_leader(receive, leader_binh):
    dossier = receive(received_at=at(2026, 2, 5, 9, 0))
    assert flag_overdue(now=at(2026, 2, 12, 9, 1)) == 1
    assert flag_overdue(now=at(2026, 2, 12, 10, 0)) == 0
    notification = dossier.notifications.get(kind="overdue")
    assert notification.recipient == leader_binh
    assert DossierEvent.objects.filter(dossier=dossier, type="flagged_overdue").count() == 1


@pytest.mark.django_db
def test_events_are_append_only(receive):
    event = receive().events.first()
    with pytest.raises(ValueError):
        event.save()
    with pytest.raises(ValueError):
        event.delete()
