"""Refusals with a message in Vietnamese and English."""

from chinhquyen.dossiers.services.access import bilingual  # noqa: F401 (re-exported)


class CitizenError(Exception):
    """Base: an action refused, with a bilingual ``message``, a ``code`` and the ``field``."""

    def __init__(self, message: str, *, code: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.field = field


class SignInRefused(CitizenError):
    """The sign-in did not succeed; nothing was created."""


class ProviderUnavailable(SignInRefused):
    """The national sign-in service could not be reached or answered nonsense."""


class CodeRefused(CitizenError):
    """A one-time code could not be sent or was not accepted."""
