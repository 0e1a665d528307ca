"""Access keys of a document (khóa truy cập): who may see it, as a short set of tokens.

``services.access`` states who may see a document over its relations (its organisation, its
assignments, its review steps …). Searching a million documents through those relations made
PostgreSQL probe assignments row by row (0.3 s for a specialist with a filter and no words).
The same rule is therefore also kept *on each document*, as the tokens of the parties that may
see it, and a user as the tokens they hold (``services.access.user_access_keys``): the user
sees the document exactly when the two sets meet. That is one condition an index answers
(PostgreSQL: a GIN index on the ``access_array`` column, migration 0008), and a cheap test per
row when the search walks the newest documents instead.

Tokens (``<letter><primary key>``):

============  ==============================================  ==================================
token         on an incoming document                          on an outgoing document
============  ==============================================  ==================================
``o<org>``    open, received by ``org``                       open, issued or drafted by ``org``
``u<unit>``   open, assigned to ``unit``                      —
``s<org>``    secret, received by ``org``                     secret, issued by ``org``
``t<unit>``   secret, assigned to ``unit``                    —
``c<org>``    —                                               secret, issued by ``org``, approved
``p<off.>``   assigned to the official (any secrecy)          signed by the official
``r<user>``   registered by the user (any secrecy)            written or reviewed by the user
============  ==============================================  ==================================

and a user holds ``o`` for the organisations where they may view documents, ``u`` where they
may view assignments, ``s``/``t`` where they lead (assign incoming, approve outgoing), ``c``
where they number outgoing documents, ``p`` for their officials and ``r`` for themselves.

**Kept true by the models**, not by each service: a document's ``save()`` recomputes its keys
(with its assignments or review steps); saving or deleting an assignment or review step, and
their querysets' ``bulk_create``/``update``/``delete``, refresh the documents they touch; a
documents queryset's ``update()`` of a field the keys depend on refreshes the rows it changed.
``manage.py chinhquyen_documents_access_keys --check`` compares every stored set with a fresh
computation (and ``--repair`` rewrites the stale ones), and the tests check the keys against
``services.access`` for every persona and every branch of the rule.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from chinhquyen.documents.choices import OutgoingStatus, Secrecy

# Fields of each kind whose change changes the keys (the documents' own columns).
INCOMING_FIELDS = frozenset({"secrecy", "organisation", "organisation_id", "registered_by",
                             "registered_by_id"})  # fmt: skip
OUTGOING_FIELDS = frozenset({"secrecy", "organisation", "organisation_id", "drafting_unit",
                             "drafting_unit_id", "created_by", "created_by_id", "signer",
                             "signer_id", "status"})  # fmt: skip
# Outgoing statuses in which a secret document is not yet the clerks' (services.access).
UNAPPROVED = frozenset({OutgoingStatus.DRAFT, OutgoingStatus.IN_REVIEW})
BATCH = 2000


def fields_of(model) -> frozenset[str]:
    """The fields of ``model``'s own columns its keys depend on."""
    from chinhquyen.documents.models import IncomingDocument

    return INCOMING_FIELDS if model is IncomingDocument else OUTGOING_FIELDS


def pack(tokens: Iterable[str]) -> str:
    """The stored form: sorted, distinct, space-separated and space-padded (`` o3 r7 ``), so
    a token is found on any database as ``LIKE '% o3 %'``."""
    return " " + " ".join(sorted(set(tokens))) + " " if tokens else ""


def incoming_tokens(document, assignments: Iterable[tuple[int, int | None]]) -> set[str]:
    """``assignments``: the ``(unit_id, assignee_id)`` of every assignment of the document."""
    secret = document.secrecy != Secrecy.NONE
    tokens = {f"s{document.organisation_id}" if secret else f"o{document.organisation_id}"}
    if document.registered_by_id:
        tokens.add(f"r{document.registered_by_id}")
    for unit_id, assignee_id in assignments:
        tokens.add(f"t{unit_id}" if secret else f"u{unit_id}")
        if assignee_id:
            tokens.add(f"p{assignee_id}")
    return tokens


def outgoing_tokens(document, reviewer_ids: Iterable[int]) -> set[str]:
    """``reviewer_ids``: the users of every review step of the document."""
    tokens = {f"r{document.created_by_id}", *(f"r{pk}" for pk in reviewer_ids)}
    if document.signer_id:
        tokens.add(f"p{document.signer_id}")
    if document.secrecy == Secrecy.NONE:
        tokens |= {f"o{document.organisation_id}", f"o{document.drafting_unit_id}"}
    else:
        tokens.add(f"s{document.organisation_id}")
        if document.status not in UNAPPROVED:
            tokens.add(f"c{document.organisation_id}")
    return tokens


def _related(model, ids: list[int]) -> dict[int, list]:
    """Per document id: its assignments' ``(unit, assignee)`` or its reviewers' ids."""
    from chinhquyen.documents.models import Assignment, IncomingDocument, ReviewStep

    found: dict[int, list] = {pk: [] for pk in ids}
    if model is IncomingDocument:
        rows = Assignment.objects.filter(document_id__in=ids).values_list(
            "document_id", "unit_id", "assignee_id"
        )
        for document_id, unit_id, assignee_id in rows.order_by():
            found[document_id].append((unit_id, assignee_id))
    else:
        rows = ReviewStep.objects.filter(document_id__in=ids).values_list(
            "document_id", "reviewer_id"
        )
        for document_id, reviewer_id in rows.order_by():
            found[document_id].append(reviewer_id)
    return found


def compute(document, related=None) -> str:
    """The keys ``document`` should store (``related``: as from ``_related``; read if None)."""
    from chinhquyen.documents.models import IncomingDocument

    model = type(document)
    if related is None:
        related = _related(model, [document.pk])[document.pk] if document.pk else []
    if model is IncomingDocument:
        return pack(incoming_tokens(document, related))
    return pack(outgoing_tokens(document, related))


def refresh(model, ids: Iterable[int]) -> dict[int, str]:
    """Recompute and store the keys of the documents ``ids`` of ``model``; returns them by id.
    Called by the models whenever something the keys depend on may have changed.

    The documents are locked (in id order) *before* their assignments or review steps are
    read: two transactions adding an assignment to the same document at once would otherwise
    each compute the keys from their own assignment only, and the second write would drop
    the first one's tokens. Locked, the second waits, then reads both (PostgreSQL reads
    committed rows anew at each statement; SQLite has one writer at a time).
    """
    ids = sorted({pk for pk in ids if pk is not None})
    stored: dict[int, str] = {}
    with transaction.atomic():
        for start in range(0, len(ids), BATCH):
            chunk = ids[start : start + BATCH]
            documents = list(model.objects.select_for_update().filter(pk__in=chunk).order_by("pk"))
            related = _related(model, chunk)
            for document in documents:
                keys = stored[document.pk] = compute(document, related[document.pk])
                if keys != document.access_keys:
                    model.objects.filter(pk=document.pk).update_keys(keys)
    return stored


def stale(model, *, repair: bool = False) -> list[int]:
    """Ids of ``model`` documents whose stored keys differ from a fresh computation (all of
    them, in batches); with ``repair``, rewritten."""
    found: list[int] = []
    last = 0
    while True:
        chunk = list(
            model.objects.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:BATCH]
        )
        if not chunk:
            return found
        related = _related(model, chunk)
        for document in model.objects.filter(pk__in=chunk).order_by():
            keys = compute(document, related[document.pk])
            if keys != document.access_keys:
                found.append(document.pk)
                if repair:
                    model.objects.filter(pk=document.pk).update_keys(keys)
        last = chunk[-1]
