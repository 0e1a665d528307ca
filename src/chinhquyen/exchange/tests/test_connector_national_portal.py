"""The national public service portal connector against its emulator, a separate HTTP server
process on loopback (``chinhquyen national_portal_emulator``): catalogue and status pushes
through the outbox, retries, dead letters, duplicates, and the idempotent pull of online
dossiers."""

import base64
import datetime
import hashlib
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from chinhquyen.dossiers.models import Dossier
from chinhquyen.dossiers.services import transition
from chinhquyen.dossiers.tests import conftest as dossier_fixtures
from chinhquyen.dossiers.tests.conftest import PDF, at
from chinhquyen.exchange import national_sync
from chinhquyen.exchange.emulators.testing import EmulatorProcess
from chinhquyen.exchange.models import (
    NationalDossierSync,
    OutboxMessage,
    PortalDossier,
    SyncCursor,
)
from chinhquyen.exchange.outbox import deliver_due

# The dossier tests' published procedure (process "walk") and intake helper.
catalogue = dossier_fixtures.catalogue
coded_orgs = dossier_fixtures.coded_orgs
receive = dossier_fixtures.receive

CLIENT_ID, SECRET = "cq-h37", "portal-secret-0123456789"


@pytest.fixture(scope="module")
def emulator(tmp_path_factory):
    process = EmulatorProcess(
        "national_portal_emulator",
        ["--client", f"{CLIENT_ID}:{SECRET}:H37"],
        var_dir=str(tmp_path_factory.mktemp("portal-emulator")),
    ).start()
    yield process
    process.stop()


@pytest.fixture
def portal(emulator, settings):
    emulator.control("reset", {})
    settings.NATIONAL_PORTAL_URL = emulator.base_url + "/api/v1"
    settings.NATIONAL_PORTAL_CLIENT_ID = CLIENT_ID
    settings.NATIONAL_PORTAL_SECRET = SECRET
    settings.EXCHANGE_RETRY_JITTER = 0.0
    settings.EXCHANGE_CONNECT_TIMEOUT = 2.0
    settings.EXCHANGE_READ_TIMEOUT = 5.0
    return emulator


def later(minutes: int = 30) -> datetime.datetime:
    return timezone.now() + timedelta(minutes=minutes)


def statuses() -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(kind="national.dossier_status").order_by("pk"))


def online_dossier(**overrides) -> dict:
    files = [
        {
            "component": order,
            "name": name,
            "content_type": "application/pdf",
            "sha256": hashlib.sha256(PDF).hexdigest(),
            "content_base64": base64.b64encode(PDF).decode(),
        }
        for order, name in ((1, "don.pdf"), (2, "cccd.pdf"))
    ]
    data = {
        "procedure_code": "1.009972",
        "agency_code": "000.00.12.H37",
        "filed_at": "2026-02-05T10:00:00+07:00",
        "applicant": {
            "kind": "individual",
            "name": "Lê Văn Dũng",
            "id_number": "037190000999",
            "phone": "0987654321",
            "email": "dung@example.vn",
        },
        "files": files,
    }
    data.update(overrides)
    return data


def test_catalogue_push_sends_each_published_version_once(portal, catalogue):
    assert national_sync.push_catalogue() == {"queued": 1, "already": 0, "conflict": 0}
    assert deliver_due() == {"delivered": 1}

    again = national_sync.push_catalogue()

    assert again == {"queued": 0, "already": 1, "conflict": 0}
    assert OutboxMessage.objects.filter(kind="national.catalogue").count() == 1
    held = portal.stats()
    record = held["catalogue"]["1.009972@1"]
    assert record["name"] == "Cấp giấy phép xây dựng nhà ở riêng lẻ"
    assert record["online_mode"] == "none"
    assert record["fees"] == [{"kind": "fee", "name": "Lệ phí cấp phép", "amount": 75000}]
    assert (record["processing_time"], record["time_unit"]) == ("5", "working_days")
    assert held["counters"]["catalogue_stored"] == 1


def test_a_transition_queues_the_status_and_the_delivery_records_the_sync(
    portal, receive, officer_an, coded_orgs
):
    dossier = receive()
    assert statuses() == []  # intake itself does not push; the catch-up does (below)

    transition(dossier, "forward", acting_user=officer_an, at=at(2026, 2, 5, 10, 0))

    [message] = statuses()
    assert message.idempotency_key == f"national:status:{dossier.pk}:v2"
    assert message.related_id == str(dossier.pk)
    assert deliver_due() == {"delivered": 1}
    held = portal.stats()["statuses"][dossier.code]
    assert (held["status"], held["event"], held["version"]) == ("in_processing", "forward", 2)
    assert held["procedure_code"] == "1.009972"
    assert held["agency_code"] == "000.00.12.H37"
    sync = NationalDossierSync.objects.get(dossier=dossier)
    assert (sync.last_status_pushed, sync.last_version_pushed) == ("in_processing", 2)
    share = national_sync.synchronised_share(
        coded_orgs.province, datetime.date(2026, 2, 1), datetime.date(2026, 3, 1)
    )
    assert share == {"total": 1, "synchronised": 1, "share": 100}
    elsewhere = national_sync.synchronised_share(
        coded_orgs.dept_b, datetime.date(2026, 2, 1), datetime.date(2026, 3, 1)
    )
    assert elsewhere == {"total": 0, "synchronised": 0, "share": None}
    # The operations centre counted it in the same transaction, as a rebuild does.
    from chinhquyen.insights.models import Counter
    from chinhquyen.insights.rebuild import rebuild

    def synced():
        return sorted(
            Counter.objects.filter(metric="synced_national").values_list(
                "grain", "period", "agency_id", "value"
            )
        )

    live = synced()
    assert live and {value for *_key, value in live} == {1}
    rebuild(feeds=["national_sync"])
    assert synced() == live


def test_catch_up_queues_dossiers_the_portal_does_not_hold(portal, receive, coded_orgs):
    first, second = receive(), receive()

    assert national_sync.queue_missing_statuses() == 2
    assert national_sync.queue_missing_statuses() == 0  # already waiting in the outbox
    assert deliver_due() == {"delivered": 2}
    assert national_sync.queue_missing_statuses() == 0  # the portal holds both
    held = portal.stats()["statuses"]
    assert {held[d.code]["status"] for d in (first, second)} == {"received"}
    share = national_sync.synchronised_share(
        coded_orgs.province, datetime.date(2026, 2, 5), datetime.date(2026, 2, 6)
    )
    assert share["share"] == 100


def test_the_sync_is_off_until_the_portal_is_configured(receive, officer_an, settings):
    settings.NATIONAL_PORTAL_URL = ""
    dossier = receive()

    transition(dossier, "forward", acting_user=officer_an, at=at(2026, 2, 5, 10, 0))

    assert statuses() == []
    assert national_sync.queue_missing_statuses() == 0


def test_demo_dossiers_are_not_sent(portal, receive, officer_an):
    dossier = receive(is_demo=True)
    transition(dossier, "forward", acting_user=officer_an, at=at(2026, 2, 5, 10, 0))
    assert statuses() == []


def test_a_503_is_retried_with_backoff_then_delivered(portal, receive, officer_an):
    dossier = receive()
    portal.fault("POST", "/api/v1/dossiers/status", [503])
    transition(dossier, "forward", acting_user=officer_an, at=at(2026, 2, 5, 10, 0))

    assert deliver_due() == {"pending": 1}
    [message] = statuses()
    assert (message.attempts, message.last_status_code) == (1, 503)
    assert message.next_attempt_at > timezone.now()
    assert deliver_due() == {}  # not due yet
    assert not NationalDossierSync.objects.exists()

    assert deliver_due(now=later()) == {"delivered": 1}
    message.refresh_from_db()
    assert (message.status, message.attempts, message.last_status_code) == ("delivered", 2, 201)
    assert NationalDossierSync.objects.get(dossier=dossier).last_version_pushed == 2


def test_a_refusal_is_a_dead_letter_at_once(portal, receive, officer_an, settings):
    dossier = receive()
    settings.NATIONAL_PORTAL_SECRET = "not-the-secret"  # noqa: S105 (test value)
    transition(dossier, "forward", acting_user=officer_an, at=at(2026, 2, 5, 10, 0))

    assert deliver_due() == {"dead": 1}

    [message] = statuses()
    assert (message.attempts, message.last_status_code) == (1, 401)
    assert "unauthorised" in message.last_error
    assert portal.stats()["statuses"] == {}
    assert not NationalDossierSync.objects.exists()


def test_a_lost_answer_is_recognised_as_a_duplicate(portal, receive, officer_an):
    dossier = receive()
    portal.fault("POST", "/api/v1/dossiers/status", [502], mode="after_store")
    transition(dossier, "forward", acting_user=officer_an, at=at(2026, 2, 5, 10, 0))

    assert deliver_due() == {"pending": 1}
    assert deliver_due(now=later()) == {"delivered": 1}

    held = portal.stats()
    assert held["counters"]["status_stored"] == 1
    assert held["counters"]["status_duplicates"] == 1
    assert len(held["status_log"]) == 1
    [message] = statuses()
    assert message.remote_id == held["status_log"][0]["id"]
    assert message.last_status_code == 200


def test_pulling_twice_receives_one_dossier_and_acknowledges_it(portal, catalogue):
    portal_id = portal.control("online-dossiers", online_dossier())["portal_id"]

    assert national_sync.pull_online_dossiers() == {"received": 1}
    assert national_sync.pull_online_dossiers() == {}  # the cursor moved on
    SyncCursor.objects.all().delete()  # as if the cursor had been lost
    assert national_sync.pull_online_dossiers() == {"duplicate": 1}

    dossier = Dossier.objects.get()
    assert dossier.channel == "national_portal"
    assert dossier.applicant_name == "Lê Văn Dũng"
    assert dossier.received_at == at(2026, 2, 5, 10, 0)
    assert dossier.attachments.count() == 2
    assert PortalDossier.objects.get(portal_id=portal_id).dossier == dossier
    kinds = sorted(OutboxMessage.objects.values_list("kind", flat=True))
    assert kinds == ["national.dossier_ack", "national.dossier_status"]
    assert deliver_due() == {"delivered": 2}
    held = portal.stats()
    assert held["acks"][portal_id]["accepted"] is True
    assert held["acks"][portal_id]["dossier_code"] == dossier.code
    assert held["statuses"][dossier.code]["status"] == "received"


def test_a_dossier_that_cannot_be_received_is_refused_back_to_the_portal(portal, catalogue):
    portal_id = portal.control("online-dossiers", online_dossier(procedure_code="9.999999"))[
        "portal_id"
    ]
    files_wrong = portal.control(
        "online-dossiers", online_dossier(files=[{"component": 1, "content_base64": "%%"}])
    )["portal_id"]

    assert national_sync.pull_online_dossiers() == {"refused": 2}

    assert not Dossier.objects.exists()
    record = PortalDossier.objects.get(portal_id=portal_id)
    assert (record.status, record.error_code) == ("refused", "unknown_procedure")
    assert PortalDossier.objects.get(portal_id=files_wrong).error_code == "file_base64"
    assert deliver_due() == {"delivered": 2}
    acks = portal.stats()["acks"]
    assert acks[portal_id]["accepted"] is False
    assert acks[portal_id]["code"] == "unknown_procedure"


@pytest.fixture
def seeded_rules(reseeded):
    """What the data migrations seeded, again after a flush (conftest.reseeded)."""


@pytest.mark.django_db(transaction=True)
def test_the_command_pulls_and_delivers(seeded_rules, portal, catalogue, capsys):
    portal.control("online-dossiers", online_dossier())

    call_command("sync_national_portal", "--pull", "--push-catalogue", "--deliver")

    out = capsys.readouterr().out
    assert "pull: received=1" in out
    assert "push_catalogue: already=0 conflict=0 queued=1" in out
    held = portal.stats()
    assert len(held["acks"]) == 1 and "1.009972@1" in held["catalogue"]
    with transaction.atomic():
        assert Dossier.objects.get().channel == "national_portal"
