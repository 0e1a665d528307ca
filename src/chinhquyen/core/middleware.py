import re
import uuid

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation

_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{8,64}$")


class RequestIdMiddleware:
    """Gives every request an id (kept from ``X-Request-ID`` when a proxy set a sane one).

    The id is echoed in the response and stored on every audit entry the request causes,
    so a complaint can be traced from the proxy log to the audit trail.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request.request_id = incoming if _VALID_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        response = self.get_response(request)
        response["X-Request-ID"] = request.request_id
        return response


def client_ip(request) -> str | None:
    """The client address as the nearest trusted hop saw it (REMOTE_ADDR)."""
    return request.META.get("REMOTE_ADDR") or None


class VietnameseFirstLocaleMiddleware(LocaleMiddleware):
    """Vietnamese unless the visitor chose another language with the language switch.

    Django's LocaleMiddleware also follows the browser's Accept-Language header. Many phones in
    Vietnam run an English system UI, so that would show a Vietnamese citizen the English site;
    here only the language cookie set by ``set_language`` (the switch in the header) counts.
    """

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        supported = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
