"""The connector interface: every way out of the installation is an adapter behind it.

``deliver(message) -> DeliveryResult`` sends one outbox message, or raises
:class:`RetryableError` (the receiver may accept it later: network error, timeout, 5xx, 429)
or :class:`PermanentError` (it never will as sent: 4xx, refused signature…). The outbox
records every attempt in the message log from what the result or error carries.
"""

import threading
from dataclasses import dataclass

import requests


@dataclass(frozen=True)
class DeliveryResult:
    status_code: int | None
    remote_id: str = ""
    endpoint: str = ""
    method: str = "POST"
    response_sha256: str = ""
    duplicate: bool = False  # the receiver already had it (idempotency key seen)
    nonce: str = ""


class ConnectorError(Exception):
    """A failed delivery; ``retryable`` tells the outbox whether to try again."""

    retryable = True

    def __init__(
        self,
        message: str,
        *,
        status_code: int | None = None,
        endpoint: str = "",
        method: str = "POST",
        response_sha256: str = "",
        code: str = "",
        nonce: str = "",
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status_code = status_code
        self.endpoint = endpoint
        self.method = method
        self.response_sha256 = response_sha256
        self.code = code
        self.nonce = nonce


class RetryableError(ConnectorError):
    retryable = True


class PermanentError(ConnectorError):
    retryable = False


class Connector:
    """Base class. ``name`` is the value of ``OutboxMessage.connector``."""

    name: str = ""

    def deliver(self, message) -> DeliveryResult:  # pragma: no cover - interface
        raise NotImplementedError


_http = threading.local()


def http() -> requests.Session:
    """This thread's HTTP session: connections (and TLS sessions) to a peer are kept and reused
    between messages instead of one handshake per message (docs/benchmarks.md, issue 7)."""
    session = getattr(_http, "session", None)
    if session is None:
        session = _http.session = requests.Session()
    return session
