"""The dossier page: timeline, result upload, payment, return by post, rating; error pages."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from chinhquyen.dossiers.models import Evaluation, IndicatorScore, OneStopRuleSet
from chinhquyen.dossiers.services import transition
from chinhquyen.dossiers.tests.conftest import at, pdf


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


def to_decision(dossier, officer_an, specialist_dung, specialist_minh):
    transition(dossier, "forward", acting_user=officer_an, at=at(2026, 2, 5, 10, 0))
    transition(dossier, "transfer", acting_user=specialist_dung, at=at(2026, 2, 5, 11, 0))
    transition(dossier, "forward", acting_user=specialist_minh, at=at(2026, 2, 5, 14, 0))


@pytest.mark.django_db
def test_dossier_page_query_count_does_not_grow_with_events(
    client, login, receive, officer_an, leader_binh
):
    dossier = receive()
    login(officer_an)
    client.get(f"/dossiers/{dossier.pk}/")
    with CaptureQueriesContext(connection) as few:
        assert client.get(f"/dossiers/{dossier.pk}/").status_code == 200
    for n in range(6):
        transition(dossier, "comment", acting_user=leader_binh, note=f"Ý kiến {n}")
    with CaptureQueriesContext(connection) as many:
        response = client.get(f"/dossiers/{dossier.pk}/")
    assert len(many) == len(few)
    assert len(few) <= 30  # pinned ceiling
    assert "Ý kiến 5" in response.content.decode()


@pytest.mark.django_db
def test_approve_with_result_file_then_pay_return_by_post_and_rate(
    client,
    login,
    receive,
    officer_an,
    specialist_dung,
    specialist_minh,
    leader_binh,
    media,
):
    dossier = receive()
    to_decision(dossier, officer_an, specialist_dung, specialist_minh)
    dossier.refresh_from_db()
    # When the leader approves with a file that is not a PDF/image/Office document: refused
    login(leader_binh)
    exe = SimpleUploadedFile("giay-phep.pdf", b"MZ\x90\x00" + b"\x00" * 64)
    refused = client.post(
        f"/dossiers/{dossier.pk}/act/",
        {"action": "approve", "version": dossier.version, "result_file": exe},
    )
    assert refused.status_code == 400
    dossier.refresh_from_db()
    assert (dossier.status, bool(dossier.result_file)) == ("in_processing", False)
    # and with the signed permit as PDF it is approved and the file is kept
    ok = client.post(
        f"/dossiers/{dossier.pk}/act/",
        {"action": "approve", "version": dossier.version, "result_file": pdf("giay-phep.pdf")},
    )
    assert ok.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == "result_ready"
    assert dossier.result_file.read().startswith(b"%PDF-")
    # When the officer records the fee with its receipt and returns the result by post
    login(officer_an)
    payment = dossier.payments.get()
    assert "dossier-unpaid" in client.get(f"/dossiers/{dossier.pk}/").content.decode()
    client.post(
        f"/dossiers/{dossier.pk}/payments/{payment.pk}/",
        {"method": "cash", "receipt_number": "BL-0001"},
    )
    returned = client.post(
        f"/dossiers/{dossier.pk}/act/",
        {
            "action": "return_result",
            "version": dossier.version,
            "return_method": "post",
            "tracking_number": "EB123456789VN",
            "postal_address": "12 Trần Phú",
        },
    )
    assert returned.status_code == 302
    dossier.refresh_from_db()
    assert (dossier.status, dossier.postal_order.tracking_number) == ("returned", "EB123456789VN")
    page = client.get(f"/dossiers/{dossier.pk}/").content.decode()
    assert "BL-0001" in page and "EB123456789VN" in page
    # When the applicant's paper rating is entered
    rated = client.post(
        f"/dossiers/{dossier.pk}/evaluate/",
        {
            "time_rating": "2",
            "agencies_contacted": "1",
            "contacts_needed": "0",
            "procedure_accuracy": "2",
            "attitude": "2",
            "lawfulness": "2",
        },
    )
    assert rated.status_code == 302
    assert Evaluation.objects.get(dossier=dossier).channel == "counter"
    assert sorted(
        IndicatorScore.objects.filter(dossier=dossier, subject="dossier").values_list(
            "indicator", flat=True
        )
    ) == [1, 2, 3, 4, 6, 7]


@pytest.mark.django_db
def test_an_action_without_the_role_gets_a_bilingual_403_and_changes_nothing(
    client, login, receive, specialist_dung
):
    dossier = receive()
    login(specialist_dung)
    response = client.post(
        f"/dossiers/{dossier.pk}/act/", {"action": "withdraw", "version": dossier.version}
    )
    assert response.status_code == 403
    dossier.refresh_from_db()
    assert (dossier.status, dossier.version, dossier.events.count()) == ("received", 1, 1)


@pytest.mark.django_db
def test_a_wrong_state_action_gets_a_bilingual_409(client, login, receive, officer_an):
    dossier = receive()
    login(officer_an)
    response = client.post(
        f"/dossiers/{dossier.pk}/act/",
        {"action": "receive_supplement", "version": dossier.version},
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "is not possible while the dossier is" in html and "Không thể thực hiện" in html


@pytest.mark.django_db
def test_supplement_request_notifies_the_applicant_after_commit(
    receive, officer_an, specialist_dung, django_capture_on_commit_callbacks
):
    dossier = receive()
    transition(dossier, "forward", acting_user=officer_an, at=at(2026, 2, 5, 10, 0))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        transition(
            dossier,
            "request_supplement",
            acting_user=specialist_dung,
            requested_components=dossier.procedure_version.components.all()[:1],
            note="Thiếu bản vẽ",
            at=at(2026, 2, 6, 9, 0),
        )
    notification = dossier.notifications.get(kind="supplement_requested")
    assert len(callbacks) == 1
    assert notification.phone == "0912345678"
    assert "Thiếu bản vẽ" in notification.message and notification.sent_at is not None


@pytest.mark.django_db
def test_pause_rule_resumes_with_the_remaining_time(receive, officer_an, specialist_dung):
    # Given a newer rule set that pauses the clock instead of restarting it
    OneStopRuleSet.objects.create(
        code="pause-2026",
        name="Pause",
        legal_basis="(test)",
        effective_from=at(2026, 1, 2, 0, 0),
        supplement_clock="pause",
    )
    dossier = receive(received_at=at(2026, 2, 2, 9, 0))  # Mon; due Mon 9 Feb 09:00
    assert dossier.rule_set.code == "pause-2026"
    transition(dossier, "forward", acting_user=officer_an, at=at(2026, 2, 2, 10, 0))
    # When a supplement is asked Tue 3 Feb 09:00 (4 working days = 30 h left)
    transition(
        dossier,
        "request_supplement",
        acting_user=specialist_dung,
        requested_components=dossier.procedure_version.components.all()[:1],
        note="Thiếu",
        at=at(2026, 2, 3, 9, 0),
    )
    # and arrives Thu 5 Feb 09:00
    transition(dossier, "receive_supplement", acting_user=officer_an, at=at(2026, 2, 5, 9, 0))
    # Then the clock resumes with the 30 h left: due Wed 11 Feb 09:00 (not 12 Feb: no restart)
    assert dossier.legal_due_at == dossier.due_at == at(2026, 2, 11, 9, 0)
    assert dossier.original_due_at == at(2026, 2, 9, 9, 0)
    assert dossier.legal_due_at - dossier.original_due_at == timedelta(days=2)


@pytest.mark.django_db
def test_the_page_offers_only_the_actions_the_official_holds_the_role_for(
    client, login, receive, officer_an, specialist_dung
):
    dossier = receive()
    transition(dossier, "forward", acting_user=officer_an, at=at(2026, 2, 5, 10, 0))

    # At the specialist's review step the one-stop officer may not act on the step…
    login(officer_an)
    page = client.get(f"/dossiers/{dossier.pk}/").content.decode()
    assert 'name="action" value="request_supplement"' not in page
    assert 'name="action" value="transfer"' not in page
    assert 'name="action" value="comment"' in page

    # …while the specialist is offered exactly the step's actions.
    login(specialist_dung)
    page = client.get(f"/dossiers/{dossier.pk}/").content.decode()
    for action in ("request_supplement", "transfer", "return"):
        assert f'name="action" value="{action}"' in page
    assert 'name="action" value="approve"' not in page
