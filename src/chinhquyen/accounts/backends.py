from django.contrib.auth.backends import BaseBackend

from chinhquyen.accounts.scopes import permissions_of


class RoleBackend(BaseBackend):
    """Answers ``user.has_perm()`` from the roles a user holds today (assignments and
    delegations), unscoped: "may do this somewhere". Where exactly is ``restrict()``'s job.

    It authenticates nobody (``authenticate`` returns None); ModelBackend checks passwords.
    """

    def get_all_permissions(self, user_obj, obj=None) -> set[str]:
        if obj is not None or not user_obj.is_active or user_obj.is_anonymous:
            return set()
        return permissions_of(user_obj)

    def get_group_permissions(self, user_obj, obj=None) -> set[str]:
        return self.get_all_permissions(user_obj, obj)
