"""The interface every payment gateway adapter implements (docs/payments.md).

An adapter knows one gateway's wire format: how to build the signed redirect that sends the
citizen to the gateway, how to check and read what the gateway sends back (the server-to-server
notification and the browser's return), and what to answer the gateway. It holds no state and
touches no database: the rules (amount, order, idempotence) live in ``payments.services``.
"""

from __future__ import annotations

import abc
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass


class MalformedMessage(ValueError):
    """A correctly signed message that lacks a field or carries an unreadable value."""


class Outcome:
    PAID = "paid"
    CANCELLED = "cancelled"
    FAILED = "failed"


@dataclass(frozen=True)
class PaymentRequest:
    """What the merchant asks the gateway to collect."""

    reference: str  # our unique transaction reference (the gateway's order id)
    amount: int  # whole đồng
    description: str  # ASCII, shown by the gateway
    return_url: str  # where the gateway sends the citizen's browser back
    client_ip: str
    language: str  # "vi" or "en"
    created_at: dt.datetime
    expires_at: dt.datetime


@dataclass(frozen=True)
class GatewayResult:
    """A verified message from the gateway, read into plain values."""

    merchant_code: str
    reference: str
    amount: int  # whole đồng
    outcome: str  # Outcome.*
    response_code: str
    transaction_no: str
    bank_code: str
    paid_at: dt.datetime | None


class PaymentGateway(abc.ABC):
    """One gateway's protocol. Subclasses set ``name`` and implement the four methods."""

    name: str = ""
    label: str = ""

    def __init__(self, *, url: str, merchant_code: str, secret: str) -> None:
        self.url = url
        self.merchant_code = merchant_code
        self.secret = secret

    @property
    def is_configured(self) -> bool:
        return bool(self.url and self.merchant_code and self.secret)

    @abc.abstractmethod
    def redirect_url(self, request: PaymentRequest) -> str:
        """The signed address of the gateway's payment page for ``request``."""

    @abc.abstractmethod
    def verify(self, params: Mapping[str, str]) -> bool:
        """True when ``params`` carry a valid signature by this merchant's secret
        (compared in constant time)."""

    @abc.abstractmethod
    def reference_of(self, params: Mapping[str, str]) -> str:
        """The order reference a message claims (not yet verified: for the log only)."""

    @abc.abstractmethod
    def parse(self, params: Mapping[str, str]) -> GatewayResult:
        """Read verified ``params``; raises :class:`MalformedMessage`."""

    @abc.abstractmethod
    def reply(self, verdict: str) -> dict:
        """The body answering a notification the merchant judged ``verdict``
        (a :class:`payments.choices.Verdict` value)."""
