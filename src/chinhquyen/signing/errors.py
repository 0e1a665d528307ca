"""Errors of the signing app: each carries a clear bilingual (Vietnamese + English) message.

``SigningError`` is the base; views turn it into a 4xx and commands into ``CommandError``.
Nothing is signed and the input PDF is left unchanged whenever one is raised.
"""

from django.utils.functional import Promise
from django.utils.translation import gettext, override


def bilingual(message: str | Promise, **params) -> str:
    """``message`` in Vietnamese, then in English: "vi (en)".

    ``message`` is marked for ``makemessages``: ``gettext_lazy("…")`` (rendered here in each
    language) or ``gettext_noop("…")`` (an English msgid, looked up here).
    """
    with override("vi"):
        vi = gettext(str(message)) % params
    with override("en"):
        en = gettext(str(message)) % params
    return vi if vi == en else f"{vi} ({en})"


class SigningError(Exception):
    """Base class: signing or verification refused, with a bilingual message."""

    code = "signing_error"

    def __init__(self, message: str | Promise, **params) -> None:
        self.message = bilingual(message, **params)
        super().__init__(self.message)


class NotAPdfError(SigningError):
    code = "not_a_pdf"


class NoSigningKeyError(SigningError):
    code = "no_signing_key"


class CertificateRefusedError(SigningError):
    """The signer's certificate is expired, not yet valid, revoked or not trusted."""

    code = "certificate_refused"


class KeyUnavailableError(SigningError):
    """The key cannot be used: wrong PIN or passphrase, token absent, key not on the token."""

    code = "key_unavailable"


class PermissionDeniedError(SigningError):
    code = "permission_denied"
