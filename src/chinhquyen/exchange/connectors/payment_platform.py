"""The ``payment_platform`` connector: the gateway's settlement list of a day (đối soát).

The national online payment platform's reconciliation interface (PayGov) is UNCONFIRMED, and
VNPAY publishes daily reports rather than an API; until one is known this INTERIM contract,
signed like the VNPAY-style payment protocol (HMAC-SHA512 of the sorted ``vnp_*`` fields with
``PAYMENT_HASH_SECRET``), is used and served by the payments sandbox::

    GET <PAYMENT_RECONCILIATION_URL>?vnp_Command=settlement&vnp_TmnCode=<merchant>
        &vnp_SettleDate=YYYYMMDD&vnp_RequestId=<random>&vnp_CreateDate=yyyyMMddHHmmss
        &vnp_SecureHash=<hmac>
    200 {"vnp_TmnCode", "vnp_SettleDate", "vnp_ResponseCode": "00",
         "transactions": [{"vnp_TxnRef", "vnp_Amount" (đồng × 100), "vnp_TransactionNo",
                           "vnp_TransactionStatus" ("00" paid, other: not paid),
                           "vnp_PayDate": yyyyMMddHHmmss (GMT+7)}, …]}
    X-VNP-Signature: HMAC-SHA512 of the response body (lowercase hex)

It only pulls: nothing goes through the outbox (``deliver`` refuses). Each fetch is appended to
the exchange message log, so the operations view shows its latency and failures.
"""

import datetime as dt
import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass

import requests
from django.conf import settings

from chinhquyen.exchange import conf as exchange_conf
from chinhquyen.exchange.connectors.base import (
    Connector,
    ConnectorError,
    PermanentError,
    RetryableError,
    http,
)

SIGNATURE_HEADER = "X-VNP-Signature"
PAID = "00"


@dataclass(frozen=True)
class Settlement:
    """One transaction as the gateway reports it."""

    reference: str
    amount: int  # đồng
    paid: bool
    status_code: str
    transaction_no: str
    paid_at: dt.datetime | None


def reconciliation_url() -> str:
    value = getattr(settings, "PAYMENT_RECONCILIATION_URL", None)
    if value is None:
        import os

        value = os.environ.get("PAYMENT_RECONCILIATION_URL", "")
    if not value and not getattr(settings, "PRODUCTION", False):
        value = "http://127.0.0.1:8010/merchant_webapi/settlements"
    return value


def body_signature(body: bytes, secret: str) -> str:
    return hmac.new(secret.encode("utf-8"), body, hashlib.sha512).hexdigest()


class PaymentPlatformConnector(Connector):
    name = "payment_platform"

    def deliver(self, message):
        raise PermanentError(
            "The payment platform connector only fetches settlement lists", code="pull_only"
        )

    def fetch_settlements(self, day: dt.date) -> list[Settlement]:
        """The gateway's transactions of ``day`` (its local date, GMT+7). Raises
        :class:`ConnectorError` (nothing fetched) on any failure or unverifiable answer."""
        from chinhquyen.payments.gateways import vnpay

        url = reconciliation_url()
        merchant = settings.PAYMENT_MERCHANT_CODE
        secret = settings.PAYMENT_HASH_SECRET
        if not (url and merchant and secret):
            raise PermanentError("Payment reconciliation is not configured", code="not_configured")
        params = vnpay.sign(
            {
                "vnp_Command": "settlement",
                "vnp_TmnCode": merchant,
                "vnp_SettleDate": day.strftime("%Y%m%d"),
                "vnp_RequestId": secrets.token_hex(8),
                "vnp_CreateDate": vnpay.format_time(dt.datetime.now(tz=vnpay.GMT7)),
            },
            secret,
        )
        started = time.monotonic()
        response = None
        try:
            try:
                response = http().get(
                    url,
                    params=params,
                    timeout=(
                        float(exchange_conf.get("CONNECT_TIMEOUT")),
                        float(exchange_conf.get("READ_TIMEOUT")),
                    ),
                )
            except requests.RequestException as exc:
                raise RetryableError(f"{type(exc).__name__}: {exc}", endpoint=url) from exc
            rows = self._parse(response, day=day, merchant=merchant, secret=secret, url=url)
        except ConnectorError as exc:
            self._log(url, response, started, merchant, outcome="failed", error=exc.message)
            raise
        self._log(url, response, started, merchant, outcome="fetched")
        return rows

    @staticmethod
    def _parse(response, *, day, merchant, secret, url) -> list[Settlement]:
        from chinhquyen.payments.gateways import vnpay

        status = response.status_code
        if status != 200:
            error = RetryableError if status >= 500 or status == 429 else PermanentError
            raise error(f"HTTP {status}", status_code=status, endpoint=url, code="http_error")
        given = response.headers.get(SIGNATURE_HEADER, "").lower()
        if not hmac.compare_digest(given, body_signature(response.content, secret)):
            raise PermanentError(
                "The settlement list's signature does not verify",
                status_code=status,
                endpoint=url,
                code="bad_signature",
            )
        try:
            data = response.json()
            if (
                data.get("vnp_ResponseCode") != "00"
                or data.get("vnp_TmnCode") != merchant
                or data.get("vnp_SettleDate") != day.strftime("%Y%m%d")
            ):
                raise ValueError("answer for another merchant or day, or an error code")
            rows = []
            for item in data["transactions"]:
                amount = int(item["vnp_Amount"])
                if amount % 100:
                    raise ValueError("amount not in whole đồng")
                code = str(item.get("vnp_TransactionStatus", ""))
                pay_date = str(item.get("vnp_PayDate") or "")
                rows.append(
                    Settlement(
                        reference=str(item["vnp_TxnRef"])[:100],
                        amount=amount // 100,
                        paid=code == PAID,
                        status_code=code[:10],
                        transaction_no=str(item.get("vnp_TransactionNo", ""))[:40],
                        paid_at=vnpay.parse_time(pay_date) if pay_date else None,
                    )
                )
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise PermanentError(
                f"Malformed settlement list: {exc}",
                status_code=status,
                endpoint=url,
                code="malformed",
            ) from exc
        return rows

    @staticmethod
    def _log(url, response, started, merchant, *, outcome: str, error: str = "") -> None:
        from django.db import transaction

        from chinhquyen.exchange import messagelog
        from chinhquyen.exchange.models import Direction

        content = response.content if response is not None else b""
        with transaction.atomic():
            messagelog.append(
                direction=Direction.OUT,
                connector="payment_platform",
                peer=merchant,
                endpoint=url,
                method="GET",
                status_code=response.status_code if response is not None else None,
                latency_ms=int((time.monotonic() - started) * 1000),
                response_sha256=hashlib.sha256(content).hexdigest() if content else "",
                outcome=outcome,
                error=error[:500],
            )


def factory() -> Connector:
    return PaymentPlatformConnector()
