"""Test helpers of the integration API: system clients, tokens, calls, OpenAPI checks.

Used by ``exchange/tests/test_api_*.py`` and the schemathesis run; they go through the real
token endpoint and the real API (Django's test client), nothing is mocked.
"""

from __future__ import annotations

import base64
import json
from functools import cache

import jsonschema
from django.urls import reverse

from chinhquyen.exchange import clients


def make_client(organisation, *, scopes=(), acting_user=None, **kwargs) -> clients.IssuedSecret:
    return clients.create_client(
        name=kwargs.pop("name", "Cổng DVC quốc gia"),
        organisation=organisation,
        scopes=scopes,
        acting_user=acting_user,
        **kwargs,
    )


def token_response(http, client_id: str, secret: str, scope: str | None = None):
    data = "grant_type=client_credentials" + (f"&scope={scope}" if scope else "")
    basic = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    return http.post(
        reverse("oauth2_provider:token"),
        data=data,
        content_type="application/x-www-form-urlencoded",
        HTTP_AUTHORIZATION=f"Basic {basic}",
    )


def token_for(http, issued: clients.IssuedSecret, scope: str | None = None) -> str:
    response = token_response(http, issued.client.client_id, issued.secret, scope)
    assert response.status_code == 200, response.content
    return response.json()["access_token"]


def call(http, method: str, path: str, token: str | None = None, *, body=None, **extra):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    if isinstance(body, (dict, list)):
        extra.setdefault("content_type", "application/json")
        body = json.dumps(body)
    if method.upper() == "GET":
        return http.get(path, **headers, **extra)
    return getattr(http, method.lower())(path, data=body or b"", **headers, **extra)


@cache
def openapi() -> dict:
    from chinhquyen.api import api

    return json.loads(json.dumps(api.get_openapi_schema()))


def _operation(path_template: str, method: str) -> dict:
    return openapi()["paths"][path_template][method.lower()]


def check_response(response, path_template: str, method: str) -> None:
    """The response's status is documented for the operation and its JSON body matches the
    documented schema (JSON Schema 2020-12, ``$ref`` into the components)."""
    documented = _operation(path_template, method)["responses"]
    status = str(response.status_code)
    assert status in documented, f"{method} {path_template}: {status} is not documented"
    schema = documented[status]["content"]["application/json"]["schema"]
    root = {**schema, "components": openapi()["components"]}
    jsonschema.validate(response.json(), root, cls=jsonschema.Draft202012Validator)
