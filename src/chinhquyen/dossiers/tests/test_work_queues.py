"""Work queues per role: to process, due soon, overdue, flagged, supplement, transferred."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from chinhquyen.accounts.choices import Role
from chinhquyen.conftest import make_role_holder
from chinhquyen.directory.models import Official
from chinhquyen.dossiers.models import DossierStepRun
from chinhquyen.dossiers.services import flag_overdue, queue, transition
from chinhquyen.dossiers.services.queries import annotate_risk
from chinhquyen.dossiers.tests.conftest import at


def codes(user, name, now=None) -> list[str]:
    return [d.code for d in queue(user, name, now=now)]


@pytest.mark.django_db
def test_to_process_follows_the_step_role_the_agency_and_the_assignee(
    receive,
    officer_an,
    specialist_dung,
    deputy_cuong,
    leader_binh,
    specialist_minh,
    other_agency_official,
    coded_orgs,
):
    # Given a dossier just received at department A (step "receive", one-stop officer)
    dossier = receive()
    assert codes(officer_an, "to_process") == [dossier.code]
    assert codes(specialist_dung, "to_process") == []
    assert codes(other_agency_official, "to_process") == []  # one-stop officer elsewhere
    # When it is forwarded to the review step (specialist)
    transition(dossier, "forward", acting_user=officer_an, at=at(2026, 2, 5, 10, 0))
    assert codes(officer_an, "to_process") == []
    assert codes(specialist_dung, "to_process") == [dossier.code]
    assert codes(specialist_minh, "to_process") == []  # a specialist of department B
    # When the division leader assigns it by name to specialist Em (same division)
    em = make_role_holder(
        "specialist_em",
        full_name="Phan Thị Em",
        organisation=coded_orgs.division_a1,
        role=Role.SPECIALIST,
    )
    assert codes(em, "to_process") == [dossier.code]
    transition(
        dossier,
        "assign",
        acting_user=deputy_cuong,
        assignee=Official.objects.get(user=em),
        at=at(2026, 2, 5, 10, 30),
    )
    # Then the assignee sees it, and the other specialists no longer do
    assert codes(em, "to_process") == [dossier.code]
    assert codes(specialist_dung, "to_process") == []
    # When Em transfers it to department B (liên thông)
    transition(dossier, "transfer", acting_user=em, at=at(2026, 2, 5, 11, 0))
    assert codes(specialist_minh, "to_process") == [dossier.code]
    assert codes(specialist_dung, "transferred") == [dossier.code]
    assert codes(em, "to_process") == []
    # and back at the decision step, the agency leader has it
    transition(dossier, "forward", acting_user=specialist_minh, at=at(2026, 2, 5, 14, 0))
    assert codes(leader_binh, "to_process") == [dossier.code]
    assert codes(specialist_minh, "to_process") == []


@pytest.mark.django_db
def test_due_soon_overdue_and_awaiting_supplement(receive, officer_an, specialist_dung):
    dossier = receive()  # due Thu 12 Feb 2026 09:00
    assert codes(officer_an, "due_soon", now=at(2026, 2, 11, 9, 30)) == [dossier.code]
    assert codes(officer_an, "due_soon", now=at(2026, 2, 9, 9, 0)) == []
    assert codes(officer_an, "overdue", now=at(2026, 2, 12, 9, 1)) == [dossier.code]
    transition(dossier, "forward", acting_user=officer_an, at=at(2026, 2, 5, 10, 0))
    transition(
        dossier,
        "request_supplement",
        acting_user=specialist_dung,
        requested_components=dossier.procedure_version.components.all()[:1],
        note="Thiếu bản vẽ",
        at=at(2026, 2, 6, 9, 0),
    )
    assert codes(officer_an, "awaiting_supplement") == [dossier.code]
    assert codes(officer_an, "overdue", now=at(2026, 2, 13, 9, 0)) == []


@pytest.mark.django_db
def test_at_risk_when_less_time_is_left_than_the_step_usually_takes(receive, officer_an, catalogue):
    # Given three earlier dossiers whose receive step took 2 h, 3 h and 3.5 h (median 3 h)
    for minute, hours in ((1, 2), (2, 3), (3, 3.5)):
        done = receive(received_at=at(2026, 2, 4, 7, 30 + minute))
        transition(
            done,
            "forward",
            acting_user=officer_an,
            at=at(2026, 2, 4, 7, 30 + minute) + timedelta(hours=hours),
        )
    # and a new one whose receive step (4 h) started at 07:30 on Fri 6 Feb
    dossier = receive(received_at=at(2026, 2, 6, 7, 30))
    run = DossierStepRun.objects.get(dossier=dossier)
    assert run.due_at == at(2026, 2, 6, 11, 30)
    # Then at 08:00 (3.5 h left) it is not at risk, at 08:31 (2 h 59 min left) it is
    [early] = annotate_risk([dossier], now=at(2026, 2, 6, 8, 0))
    assert early.at_risk is False
    [later] = annotate_risk([dossier], now=at(2026, 2, 6, 8, 31))
    assert later.at_risk is True


@pytest.mark.django_db
def test_overdue_without_apology_is_shown_to_the_agency_leader(
    client, login, receive, leader_binh, officer_an
):
    from django.utils import timezone

    # Given a dossier past its appointment without an apology, flagged by the periodic task
    dossier = receive(received_at=at(2026, 2, 5, 9, 0))
    assert flag_overdue(now=timezone.now()) == 1
    # Then the agency leader sees the flag on the work queues, and the flagged queue has it
    login(leader_binh)
    page = client.get("/dossiers/?queue=all").content.decode()
    assert "?queue=flagged" in page and "without an apology" in page or "xin lỗi" in page
    assert dossier.code in client.get("/dossiers/?queue=flagged").content.decode()
    # and the dossier page says so
    assert "flagged to the agency leader" in client.get(
        f"/dossiers/{dossier.pk}/"
    ).content.decode() or ("lãnh đạo" in client.get(f"/dossiers/{dossier.pk}/").content.decode())
    # while the one-stop officer's queue page carries no leader banner
    login(officer_an)
    assert 'class="dossier-flag"' not in client.get("/dossiers/?queue=all").content.decode()


@pytest.mark.django_db
def test_queue_page_query_count_does_not_grow_with_dossiers(
    client, login, receive, officer_an, leader_binh
):
    # Given a leader's "all" queue with one dossier, then with six at different steps
    first = receive()
    transition(first, "forward", acting_user=officer_an, at=at(2026, 2, 5, 10, 0))
    login(leader_binh)
    client.get("/dossiers/?queue=all")
    with CaptureQueriesContext(connection) as few:
        assert client.get("/dossiers/?queue=all").status_code == 200
    for _n in range(5):
        receive()
    with CaptureQueriesContext(connection) as many:
        response = client.get("/dossiers/?queue=all")
    # Then the page shows them all in the same number of queries
    assert response.content.decode().count('scope="row"') == 6
    assert len(many) == len(few)
