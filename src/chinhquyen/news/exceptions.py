"""Errors of the news services: a wrong-state action (→ 409) and refused input (→ 400)."""

from django.core.exceptions import ValidationError


class InvalidTransition(Exception):
    """The action does not apply to the article in its current state (HTTP 409)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class FileRefused(ValidationError):
    """An uploaded image or PDF was refused (wrong type, too big, empty)."""
