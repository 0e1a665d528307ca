"""The ``peer`` connector: POST a message to another installation's inbox (``/exchange/inbox/``).

Protocol (any HTTP endpoint that speaks it can be a peer)::

    POST <peer url>                      Content-Type: <message content type>
    X-CQ-Sender: <our EXCHANGE_NODE_CODE>
    X-CQ-Kind: <message kind>            Idempotency-Key: <outbox idempotency key>
    X-CQ-Timestamp: <unix seconds>       X-CQ-Nonce: <random hex, new for every attempt>
    X-CQ-Signature: hmac-sha256=<hex>
    <body>

    202 {"id": …, "status": "received", "duplicate": false}   stored now
    200 {"id": …, "status": …, "duplicate": true}             already had it (same id)
    4xx/5xx {"code": …, "message_vi": …, "message_en": …}

INTERIM AUTHENTICATION, until OAuth2 client credentials (issue 7 item 2) land: each pair of
installations shares a secret (``EXCHANGE_PEERS[code]["secret"]``), and the signature is
HMAC-SHA256 over :func:`string_to_sign` — method, path, timestamp, nonce, sender, idempotency
key, kind and the body's SHA-256. The receiver refuses a timestamp outside
``EXCHANGE_TIMESTAMP_WINDOW_SECONDS`` and a nonce it has already accepted (replay).
"""

import hashlib
import hmac
import secrets
import time
from urllib.parse import urlsplit

import requests

from chinhquyen.exchange import conf
from chinhquyen.exchange.connectors.base import (
    Connector,
    DeliveryResult,
    PermanentError,
    RetryableError,
    http,
)

SCHEME = "hmac-sha256="
H_SENDER = "X-CQ-Sender"
H_KIND = "X-CQ-Kind"
H_KEY = "Idempotency-Key"
H_TIMESTAMP = "X-CQ-Timestamp"
H_NONCE = "X-CQ-Nonce"
H_SIGNATURE = "X-CQ-Signature"
# Statuses worth another attempt: timeout, too early, rate limited, and server errors.
RETRYABLE_STATUSES = {408, 425, 429}


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def string_to_sign(
    *,
    method: str,
    path: str,
    timestamp: str,
    nonce: str,
    sender: str,
    idempotency_key: str,
    kind: str,
    body_sha256: str,
) -> bytes:
    return "\n".join(
        [
            "CQ-HMAC-SHA256-v1",
            method.upper(),
            path,
            timestamp,
            nonce,
            sender,
            idempotency_key,
            kind,
            body_sha256,
        ]
    ).encode("utf-8")


def signature(secret: str, **parts: str) -> str:
    return hmac.new(secret.encode("utf-8"), string_to_sign(**parts), hashlib.sha256).hexdigest()


def signed_headers(
    *,
    url: str,
    secret: str,
    sender: str,
    kind: str,
    idempotency_key: str,
    body: bytes,
    content_type: str,
    timestamp: int | None = None,
    nonce: str | None = None,
) -> dict[str, str]:
    """The headers of one signed inbox request (a new nonce for every attempt)."""
    timestamp_text = str(int(time.time()) if timestamp is None else timestamp)
    nonce = nonce or secrets.token_hex(16)
    digest = signature(
        secret,
        method="POST",
        path=urlsplit(url).path or "/",
        timestamp=timestamp_text,
        nonce=nonce,
        sender=sender,
        idempotency_key=idempotency_key,
        kind=kind,
        body_sha256=sha256_hex(body),
    )
    return {
        "Content-Type": content_type,
        H_SENDER: sender,
        H_KIND: kind,
        H_KEY: idempotency_key,
        H_TIMESTAMP: timestamp_text,
        H_NONCE: nonce,
        H_SIGNATURE: SCHEME + digest,
    }


class PeerConnector(Connector):
    name = "peer"

    def deliver(self, message) -> DeliveryResult:
        peer = conf.peer(message.destination)
        if peer is None or not peer.get("url") or not peer.get("secret"):
            raise PermanentError(
                f"Peer {message.destination!r} is not configured in EXCHANGE_PEERS",
                code="unknown_peer",
            )
        url = peer["url"]
        sender = conf.get("NODE_CODE")
        if not sender:
            raise PermanentError("EXCHANGE_NODE_CODE is not set", code="no_node_code", endpoint=url)
        body = message.read_body()
        headers = signed_headers(
            url=url,
            secret=peer["secret"],
            sender=sender,
            kind=message.kind,
            idempotency_key=message.idempotency_key,
            body=body,
            content_type=message.content_type,
        )
        nonce = headers[H_NONCE]
        timeout = (float(conf.get("CONNECT_TIMEOUT")), float(conf.get("READ_TIMEOUT")))
        try:
            response = http().post(url, data=body, headers=headers, timeout=timeout)
        except requests.RequestException as exc:
            raise RetryableError(
                f"{type(exc).__name__}: {exc}", endpoint=url, code="network", nonce=nonce
            ) from exc
        content = response.content
        common = {
            "endpoint": url,
            "response_sha256": sha256_hex(content),
            "nonce": nonce,
        }
        try:
            data = response.json()
        except ValueError:
            data = {}
        if not isinstance(data, dict):
            data = {}
        if response.status_code in (200, 202) and data.get("id") is not None:
            return DeliveryResult(
                status_code=response.status_code,
                remote_id=str(data["id"])[:100],
                duplicate=bool(data.get("duplicate")),
                **common,
            )
        code = str(data.get("code") or "")[:40]
        text = f"HTTP {response.status_code}"
        if code:
            text += f" {code}: {data.get('message_en') or ''}".rstrip()
        elif content:
            text += ": " + content[:200].decode("utf-8", "replace")
        status = response.status_code
        if status >= 500 or status in RETRYABLE_STATUSES or status < 400:
            raise RetryableError(text, status_code=status, code=code or "http_error", **common)
        raise PermanentError(text, status_code=status, code=code or "http_error", **common)
