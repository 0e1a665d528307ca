"""Refusals with a message in Vietnamese and English."""

from django.utils import translation


def bilingual(message, **params) -> str:
    """A translatable message in Vietnamese and in English: "vi / en" (once if they agree)."""
    texts = []
    for language in ("vi", "en"):
        with translation.override(language):
            text = str(message)
            texts.append(text % params if params else text)
    if texts[0] == texts[1]:
        return texts[1]
    return f"{texts[0]} / {texts[1]}"


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
