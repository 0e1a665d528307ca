"""Access control for citizen pages."""

from functools import wraps
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse

from chinhquyen.accounts.choices import UserKind


def citizen_required(view):
    """Only signed-in citizen accounts pass.

    Anonymous visitors go to ``/cong-dan/dang-nhap/?next=<this path>``; a signed-in official
    or system account gets 403 (officials use the back office, not the citizen pages).
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        user = request.user
        if not user.is_authenticated:
            query = urlencode({"next": request.get_full_path()})
            return redirect(f"{reverse('citizens:login')}?{query}")
        if getattr(user, "kind", None) != UserKind.CITIZEN or not user.is_active:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper
