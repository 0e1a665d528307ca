"""The ``postal`` connector: orders to the public postal operator (bưu chính công ích).

The operator's real interface is UNCONFIRMED (Decision 45/2016/QĐ-TTg says what the service
does, not how systems talk). Until it is known, this INTERIM JSON contract is used, signed
like the peer inbox protocol (``connectors/peer.py``: HMAC-SHA256 over method, path,
timestamp, nonce, sender, idempotency key, kind and the body's SHA-256) with the secret
shared with the operator (``POSTAL_SECRET``)::

    POST <POSTAL_BASE_URL>orders/           Content-Type: application/json
    X-CQ-Sender: <POSTAL_PARTNER_CODE>      X-CQ-Kind: postal.order
    Idempotency-Key: <our order reference>  X-CQ-Timestamp / X-CQ-Nonce / X-CQ-Signature
    {"reference": "BC…", "kind": "pickup" | "delivery", "unit": {"code", "name", "address"},
     "person": {"name", "phone", "address"}, "dossier_code": "…", "procedure": "…",
     "tracking_number": "" | "<number given at the counter>", "note": "…",
     "callback_url": "<POSTAL_CALLBACK_URL>"}

    201 {"reference": …, "tracking_number": "EB123456785VN", "duplicate": false}
    200 {"reference": …, "tracking_number": …, "duplicate": true}    (same reference again)
    4xx/5xx {"code", "message_vi", "message_en"}

The operator's tracking callbacks come back to ``POST /postal/callbacks/`` with the same
headers (sender = ``POSTAL_OPERATOR_CODE``, kind ``postal.tracking``, Idempotency-Key = the
operator's event id) and the body ``{"event_id", "reference", "tracking_number", "status":
"picked_up" | "in_transit" | "delivered" | "failed" | "returned", "at": ISO 8601, "location",
"note"}`` — see ``postal/views.py``.
"""

import requests

from chinhquyen.exchange import conf as exchange_conf
from chinhquyen.exchange.connectors.base import (
    Connector,
    DeliveryResult,
    PermanentError,
    RetryableError,
    http,
)
from chinhquyen.exchange.connectors.peer import RETRYABLE_STATUSES, sha256_hex, signed_headers

ORDER_KIND = "postal.order"
TRACKING_KIND = "postal.tracking"


def orders_url(base_url: str) -> str:
    return base_url.rstrip("/") + "/orders/"


class PostalConnector(Connector):
    name = "postal"

    def deliver(self, message) -> DeliveryResult:
        from chinhquyen.postal import conf

        base = conf.get("BASE_URL")
        partner = conf.get("PARTNER_CODE")
        secret = conf.get("SECRET")
        if not (base and partner and secret):
            raise PermanentError(
                "POSTAL_BASE_URL, POSTAL_PARTNER_CODE and POSTAL_SECRET must be set",
                code="not_configured",
            )
        url = orders_url(base)
        body = message.read_body()
        headers = signed_headers(
            url=url,
            secret=secret,
            sender=partner,
            kind=message.kind,
            idempotency_key=message.idempotency_key,
            body=body,
            content_type=message.content_type,
        )
        nonce = headers["X-CQ-Nonce"]
        timeout = (
            float(exchange_conf.get("CONNECT_TIMEOUT")),
            float(exchange_conf.get("READ_TIMEOUT")),
        )
        try:
            response = http().post(url, data=body, headers=headers, timeout=timeout)
        except requests.RequestException as exc:
            raise RetryableError(
                f"{type(exc).__name__}: {exc}", endpoint=url, code="network", nonce=nonce
            ) from exc
        common = {"endpoint": url, "response_sha256": sha256_hex(response.content), "nonce": nonce}
        try:
            data = response.json()
        except ValueError:
            data = {}
        data = data if isinstance(data, dict) else {}
        tracking = str(data.get("tracking_number") or "").strip()
        if response.status_code in (200, 201) and tracking:
            return DeliveryResult(
                status_code=response.status_code,
                remote_id=tracking[:40],
                duplicate=bool(data.get("duplicate")),
                **common,
            )
        code = str(data.get("code") or "")[:40]
        text = f"HTTP {response.status_code}"
        text += f" {code}: {data.get('message_en') or ''}".rstrip() if code else ""
        if response.status_code in (200, 201):
            text += " (no tracking number in the answer)"
        status = response.status_code
        if status >= 500 or status in RETRYABLE_STATUSES or status < 400:
            raise RetryableError(text, status_code=status, code=code or "http_error", **common)
        raise PermanentError(text, status_code=status, code=code or "http_error", **common)


def factory() -> Connector:
    return PostalConnector()
