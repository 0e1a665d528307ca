"""SMS-gateway adapters.

Interface (the same as ``chinhquyen.citizens.sms.SmsBackend``, plus an optional reference):
``send_sms(phone, text, *, reference="") -> str`` sends ``text`` to ``phone`` and returns the
provider's message id; it raises :class:`SmsError` on any failure (the caller retries).

:class:`HttpSmsGateway` speaks a typical Vietnamese brandname-SMS HTTP API: a JSON POST of
``{"ApiKey", "SecretKey", "Phone", "Content", "Brandname", "SmsType", "RequestId"}`` answered by
``{"CodeResult": "100", "SMSID": "…"}`` on success (the shape used by several providers; the
real provider's contract is UNCONFIRMED, so URL, keys, brandname and type are settings:
``SMS_GATEWAY_URL``, ``SMS_GATEWAY_API_KEY``, ``SMS_GATEWAY_SECRET_KEY``, ``SMS_BRANDNAME``,
``SMS_TYPE``). ``RequestId`` carries the delivery's idempotency key so a provider that
de-duplicates on it never sends one event twice. ``SMS_ASCII_ONLY`` strips Vietnamese
diacritics first (GSM-7: 160 characters per part instead of 70 in UCS-2).

The development log backend stays in ``chinhquyen.citizens.sms``; the local sandbox gateway
(``chinhquyen.notifications.sandbox``) answers this adapter for development and tests.
"""

import unicodedata

import requests
from django.conf import settings
from django.utils.module_loading import import_string

SUCCESS_CODE = "100"


class SmsError(Exception):
    """The gateway refused the message or could not be reached."""


def ascii_text(text: str) -> str:
    """Vietnamese without diacritics, case kept ("Hồ sơ Đã" → "Ho so Da")."""
    text = (text or "").replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize(
        "NFC", "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    )


def prepare_text(text: str) -> str:
    return ascii_text(text) if getattr(settings, "SMS_ASCII_ONLY", False) else text


class HttpSmsGateway:
    """JSON-over-HTTPS brandname SMS gateway (see the module docstring)."""

    def __init__(self) -> None:
        self.url = settings.SMS_GATEWAY_URL
        self.api_key = settings.SMS_GATEWAY_API_KEY
        self.secret_key = settings.SMS_GATEWAY_SECRET_KEY
        self.brandname = settings.SMS_BRANDNAME
        self.sms_type = settings.SMS_TYPE
        self.timeout = settings.SMS_GATEWAY_TIMEOUT

    def send_sms(self, phone: str, text: str, *, reference: str = "") -> str:
        if not self.url:
            raise SmsError("SMS_GATEWAY_URL is not set.")
        payload = {
            "ApiKey": self.api_key,
            "SecretKey": self.secret_key,
            "Phone": phone,
            "Content": prepare_text(text),
            "Brandname": self.brandname,
            "SmsType": self.sms_type,
            "RequestId": reference,
        }
        try:
            response = requests.post(self.url, json=payload, timeout=self.timeout)
        except requests.RequestException as exc:
            raise SmsError(f"SMS gateway unreachable: {exc}") from exc
        try:
            answer = response.json()
        except ValueError:
            answer = {}
        code = str(answer.get("CodeResult", ""))
        if response.status_code != 200 or code != SUCCESS_CODE:
            detail = answer.get("ErrorMessage") or response.text[:200]
            raise SmsError(
                f"SMS gateway refused (HTTP {response.status_code}, code {code}): {detail}"
            )
        return str(answer.get("SMSID", ""))


def get_gateway():
    """The configured backend for notifications (``NOTIFICATION_SMS_BACKEND``)."""
    return import_string(settings.NOTIFICATION_SMS_BACKEND)()


def send_sms(phone: str, text: str, *, reference: str = "") -> str:
    """Send through the configured backend; backends of the citizens' interface (no
    reference, no return value) work too."""
    gateway = get_gateway()
    if isinstance(gateway, HttpSmsGateway):
        return gateway.send_sms(phone, text, reference=reference)
    result = gateway.send_sms(phone, text)
    return str(result or "")
