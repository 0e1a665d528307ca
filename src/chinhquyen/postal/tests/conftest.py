"""Fixtures of the postal tests: the operator link settings, the emulator as a separate
process, and signed callbacks for the Django test client."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from chinhquyen.dossiers.tests.conftest import (  # noqa: F401  (fixtures of the dossier tests)
    catalogue,
    coded_orgs,
    receive,
)
from chinhquyen.exchange.connectors import peer as protocol

PARTNER = "CQTEST"
OPERATOR = "VNPOST"
SECRET = "postal-shared-secret-0123456789"  # noqa: S105 (test fixture)


@pytest.fixture
def postal_link(settings):
    settings.POSTAL_PARTNER_CODE = PARTNER
    settings.POSTAL_OPERATOR_CODE = OPERATOR
    settings.POSTAL_SECRET = SECRET
    settings.POSTAL_BASE_URL = "http://127.0.0.1:9/"  # set by the test that sends
    settings.POSTAL_CALLBACK_URL = "http://testserver/postal/callbacks/"
    settings.EXCHANGE_RETRY_JITTER = 0.0
    settings.EXCHANGE_CONNECT_TIMEOUT = 2.0
    settings.EXCHANGE_READ_TIMEOUT = 10.0
    return settings


class EmulatorProcess:
    """``chinhquyen postal_emulator`` started as its own OS process on a free port."""

    def __init__(self) -> None:
        executable = Path(sys.executable).with_name("chinhquyen")
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        self.process = subprocess.Popen(  # noqa: S603 (our own command)
            [
                str(executable),
                "postal_emulator",
                "--port",
                "0",
                "--partner",
                PARTNER,
                "--secret",
                SECRET,
                "--operator",
                OPERATOR,
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
            text=True,
        )
        line = self.process.stdout.readline()
        if "http://" not in line:
            self.process.kill()
            raise RuntimeError("emulator did not start: " + line + self.process.stderr.read())
        self.base_url = line.split("http://", 1)[1].split("/", 1)[0]
        self.base_url = "http://" + self.base_url + "/"

    def advance(self, **command) -> dict:
        answer = requests.post(self.base_url + "control/advance", json=command, timeout=30)
        return answer.json()

    def order(self, reference: str) -> dict:
        return requests.get(self.base_url + f"orders/{reference}", timeout=10).json()

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()


@pytest.fixture
def emulator():
    process = EmulatorProcess()
    yield process
    process.stop()


def signed_callback(event: dict, *, secret: str = SECRET, sender: str = OPERATOR, **extra) -> dict:
    """Django test-client keyword arguments of one signed tracking callback."""
    body = json.dumps(event).encode("utf-8")
    headers = protocol.signed_headers(
        url="http://testserver/postal/callbacks/",
        secret=secret,
        sender=sender,
        kind="postal.tracking",
        idempotency_key=event.get("event_id", ""),
        body=body,
        content_type="application/json",
        **extra,
    )
    content_type = headers.pop("Content-Type")
    return {"data": body, "content_type": content_type, "headers": headers}
