"""Errors of the postal services: a bilingual message and a stable ``code``."""


class PostalError(Exception):
    status = 400
    code = "postal_error"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code:
            self.code = code


class UnknownOrder(PostalError):
    status = 422
    code = "unknown_order"


class EventConflict(PostalError):
    """The same operator event id with a different content."""

    status = 409
    code = "event_conflict"


class OrderStateError(PostalError):
    """The action does not fit the order's status (HTTP 409)."""

    status = 409
    code = "invalid_state"
