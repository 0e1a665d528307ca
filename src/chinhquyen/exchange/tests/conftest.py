"""Fixtures of the exchange tests: peer settings, a recorded handler kind, signed requests.

``peers`` configures this installation as node ``T01`` with one peer ``T02`` (the same shared
secret both ways, as two installations would hold it) whose inbox URL the test sets.
``note_kind`` registers a handler for kind ``test.note`` that records what it processed.
"""

import socket

import pytest

from chinhquyen.accounts.choices import Role
from chinhquyen.conftest import make_role_holder
from chinhquyen.exchange import handlers
from chinhquyen.exchange.connectors import peer as protocol

SECRET = "shared-secret-T01-T02-0123456789"  # noqa: S105 (test fixture)
NOTE = "test.note"


def closed_port_url() -> str:
    """A loopback URL where nothing listens (connection refused: a retryable failure)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/exchange/inbox/"


@pytest.fixture
def peers(settings):
    settings.EXCHANGE_NODE_CODE = "T01"
    settings.EXCHANGE_PEERS = {
        "T02": {"url": closed_port_url(), "secret": SECRET},
        # The receiving side looks the sender up by its code: T01 sends to itself in the
        # single-database tests, so T01 is also a peer with the same secret.
        "T01": {"url": closed_port_url(), "secret": SECRET},
    }
    settings.EXCHANGE_RETRY_JITTER = 0.0
    settings.EXCHANGE_CONNECT_TIMEOUT = 2.0
    settings.EXCHANGE_READ_TIMEOUT = 5.0
    return settings


class Recorder:
    def __init__(self) -> None:
        self.seen: list[tuple[int, bytes]] = []
        self.fail = False

    def __call__(self, message) -> None:
        if self.fail:
            raise ValueError("handler refused the note")
        self.seen.append((message.pk, bytes(message.body)))


@pytest.fixture
def note_kind():
    recorder = Recorder()
    handlers.register(NOTE, recorder)
    yield recorder
    handlers.unregister(NOTE)


def signed(
    body: bytes,
    *,
    key: str = "note-1",
    kind: str = NOTE,
    sender: str = "T01",
    secret: str = SECRET,
    path: str = "/exchange/inbox/",
    **extra,
) -> dict:
    """Django test-client keyword arguments of one signed inbox request."""
    headers = protocol.signed_headers(
        url=f"http://testserver{path}",
        secret=secret,
        sender=sender,
        kind=kind,
        idempotency_key=key,
        body=body,
        content_type="application/json",
        **extra,
    )
    content_type = headers.pop("Content-Type")
    return {"data": body, "content_type": content_type, "headers": headers}


@pytest.fixture
def it_admin_tuan(org_tree):
    """IT administrator of the province committee (the platform's administrator)."""
    return make_role_holder(
        "it_admin_tuan",
        full_name="Lý Minh Tuấn",
        organisation=org_tree.province,
        role=Role.IT_ADMIN,
        position="Quản trị CNTT tỉnh",
    )


@pytest.fixture
def it_admin_dept(org_tree):
    return make_role_holder(
        "it_admin_dept",
        full_name="Vũ Thị Lan",
        organisation=org_tree.dept_a,
        role=Role.IT_ADMIN,
        position="Quản trị CNTT Sở A",
    )
