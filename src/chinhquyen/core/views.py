from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.utils import DatabaseError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from chinhquyen import __version__
from chinhquyen.accounts.choices import Role, UserKind
from chinhquyen.accounts.scopes import grants_of
from chinhquyen.core.navigation import navigation_for
from chinhquyen.core.preferences import (
    CONTRAST_COOKIE,
    COOKIE_MAX_AGE,
    TEXT_SIZE_COOKIE,
    next_text_size,
    read_preferences,
)
from chinhquyen.directory.models import Official, Organisation


@require_GET
@never_cache
def healthz(request):
    """Liveness and database check for load balancers: 200 when the database answers, else 503."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        database = "ok"
    except DatabaseError:
        database = "unavailable"
    healthy = database == "ok"
    return JsonResponse(
        {"status": "ok" if healthy else "error", "database": database, "version": __version__},
        status=200 if healthy else 503,
    )


def _roles_of(user) -> list[str]:
    """ "Role — organisation" lines for the roles ``user`` holds today, delegations included."""
    pairs = grants_of(user).pairs
    names = dict(
        Organisation.objects.filter(path__in={path for _role, path in pairs}).values_list(
            "path", "name"
        )
    )
    labels = dict(Role.choices)
    order = list(labels)
    return [
        f"{labels.get(role, role)} — {names.get(path, '?')}"
        for role, path in sorted(pairs, key=lambda pair: (order.index(pair[0]), pair[1]))
        if role in labels
    ]


@login_required
def backoffice(request: HttpRequest) -> HttpResponse:
    """The staff dashboard. Citizens have their own portal and are refused here (403)."""
    user = request.user
    if user.kind == UserKind.CITIZEN:
        raise PermissionDenied
    official = Official.objects.select_related("organisation").filter(user=user).first()
    organisation = official.organisation if official else None
    sections = navigation_for(user, request.path)
    shortcuts = [link for section in sections for link in section.links if link.url != request.path]
    return render(
        request,
        "core/backoffice.html",
        {
            "official": official,
            "organisation": organisation,
            "roles": _roles_of(user),
            "shortcuts": shortcuts,
            "nav_sections": sections,
        },
    )


def _safe_next(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("core:home")


@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    """Text size (A-/A/A+) and high contrast, remembered in long-lived cookies.

    GET shows the settings page; POST stores the choice and sends the visitor back to ``next``
    (303, so a reload does not resubmit). Works without JavaScript.
    """
    if request.method == "GET":
        return render(request, "core/preferences.html", {"next": _safe_next(request)})
    current = read_preferences(request.COOKIES)
    response = HttpResponseRedirect(_safe_next(request), status=303)
    cookie = {
        "max_age": COOKIE_MAX_AGE,
        "samesite": "Lax",
        "httponly": True,
        "secure": settings.SESSION_COOKIE_SECURE,
    }
    step = request.POST.get("text_size")
    if step in {"smaller", "normal", "larger"}:
        response.set_cookie(TEXT_SIZE_COOKIE, next_text_size(current.text_size, step), **cookie)
    contrast = request.POST.get("contrast")
    if contrast in {"high", "normal"}:
        response.set_cookie(CONTRAST_COOKIE, contrast, **cookie)
    return response


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A friendly 403 for a form without a valid CSRF token (settings.CSRF_FAILURE_VIEW).

    The usual causes are a form left open past the session, or cookies blocked in the browser.
    """
    return render(request, "core/csrf_failure.html", {"reason": reason}, status=403)
