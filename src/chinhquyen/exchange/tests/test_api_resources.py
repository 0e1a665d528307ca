# ruff: noqa: F811 (fixtures imported from the dossier and edXML tests)
"""The integration API's resources, called by a system account (issue 7 item 1), each answer
checked against the OpenAPI document; every endpoint refuses a token without its scope."""

import base64

import pytest
from django.urls import reverse
from django.utils import translation

from chinhquyen.audit.models import AuditEntry
from chinhquyen.dossiers.models import Dossier, DossierEvent
from chinhquyen.dossiers.tests.conftest import (  # noqa: F401 (fixtures)
    DEPT_A_CODE,
    PDF,
    catalogue,
    coded_orgs,
    receive,
)
from chinhquyen.exchange.api.auth import SCOPES
from chinhquyen.exchange.api.testing import call, check_response, make_client, openapi, token_for
from chinhquyen.exchange.clients import update_client

pytestmark = pytest.mark.django_db


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def dossier_body(catalogue, **overrides) -> dict:  # noqa: F811
    body = {
        "procedure_code": catalogue.procedure.national_code,
        "applicant": {"name": "Ngô Thị Chi", "id_number": "037190000123", "phone": "0912345678"},
        "components": [
            {
                "component_id": catalogue.application_form.pk,
                "file_name": "don.pdf",
                "content_base64": b64(PDF),
            },
            {
                "component_id": catalogue.id_copy.pk,
                "file_name": "cccd.pdf",
                "content_base64": b64(PDF),
            },
        ],
    }
    body.update(overrides)
    return body


@pytest.fixture
def portal(catalogue, coded_orgs):  # noqa: F811
    """The national portal's account, acting for department A, every scope but actions."""
    return make_client(
        coded_orgs.dept_a,
        scopes=[s for s in SCOPES if s != "dossiers:transition"],
        name="Cổng DVC quốc gia",
    )


@pytest.fixture
def token(client, portal):
    return token_for(client, portal)


def test_dossier_submitted_through_the_api_reaches_the_back_office(
    client,
    token,
    catalogue,
    coded_orgs,
    officer_an,
    login,  # noqa: F811
):
    response = call(client, "POST", "/api/v1/dossiers", token, body=dossier_body(catalogue))
    assert response.status_code == 201, response.content
    check_response(response, "/api/v1/dossiers", "POST")
    created = response.json()
    dossier = Dossier.objects.get()
    assert created["code"] == dossier.code
    assert dossier.code.startswith(DEPT_A_CODE)  # QCVN code of the receiving agency first
    assert dossier.channel == created["channel"] == "national_portal"
    assert dossier.receiving_agency == coded_orgs.dept_a
    assert dossier.attachments.count() == 2
    # The one-stop officer of department A sees it, with its channel.
    login(officer_an)
    with translation.override("en"):
        page = client.get(reverse("dossiers:detail", args=[dossier.pk]), HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    assert dossier.code in page.content.decode()
    # Read back through the API (detail, status, list).
    detail = call(client, "GET", f"/api/v1/dossiers/{dossier.code}", token)
    check_response(detail, "/api/v1/dossiers/{code}", "GET")
    assert detail.json()["status"] == "received"
    status = call(client, "GET", f"/api/v1/dossiers/{dossier.code}/status", token)
    check_response(status, "/api/v1/dossiers/{code}/status", "GET")
    assert [s["name"] for s in status.json()["steps"]] == ["Receive"]
    listed = call(client, "GET", "/api/v1/dossiers?limit=5", token)
    check_response(listed, "/api/v1/dossiers", "GET")
    assert [d["code"] for d in listed.json()["items"]] == [dossier.code]


def test_refused_dossiers_store_nothing(client, token, catalogue, coded_orgs):  # noqa: F811
    incomplete = dossier_body(catalogue, components=[])
    response = call(client, "POST", "/api/v1/dossiers", token, body=incomplete)
    assert response.status_code == 400
    assert response.json()["code"] == "components_missing"
    check_response(response, "/api/v1/dossiers", "POST")
    elsewhere = dossier_body(catalogue, agency_code=coded_orgs.dept_b.qcvn_code)
    response = call(client, "POST", "/api/v1/dossiers", token, body=elsewhere)
    assert (response.status_code, response.json()["code"]) == (403, "agency_outside_organisation")
    invalid = call(client, "POST", "/api/v1/dossiers", token, body={"procedure_code": 5})
    assert invalid.status_code == 422
    body = invalid.json()
    assert body["code"] == "validation_error"
    assert {"message_vi", "message_en", "errors"} <= set(body)
    check_response(invalid, "/api/v1/dossiers", "POST")
    not_json = call(
        client, "POST", "/api/v1/dossiers", token, body=b"{", content_type="application/json"
    )
    assert not_json.status_code in (400, 422)
    assert "code" in not_json.json()
    assert Dossier.objects.count() == 0


def test_other_organisations_dossiers_are_not_found(client, catalogue, coded_orgs, receive):  # noqa: F811
    theirs = receive(receiving_agency=coded_orgs.dept_b, acting_user=None)
    issued = make_client(coded_orgs.dept_a, scopes=["dossiers:read"])
    token = token_for(client, issued)
    response = call(client, "GET", f"/api/v1/dossiers/{theirs.code}", token)
    assert (response.status_code, response.json()["code"]) == (404, "not_found")
    check_response(response, "/api/v1/dossiers/{code}", "GET")
    assert call(client, "GET", "/api/v1/dossiers", token).json()["count"] == 0


def test_only_the_allowed_safe_actions(client, portal, token, catalogue):  # noqa: F811
    code = call(client, "POST", "/api/v1/dossiers", token, body=dossier_body(catalogue)).json()[
        "code"
    ]
    path = f"/api/v1/dossiers/{code}/transitions"
    update_client(
        portal.client,
        name=portal.client.name,
        scopes=[*portal.client.scopes, "dossiers:transition"],
        transition_actions=["comment"],
        rate_limit_per_minute=120,
        intake_channel="national_portal",
        acting_user=None,
    )
    token = token_for(client, portal)
    refused = call(client, "POST", path, token, body={"action": "approve"})
    assert (refused.status_code, refused.json()["code"]) == (403, "action_not_allowed")
    also_refused = call(client, "POST", path, token, body={"action": "withdraw"})
    assert also_refused.status_code == 403
    assert Dossier.objects.get().status == "received"
    done = call(client, "POST", path, token, body={"action": "comment", "note": "Công dân hỏi"})
    assert done.status_code == 200, done.content
    check_response(done, "/api/v1/dossiers/{code}/transitions", "POST")
    assert DossierEvent.objects.filter(type="commented", note="Công dân hỏi").count() == 1
    empty = call(client, "POST", path, token, body={"action": "comment", "note": " "})
    assert (empty.status_code, empty.json()["code"]) == (400, "note_required")


def test_procedures_and_directory(client, token, catalogue, coded_orgs):  # noqa: F811
    from chinhquyen.procedures.search import index_version

    index_version(catalogue.version)  # the fixture writes rows directly, unindexed
    listed = call(client, "GET", "/api/v1/procedures?q=giay+phep+xay+dung", token)
    check_response(listed, "/api/v1/procedures", "GET")
    assert [p["code"] for p in listed.json()["items"]] == ["1.009972"]
    detail = call(client, "GET", "/api/v1/procedures/1.009972", token)
    check_response(detail, "/api/v1/procedures/{code}", "GET")
    assert [c["name"] for c in detail.json()["components"]] == [
        "Đơn đề nghị",
        "Bản sao CCCD",
        "Ảnh hiện trạng",
    ]
    missing = call(client, "GET", "/api/v1/procedures/9.999999", token)
    assert missing.status_code == 404
    check_response(missing, "/api/v1/procedures/{code}", "GET")
    organisations = call(client, "GET", "/api/v1/directory/organisations?q=so", token)
    check_response(organisations, "/api/v1/directory/organisations", "GET")
    names = {o["name"]: o for o in organisations.json()["items"]}
    assert {"Sở A", "Sở B"} <= set(names)
    one = call(client, "GET", f"/api/v1/directory/organisations/{DEPT_A_CODE}", token)
    check_response(one, "/api/v1/directory/organisations/{code}", "GET")
    assert one.json()["name"] == "Sở A"
    units = call(client, "GET", "/api/v1/directory/units?limit=3", token)
    check_response(units, "/api/v1/directory/units", "GET")


def _endpoints(code: str) -> list[tuple[str, str, str, object]]:
    """(method, path, scope, body) of every operation of the integration API."""
    return [
        ("GET", "/api/v1/procedures", "procedures:read", None),
        ("GET", "/api/v1/procedures/1.009972", "procedures:read", None),
        ("POST", "/api/v1/dossiers", "dossiers:create", "dossier"),
        ("GET", "/api/v1/dossiers", "dossiers:read", None),
        ("GET", f"/api/v1/dossiers/{code}", "dossiers:read", None),
        ("GET", f"/api/v1/dossiers/{code}/status", "dossiers:read", None),
        ("POST", f"/api/v1/dossiers/{code}/transitions", "dossiers:transition", "comment"),
        ("POST", "/api/v1/documents/packages", "documents:send", "package"),
        ("GET", "/api/v1/documents/incoming", "documents:read", None),
        ("GET", "/api/v1/documents/outgoing/1/status", "documents:read", None),
        ("GET", "/api/v1/directory/organisations", "directory:read", None),
        ("GET", f"/api/v1/directory/organisations/{DEPT_A_CODE}", "directory:read", None),
        ("GET", "/api/v1/directory/units", "directory:read", None),
    ]


def test_the_matrix_covers_every_operation():
    documented = {
        (method.upper(), path)
        for path, operations in openapi()["paths"].items()
        if not path.startswith("/api/v1/public/")
        for method in operations
    }
    covered = {(m, p.replace("X.1", "{code}")) for m, p, _s, _b in _endpoints("X.1")}
    covered = {
        (m, p.replace(DEPT_A_CODE, "{code}").replace("/outgoing/1/", "/outgoing/{document_id}/"))
        for m, p in covered
    }
    covered |= {("GET", "/api/v1/procedures/{code}")}
    assert documented <= covered


@pytest.mark.parametrize("scope", sorted(SCOPES))
def test_every_endpoint_refuses_a_token_without_its_scope(
    client,
    catalogue,
    coded_orgs,
    receive,
    scope,  # noqa: F811
):
    dossier = receive(channel="national_portal")
    others = [s for s in SCOPES if s != scope]
    issued = make_client(coded_orgs.dept_a, scopes=others, transition_actions=[], name="S")
    token = token_for(client, issued)
    bodies = {
        "dossier": dossier_body(catalogue),
        "comment": {"action": "comment", "note": "x"},
        "package": b"<edXML/>",
    }
    counts = (Dossier.objects.count(), DossierEvent.objects.count(), AuditEntry.objects.count())
    for method, path, needed, body in _endpoints(dossier.code):
        if needed != scope:
            continue
        extra = {"content_type": "application/xml"} if body == "package" else {}
        response = call(client, method, path, token, body=bodies.get(body), **extra)
        assert response.status_code == 403, (method, path, response.content)
        assert response.json()["code"] == "scope_missing"
    assert counts == (
        Dossier.objects.count(),
        DossierEvent.objects.count(),
        AuditEntry.objects.count(),
    )


def test_openapi_documents_the_oauth2_scheme_and_the_errors(client):
    document = client.get("/api/v1/openapi.json").json()
    scheme = document["components"]["securitySchemes"]["SystemClientAuth"]
    flow = scheme["flows"]["clientCredentials"]
    assert scheme["type"] == "oauth2"
    assert flow["tokenUrl"] == "/oauth/token/"
    assert set(flow["scopes"]) == set(SCOPES)
    for path, operations in document["paths"].items():
        if path.startswith("/api/v1/public/"):
            continue
        for method, operation in operations.items():
            (requirement,) = operation["security"]
            assert list(requirement) == ["SystemClientAuth"]
            assert requirement["SystemClientAuth"][0] in SCOPES, (method, path)
            for status in ("401", "403", "413", "422", "429"):
                schema = operation["responses"][status]["content"]["application/json"]["schema"]
                assert schema["$ref"].endswith(("/ErrorOut", "/ValidationErrorOut"))


def test_a_retried_submission_creates_one_dossier(client, portal, token, catalogue):
    body = dossier_body(catalogue)
    headers = {"HTTP_IDEMPOTENCY_KEY": "portal-2026-000123"}
    first = call(client, "POST", "/api/v1/dossiers", token, body=body, **headers)
    assert first.status_code == 201
    again = call(client, "POST", "/api/v1/dossiers", token, body=body, **headers)
    assert again.status_code == 200
    check_response(again, "/api/v1/dossiers", "POST")
    assert again.json()["code"] == first.json()["code"]
    assert Dossier.objects.count() == 1
    changed = dict(body, applicant={**body["applicant"], "name": "Người khác"})
    conflict = call(client, "POST", "/api/v1/dossiers", token, body=changed, **headers)
    assert (conflict.status_code, conflict.json()["code"]) == (409, "idempotency_conflict")
    bad = call(client, "POST", "/api/v1/dossiers", token, body=body, HTTP_IDEMPOTENCY_KEY="có dấu")
    assert (bad.status_code, bad.json()["code"]) == (400, "bad_idempotency_key")
    assert Dossier.objects.count() == 1
    # The audit trail names the system account that submitted it.
    entry = AuditEntry.objects.filter(action="dossiers.receive_dossier").get()
    assert entry.actor_id is None
    assert entry.label.startswith(f"api:{portal.client.client_id}")


def test_lists_do_not_grow_queries_with_their_length(client, token, catalogue, receive):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries(path: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert call(client, "GET", path, token).status_code == 200
        return len(captured)

    receive(channel="national_portal")
    one = {p: queries(p) for p in ("/api/v1/dossiers", "/api/v1/directory/organisations")}
    for _n in range(3):
        receive(channel="national_portal")
    from chinhquyen.directory.models import Organisation
    from chinhquyen.directory.services import create_organisation

    province = Organisation.objects.get(depth=1)
    for n in range(3):
        create_organisation(parent=province, name=f"Sở thêm {n}", kind="department")
    assert {p: queries(p) for p in one} == one
