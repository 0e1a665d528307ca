"""Sending text messages: a small interface and a development backend.

``CITIZEN_SMS_BACKEND`` names the class (dotted path). The only one here,
``DevelopmentLogSmsBackend``, does NOT send anything: it writes the message to the log
(logger ``chinhquyen.citizens.sms``) and keeps it in ``outbox`` for tests. A real gateway
adapter (notifications work) implements ``send_sms(phone, text)`` the same way.
"""

import logging
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger("chinhquyen.citizens.sms")

DEFAULT_BACKEND = "chinhquyen.citizens.sms.DevelopmentLogSmsBackend"


class SmsBackend(Protocol):
    def send_sms(self, phone: str, text: str) -> None:
        """Send ``text`` to ``phone`` (0xxxxxxxxx); raise on failure."""


class DevelopmentLogSmsBackend:
    """DEVELOPMENT ONLY: logs the message instead of sending it; ``outbox`` keeps them."""

    outbox: list[tuple[str, str]] = []

    def send_sms(self, phone: str, text: str) -> None:
        if getattr(settings, "PRODUCTION", False):
            raise RuntimeError(
                "CITIZEN_SMS_BACKEND is the development log backend; set a real SMS gateway."
            )
        type(self).outbox.append((phone, text))
        logger.warning("DEVELOPMENT SMS (not sent) to %s: %s", phone, text)


def get_backend() -> SmsBackend:
    return import_string(getattr(settings, "CITIZEN_SMS_BACKEND", DEFAULT_BACKEND))()


def send_sms(phone: str, text: str) -> None:
    get_backend().send_sms(phone, text)
