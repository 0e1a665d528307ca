"""The VNPAY-style signed-redirect protocol (version 2.1.0), used by most Vietnamese gateways.

Signing: take the ``vnp_*`` parameters except ``vnp_SecureHash`` / ``vnp_SecureHashType``,
drop empty values, sort by name, URL-encode names and values (``application/x-www-form-
urlencoded``: space → ``+``), join as a query string, and take HMAC-SHA512 with the merchant's
hash secret, in lowercase hex. The request carries it as ``vnp_SecureHash``; the gateway signs
its notification (IPN) and the return redirect the same way.

This module is pure (no Django): the local sandbox gateway uses the same functions.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from collections.abc import Mapping
from urllib.parse import quote_plus, urlencode
from zoneinfo import ZoneInfo

from .base import GatewayResult, MalformedMessage, Outcome, PaymentGateway, PaymentRequest

VERSION = "2.1.0"
HASH_FIELD = "vnp_SecureHash"
HASH_TYPE_FIELD = "vnp_SecureHashType"
GMT7 = ZoneInfo("Asia/Ho_Chi_Minh")
DATE_FORMAT = "%Y%m%d%H%M%S"

SUCCESS = "00"
CUSTOMER_CANCELLED = "24"

# Answers to a notification (IPN), by the merchant's verdict.
REPLY_SUCCESS = {"RspCode": "00", "Message": "Confirm Success"}
REPLY_NOT_FOUND = {"RspCode": "01", "Message": "Order not found"}
REPLY_ALREADY_CONFIRMED = {"RspCode": "02", "Message": "Order already confirmed"}
REPLY_INVALID_AMOUNT = {"RspCode": "04", "Message": "Invalid amount"}
REPLY_INVALID_SIGNATURE = {"RspCode": "97", "Message": "Invalid signature"}
REPLY_UNKNOWN_ERROR = {"RspCode": "99", "Message": "Unknown error"}

REPLIES = {
    "accepted": REPLY_SUCCESS,
    "conflict": REPLY_SUCCESS,  # recorded; a retry would change nothing
    "duplicate": REPLY_ALREADY_CONFIRMED,
    "replay": REPLY_ALREADY_CONFIRMED,
    "unknown_order": REPLY_NOT_FOUND,
    "amount_mismatch": REPLY_INVALID_AMOUNT,
    "bad_signature": REPLY_INVALID_SIGNATURE,
    "malformed": REPLY_UNKNOWN_ERROR,
}


def signed_fields(params: Mapping[str, str]) -> list[tuple[str, str]]:
    """The fields covered by the signature, sorted by name."""
    return sorted(
        (key, str(value))
        for key, value in params.items()
        if key.startswith("vnp_") and key not in (HASH_FIELD, HASH_TYPE_FIELD) and value != ""
    )


def canonical_query(params: Mapping[str, str]) -> str:
    """``a=1&b=x+y`` over the signed fields."""
    fields = signed_fields(params)
    return "&".join(f"{quote_plus(key)}={quote_plus(value)}" for key, value in fields)


def secure_hash(params: Mapping[str, str], secret: str) -> str:
    """HMAC-SHA512 of the canonical query string, lowercase hex."""
    return hmac.new(
        secret.encode("utf-8"), canonical_query(params).encode("utf-8"), hashlib.sha512
    ).hexdigest()


def sign(params: Mapping[str, str], secret: str) -> dict[str, str]:
    """``params`` plus their ``vnp_SecureHash``."""
    signed = {key: str(value) for key, value in params.items() if key != HASH_FIELD}
    signed[HASH_FIELD] = secure_hash(signed, secret)
    return signed


def has_valid_hash(params: Mapping[str, str], secret: str) -> bool:
    given = str(params.get(HASH_FIELD, "")).lower()
    if not given or not secret:
        return False
    expected = secure_hash(params, secret).encode("ascii")
    return hmac.compare_digest(given.encode("ascii", "replace"), expected)


def format_time(value: dt.datetime) -> str:
    return value.astimezone(GMT7).strftime(DATE_FORMAT)


def parse_time(value: str) -> dt.datetime:
    return dt.datetime.strptime(value, DATE_FORMAT).replace(tzinfo=GMT7)


def signed_query_string(params: Mapping[str, str], secret: str) -> str:
    """The query string to put after ``?`` (fields sorted, hash last)."""
    fields = signed_fields(params)
    fields.append((HASH_FIELD, secure_hash(params, secret)))
    return urlencode(fields)


class VnpayGateway(PaymentGateway):
    name = "vnpay"
    label = "VNPAY"

    def request_params(self, request: PaymentRequest) -> dict[str, str]:
        return {
            "vnp_Version": VERSION,
            "vnp_Command": "pay",
            "vnp_TmnCode": self.merchant_code,
            "vnp_Amount": str(request.amount * 100),  # the protocol counts hundredths of đồng
            "vnp_CurrCode": "VND",
            "vnp_TxnRef": request.reference,
            "vnp_OrderInfo": request.description,
            "vnp_OrderType": "other",
            "vnp_Locale": "en" if request.language == "en" else "vn",
            "vnp_ReturnUrl": request.return_url,
            "vnp_IpAddr": request.client_ip or "127.0.0.1",
            "vnp_CreateDate": format_time(request.created_at),
            "vnp_ExpireDate": format_time(request.expires_at),
        }

    def redirect_url(self, request: PaymentRequest) -> str:
        query = signed_query_string(self.request_params(request), self.secret)
        separator = "&" if "?" in self.url else "?"
        return f"{self.url}{separator}{query}"

    def verify(self, params: Mapping[str, str]) -> bool:
        return has_valid_hash(params, self.secret)

    def reference_of(self, params: Mapping[str, str]) -> str:
        return str(params.get("vnp_TxnRef", ""))[:100]

    def parse(self, params: Mapping[str, str]) -> GatewayResult:
        try:
            raw_amount = int(params["vnp_Amount"])
            reference = params["vnp_TxnRef"]
            code = params["vnp_ResponseCode"]
            merchant = params["vnp_TmnCode"]
        except (KeyError, ValueError, TypeError) as error:
            raise MalformedMessage(str(error)) from error
        if raw_amount < 0 or raw_amount % 100 or not reference:
            raise MalformedMessage("vnp_Amount or vnp_TxnRef")
        status = params.get("vnp_TransactionStatus", code)
        if code == SUCCESS and status == SUCCESS:
            outcome = Outcome.PAID
        elif code == CUSTOMER_CANCELLED:
            outcome = Outcome.CANCELLED
        else:
            outcome = Outcome.FAILED
        paid_at = None
        if params.get("vnp_PayDate"):
            try:
                paid_at = parse_time(params["vnp_PayDate"])
            except ValueError as error:
                raise MalformedMessage("vnp_PayDate") from error
        return GatewayResult(
            merchant_code=merchant,
            reference=reference,
            amount=raw_amount // 100,
            outcome=outcome,
            response_code=code,
            transaction_no=str(params.get("vnp_TransactionNo", ""))[:40],
            bank_code=str(params.get("vnp_BankCode", ""))[:20],
            paid_at=paid_at,
        )

    def reply(self, verdict: str) -> dict:
        return dict(REPLIES.get(verdict, REPLY_UNKNOWN_ERROR))
