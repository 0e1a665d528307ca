"""A local SMS gateway for development and tests (never in production).

It answers :class:`chinhquyen.notifications.sms.HttpSmsGateway`: ``POST /sms`` with the JSON
of the adapter; it checks the API key, records each accepted message in ``messages`` (and
returns ``CodeResult`` "100" with an ``SMSID``) and lists them as JSON on ``GET /messages``.
``fail_next(n)`` makes the next ``n`` sends answer HTTP 503 (to exercise retries).
A repeated ``RequestId`` is answered with the first message's id and not recorded again,
like providers that de-duplicate on it.
"""

from .server import SMS_PATH, SmsSandbox

__all__ = ["SMS_PATH", "SmsSandbox"]
