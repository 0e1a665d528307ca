"""Errors of the queue-ticket services; views turn them into 4xx answers (bilingual text)."""

from django.core.exceptions import PermissionDenied  # noqa: F401  (re-exported: 403)


class AppointmentError(Exception):
    """Base class: a bilingual message (Vietnamese first) and a stable machine ``code``."""

    status = 400
    code = "appointment_error"

    def __init__(self, message: str, *, code: str | None = None):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code


class SlotUnavailable(AppointmentError):
    """The slot is full, past, not a slot of that day or the day is not bookable (409)."""

    status = 409
    code = "slot_unavailable"


class TicketConflict(AppointmentError):
    """The ticket is not in a state that allows the action (cancelled, past …) (409)."""

    status = 409
    code = "ticket_conflict"
