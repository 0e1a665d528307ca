from base64 import b32encode
from urllib.parse import urlencode

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, update_session_auth_hash
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.shortcuts import redirect, render, resolve_url
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp import match_token, user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from chinhquyen.accounts import services
from chinhquyen.accounts.access import access_delegation
from chinhquyen.accounts.choices import UserKind
from chinhquyen.accounts.forms import DelegationForm, LoginForm, TokenForm
from chinhquyen.accounts.models import Delegation, RoleAssignment
from chinhquyen.accounts.roles import DELEGABLE_ROLES
from chinhquyen.audit.services import log_action
from chinhquyen.directory.choices import OfficialStatus
from chinhquyen.directory.models import Official

LOGIN_REFUSED = _(
    "The username or password is not correct, or this account cannot sign in to the back "
    "office. Citizens and businesses sign in through the public portal."
)
_TOTP_KEY_SESSION = "accounts_totp_enrol_key"


def _next_url(request) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def with_next(url_name: str, next_url: str) -> str:
    return f"{resolve_url(url_name)}?{urlencode({'next': next_url})}"


def can_use_backoffice(user) -> bool:
    """Officials (and superusers) may use the back office; citizens and system accounts not,
    nor officials who have left their organisation."""
    if not user.is_active:
        return False
    if user.kind != UserKind.OFFICIAL and not user.is_superuser:
        return False
    official = getattr(user, "official", None)
    return official is None or official.status != OfficialStatus.LEFT


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def login_view(request):
    next_url = _next_url(request)
    if request.method == "POST":
        form = LoginForm(request.POST)
        if form.is_valid():
            # authenticate(request=…) lets django-axes count failures and refuse locked users.
            user = authenticate(
                request,
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password"],
            )
            if user is not None and can_use_backoffice(user):
                auth_login(request, user)
                return redirect(next_url)
            if user is not None:
                # Right password, wrong kind of account (citizen, system, former official).
                log_action(
                    "accounts.login_refused",
                    target=user,
                    actor=None,
                    details={"username": user.get_username(), "kind": user.kind},
                )
            form.add_error(None, LOGIN_REFUSED)
        return render(request, "accounts/login.html", {"form": form, "next": next_url}, status=400)
    if request.user.is_authenticated and can_use_backoffice(request.user):
        return redirect(next_url)
    return render(request, "accounts/login.html", {"form": LoginForm(), "next": next_url})


@require_POST
def logout_view(request):
    auth_logout(request)
    messages.info(request, _("You have signed out."))
    return redirect(settings.LOGOUT_REDIRECT_URL)


def _qr_svg(data: str) -> str:
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathFillImage, box_size=10)
    return image.to_string(encoding="unicode")


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def otp_setup(request):
    user = request.user
    next_url = _next_url(request)
    if user_has_device(user) and not user.is_verified():
        # Replacing a factor needs the current one first.
        return redirect(with_next("accounts:otp_verify", next_url))
    key = request.session.get(_TOTP_KEY_SESSION)
    if not key:
        key = random_hex(20)
        request.session[_TOTP_KEY_SESSION] = key
    form = TokenForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                device = services.confirm_totp_device(
                    user=user, key=key, token=form.cleaned_data["token"], acting_user=user
                )
            except ValidationError as exc:
                form.add_error("token", exc.message_dict.get("token", exc.messages))
            else:
                request.session.pop(_TOTP_KEY_SESSION, None)
                otp_login(request, device)
                messages.success(request, _("Two-step sign-in is now active for your account."))
                return redirect(next_url)
        status = 400
    unsaved = TOTPDevice(user=user, key=key, name="TOTP")
    secret = b32encode(unsaved.bin_key).decode("ascii")
    context = {
        "form": form,
        "next": next_url,
        "qr_svg": _qr_svg(unsaved.config_url),
        "secret_groups": [secret[i : i + 4] for i in range(0, len(secret), 4)],
        "has_device": user_has_device(user),
    }
    return render(request, "accounts/otp_setup.html", context, status=status)


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def otp_verify(request):
    user = request.user
    next_url = _next_url(request)
    if not user_has_device(user):
        return redirect(with_next("accounts:otp_setup", next_url))
    if user.is_verified():
        return redirect(next_url)
    form = TokenForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            token = form.cleaned_data["token"].replace(" ", "")
            device = match_token(user, token)
            if device is not None:
                otp_login(request, device)
                return redirect(next_url)
            form.add_error(
                "token",
                _("The code is not correct. Check the time on your phone and try again."),
            )
        status = 400
    return render(
        request, "accounts/otp_verify.html", {"form": form, "next": next_url}, status=status
    )


@sensitive_post_parameters("old_password", "new_password1", "new_password2")
@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def password_change(request):
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.change_password(
                    user=request.user,
                    new_password=form.cleaned_data["new_password1"],
                    acting_user=request.user,
                )
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                update_session_auth_hash(request, request.user)
                messages.success(request, _("Your password has been changed."))
                return redirect("accounts:password_change")
        return render(request, "accounts/password_change.html", {"form": form}, status=400)
    return render(request, "accounts/password_change.html", {"form": form})


def _official_or_403(user) -> Official:
    official = getattr(user, "official", None)
    if official is None or user.kind != UserKind.OFFICIAL:
        raise PermissionDenied
    return official


def _delegation_form(official: Official, data=None) -> DelegationForm:
    today = timezone.localdate()
    assignments = (
        RoleAssignment.objects.active_on(today)
        .filter(official=official, role__in=DELEGABLE_ROLES)
        .select_related("organisation")
    )
    within = Q(pk__in=[])
    for assignment in assignments:
        within |= Q(organisation__path__startswith=assignment.organisation.path)
    deputies = (
        Official.objects.filter(within, status=OfficialStatus.ACTIVE, user__is_active=True)
        .exclude(pk=official.pk)
        .select_related("organisation")
    )
    return DelegationForm(data, assignments=assignments, deputies=deputies)


_FORM_FIELD = {"role": "assignment", "organisation": "assignment"}


@login_required
@require_http_methods(["GET", "POST"])
def delegations(request):
    official = _official_or_403(request.user)
    form = _delegation_form(official, request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            assignment = form.cleaned_data["assignment"]
            try:
                services.delegate_role(
                    delegator=official,
                    delegate=form.cleaned_data["delegate"],
                    role=assignment.role,
                    organisation=assignment.organisation,
                    starts_on=form.cleaned_data["starts_on"],
                    ends_on=form.cleaned_data["ends_on"],
                    reason=form.cleaned_data["reason"],
                    acting_user=request.user,
                )
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    target = _FORM_FIELD.get(field, field)
                    form.add_error(target if target in form.fields else None, errors)
            else:
                messages.success(request, _("The delegation has been recorded."))
                return redirect("accounts:delegations")
        status = 400
    related = ("delegator", "delegate", "organisation")
    context = {
        "form": form,
        "can_delegate": form.fields["assignment"].queryset.exists(),
        "given": Delegation.objects.filter(delegator=official).select_related(*related),
        "received": Delegation.objects.filter(delegate=official).select_related(*related),
        "today": timezone.localdate(),
    }
    return render(request, "accounts/delegations.html", context, status=status)


@login_required
@require_POST
def delegation_revoke(request, pk: int):
    _official_or_403(request.user)
    delegation = access_delegation(request.user, pk, "change")
    try:
        services.revoke_delegation(delegation, acting_user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The delegation has been revoked."))
    return redirect("accounts:delegations")
