"""Errors of the infrastructure services; views turn them into 4xx answers.

Each carries a bilingual message ("Vietnamese / English"), like ``documents.errors``.
"""

from django.utils.functional import Promise

from chinhquyen.dossiers.services.access import bilingual


class InfrastructureError(Exception):
    status = 400
    code = "infrastructure_error"

    def __init__(self, message: str | Promise, *, code: str | None = None, **params):
        self.message = bilingual(message, **params)
        super().__init__(self.message)
        if code:
            self.code = code


class InvalidTransition(InfrastructureError):
    """Wrong state: the year is locked, the inventory already submitted … (HTTP 409)."""

    status = 409
    code = "invalid_transition"


class InventoryInvalid(InfrastructureError):
    """Bad figures; ``errors`` maps each field to its bilingual messages."""

    code = "inventory_invalid"

    def __init__(self, errors: dict[str, list[str]]):
        self.errors = errors
        first = next(iter(errors.values()))[0]
        Exception.__init__(self, first)
        self.message = first
