"""Errors the document services raise; views and the API turn them into 4xx answers.

Each carries a bilingual message ("Vietnamese / English") and a stable machine ``code``.
"""

from django.utils.functional import Promise

from chinhquyen.dossiers.services.access import bilingual


class DocumentError(Exception):
    status = 400
    code = "document_error"

    def __init__(
        self,
        message: str | Promise,
        *,
        code: str | None = None,
        field: str | None = None,
        **params,
    ):
        self.message = bilingual(message, **params)
        super().__init__(self.message)
        if code:
            self.code = code
        self.field = field


class InvalidTransition(DocumentError):
    """The action is not allowed in the document's current state (HTTP 409)."""

    status = 409
    code = "invalid_transition"


class NumberingError(DocumentError):
    """No book, a closed book, or a number outside the book."""

    code = "numbering_error"


class UploadRefused(DocumentError):
    code = "upload_refused"
