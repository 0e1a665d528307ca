import json
from unittest import mock

from django.db.utils import OperationalError

from chinhquyen import __version__


def test_healthz_reports_ok_with_the_version_when_the_database_answers(client, db):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert json.loads(response.content) == {
        "status": "ok",
        "database": "ok",
        "version": __version__,
    }
    assert response["Cache-Control"].startswith("max-age=0")


def test_healthz_is_503_when_the_database_is_unreachable(client, db):
    with mock.patch(
        "chinhquyen.core.views.connection.cursor", side_effect=OperationalError("down")
    ):
        response = client.get("/healthz")

    assert response.status_code == 503
    assert json.loads(response.content)["database"] == "unavailable"


def test_every_response_carries_a_request_id_and_a_content_security_policy(client, db):
    response = client.get("/healthz", HTTP_X_REQUEST_ID="proxy-1234abcd")

    assert response["X-Request-ID"] == "proxy-1234abcd"
    assert "default-src 'self'" in response["Content-Security-Policy"]
