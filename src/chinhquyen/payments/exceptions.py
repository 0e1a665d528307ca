"""Errors of the payment services; views turn them into 4xx pages."""

from django.core.exceptions import PermissionDenied  # noqa: F401  (re-exported: 403)


class PaymentRefused(Exception):
    """A payment cannot start: a bilingual message and a stable ``code``; HTTP ``status``."""

    def __init__(self, message: str, *, code: str, status: int = 409) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.status = status
