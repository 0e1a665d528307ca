"""The sandbox gateway's WSGI application (standard library only)."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import html
import itertools
import json
import threading
from dataclasses import dataclass, field
from urllib.error import URLError
from urllib.parse import parse_qsl, urlencode
from urllib.request import urlopen

from chinhquyen.payments.gateways import vnpay

PAY_PATH = "/paymentv2/vpcpay.html"
DECIDE_PATH = "/paymentv2/decide"
# Reconciliation (đối soát): the signed settlement list of a day, see
# exchange/connectors/payment_platform.py for the interim contract.
SETTLEMENT_PATH = "/merchant_webapi/settlements"
MAX_BODY = 64 * 1024


@dataclass
class Merchant:
    code: str
    secret: str
    ipn_url: str  # the merchant's notification URL, registered with the gateway


@dataclass
class Delivery:
    """One notification the sandbox sent: what, where, and what the merchant answered."""

    url: str
    params: dict[str, str]
    status: int | None
    reply: dict | None
    error: str = ""


@dataclass
class Transaction:
    """One transaction in the gateway's ledger (what its settlement list reports)."""

    merchant: str
    reference: str
    amount: int  # đồng
    status: str  # vnp_TransactionStatus: "00" paid, "02" not paid
    transaction_no: str
    pay_date: str  # yyyyMMddHHmmss, GMT+7


@dataclass
class SandboxApp:
    merchants: dict[str, Merchant]
    bank_code: str = "NCB"
    deliveries: list[Delivery] = field(default_factory=list)
    ledger: list[Transaction] = field(default_factory=list)
    _numbers: itertools.count = field(default_factory=lambda: itertools.count(14000001))
    _lock: threading.Lock = field(default_factory=threading.Lock)

    # --- WSGI ---------------------------------------------------------------------------
    def __call__(self, environ, start_response):
        method = environ.get("REQUEST_METHOD", "GET")
        path = environ.get("PATH_INFO", "")
        if path == PAY_PATH and method == "GET":
            status, headers, body = self.payment_page(environ.get("QUERY_STRING", ""))
        elif path == DECIDE_PATH and method == "POST":
            status, headers, body = self.decide(self._form(environ))
        elif path == SETTLEMENT_PATH and method == "GET":
            status, headers, body = self.settlements(environ.get("QUERY_STRING", ""))
        else:
            status, headers, body = self._page("404 Not Found", "Không tìm thấy", "Not found")

        start_response(status, headers)
        return [body]

    @staticmethod
    def _form(environ) -> dict[str, str]:
        try:
            length = min(int(environ.get("CONTENT_LENGTH") or 0), MAX_BODY)
        except ValueError:
            length = 0
        raw = environ["wsgi.input"].read(length).decode("utf-8", "replace")
        return dict(parse_qsl(raw, keep_blank_values=True))

    # --- the protocol ---------------------------------------------------------------------
    def check_request(self, query: str) -> tuple[dict[str, str] | None, Merchant | None, str]:
        """The request's parameters and merchant, or an error text (Vietnamese / English)."""
        params = dict(parse_qsl(query, keep_blank_values=True))
        merchant = self.merchants.get(params.get("vnp_TmnCode", ""))
        if merchant is None:
            return None, None, "Mã website không tồn tại / Unknown merchant code"
        if not vnpay.has_valid_hash(params, merchant.secret):
            return None, None, "Sai chữ ký / Invalid signature"
        try:
            amount = int(params["vnp_Amount"])
            expires = vnpay.parse_time(params["vnp_ExpireDate"])
        except (KeyError, ValueError):
            return None, None, "Thiếu tham số / Missing or bad parameters"
        if (
            amount <= 0
            or params.get("vnp_Command") != "pay"
            or params.get("vnp_CurrCode") != "VND"
            or not params.get("vnp_TxnRef")
            or not params.get("vnp_ReturnUrl", "").startswith(("http://", "https://"))
        ):
            return None, None, "Thiếu tham số / Missing or bad parameters"
        if expires < dt.datetime.now(tz=vnpay.GMT7):
            return None, None, "Giao dịch đã quá thời gian chờ / The transaction has expired"
        return params, merchant, ""

    def payment_page(self, query: str):
        params, _merchant, error = self.check_request(query)
        if params is None:
            return self._error(error)
        amount = int(params["vnp_Amount"]) // 100
        grouped = f"{amount:,}".replace(",", ".")
        description = html.escape(params.get("vnp_OrderInfo", ""))
        body = (
            f"<dl><dt>Mã giao dịch / Reference</dt><dd>{html.escape(params['vnp_TxnRef'])}</dd>"
            f"<dt>Nội dung / Description</dt><dd>{description}</dd>"
            f"<dt>Số tiền / Amount</dt><dd id='amount'>{grouped} VND</dd></dl>"
            f"<form method='post' action='{DECIDE_PATH}'>"
            f"<input type='hidden' name='q' value='{html.escape(query, quote=True)}'>"
            "<button type='submit' name='decision' value='pay'>Thanh toán / Pay</button> "
            "<button type='submit' name='decision' value='cancel'>Hủy / Cancel</button>"
            "</form>"
        )
        return self._page("200 OK", "Cổng thanh toán thử nghiệm", "Sandbox payment gateway", body)

    def decide(self, form: dict[str, str]):
        params, merchant, error = self.check_request(form.get("q", ""))
        if params is None or merchant is None:
            return self._error(error)
        decision = form.get("decision")
        if decision not in ("pay", "cancel"):
            return self._error("Chọn thanh toán hoặc hủy / Choose pay or cancel")
        result = self.result_params(params, paid=decision == "pay")
        signed = vnpay.sign(result, merchant.secret)
        self.record_transaction(
            merchant=merchant.code,
            reference=result["vnp_TxnRef"],
            amount=int(result["vnp_Amount"]) // 100,
            status=result["vnp_TransactionStatus"],
            transaction_no=result["vnp_TransactionNo"],
            pay_date=result["vnp_PayDate"],
        )
        self.notify(merchant, signed)
        return_url = params["vnp_ReturnUrl"]
        separator = "&" if "?" in return_url else "?"
        location = return_url + separator + urlencode(signed)
        return "303 See Other", [("Location", location), ("Content-Length", "0")], b""

    def result_params(self, request: dict[str, str], *, paid: bool) -> dict[str, str]:
        with self._lock:
            number = str(next(self._numbers))
        code = vnpay.SUCCESS if paid else vnpay.CUSTOMER_CANCELLED
        return {
            "vnp_TmnCode": request["vnp_TmnCode"],
            "vnp_Amount": request["vnp_Amount"],
            "vnp_BankCode": self.bank_code,
            "vnp_BankTranNo": ("VNP" + number) if paid else "",
            "vnp_CardType": "ATM" if paid else "",
            "vnp_OrderInfo": request.get("vnp_OrderInfo", ""),
            "vnp_PayDate": vnpay.format_time(dt.datetime.now(tz=vnpay.GMT7)),
            "vnp_ResponseCode": code,
            "vnp_TransactionNo": number if paid else "0",
            "vnp_TransactionStatus": vnpay.SUCCESS if paid else "02",
            "vnp_TxnRef": request["vnp_TxnRef"],
            "vnp_SecureHashType": "HmacSHA512",
        }

    def notify(self, merchant: Merchant, signed: dict[str, str]) -> Delivery:
        """Send the notification (GET, as VNPAY does) and record the merchant's answer."""
        separator = "&" if "?" in merchant.ipn_url else "?"
        url = merchant.ipn_url + separator + urlencode(signed)
        delivery = Delivery(url=url, params=dict(signed), status=None, reply=None)
        try:
            with urlopen(url, timeout=30) as response:  # noqa: S310 (http(s) URL from config)
                delivery.status = response.status
                delivery.reply = json.loads(response.read().decode("utf-8"))
        except (URLError, OSError, ValueError) as error:
            delivery.error = str(error)
        with self._lock:
            self.deliveries.append(delivery)
        return delivery

    # --- reconciliation -------------------------------------------------------------------
    def record_transaction(self, **values) -> Transaction:
        """Add one transaction to the ledger (a decision on the payment page does; tests may
        add what a real gateway could hold, e.g. a payment whose notification was lost)."""
        transaction = Transaction(**values)
        with self._lock:
            self.ledger.append(transaction)
        return transaction

    def settlements(self, query: str):
        """The signed JSON settlement list of one merchant and day (GMT+7 pay date)."""
        params = dict(parse_qsl(query, keep_blank_values=True))
        merchant = self.merchants.get(params.get("vnp_TmnCode", ""))
        day = params.get("vnp_SettleDate", "")
        if merchant is None or not vnpay.has_valid_hash(params, merchant.secret):
            return self._json("401 Unauthorized", {"vnp_ResponseCode": "97"}, None)
        if params.get("vnp_Command") != "settlement" or len(day) != 8 or not day.isdigit():
            return self._json("400 Bad Request", {"vnp_ResponseCode": "99"}, None)
        with self._lock:
            rows = [t for t in self.ledger if t.merchant == merchant.code and t.pay_date[:8] == day]
        payload = {
            "vnp_TmnCode": merchant.code,
            "vnp_SettleDate": day,
            "vnp_ResponseCode": "00",
            "transactions": [
                {
                    "vnp_TxnRef": t.reference,
                    "vnp_Amount": str(t.amount * 100),
                    "vnp_TransactionNo": t.transaction_no,
                    "vnp_TransactionStatus": t.status,
                    "vnp_PayDate": t.pay_date,
                }
                for t in rows
            ],
        }
        return self._json("200 OK", payload, merchant.secret)

    @staticmethod
    def _json(status: str, payload: dict, secret: str | None):
        data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        headers = [("Content-Type", "application/json; charset=utf-8")]
        if secret:
            signature = hmac.new(secret.encode("utf-8"), data, hashlib.sha512).hexdigest()
            headers.append(("X-VNP-Signature", signature))
        headers.append(("Content-Length", str(len(data))))
        return status, headers, data

    # --- pages ----------------------------------------------------------------------------
    @staticmethod
    def _error(text: str):
        return SandboxApp._page(
            "400 Bad Request",
            "Lỗi giao dịch",
            "Transaction error",
            f"<p role='alert'>{html.escape(text)}</p>",
        )

    @staticmethod
    def _page(status: str, title_vi: str, title_en: str, body: str = ""):
        page = (
            "<!doctype html><html lang='vi'><head><meta charset='utf-8'>"
            "<meta name='viewport' content='width=device-width, initial-scale=1'>"
            f"<title>{title_vi} / {title_en}</title></head><body><main>"
            f"<h1>{title_vi} / <span lang='en'>{title_en}</span></h1>"
            "<p>Môi trường thử nghiệm, không dùng tiền thật. / "
            "<span lang='en'>Sandbox: no real money moves.</span></p>"
            f"{body}</main></body></html>"
        )
        data = page.encode("utf-8")
        headers = [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(data)))]
        return status, headers, data
