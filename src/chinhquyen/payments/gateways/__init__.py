"""Payment gateway adapters, chosen by ``settings.PAYMENT_GATEWAY``.

To add a gateway (e.g. the national online payment platform of the public service portal),
subclass :class:`base.PaymentGateway`, implement ``redirect_url`` / ``verify`` / ``parse`` /
``reply``, and register the class in ``GATEWAYS``.
"""

from __future__ import annotations

from django.conf import settings

from .base import GatewayResult, MalformedMessage, Outcome, PaymentGateway, PaymentRequest
from .vnpay import VnpayGateway

GATEWAYS: dict[str, type[PaymentGateway]] = {VnpayGateway.name: VnpayGateway}


def get_gateway(name: str | None = None) -> PaymentGateway:
    """The configured adapter (settings read at call time)."""
    gateway_class = GATEWAYS[name or settings.PAYMENT_GATEWAY]
    return gateway_class(
        url=settings.PAYMENT_GATEWAY_URL,
        merchant_code=settings.PAYMENT_MERCHANT_CODE,
        secret=settings.PAYMENT_HASH_SECRET,
    )


__all__ = [
    "GATEWAYS",
    "GatewayResult",
    "MalformedMessage",
    "Outcome",
    "PaymentGateway",
    "PaymentRequest",
    "VnpayGateway",
    "get_gateway",
]
