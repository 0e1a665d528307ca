"""Coded errors of the edXML layer (gói tin edXML): every refusal has a stable ``code``.

An :class:`ExchangeError` carries a bilingual message ("Vietnamese / English", rendered by
``dossiers.services.access.bilingual``) and an HTTP-like ``status`` so the inbox and the API can
answer with the same JSON error shape as the rest of the platform. A refused package stores
nothing: the parser raises before any database work, and the receiving services raise inside
their transaction.
"""

from __future__ import annotations

from django.utils.functional import Promise

from chinhquyen.dossiers.services.access import bilingual

# Stable codes (part of the API contract; never rename one).
TOO_LARGE = "edxml_too_large"
MALFORMED = "edxml_malformed"
FORBIDDEN_DTD = "edxml_forbidden_dtd"  # DOCTYPE, entity declarations or references (XXE)
NOT_EDXML = "edxml_not_edxml"
MISSING_FIELD = "edxml_missing_field"
INVALID_FIELD = "edxml_invalid_field"
ATTACHMENT_INVALID = "edxml_attachment_invalid"
MANIFEST_MISMATCH = "edxml_manifest_mismatch"
SIGNATURE_MISSING = "edxml_signature_missing"
SIGNATURE_INVALID = "edxml_signature_invalid"
CERTIFICATE_UNTRUSTED = "edxml_certificate_untrusted"
CERTIFICATE_REVOKED = "edxml_certificate_revoked"
CERTIFICATE_EXPIRED = "edxml_certificate_expired"
ORGANISATION_MISMATCH = "edxml_organisation_mismatch"
UNKNOWN_RECIPIENT = "edxml_unknown_recipient"
UNKNOWN_DOCUMENT = "edxml_unknown_document"
UNKNOWN_STATUS_CODE = "edxml_unknown_status_code"
NO_SIGNING_KEY = "edxml_no_signing_key"
KEY_UNAVAILABLE = "edxml_key_unavailable"
DOCUMENT_NOT_READY = "edxml_document_not_ready"
SECRET_DOCUMENT = "edxml_secret_document"  # noqa: S105 (an error code)
NOT_EXCHANGE_RECIPIENT = "edxml_not_exchange_recipient"


class ExchangeError(Exception):
    """A package or status message refused, or one that cannot be built (nothing stored)."""

    status = 400
    code = "exchange_error"

    def __init__(
        self,
        message: str | Promise,
        *,
        code: str | None = None,
        status: int | None = None,
        field: str | None = None,
        **params,
    ) -> None:
        self.message = bilingual(message, **params)
        super().__init__(self.message)
        if code:
            self.code = code
        if status:
            self.status = status
        self.field = field

    def as_dict(self) -> dict:
        """The JSON error body of the platform's API (``code`` + bilingual ``message``)."""
        body = {"code": self.code, "message": self.message}
        if self.field:
            body["field"] = self.field
        return body


class PackageRefused(ExchangeError):
    """An incoming package or status message that is not accepted (HTTP 400/422)."""

    code = "edxml_refused"


class SignatureRefused(PackageRefused):
    """The XML signature is missing, broken, or its certificate is not acceptable."""

    code = SIGNATURE_INVALID
