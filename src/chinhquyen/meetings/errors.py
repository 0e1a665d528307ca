"""Errors of the work-calendar services, shaped like ``documents.errors`` (bilingual message,
stable ``code``, HTTP ``status``) so views and the API answer them the same way."""

from chinhquyen.documents.errors import DocumentError, InvalidTransition

__all__ = ["BookingConflict", "InvalidTransition", "MeetingError"]


class MeetingError(DocumentError):
    """Bad input to a calendar or endpoint service (HTTP 400)."""

    code = "meeting_error"


class BookingConflict(MeetingError):
    """The endpoint is already booked for an overlapping time (HTTP 409)."""

    status = 409
    code = "endpoint_double_booked"

    def __init__(self, message, *, booking=None, **params):
        super().__init__(message, **params)
        self.booking = booking
