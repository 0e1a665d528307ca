import pytest


@pytest.mark.django_db
def test_status_matches_code_and_phone_without_personal_data(client, receive):
    dossier = receive()
    response = client.get(f"/api/v1/public/dossiers/{dossier.code}", {"phone": "0912 345 678"})
    assert response.status_code == 200
    body = response.json()
    assert body["code"] == dossier.code
    assert body["status"] == "received"
    assert body["agency"] == dossier.receiving_agency.name
    assert [s["name"] for s in body["steps"]] == ["Receive"]
    text = response.content.decode()
    for personal in ("Ngô Thị Chi", "0912345678", "037190000123", "Trần Phú"):
        assert personal not in text


@pytest.mark.django_db
def test_the_phone_matches_whether_written_with_84_or_0(client, receive):
    # Intake accepts the international form; the applicant types the national one, or back.
    international = receive(applicant={"name": "Ngô Thị Chi", "phone": "+84912345678"})
    national = receive(applicant={"name": "Ngô Thị Chi", "phone": "0912345678"})

    by_national = client.get(
        f"/api/v1/public/dossiers/{international.code}", {"phone": "0912 345 678"}
    )
    by_international = client.get(
        f"/api/v1/public/dossiers/{national.code}", {"phone": "+84 912 345 678"}
    )
    other_number = client.get(
        f"/api/v1/public/dossiers/{international.code}", {"phone": "0912345679"}
    )

    assert by_national.status_code == by_international.status_code == 200
    assert other_number.status_code == 404


@pytest.mark.django_db
def test_status_by_id_number(client, receive):
    dossier = receive()
    response = client.get(f"/api/v1/public/dossiers/{dossier.code}", {"id_number": "037190000123"})
    assert response.status_code == 200


@pytest.mark.django_db
def test_wrong_phone_and_wrong_code_get_the_same_404(client, receive):
    dossier = receive()
    wrong_phone = client.get(f"/api/v1/public/dossiers/{dossier.code}", {"phone": "0999999999"})
    wrong_code = client.get(
        "/api/v1/public/dossiers/000.00.12.H37-260205-9999", {"phone": "0912345678"}
    )
    assert wrong_phone.status_code == wrong_code.status_code == 404
    assert wrong_phone.content == wrong_code.content
    assert wrong_phone.json()["code"] == "not_found"


@pytest.mark.django_db
def test_lookups_are_rate_limited(client, receive, settings):
    from django.core.cache import cache

    cache.clear()
    settings.DOSSIER_STATUS_RATE_PER_MINUTE = 2
    dossier = receive()
    statuses = [
        client.get(f"/api/v1/public/dossiers/{dossier.code}", {"phone": "0912345678"}).status_code
        for _ in range(3)
    ]
    assert statuses == [200, 200, 429]
    cache.clear()


@pytest.mark.django_db
def test_openapi_schema_lists_the_status_endpoint(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/public/dossiers/{code}" in schema["paths"]


def validate_against_openapi(schema: dict, path: str, status: int, body) -> None:
    """Validate ``body`` against the response schema the OpenAPI document declares
    (its ``#/components`` references resolve inside the wrapper)."""
    from openapi_schema_validator import OAS31Validator, validate

    operation = schema["paths"][path]["get"]
    response_schema = operation["responses"][str(status)]["content"]["application/json"]["schema"]
    validate(body, {**response_schema, "components": schema["components"]}, cls=OAS31Validator)


@pytest.mark.django_db
def test_responses_match_the_openapi_schema(client, receive, settings):
    from django.core.cache import cache
    from openapi_spec_validator import validate as validate_spec

    cache.clear()
    schema = client.get("/api/v1/openapi.json").json()
    validate_spec(schema)
    path = "/api/v1/public/dossiers/{code}"
    dossier = receive()
    ok = client.get(f"/api/v1/public/dossiers/{dossier.code}", {"phone": "0912345678"})
    validate_against_openapi(schema, path, 200, ok.json())
    assert set(ok.json()) >= {"code", "procedure", "agency", "status", "received_at", "due_at"}
    assert set(ok.json()["steps"][0]) >= {"name", "started_at", "due_at", "finished_at"}
    missing = client.get(f"/api/v1/public/dossiers/{dossier.code}", {"phone": "0999999999"})
    validate_against_openapi(schema, path, 404, missing.json())
    assert missing.json()["message_vi"] and missing.json()["message_en"]
    settings.DOSSIER_STATUS_RATE_PER_MINUTE = 0
    limited = client.get(f"/api/v1/public/dossiers/{dossier.code}", {"phone": "0912345678"})
    assert limited.status_code == 429
    validate_against_openapi(schema, path, 429, limited.json())
    cache.clear()
