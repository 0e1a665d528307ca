"""Sign-in events in the audit trail: login, logout and failed login, with IP and request id."""

import contextlib

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

from chinhquyen.audit.context import audit_context
from chinhquyen.core.middleware import client_ip


def _request_context(request):
    """The request's IP and id (the test client's login() has no middleware-made context)."""
    if request is None:
        return contextlib.nullcontext()
    fields = {"ip": client_ip(request)}
    request_id = getattr(request, "request_id", "")
    if request_id:
        fields["request_id"] = request_id
    return audit_context(**fields)


def _logged_in(sender, request, user, **kwargs) -> None:
    from chinhquyen.audit.services import log_action

    with _request_context(request):
        log_action("accounts.login", target=user, actor=user)


def _logged_out(sender, request, user, **kwargs) -> None:
    from chinhquyen.audit.services import log_action

    if user is None:  # logging out an anonymous session
        return
    with _request_context(request):
        log_action("accounts.logout", target=user, actor=user)


def _login_failed(sender, credentials, request=None, **kwargs) -> None:
    from chinhquyen.audit.services import log_action

    username = str(credentials.get("username", ""))[:150]
    with _request_context(request):
        log_action("accounts.login_failed", details={"username": username})


def connect() -> None:
    user_logged_in.connect(_logged_in, dispatch_uid="audit:login")
    user_logged_out.connect(_logged_out, dispatch_uid="audit:logout")
    user_login_failed.connect(_login_failed, dispatch_uid="audit:login_failed")
