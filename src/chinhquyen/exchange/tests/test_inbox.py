"""The peer inbox: signed requests stored once, processed once; bad requests refused, coded,
logged, nothing stored."""

import time

import pytest

from chinhquyen.exchange.inbox import accept, process_message, process_pending, reprocess
from chinhquyen.exchange.models import InboxMessage, MessageLogEntry
from chinhquyen.exchange.tests.conftest import signed

pytestmark = pytest.mark.django_db
URL = "/exchange/inbox/"
BODY = '{"note": "Công văn số 12/UBND"}'.encode()


def post(client, body=BODY, **kwargs):
    return client.post(URL, **signed(body, **kwargs))


def refused(response, status: int, code: str):
    assert response.status_code == status, response.content
    data = response.json()
    assert data["code"] == code
    assert data["message_vi"] and data["message_en"] and data["message_vi"] != data["message_en"]
    assert not InboxMessage.objects.exists()
    entry = MessageLogEntry.objects.order_by("-id").first()
    assert (entry.direction, entry.status_code, entry.outcome) == ("in", status, code)
    return data


def test_a_signed_message_is_stored_once_and_a_duplicate_gets_the_first_id(
    client, peers, note_kind
):
    first = post(client)
    assert first.status_code == 202
    message = InboxMessage.objects.get()
    assert first.json() == {"id": message.pk, "status": "received", "duplicate": False}
    assert (message.sender, message.idempotency_key, bytes(message.body)) == (
        "T01",
        "note-1",
        BODY,
    )
    again = post(client)  # a re-delivery: new nonce and timestamp, same key
    assert again.status_code == 200
    assert again.json() == {"id": message.pk, "status": "received", "duplicate": True}
    assert InboxMessage.objects.count() == 1
    outcomes = list(MessageLogEntry.objects.order_by("id").values_list("outcome", "status_code"))
    assert outcomes == [("accepted", 202), ("duplicate", 200)]


def test_the_receiver_processes_a_message_exactly_once(peers, note_kind):
    message, created = accept(sender="T01", idempotency_key="k1", kind="test.note", body=b"a")
    again, created_again = accept(sender="T01", idempotency_key="k1", kind="test.note", body=b"a")
    assert (created, created_again, again.pk) == (True, False, message.pk)
    assert process_message(message.pk).status == "processed"
    assert process_message(message.pk) is None
    assert process_pending() == {}
    assert note_kind.seen == [(message.pk, b"a")]


def test_a_failing_handler_leaves_the_message_failed_until_processed_again(
    peers, note_kind, it_admin_tuan
):
    note_kind.fail = True
    message, _ = accept(sender="T01", idempotency_key="k1", kind="test.note", body=b"a")
    failed = process_message(message.pk)
    assert (failed.status, failed.error) == ("failed", "ValueError: handler refused the note")
    note_kind.fail = False
    reprocess(failed, acting_user=it_admin_tuan)
    assert process_pending() == {"processed": 1}
    assert note_kind.seen == [(message.pk, b"a")]


def test_the_same_sender_and_key_with_another_body_is_a_conflict(client, peers, note_kind):
    assert post(client).status_code == 202
    response = post(client, body=b'{"other": 1}')
    assert response.status_code == 409
    assert response.json()["code"] == "idempotency_conflict"
    assert InboxMessage.objects.count() == 1


def test_a_wrong_secret_is_refused(client, peers, note_kind):
    refused(post(client, secret="not-the-shared-secret"), 401, "bad_signature")


def test_a_tampered_body_is_refused(client, peers, note_kind):
    kwargs = signed(BODY)
    kwargs["data"] = BODY + b" "
    refused(client.post(URL, **kwargs), 401, "bad_signature")


def test_an_expired_timestamp_is_refused(client, peers, note_kind):
    refused(post(client, timestamp=int(time.time()) - 3600), 401, "timestamp_expired")


def test_a_replayed_request_is_refused(client, peers, note_kind):
    request = signed(BODY)
    assert client.post(URL, **request).status_code == 202
    response = client.post(URL, **request)
    assert response.status_code == 409
    assert response.json()["code"] == "replayed"
    assert InboxMessage.objects.count() == 1


def test_an_unknown_sender_and_missing_headers_are_refused(client, peers, note_kind):
    refused(post(client, sender="X99"), 401, "unknown_sender")
    refused(client.post(URL, data=BODY, content_type="application/json"), 401, "missing_signature")
    refused(client.get(URL), 405, "method_not_allowed")


def test_an_oversize_body_is_refused_before_reading(client, peers, note_kind, settings):
    settings.EXCHANGE_INBOX_MAX_BYTES = 100
    data = refused(post(client, body=b"x" * 101), 413, "body_too_large")
    assert "large" in data["message_en"]
    assert post(client, body=b"x" * 100).status_code == 202


def test_bad_keys_and_kinds_are_refused(client, peers, note_kind):
    refused(post(client, key="has space"), 400, "bad_idempotency_key")
    refused(post(client, kind="Bad Kind!"), 400, "bad_kind")
    refused(post(client, kind="nobody.handles.this"), 422, "unknown_kind")
