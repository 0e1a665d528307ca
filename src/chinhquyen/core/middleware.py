import re
import uuid

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
