"""Errors of the online application services (each carries a bilingual message)."""


class EformError(Exception):
    """Base: ``message`` is shown to the user ("tiếng Việt / English")."""

    status = 400

    def __init__(self, message: str, *, code: str = "", errors: dict | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.errors = errors or {}


class SchemaInvalid(EformError):
    """The JSON of a form is not valid JSON, not a valid JSON Schema, or outside the subset."""


class DataInvalid(EformError):
    """The form data does not satisfy the schema; ``errors`` maps field paths to messages."""


class NotAvailableOnline(EformError):
    """The procedure cannot be applied for on this portal (mode, national portal, no form)."""

    status = 409


class InvalidState(EformError):
    """Wrong state: a published form edited, a submitted draft changed …"""

    status = 409
