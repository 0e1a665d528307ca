"""The ``national_portal`` connector: the National Public Service Portal (Cổng DVC quốc gia).

Sends outbox messages to the portal's integration API and reads the dossiers citizens filed
there. The portal's API is UNCONFIRMED (QCVN 120:2019 not read, domain-vn.md §2.4): the JSON
shapes are an INTERIM contract, served by ``exchange.emulators.national_portal`` and described
in docs/exchange.md; base URL and credentials are settings.

Outbox kinds (``national_sync`` writes them):

* ``national.catalogue`` → ``POST {URL}/catalogue/procedures`` (a published procedure version)
* ``national.dossier_status`` → ``POST {URL}/dossiers/status`` (a dossier status change)
* ``national.dossier_ack`` → ``POST {URL}/dossiers/online/<portal_id>/ack`` (pulled dossier
  received here, or refused)

Every request carries ``X-Client-Id``, ``Authorization: Bearer <secret>`` and the outbox
message's ``Idempotency-Key``. 200/201 with an ``id`` is delivered (``"duplicate": true`` when
the portal already had it); a network error, a timeout, 408/425/429 and 5xx are retried by the
outbox with backoff; any other 4xx is permanent (dead letter at once, "retry now" after a fix).

Settings (Django settings, else environment variables of the same name):
``NATIONAL_PORTAL_URL`` (base, e.g. ``https://…/api/v1``; empty = not configured),
``NATIONAL_PORTAL_CLIENT_ID``, ``NATIONAL_PORTAL_SECRET``, ``NATIONAL_PORTAL_SYNC`` (see
``national_sync``), ``NATIONAL_PORTAL_PULL_LIMIT`` (50). Timeouts are the exchange's
(``EXCHANGE_CONNECT_TIMEOUT`` / ``EXCHANGE_READ_TIMEOUT``).
"""

from __future__ import annotations

import hashlib
import json
import os
from typing import Any

import requests
from django.conf import settings

from chinhquyen.exchange import conf
from chinhquyen.exchange.connectors.base import (
    Connector,
    ConnectorError,
    DeliveryResult,
    PermanentError,
    RetryableError,
    http,
)

NAME = "national_portal"
KIND_CATALOGUE = "national.catalogue"
KIND_STATUS = "national.dossier_status"
KIND_ACK = "national.dossier_ack"
CONTENT_TYPE = "application/json"
RETRYABLE_STATUSES = {408, 425, 429}
DEFAULTS: dict[str, Any] = {
    "NATIONAL_PORTAL_URL": "",
    "NATIONAL_PORTAL_CLIENT_ID": "",
    "NATIONAL_PORTAL_SECRET": "",
    "NATIONAL_PORTAL_SYNC": None,  # None: on when NATIONAL_PORTAL_URL is set
    "NATIONAL_PORTAL_PULL_LIMIT": 50,
    "DOCUMENT_AXIS_URL": "",
    "DOCUMENT_AXIS_SYSTEM_ID": "",
    "DOCUMENT_AXIS_SECRET": "",
}


def setting(name: str) -> Any:
    """A national-connector setting, read at call time: Django settings, else the environment
    (so a worker started as its own process can be configured by its environment)."""
    value = getattr(settings, name, None)
    if value is not None:
        return value
    raw = os.environ.get(name)
    default = DEFAULTS[name]
    if raw is None or raw == "":
        return default
    if name == "NATIONAL_PORTAL_SYNC":
        return raw.lower() in ("1", "true", "yes", "on")
    return type(default)(raw) if default is not None else raw


def timeout() -> tuple[float, float]:
    return (float(conf.get("CONNECT_TIMEOUT")), float(conf.get("READ_TIMEOUT")))


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def call(
    method: str, url: str, *, headers: dict[str, str], body: bytes | None = None, params=None
) -> requests.Response:
    """One HTTP call; a failure raises :class:`RetryableError` / :class:`PermanentError`
    carrying what the message log records. A 2xx answer is returned."""
    try:
        response = http().request(
            method, url, data=body, headers=headers, params=params, timeout=timeout()
        )
    except requests.RequestException as exc:
        raise RetryableError(
            f"{type(exc).__name__}: {exc}", endpoint=url, method=method, code="network"
        ) from exc
    if 200 <= response.status_code < 300:
        return response
    raise failure(response, url=url, method=method)


def failure(response: requests.Response, *, url: str, method: str) -> ConnectorError:
    content = response.content
    try:
        data = response.json()
    except ValueError:
        data = {}
    data = data if isinstance(data, dict) else {}
    code = str(data.get("code") or "http_error")[:40]
    text = f"HTTP {response.status_code} {code}: {data.get('message_en') or ''}".rstrip(": ")
    if not data and content:
        text += ": " + content[:200].decode("utf-8", "replace")
    status = response.status_code
    retryable = status >= 500 or status in RETRYABLE_STATUSES or status < 400
    cls = RetryableError if retryable else PermanentError
    return cls(
        text,
        status_code=status,
        endpoint=url,
        method=method,
        response_sha256=sha256_hex(content),
        code=code,
    )


def delivered(response: requests.Response, *, url: str, id_field: str = "id") -> DeliveryResult:
    try:
        data = response.json()
    except ValueError:
        data = None
    if not isinstance(data, dict) or not data.get(id_field):
        # A 2xx without the promised id: the receiver may not have stored it; try again.
        raise RetryableError(
            f"HTTP {response.status_code} without {id_field}",
            status_code=response.status_code,
            endpoint=url,
            response_sha256=sha256_hex(response.content),
            code="bad_answer",
        )
    return DeliveryResult(
        status_code=response.status_code,
        remote_id=str(data[id_field])[:100],
        endpoint=url,
        response_sha256=sha256_hex(response.content),
        duplicate=bool(data.get("duplicate")),
    )


class NationalPortalClient:
    """The HTTP client of the portal's interim API (also used by the pull)."""

    def __init__(self) -> None:
        self.base = str(setting("NATIONAL_PORTAL_URL") or "").rstrip("/")
        self.client_id = str(setting("NATIONAL_PORTAL_CLIENT_ID") or "")
        self.secret = str(setting("NATIONAL_PORTAL_SECRET") or "")
        if not self.base or not self.client_id or not self.secret:
            raise PermanentError(
                "The national portal is not configured (NATIONAL_PORTAL_URL, "
                "NATIONAL_PORTAL_CLIENT_ID, NATIONAL_PORTAL_SECRET)",
                code="not_configured",
            )

    def headers(self, **extra: str) -> dict[str, str]:
        return {
            "X-Client-Id": self.client_id,
            "Authorization": f"Bearer {self.secret}",
            "Accept": "application/json",
            **extra,
        }

    def post(self, path: str, body: bytes, *, idempotency_key: str) -> DeliveryResult:
        url = self.base + path
        headers = self.headers(**{"Content-Type": CONTENT_TYPE, "Idempotency-Key": idempotency_key})
        return delivered(call("POST", url, headers=headers, body=body), url=url)

    def online_dossiers(self, *, after: str, limit: int) -> tuple[list[dict], str]:
        """One page of dossiers filed online after ``after``: ``(items, next_cursor)``."""
        url = self.base + "/dossiers/online"
        response = call(
            "GET", url, headers=self.headers(), params={"after": after or "", "limit": limit}
        )
        try:
            data = response.json()
            items, cursor = data["items"], str(data["next_cursor"])
        except (ValueError, KeyError, TypeError) as exc:
            raise RetryableError(
                "The portal's list of online dossiers is malformed",
                status_code=response.status_code,
                endpoint=url,
                method="GET",
                code="bad_answer",
            ) from exc
        if not isinstance(items, list):
            raise RetryableError("items is not a list", endpoint=url, code="bad_answer")
        return items, cursor


class NationalPortalConnector(Connector):
    name = NAME

    def deliver(self, message) -> DeliveryResult:
        client = NationalPortalClient()
        body = message.read_body()
        if message.kind == KIND_CATALOGUE:
            path = "/catalogue/procedures"
        elif message.kind == KIND_STATUS:
            path = "/dossiers/status"
        elif message.kind == KIND_ACK:
            try:
                portal_id = json.loads(body)["portal_id"]
            except (ValueError, KeyError, TypeError) as exc:
                raise PermanentError("ack without portal_id", code="bad_message") from exc
            path = f"/dossiers/online/{requests.utils.quote(str(portal_id), safe='')}/ack"
        else:
            raise PermanentError(
                f"The national portal takes no {message.kind!r} message", code="unknown_kind"
            )
        return client.post(path, body, idempotency_key=message.idempotency_key)


def factory() -> Connector:
    """Registry factory; also registers the outcome listener that records the
    "synchronised to the national portal" fact (``national_sync.status_delivered``)."""
    from chinhquyen.exchange.national_sync import register_listeners

    register_listeners()
    return NationalPortalConnector()
