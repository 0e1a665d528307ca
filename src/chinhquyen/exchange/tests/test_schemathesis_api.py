# ruff: noqa: F811 (fixtures imported from the dossier and edXML tests)
"""Schemathesis against ``/api/v1/openapi.json`` (issue 7): generated requests to every
authenticated GET operation of the integration API and to ``POST /api/v1/dossiers``, sent to
the real WSGI application with a real token; no 5xx, every answer conforms to the document
(status, content type, body schema, headers). Bounded: a few examples per operation."""

from contextlib import contextmanager

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings

from chinhquyen.dossiers.tests.conftest import catalogue, coded_orgs, receive  # noqa: F401
from chinhquyen.exchange.api.auth import SCOPES
from chinhquyen.exchange.api.testing import make_client, token_for
from chinhquyen.exchange.models import MessageLogEntry

MAX_EXAMPLES = 6


def _selected(ctx) -> bool:
    operation = ctx.operation
    if operation.path.startswith("/api/v1/public/"):
        return False  # the public status lookup: no token, tested in the dossiers app
    return operation.method.upper() == "GET" or operation.label == "POST /api/v1/dossiers"


@contextmanager
def in_test_transaction():
    """Requests through the WSGI handler must not close the test's database connection (the
    test client disconnects ``close_old_connections`` the same way, around each request)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def api_schema(db, catalogue, coded_orgs, receive):  # noqa: F811
    receive(channel="national_portal")  # one dossier to read
    with in_test_transaction():
        return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


@pytest.fixture
def bearer(client, coded_orgs):  # noqa: F811
    issued = make_client(
        coded_orgs.dept_a, scopes=list(SCOPES), rate_limit_per_minute=100_000, name="Fuzz"
    )
    return {"Authorization": f"Bearer {token_for(client, issued)}"}


def test_api_conforms_to_its_openapi_document(api_schema, bearer):
    # Operations iterated here rather than with ``@schema.parametrize()``: schemathesis'
    # pytest fixture loader does not run on this pytest version.
    checked = []
    for result in api_schema.include(_selected).get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @settings(
            max_examples=MAX_EXAMPLES,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            database=None,
        )
        def run(case):
            case.call_and_validate(headers=bearer)

        with in_test_transaction():
            run()
        checked.append(operation.label)
    assert "POST /api/v1/dossiers" in checked
    assert len(checked) == 11  # every GET of the integration API and the one POST
    # The calls really went through the application (each one is in the message log).
    assert MessageLogEntry.objects.filter(connector="api").count() > 2 * len(checked)
