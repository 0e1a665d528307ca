# ruff: noqa: F811 (fixtures imported from the dossier and edXML tests)
"""Official documents through the integration API: an edXML package sent by a system of
department A lands in department B's queue; B's system lists it; A's reads the status."""

import pytest

from chinhquyen.documents.choices import IncomingChannel, IncomingStatus
from chinhquyen.documents.models import IncomingDocument
from chinhquyen.exchange.api.testing import call, check_response, make_client, token_for
from chinhquyen.exchange.edxml.packages import document_bytes
from chinhquyen.exchange.edxml.testing import *  # noqa: F403
from chinhquyen.exchange.edxml.testing import CODE_A, CODE_B

pytestmark = pytest.mark.django_db

SEND = "/api/v1/documents/packages"


@pytest.fixture
def system_a(exchange_orgs):  # noqa: F405
    return make_client(exchange_orgs.dept_a, scopes=["documents:send", "documents:read"])


@pytest.fixture
def system_b(exchange_orgs):  # noqa: F405
    return make_client(exchange_orgs.dept_b, scopes=["documents:read"], name="Hệ thống Sở B")


def send(client, issued, data: bytes):
    return call(
        client, "POST", SEND, token_for(client, issued), body=data, content_type="application/xml"
    )


def test_package_sent_through_the_api_lands_in_the_queue(
    client,
    system_a,
    system_b,
    exchange_recipient,
    org_b_xml_key,  # noqa: F405
):
    data = document_bytes(exchange_recipient)
    response = send(client, system_a, data)
    assert response.status_code == 202, response.content
    check_response(response, SEND, "POST")
    body = response.json()
    incoming = IncomingDocument.objects.get()
    assert body == {
        "id": incoming.pk,
        "exchange_document_id": incoming.exchange_document_id,
        "organisation_code": CODE_B,
        "status": IncomingStatus.RECEIVED,
        "duplicate": False,
    }
    assert incoming.organisation == org_b_xml_key.organisation
    assert incoming.channel == IncomingChannel.EXCHANGE
    # Sent again (a retry after a timeout): the same document, not a second one.
    again = send(client, system_a, data)
    assert (again.status_code, again.json()["duplicate"], again.json()["id"]) == (
        202,
        True,
        incoming.pk,
    )
    assert IncomingDocument.objects.count() == 1

    # Department B's system sees it waiting, with its files and their hashes.
    token_b = token_for(client, system_b)
    waiting = call(client, "GET", "/api/v1/documents/incoming", token_b)
    check_response(waiting, "/api/v1/documents/incoming", "GET")
    (item,) = waiting.json()["items"]
    assert item["id"] == incoming.pk
    assert item["issuer_code"] == CODE_A
    assert [f["sha256"] for f in item["files"]] == [f.sha256 for f in incoming.files.order_by("pk")]
    # Department A's system: where its document is, per recipient.
    outgoing = exchange_recipient.document
    path = f"/api/v1/documents/outgoing/{outgoing.pk}/status"
    status = call(client, "GET", path, token_for(client, system_a))
    check_response(status, "/api/v1/documents/outgoing/{document_id}/status", "GET")
    by_code = {r["code"]: r for r in status.json()["recipients"]}
    assert by_code[CODE_B]["channel"] == "exchange"
    assert by_code[CODE_B]["status"] == exchange_recipient.status
    # Not B's document: 404 for B's system.
    hidden = call(client, "GET", path, token_b)
    assert hidden.status_code == 404


def test_a_package_from_another_organisation_is_refused(
    client,
    system_b,
    exchange_recipient,
    org_b_xml_key,  # noqa: F405
):
    system_b.client.scopes = ["documents:send"]
    system_b.client.save()
    response = send(client, system_b, document_bytes(exchange_recipient))  # sender: dept A
    assert (response.status_code, response.json()["code"]) == (403, "sender_mismatch")
    check_response(response, SEND, "POST")
    assert IncomingDocument.objects.count() == 0


def test_malformed_and_hostile_xml_is_refused_with_a_code(client, system_a, org_b_xml_key):  # noqa: F405
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><edXML>&lol2;</edXML>'
    )
    for data, code in ((b"<edXML", "edxml_malformed"), (bomb, "edxml_forbidden_dtd")):
        response = send(client, system_a, data)
        assert response.status_code == 400, response.content
        assert response.json()["code"] == code
        check_response(response, SEND, "POST")
    assert IncomingDocument.objects.count() == 0
