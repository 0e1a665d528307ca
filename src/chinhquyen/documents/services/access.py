"""Who may see and act on which document — the one place the documents app decides it.

* An incoming document is seen by holders of ``view_incomingdocument`` for its receiving
  organisation (its clerks and leaders), and by the units and people it is assigned to (a
  specialist of a division sees what the division was given, though the document belongs to
  the department).
* A **secret** one (Mật, Tối mật, Tuyệt mật) only by its named recipients — the people it is
  assigned to and the clerk who registered it — and their leaders: holders of
  ``assign_incomingdocument`` (leaders) for the receiving organisation or for an assigned unit.
* An outgoing document is seen by holders of ``view_outgoingdocument`` for its organisation or
  drafting unit, its author and its reviewers; a secret one only by its author, reviewers,
  signer and the leaders (``approve_outgoingdocument``) of its organisation, and by clerks of the
  organisation once it is approved (they number and issue it).

Every list, search and detail view goes through these functions, so the rule is tested once.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from chinhquyen.accounts.scopes import ALL, organisation_scope
from chinhquyen.core.authz import scope_condition
from chinhquyen.documents.choices import OutgoingStatus, Secrecy
from chinhquyen.documents.models import IncomingDocument, OutgoingDocument


def _within(scope, lookup: str) -> Q | None:
    """Q matching rows whose organisation at ``lookup`` is inside ``scope`` (None: nothing)."""
    return scope_condition(scope, f"{lookup}__path")


def _any(*conditions: Q | None) -> Q:
    kept = [c for c in conditions if c is not None]
    if not kept:
        return Q(pk__in=[])
    result = kept[0]
    for condition in kept[1:]:
        result |= condition
    return result


def _whole_tree(*scopes) -> bool:
    """Every scope holds every root of the organisation tree (a province leader's): the rule
    then keeps every document, and the query needs no condition at all (a million-row list
    or search otherwise evaluates the scope's OR of joins for each row)."""
    from chinhquyen.directory.models import Organisation

    if any(not scope for scope in scopes):
        return False
    roots = set(Organisation.objects.filter(depth=1).values_list("path", flat=True))
    return all(scope is ALL or roots <= set(scope) for scope in scopes)


def incoming_visible_to(user, queryset: QuerySet | None = None) -> QuerySet:
    """The incoming documents ``user`` may see (secret ones only if named or a leader)."""
    queryset = IncomingDocument.objects.all() if queryset is None else queryset
    if not getattr(user, "is_authenticated", False):
        return queryset.none()
    view_scope = organisation_scope(user, "documents.view_incomingdocument")
    if view_scope is ALL:
        return queryset
    assignment_scope = organisation_scope(user, "documents.view_assignment")
    leader_scope = organisation_scope(user, "documents.assign_incomingdocument")
    if _whole_tree(view_scope, leader_scope):
        return queryset
    named = Q(assignments__assignee__user=user) | Q(registered_by=user)
    open_doc = Q(secrecy=Secrecy.NONE) & _any(
        _within(view_scope, "organisation"),
        _within(assignment_scope, "assignments__unit"),
        named,
    )
    secret_doc = ~Q(secrecy=Secrecy.NONE) & _any(
        named,
        _within(leader_scope, "organisation"),
        _within(leader_scope, "assignments__unit"),
    )
    ids = queryset.filter(open_doc | secret_doc).values("pk")
    return queryset.filter(pk__in=ids)


def outgoing_visible_to(user, queryset: QuerySet | None = None) -> QuerySet:
    """The outgoing documents ``user`` may see."""
    queryset = OutgoingDocument.objects.all() if queryset is None else queryset
    if not getattr(user, "is_authenticated", False):
        return queryset.none()
    view_scope = organisation_scope(user, "documents.view_outgoingdocument")
    if view_scope is ALL:
        return queryset
    leader_scope = organisation_scope(user, "documents.approve_outgoingdocument")
    if _whole_tree(view_scope, leader_scope):
        return queryset
    clerk_scope = organisation_scope(user, "documents.number_outgoingdocument")
    involved = Q(created_by=user) | Q(review_steps__reviewer=user) | Q(signer__user=user)
    open_doc = Q(secrecy=Secrecy.NONE) & _any(
        _within(view_scope, "organisation"), _within(view_scope, "drafting_unit"), involved
    )
    clerk = _within(clerk_scope, "organisation")
    secret_doc = ~Q(secrecy=Secrecy.NONE) & _any(
        involved,
        _within(leader_scope, "organisation"),
        None
        if clerk is None
        else clerk & ~Q(status__in=[OutgoingStatus.DRAFT, OutgoingStatus.IN_REVIEW]),
    )
    ids = queryset.filter(open_doc | secret_doc).values("pk")
    return queryset.filter(pk__in=ids)


# --- The same rule as access keys (documents.access_keys), for the search ----------------


def _organisation_ids(scope) -> list[int]:
    """Ids of the organisations inside ``scope`` (ALL: every one)."""
    from chinhquyen.directory.models import Organisation

    if not scope:
        return []
    organisations = Organisation.objects.all()
    if scope is not ALL:
        organisations = organisations.filter(scope_condition(scope, "path"))
    return list(organisations.values_list("pk", flat=True))


def _keys(user, cache_key: str, compute):
    """Per user object (one request), like the scopes themselves (accounts.scopes)."""
    memo = user.__dict__.setdefault("_documents_access_keys", {})
    if cache_key not in memo:
        memo[cache_key] = compute()
    return memo[cache_key]


def _personal_tokens(user) -> set[str]:
    from chinhquyen.directory.models import Official

    officials = Official.objects.filter(user=user).values_list("pk", flat=True)
    return {f"r{user.pk}", *(f"p{pk}" for pk in officials)}


def _tokens(prefix: str, scope) -> set[str]:
    return {f"{prefix}{pk}" for pk in _organisation_ids(scope)}


def incoming_access_keys(user):
    """The access keys ``user`` holds for incoming documents (documents.access_keys): ALL when
    the rule keeps every document, else a sorted list (empty: none)."""
    if not getattr(user, "is_authenticated", False):
        return []

    def compute():
        views = organisation_scope(user, "documents.view_incomingdocument")
        leads = organisation_scope(user, "documents.assign_incomingdocument")
        if views is ALL or _whole_tree(views, leads):
            return ALL
        units = organisation_scope(user, "documents.view_assignment")
        leader_units = _organisation_ids(leads)
        return sorted(
            _tokens("o", views)
            | _tokens("u", units)
            | {f"s{pk}" for pk in leader_units}
            | {f"t{pk}" for pk in leader_units}
            | _personal_tokens(user)
        )

    return _keys(user, "incoming", compute)


def outgoing_access_keys(user):
    """The access keys ``user`` holds for outgoing documents (see incoming_access_keys)."""
    if not getattr(user, "is_authenticated", False):
        return []

    def compute():
        views = organisation_scope(user, "documents.view_outgoingdocument")
        leads = organisation_scope(user, "documents.approve_outgoingdocument")
        if views is ALL or _whole_tree(views, leads):
            return ALL
        clerks = organisation_scope(user, "documents.number_outgoingdocument")
        return sorted(
            _tokens("o", views) | _tokens("s", leads) | _tokens("c", clerks)
            | _personal_tokens(user)
        )  # fmt: skip

    return _keys(user, "outgoing", compute)


def access_incoming(user, pk) -> IncomingDocument:
    """The incoming document ``pk`` if ``user`` may see it, else Http404 (ids are not probed)."""
    try:
        return incoming_visible_to(user).select_related("document_type", "organisation").get(pk=pk)
    except (IncomingDocument.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def access_outgoing(user, pk) -> OutgoingDocument:
    try:
        return (
            outgoing_visible_to(user)
            .select_related("document_type", "organisation", "drafting_unit")
            .get(pk=pk)
        )
    except (OutgoingDocument.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def holds(user, perm: str, organisation) -> bool:
    """``user`` holds ``perm`` (``"documents.assign_incomingdocument"``) for ``organisation``."""
    scope = organisation_scope(user, perm)
    if scope is ALL:
        return True
    return any(organisation.path.startswith(path) for path in scope or ())
