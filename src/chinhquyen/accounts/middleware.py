from django.conf import settings
from django.shortcuts import redirect
from django_otp import user_has_device

from chinhquyen.accounts.choices import UserKind
from chinhquyen.accounts.scopes import roles_of

# Pages a signed-in but not yet OTP-verified user may still open.
EXEMPT_VIEWS = frozenset(
    {
        "accounts:login",
        "accounts:logout",
        "accounts:otp_setup",
        "accounts:otp_verify",
        "set_language",
        "healthz",
    }
)


def requires_second_factor(user) -> bool:
    """True if one of the user's roles is listed in ``settings.REQUIRE_2FA_ROLES``."""
    required = set(getattr(settings, "REQUIRE_2FA_ROLES", ()))
    if not required:
        return False
    if user.is_superuser and "system_admin" in required:
        return True
    return bool(roles_of(user) & required)


class SecondFactorMiddleware:
    """Sends a signed-in official who has not passed the second factor to it.

    * a user with a confirmed TOTP device must enter a code (``accounts:otp_verify``);
    * a user holding a role in ``REQUIRE_2FA_ROLES`` without a device must enrol one
      (``accounts:otp_setup``).

    Applies to every page except sign-in/out and the two OTP pages. Must come after
    ``django_otp.middleware.OTPMiddleware`` (which provides ``user.is_verified()``).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or user.kind == UserKind.CITIZEN:
            return None
        match = request.resolver_match
        if match is not None and match.view_name in EXEMPT_VIEWS:
            return None
        if user.is_verified():
            return None
        from chinhquyen.accounts.views import with_next

        if user_has_device(user):
            return redirect(with_next("accounts:otp_verify", request.get_full_path()))
        if requires_second_factor(user):
            return redirect(with_next("accounts:otp_setup", request.get_full_path()))
        return None
