"""One authorization abstraction for every app (style.md: NetBox ``restrict``, Zulip ``access_*``).

* Lists: ``Model.objects.restrict(user, "view")`` keeps the rows the user may act on.
* Details: each app's ``access_<noun>(user, id, action)`` fetches and authorizes or raises
  (``Http404`` when the row is unknown *or* out of scope, so ids cannot be probed;
  ``PermissionDenied`` when it is visible but the action is not allowed).

A model opts in with ``objects = RestrictedQuerySet.as_manager()`` and ``restrict_path``: the
lookup from the model to its owning ``Organisation`` ("" for Organisation itself). What a user
may do where is decided by :func:`chinhquyen.accounts.scopes.organisation_scope`: the role
assignments and active delegations they hold, each covering an organisation and its subtree.
"""

from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404


class RestrictedQuerySet(models.QuerySet):
    def restrict(self, user, action: str = "view"):
        from chinhquyen.accounts.scopes import ALL, organisation_scope

        opts = self.model._meta
        scope = organisation_scope(user, f"{opts.app_label}.{action}_{opts.model_name}")
        if scope is ALL:
            return self
        if not scope:
            return self.none()
        path_field = getattr(self.model, "restrict_path", "")
        lookup = f"{path_field}__path__startswith" if path_field else "path__startswith"
        condition = models.Q()
        for path in scope:
            condition |= models.Q(**{lookup: path})
        return self.filter(condition)


def access_object(queryset, user, pk, action: str = "view"):
    """Fetch one row of ``queryset`` the user may see, and check ``action`` on it.

    Raises Http404 if it does not exist or is outside the user's view scope, and
    PermissionDenied if they may see it but not perform ``action``.
    """
    try:
        obj = queryset.restrict(user, "view").get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
    if action != "view" and not queryset.restrict(user, action).filter(pk=obj.pk).exists():
        raise PermissionDenied
    return obj


def scope_condition(scope, path_lookup: str = "path") -> models.Q | None:
    """A filter for rows whose organisation path (at ``path_lookup``) lies inside ``scope``.

    ``scope`` is what ``accounts.scopes.organisation_scope`` returns: ``ALL`` gives an empty
    ``Q()`` (everything), an empty scope gives ``None`` (nothing), otherwise one prefix match
    per organisation path of the scope.
    """
    from chinhquyen.accounts.scopes import ALL

    if scope is ALL:
        return models.Q()
    if not scope:
        return None
    condition = models.Q()
    for path in scope:
        condition |= models.Q(**{f"{path_lookup}__startswith": path})
    return condition


def filter_in_scope(queryset, user, permission: str, path_lookup: str = "path"):
    """``queryset`` narrowed to the organisations where ``user`` holds ``permission``."""
    from chinhquyen.accounts.scopes import organisation_scope

    condition = scope_condition(organisation_scope(user, permission), path_lookup)
    return queryset.none() if condition is None else queryset.filter(condition)
