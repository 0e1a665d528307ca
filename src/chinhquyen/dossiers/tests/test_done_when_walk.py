"""The "Done when" walk of issue 3, every deadline checked to the minute across Tết 2026.

Tết 2026: Monday 16 – Friday 20 February are days off (with the weekends, 14–22 Feb).
"""

import pytest

from chinhquyen.dossiers.choices import DossierStatus, EventType, Outcome
from chinhquyen.dossiers.exceptions import InvalidTransition
from chinhquyen.dossiers.models import DossierStepRun, Evaluation, IndicatorScore, PostalOrder
from chinhquyen.dossiers.services import record_evaluation, record_payment, transition
from chinhquyen.dossiers.tests.conftest import at


@pytest.mark.django_db
def test_counter_to_two_agencies_supplement_late_apology_post_and_rating(
    receive,
    catalogue,
    coded_orgs,
    officer_an,
    specialist_dung,
    specialist_minh,
    leader_binh,
    citizen_chi,
):
    # Given a paper dossier received at the counter on Thu 5 Feb 2026 at 15:30 (after 15:00)
    dossier = receive(
        received_at=at(2026, 2, 5, 15, 30),
        applicant={
            "name": "Ngô Thị Chi",
            "phone": "0912345678",
            "user": citizen_chi,
            "address": "12 Trần Phú",
        },
    )
    # Then the code embeds department A's QCVN code, the date and the day's first number,
    assert dossier.code == "000.00.12.H37-260205-0001"
    assert dossier.status == DossierStatus.RECEIVED
    # the legal deadline is 5 working days after receipt (Thu 12 Feb 15:30),
    assert dossier.legal_due_at == at(2026, 2, 12, 15, 30)
    assert dossier.original_due_at == dossier.due_at == at(2026, 2, 12, 15, 30)
    # and the dossier reaches the processing step at the start of the next working day (Art. 18).
    assert dossier.handed_over_at == at(2026, 2, 6, 7, 30)
    first = DossierStepRun.objects.get(dossier=dossier)
    assert (first.started_at, first.due_at) == (at(2026, 2, 6, 7, 30), at(2026, 2, 6, 11, 30))

    # When the one-stop officer forwards it on Fri 6 Feb 08:00
    transition(dossier, "forward", acting_user=officer_an, at=at(2026, 2, 6, 8, 0))
    first.refresh_from_db()
    assert first.outcome == Outcome.ON_TIME
    review = dossier.step_runs.get(step=catalogue.review, finished_at__isnull=True)
    # the review step (15 working hours) is due Tue 10 Feb 08:00.
    assert review.due_at == at(2026, 2, 10, 8, 0)
    assert dossier.status == DossierStatus.IN_PROCESSING

    # When the specialist asks for a supplement on Mon 9 Feb 10:00 (within 3 working days)
    transition(
        dossier,
        "request_supplement",
        acting_user=specialist_dung,
        requested_components=[catalogue.application_form],
        note="Thiếu bản vẽ mặt bằng",
        at=at(2026, 2, 9, 10, 0),
    )
    assert dossier.status == DossierStatus.AWAITING_SUPPLEMENT
    assert dossier.notifications.filter(kind="supplement_requested").count() == 1
    # the request names the component to bring again
    request = dossier.supplement_requests.get()
    assert [c.name for c in request.components.all()] == ["Đơn đề nghị"]

    # and the complete dossier arrives Wed 11 Feb 09:00: the clock restarts from zero (Art. 19(4))
    transition(dossier, "receive_supplement", acting_user=officer_an, at=at(2026, 2, 11, 9, 0))
    # 5 working days from Wed 11 Feb 09:00, skipping Tết (16–20 Feb): Wed 25 Feb 09:00.
    assert dossier.legal_due_at == dossier.due_at == at(2026, 2, 25, 9, 0)
    assert dossier.original_due_at == at(2026, 2, 12, 15, 30)
    event = dossier.events.get(type=EventType.SUPPLEMENT_RECEIVED)
    # Paused: Mon 9 Feb 10:00 → Wed 11 Feb 09:00 = 5 h + 7.5 h + 1.5 h of working time.
    assert event.data["paused_working_seconds"] == 14 * 3600
    review = dossier.step_runs.get(step=catalogue.review, finished_at__isnull=True)
    assert (review.started_at, review.due_at) == (at(2026, 2, 11, 9, 0), at(2026, 2, 13, 9, 0))

    # When the specialist transfers it to department B on Thu 12 Feb 10:00 (liên thông)
    transition(dossier, "transfer", acting_user=specialist_dung, at=at(2026, 2, 12, 10, 0))
    assert dossier.status == DossierStatus.TRANSFERRED
    assert dossier.current_agency == coded_orgs.dept_b
    opinion = dossier.step_runs.get(step=catalogue.opinion)
    # the sub-deadline at department B (7.5 working hours) is Fri 13 Feb 10:00.
    assert (opinion.agency, opinion.due_at) == (coded_orgs.dept_b, at(2026, 2, 13, 10, 0))
    # Department A's specialist cannot act at department B's step.
    with pytest.raises(Exception) as denied:
        transition(dossier, "forward", acting_user=specialist_dung, at=at(2026, 2, 12, 11, 0))
    assert denied.type.__name__ == "PermissionDenied"

    # When the leader sees it will be late and apologises on Mon 23 Feb 14:00 (≥ 1 working day
    # before Wed 25 Feb 09:00) with a new appointment Fri 27 Feb 16:00
    transition(
        dossier,
        "issue_apology",
        acting_user=leader_binh,
        note="Chờ ý kiến Sở B",
        new_due_at=at(2026, 2, 27, 16, 0),
        at=at(2026, 2, 23, 14, 0),
    )
    assert dossier.due_at == at(2026, 2, 27, 16, 0)
    assert dossier.appointment_moves == 1
    # then a second move is refused and nothing changes.
    version = dossier.version
    with pytest.raises(InvalidTransition) as refused:
        transition(
            dossier,
            "issue_apology",
            acting_user=leader_binh,
            note="Lần nữa",
            new_due_at=at(2026, 3, 6, 16, 0),
            at=at(2026, 2, 23, 15, 0),
        )
    assert refused.value.code == "appointment_already_moved"
    dossier.refresh_from_db()
    assert (dossier.due_at, dossier.version) == (at(2026, 2, 27, 16, 0), version)

    # When department B answers late on Tue 24 Feb 09:00
    transition(dossier, "forward", acting_user=specialist_minh, at=at(2026, 2, 24, 9, 0))
    opinion.refresh_from_db()
    assert opinion.outcome == Outcome.LATE
    assert dossier.status == DossierStatus.IN_PROCESSING
    decide = dossier.step_runs.get(step=catalogue.decide)
    assert decide.due_at == at(2026, 2, 25, 9, 0)

    # and the leader approves on Thu 26 Feb 10:00
    transition(dossier, "approve", acting_user=leader_binh, at=at(2026, 2, 26, 10, 0))
    # Then the result is ready, late against the legal deadline (the apology does not erase it).
    assert dossier.status == DossierStatus.RESULT_READY
    assert dossier.outcome == Outcome.LATE
    assert dossier.original_due_at == at(2026, 2, 12, 15, 30)
    assert dossier.legal_due_at == at(2026, 2, 25, 9, 0)

    # When the fee is paid and the result is returned by post
    payment = dossier.payments.get()
    record_payment(
        payment,
        method="cash",
        receipt_number="BL-0001",
        acting_user=officer_an,
        paid_at=at(2026, 2, 26, 14, 0),
    )
    transition(
        dossier,
        "return_result",
        acting_user=officer_an,
        return_method="post",
        tracking_number="EMS123456789VN",
        at=at(2026, 2, 26, 15, 0),
    )
    assert dossier.status == DossierStatus.RETURNED
    assert dossier.finished_at == at(2026, 2, 26, 15, 0)
    assert PostalOrder.objects.get(dossier=dossier).tracking_number == "EMS123456789VN"

    # and the applicant rates the service
    record_evaluation(
        dossier,
        ratings={
            "time_rating": 0,
            "agencies_contacted": 1,
            "contacts_needed": 1,
            "procedure_accuracy": 2,
            "attitude": 2,
            "lawfulness": 2,
            "comment": "Chậm",
        },
        acting_user=citizen_chi,
    )
    assert Evaluation.objects.get(dossier=dossier).contacts_needed == 1
    scores = dict(
        IndicatorScore.objects.filter(dossier=dossier, subject="dossier").values_list(
            "indicator", "points"
        )
    )
    # Indicator 1: late → 0; 3: one supplement → 1; 4: one agency → 1; 6: 2; 7: late → 0.
    assert {k: int(v) for k, v in scores.items() if k != 2} == {1: 0, 3: 1, 4: 1, 6: 2, 7: 0}

    # The timeline holds every event, in order.
    assert list(dossier.events.order_by("at", "id").values_list("type", flat=True)) == [
        "received",
        "handed_over",
        "forwarded",
        "supplement_requested",
        "supplement_received",
        "transferred",
        "apology_issued",
        "forwarded",
        "approved",
        "payment_recorded",
        "result_returned",
        "evaluated",
    ]
