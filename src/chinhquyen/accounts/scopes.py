"""Which organisations a user may act on, per permission. See chinhquyen.core.authz."""

ALL = object()  # sentinel: no restriction (system administrators, superusers)


def organisation_scope(user, perm: str):
    """Return ALL, or the list of Organisation ``path`` prefixes where ``user`` holds ``perm``.

    TO BE BUILT (accounts/roles work): roles held through RoleAssignment and active
    Delegation, each covering its organisation's subtree.
    """
    if user is None or not user.is_authenticated or not user.is_active:
        return []
    if user.is_superuser:
        return ALL
    return []
