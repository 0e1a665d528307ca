"""Citizen sign-in, sign-out and profile pages (server-rendered, no JavaScript needed)."""

from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from chinhquyen.audit.services import log_action
from chinhquyen.citizens import codes, oidc, services
from chinhquyen.citizens.choices import CodeChannel
from chinhquyen.citizens.decorators import citizen_required
from chinhquyen.citizens.errors import CodeRefused, ProviderUnavailable, SignInRefused
from chinhquyen.citizens.forms import (
    CodeEntryForm,
    CodeRequestForm,
    ContactChangeForm,
    ProfileForm,
)
from chinhquyen.core.middleware import client_ip

BACKEND = "django.contrib.auth.backends.ModelBackend"
CODE_SESSION_KEY = "citizens_code_pending"
CONTACT_SESSION_KEY = "citizens_contact_pending"


def _safe_next(request, value: str | None) -> str:
    if value and url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return value
    return reverse("citizens:profile")


def _render_login(request, *, status=200, sso_error="", code_form=None, next_url=None):
    next_url = next_url or _safe_next(request, request.GET.get("next"))
    return render(
        request,
        "citizens/login.html",
        {
            "code_form": code_form or CodeRequestForm(),
            "next": next_url,
            "sso_available": oidc.is_configured(),
            "sso_error": sso_error,
        },
        status=status,
    )


def _sign_in(request, user, next_url: str):
    auth_login(request, user, backend=BACKEND)
    messages.success(request, _("You are signed in."))
    return redirect(next_url)


@require_http_methods(["GET"])
def home(request):
    """``/cong-dan/``: the signed-in citizen's account page, else the sign-in page."""
    if services.is_citizen(request.user):
        return redirect("citizens:profile")
    return redirect("citizens:login")


@never_cache
@require_http_methods(["GET"])
def login_page(request):
    if services.is_citizen(request.user):
        return redirect(_safe_next(request, request.GET.get("next")))
    return _render_login(request)


@never_cache
@require_http_methods(["GET"])
def oidc_start(request):
    next_url = _safe_next(request, request.GET.get("next"))
    try:
        url = oidc.start(request, next_url)
    except SignInRefused as exc:
        status = 503 if isinstance(exc, ProviderUnavailable) else 400
        return _render_login(request, status=status, sso_error=exc.message, next_url=next_url)
    return redirect(url)


@never_cache
@require_http_methods(["GET"])
def oidc_callback(request):
    ip = client_ip(request)
    next_url = reverse("citizens:profile")
    try:
        entry = oidc.take_pending(request)
        next_url = _safe_next(request, entry.get("next"))
        claims = oidc.finish(request, entry)
        user = services.sign_in_with_national_sso(claims=claims, issuer=entry["issuer"], ip=ip)
    except SignInRefused as exc:
        log_action("citizens.sso_refused", details={"reason": exc.code, "ip": ip})
        status = 503 if isinstance(exc, ProviderUnavailable) else 400
        return _render_login(request, status=status, sso_error=exc.message, next_url=next_url)
    return _sign_in(request, user, next_url)


@never_cache
@require_POST
def code_request(request):
    form = CodeRequestForm(request.POST)
    next_url = _safe_next(request, request.POST.get("next"))
    if form.is_valid():
        try:
            destination = codes.request_code(
                channel=form.channel(),
                destination=form.cleaned_data["destination"],
                purpose="sign_in",
                ip=client_ip(request),
            )
        except CodeRefused as exc:
            form.add_error(
                exc.field if exc.field in form.fields else None,
                ValidationError(exc.message, code=exc.code),
            )
        else:
            request.session[CODE_SESSION_KEY] = {
                "channel": form.channel(),
                "destination": destination,
                "next": next_url,
            }
            return redirect("citizens:code_entry")
    status = 429 if any(e.code == "throttled" for e in _errors(form)) else 400
    return _render_login(request, status=status, code_form=form, next_url=next_url)


def _errors(form):
    return [error for errors in form.errors.as_data().values() for error in errors]


@never_cache
@require_http_methods(["GET", "POST"])
def code_entry(request):
    pending = request.session.get(CODE_SESSION_KEY)
    if not pending:
        return redirect("citizens:login")
    form = CodeEntryForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                user = codes.verify_sign_in_code(
                    channel=pending["channel"],
                    destination=pending["destination"],
                    code=form.cleaned_data["code"],
                    ip=client_ip(request),
                )
            except (CodeRefused, SignInRefused) as exc:
                form.add_error("code", exc.message)
            else:
                request.session.pop(CODE_SESSION_KEY, None)
                return _sign_in(request, user, _safe_next(request, pending.get("next")))
        status = 400
    return render(
        request,
        "citizens/code_entry.html",
        {
            "form": form,
            "masked": codes.mask(pending["channel"], pending["destination"]),
            "by_email": pending["channel"] == CodeChannel.EMAIL,
            "minutes": codes.ttl_minutes(),
        },
        status=status,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def logout_page(request):
    if request.method == "POST":
        if request.user.is_authenticated:
            log_action("citizens.sign_out", actor=request.user)
        auth_logout(request)
        messages.success(request, _("You are signed out."))
        return redirect("citizens:login")
    return render(request, "citizens/logout.html")


@never_cache
@citizen_required
@require_http_methods(["GET", "POST"])
def profile_page(request):
    user = request.user
    profile = services.citizen_profile(user)
    profile_form = ProfileForm(
        initial={
            "full_name": user.full_name,
            "address": profile.address if profile else "",
            "unit": profile.unit_id if profile else None,
        }
    )
    contact_form = ContactChangeForm()
    confirm_form = CodeEntryForm()
    pending = request.session.get(CONTACT_SESSION_KEY)
    status = 200
    action = request.POST.get("action")
    if request.method == "POST" and action == "profile":
        profile_form = ProfileForm(request.POST)
        if profile_form.is_valid():
            services.update_profile(user=user, acting_user=user, **profile_form.cleaned_data)
            messages.success(request, _("Your profile is saved."))
            return redirect("citizens:profile")
        status = 400
    elif request.method == "POST" and action == "change_contact":
        contact_form = ContactChangeForm(request.POST)
        if contact_form.is_valid():
            try:
                value = codes.request_contact_change(
                    user=user,
                    channel=contact_form.channel(),
                    value=contact_form.cleaned_data["value"],
                    ip=client_ip(request),
                )
            except CodeRefused as exc:
                contact_form.add_error("value", ValidationError(exc.message, code=exc.code))
            else:
                request.session[CONTACT_SESSION_KEY] = {
                    "channel": contact_form.channel(),
                    "value": value,
                }
                messages.success(request, _("We sent a code to the new address. Enter it below."))
                return redirect("citizens:profile")
        status = 429 if any(e.code == "throttled" for e in _errors(contact_form)) else 400
    elif request.method == "POST" and action == "confirm_contact" and pending:
        confirm_form = CodeEntryForm(request.POST)
        if confirm_form.is_valid():
            try:
                codes.confirm_contact_change(
                    user=user,
                    channel=pending["channel"],
                    value=pending["value"],
                    code=confirm_form.cleaned_data["code"],
                )
            except CodeRefused as exc:
                confirm_form.add_error("code", exc.message)
            else:
                request.session.pop(CONTACT_SESSION_KEY, None)
                messages.success(request, _("Your contact details are changed."))
                return redirect("citizens:profile")
        status = 400
    elif request.method == "POST" and action == "cancel_contact":
        request.session.pop(CONTACT_SESSION_KEY, None)
        return redirect("citizens:profile")
    elif request.method == "POST":
        status = 400
    return render(
        request,
        "citizens/profile.html",
        {
            "profile": profile,
            "profile_form": profile_form,
            "contact_form": contact_form,
            "confirm_form": confirm_form,
            "pending": pending,
            "pending_masked": codes.mask(pending["channel"], pending["value"]) if pending else "",
        },
        status=status,
    )
