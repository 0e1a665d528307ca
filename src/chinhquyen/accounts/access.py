"""Fetch-and-authorize helpers for accounts objects (see chinhquyen.core.authz)."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from chinhquyen.accounts.models import Delegation
from chinhquyen.core.authz import access_object


def access_delegation(user, delegation_id, action: str = "view") -> Delegation:
    """The delegator may see and revoke ("change") their delegation, the deputy may see it;
    others need the permission over its organisation (leaders above it, system admins)."""
    queryset = Delegation.objects.select_related("delegator", "delegate", "organisation")
    official = getattr(user, "official", None) if user.is_authenticated else None
    if official is not None:
        try:
            delegation = queryset.get(pk=delegation_id)
        except (Delegation.DoesNotExist, ValueError, TypeError) as exc:
            raise Http404 from exc
        if delegation.delegator_id == official.pk:
            return delegation
        if delegation.delegate_id == official.pk:
            if action == "view":
                return delegation
            raise PermissionDenied
    return access_object(queryset, user, delegation_id, action)
