from chinhquyen.audit.context import audit_context
from chinhquyen.core.middleware import client_ip


class AuditContextMiddleware:
    """Opens an audit context for the request: the signed-in user, request id and IP."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        actor = user if user is not None and user.is_authenticated else None
        source = "api" if request.path.startswith("/api/") else "web"
        with audit_context(
            actor=actor,
            source=source,
            request_id=getattr(request, "request_id", ""),
            ip=client_ip(request),
        ):
            return self.get_response(request)
