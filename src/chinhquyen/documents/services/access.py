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
The rule has two spellings with the same meaning: ``incoming_visible_to`` /
``outgoing_visible_to`` over the relations (the definition; detail pages), and
``incoming_visible`` / ``outgoing_visible`` over the documents' access keys
(``documents.access_keys``; lists and search over a million documents). Their equality is tested
for every persona and every branch of the rule, and after every documents test the stored keys
are checked against a fresh computation.
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


def _scoped_tokens(user, **scopes) -> list[str]:
    """``prefix=scope`` pairs → a token ``<prefix><id>`` for every organisation inside each
    scope, and the user's own tokens; two queries whatever the scopes (the organisations
    inside any of them, the user's officials)."""
    from chinhquyen.directory.models import Official, Organisation

    officials = _keys(
        user,
        "officials",
        lambda: list(Official.objects.filter(user=user).values_list("pk", flat=True)),
    )
    tokens = {f"r{user.pk}", *(f"p{pk}" for pk in officials)}
    kept = {prefix: scope for prefix, scope in scopes.items() if scope}
    if kept:
        organisations = Organisation.objects.order_by()
        if not any(scope is ALL for scope in kept.values()):
            paths = {path for scope in kept.values() for path in scope}
            organisations = organisations.filter(scope_condition(paths, "path"))
        for pk, path in organisations.values_list("pk", "path"):
            for prefix, scope in kept.items():
                if scope is ALL or any(path.startswith(inside) for inside in scope):
                    tokens.add(f"{prefix}{pk}")
    return sorted(tokens)


def _keys(user, cache_key: str, compute):
    """Per user object (one request), like the scopes themselves (accounts.scopes)."""
    memo = user.__dict__.setdefault("_documents_access_keys", {})
    if cache_key not in memo:
        memo[cache_key] = compute()
    return memo[cache_key]


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
        return _scoped_tokens(user, o=views, u=units, s=leads, t=leads)

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
        return _scoped_tokens(user, o=views, s=leads, c=clerks)

    return _keys(user, "outgoing", compute)


def visible_by_keys(keys, queryset: QuerySet) -> QuerySet:
    """``queryset`` restricted to the documents holding one of ``keys`` (ALL: every one)."""
    if keys is ALL:
        return queryset
    if not keys:
        return queryset.none()
    return queryset.filter(access_keys__meets=keys)


def incoming_visible(user, queryset: QuerySet | None = None) -> QuerySet:
    """``incoming_visible_to(user, queryset)``, read from the access keys: for lists and
    search over many documents (one condition an index answers, no joins)."""
    queryset = IncomingDocument.objects.all() if queryset is None else queryset
    return visible_by_keys(incoming_access_keys(user), queryset)


def outgoing_visible(user, queryset: QuerySet | None = None) -> QuerySet:
    """``outgoing_visible_to(user, queryset)``, read from the access keys (see above)."""
    queryset = OutgoingDocument.objects.all() if queryset is None else queryset
    return visible_by_keys(outgoing_access_keys(user), queryset)


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
