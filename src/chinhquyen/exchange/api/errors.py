"""Coded errors of the integration API: ``{"code", "message_vi", "message_en"}`` everywhere.

The codes are part of the API contract (never rename one). :class:`ApiError` is raised by the
auth class, the throttle and the routers; the root API's exception handlers
(``install_handlers``) turn it — and Ninja's own validation and authentication errors, Django's
``Http404``/``PermissionDenied`` and the services' coded errors — into this one JSON shape.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from ninja import Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError

MESSAGES: dict[str, Promise] = {
    "token_missing": _("An access token (Authorization: Bearer …) is required."),
    "token_invalid": _("The access token is not valid or has expired; request a new one."),
    "client_disabled": _("This system account is disabled."),
    "scope_missing": _("The access token does not carry the scope this call needs."),
    "rate_limited": _("Too many requests from this system account; retry later."),
    "body_too_large": _("The request body is larger than this API accepts."),
    "validation_error": _("The request is not valid."),
    "not_found": _("Not found."),
    "forbidden": _("This system account may not do this."),
    "conflict": _("The request conflicts with the current state."),
    "bad_request": _("The request cannot be processed."),
    "sender_mismatch": _(
        "The package's sender is not the organisation this system account belongs to."
    ),
    "agency_outside_organisation": _(
        "The receiving agency is not within the organisation of this system account."
    ),
    "action_not_allowed": _("This system account may not perform this dossier action."),
    "bad_idempotency_key": _(
        "The Idempotency-Key header must be 1 to 200 printable characters without spaces."
    ),
    "idempotency_conflict": _("This idempotency key was already used for a different request."),
    "server_error": _("An unexpected error occurred; it has been logged."),
}


class ErrorOut(Schema):
    code: str
    message_vi: str
    message_en: str


class ValidationErrorOut(ErrorOut):
    errors: list[dict] = []


def _texts(message) -> tuple[str, str]:
    texts = []
    for language in ("vi", "en"):
        with translation.override(language):
            texts.append(str(message))
    return texts[0], texts[1]


def error_body(code: str, message=None) -> dict:
    """The error JSON; ``message`` (lazy or already bilingual text) defaults to the code's."""
    message = MESSAGES.get(code, MESSAGES["bad_request"]) if message is None else message
    if isinstance(message, Promise):
        vi, en = _texts(message)
    else:
        # The services' messages are already bilingual ("Tiếng Việt / English", see
        # dossiers.services.access.bilingual): split them when they are.
        text = str(message)
        vi, _sep, en = text.partition(" / ")
        en = en or text
    return {"code": code, "message_vi": vi, "message_en": en}


class ApiError(Exception):
    """An answer with a coded error body (and optional headers, e.g. Retry-After)."""

    def __init__(self, status: int, code: str, message=None, *, headers=None, **extra) -> None:
        super().__init__(code)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}
        self.extra = extra


def responses(*statuses: int, **ok) -> dict:
    """A ``response=`` map: the success schemas plus ``ErrorOut`` for each error status (and
    401/403/413/422/429, which every authenticated call may answer)."""
    result: dict = {int(k.removeprefix("s")): v for k, v in ok.items()}
    for status in {401, 403, 413, 429, *statuses}:
        result[status] = ErrorOut
    result[422] = ValidationErrorOut
    return result


def install_handlers(api) -> None:
    """Register the coded error handlers on the root Ninja API (all routers share them)."""
    from chinhquyen.dossiers.exceptions import DossierError

    def answer(request, status: int, body: dict, headers=None):
        response = api.create_response(request, body, status=status)
        for name, value in (headers or {}).items():
            response[name] = value
        return response

    @api.exception_handler(ApiError)
    def api_error(request, exc: ApiError):
        return answer(
            request, exc.status, {**error_body(exc.code, exc.message), **exc.extra}, exc.headers
        )

    @api.exception_handler(ValidationError)
    def validation_error(request, exc: ValidationError):
        errors = [
            {
                "loc": [str(part) for part in error.get("loc", ())],
                "msg": str(error.get("msg", "")),
                "type": str(error.get("type", "")),
            }
            for error in exc.errors
        ]
        return answer(request, 422, {**error_body("validation_error"), "errors": errors})

    @api.exception_handler(AuthenticationError)
    def authentication_error(request, exc):
        return answer(
            request, 401, error_body("token_missing"), {"WWW-Authenticate": 'Bearer realm="api"'}
        )

    @api.exception_handler(HttpError)
    def http_error(request, exc: HttpError):
        code = {404: "not_found", 403: "forbidden", 409: "conflict"}.get(
            exc.status_code, "bad_request"
        )
        return answer(request, exc.status_code, error_body(code))

    @api.exception_handler(Http404)
    def not_found(request, exc):
        return answer(request, 404, error_body("not_found"))

    @api.exception_handler(PermissionDenied)
    def forbidden(request, exc):
        return answer(request, 403, error_body("forbidden"))

    @api.exception_handler(DossierError)
    def dossier_error(request, exc: DossierError):
        return answer(request, exc.status, error_body(exc.code, exc.message))

    try:
        from chinhquyen.exchange.edxml.errors import ExchangeError
    except ImportError:  # pragma: no cover - the edXML layer is part of this app
        return

    @api.exception_handler(ExchangeError)
    def exchange_error(request, exc: ExchangeError):
        return answer(request, exc.status, error_body(exc.code, exc.message))
