"""Errors the dossier services raise; views and the API turn them into 4xx answers."""

from django.core.exceptions import PermissionDenied  # noqa: F401  (re-exported: 403)


class DossierError(Exception):
    """Base class: a bilingual message (Vietnamese first) and a stable machine ``code``."""

    status = 400
    code = "dossier_error"

    def __init__(self, message: str, *, code: str | None = None, details: dict | None = None):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.details = details or {}


class InvalidTransition(DossierError):
    """The action is not allowed in the dossier's current state (HTTP 409)."""

    status = 409
    code = "invalid_transition"


class StaleDossier(InvalidTransition):
    """Someone else changed the dossier since it was loaded (HTTP 409, reload)."""

    code = "dossier_changed"


class IntakeRefused(DossierError):
    """The dossier cannot be received (missing components, bad applicant data …)."""

    status = 400
    code = "intake_refused"


class UploadRefused(DossierError):
    """An uploaded file has a type that is not allowed or is too big."""

    status = 400
    code = "upload_refused"
