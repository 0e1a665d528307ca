"""Writing and checking the audit trail.

* :func:`log_action` — every service function records its call here (``"directory.create_
  organisation"``, ``"accounts.login_failed"`` …), inside its own transaction.
* :func:`record_change` — used by the generic capture (``capture.py``) for model saves/deletes.
* :func:`verify_chain` — walks the hash chain and reports the first broken link.

The actor is the explicit ``actor`` argument when given, else the actor of the current
:func:`chinhquyen.audit.context.audit_context` (request, command, task), else the system.
Entries are written in the caller's transaction: work that is rolled back leaves no entry and
no gap in the chain.

:func:`audited_atomic` — ``transaction.atomic()`` for hot paths: the entries recorded inside it
are held back and chained in one insert at the end of the block, just before COMMIT, so the
chain's global lock is held for three statements and the commit instead of the whole
transaction (see docs/benchmarks.md, issue 3).
"""

import ipaddress
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import connections, models, router, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext

from chinhquyen.audit.chain import (
    GENESIS_HASH,
    compute_hash,
    entry_fields,
    lock_chain,
)
from chinhquyen.audit.context import current
from chinhquyen.audit.models import AuditEntry
from chinhquyen.audit.serialize import jsonable, object_label, object_repr


def _normalise_ip(ip: str | None) -> str | None:
    """The address as PostgreSQL's ``inet`` prints it, so the hash survives a round trip."""
    if not ip:
        return None
    try:
        address = ipaddress.ip_address(str(ip).strip())
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.compressed


def _resolve_actor(actor):
    """A saved user instance, or None for the system (anonymous users count as the system)."""
    if actor is None or not getattr(actor, "is_authenticated", False) or actor.pk is None:
        return None
    return actor


def append_entry(
    *,
    action: str,
    actor=None,
    target: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr_text: str = "",
    before: dict | None = None,
    after: dict | None = None,
    details: dict | None = None,
) -> AuditEntry:
    """Append one entry to the chain (the only code path that inserts ``AuditEntry`` rows)."""
    context = current()
    actor = _resolve_actor(actor if actor is not None else context.actor)
    if target is not None:
        object_type = object_label(target)
        object_id = "" if target.pk is None else str(target.pk)
        object_repr_text = object_repr(target)
    entry = AuditEntry(
        at=timezone.now(),
        actor=actor,
        actor_label=actor.get_username()[:150] if actor is not None else "",
        source=context.source,
        label=(context.label or "")[:200],
        request_id=(context.request_id or "")[:64],
        ip=_normalise_ip(context.ip),
        action=action[:100],
        object_type=object_type[:100],
        object_id=object_id[:64],
        object_repr=object_repr_text[:200],
        before=jsonable(before) if before is not None else None,
        after=jsonable(after) if after is not None else None,
        details=jsonable(details or {}),
    )
    using = router.db_for_write(AuditEntry)
    pending = getattr(connections[using], _PENDING_ATTR, None)
    if pending is not None:
        # Inside audited_atomic(): chained and inserted at the end of the block. The marker
        # is an on-commit callback, so Django drops it when its savepoint rolls back.
        marker = _Marker()
        transaction.on_commit(marker, using=using)
        pending.append((entry, marker))
        return entry
    with transaction.atomic(using=using):
        entry.prev_hash = _lock_chain_head(using)
        entry.hash = compute_hash(entry_fields(entry))
        entry._chain_append = True
        entry.save(using=using)
        del entry._chain_append
    return entry


_PENDING_ATTR = "_audit_pending_entries"


def _lock_chain_head(using: str) -> str:
    """Take the chain lock (until the transaction ends) and return the last entry's hash."""
    lock_chain(using)
    # One fixed statement (no ORM compilation: it runs at every audited commit, under the lock).
    connection = connections[using]
    q = connection.ops.quote_name
    table, hash_, id_ = q(AuditEntry._meta.db_table), q("hash"), q("id")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {hash_} FROM {table} ORDER BY {id_} DESC LIMIT 1")  # noqa: S608
        row = cursor.fetchone()
    return row[0] if row else GENESIS_HASH


class _Marker:
    """A no-op on-commit callback standing for one held-back entry."""

    def __call__(self) -> None:
        return None


def _chain_pending(using: str, pending: list) -> None:
    """Chain and insert the held-back entries that survived their savepoints, in order."""
    connection = connections[using]
    alive = {id(item[1]) for item in connection.run_on_commit}
    entries = [entry for entry, marker in pending if id(marker) in alive]
    if not entries:
        return
    previous = _lock_chain_head(using)
    for entry in entries:
        entry.prev_hash = previous
        entry.hash = previous = compute_hash(entry_fields(entry))
        entry._chain_append = True
    AuditEntry.objects.using(using).bulk_create(entries)
    for entry in entries:
        del entry._chain_append


@contextmanager
def audited_atomic(using: str | None = None) -> Iterator[None]:
    """``transaction.atomic()`` whose audit entries are chained at its end, before COMMIT.

    Entries recorded inside it (``log_action`` and the change capture) are kept in memory,
    then — if the block ends normally — the chain is locked, its head read and the entries
    inserted in one statement, in the order they were recorded; when the block is the
    outermost one the commit follows at once (nested in a plain ``atomic()`` block the lock is
    held until that block commits, as for entries written at once). Work rolled back (the
    block, or a savepoint inside it) leaves no entry. Until the end of the block the returned
    ``AuditEntry`` objects have no ``id``/``hash``. Nested in another ``audited_atomic``, it is
    a plain savepoint whose entries join the outer block's.
    """
    using = using or router.db_for_write(AuditEntry)
    connection = connections[using]
    if getattr(connection, _PENDING_ATTR, None) is not None:
        with transaction.atomic(using=using):
            yield
        return
    pending: list = []
    setattr(connection, _PENDING_ATTR, pending)
    try:
        with transaction.atomic(using=using):
            try:
                yield
            finally:
                setattr(connection, _PENDING_ATTR, None)
            if pending and not connection.needs_rollback:
                _chain_pending(using, pending)
    finally:
        setattr(connection, _PENDING_ATTR, None)


def log_action(
    action: str,
    *,
    target: models.Model | None = None,
    actor=None,
    details: dict | None = None,
    before: dict | None = None,
    after: dict | None = None,
) -> AuditEntry:
    """Record a service call (or any notable action) in the audit trail.

    ``action`` names the service, ``"<app>.<verb>_<noun>"`` (e.g.
    ``"directory.create_organisation"``); ``target`` is the model instance acted on, if any;
    ``actor`` the acting user (defaults to the audit context's actor, else the system);
    ``details`` any JSON-able facts worth keeping (counts, a note, the reason).
    """
    return append_entry(
        action=action, actor=actor, target=target, details=details, before=before, after=after
    )


def record_change(
    action: str,
    instance: models.Model,
    before: dict | None,
    after: dict | None,
    *,
    details: dict | None = None,
) -> AuditEntry:
    """Record a create/update/delete of ``instance`` (snapshots already masked)."""
    return append_entry(action=action, target=instance, before=before, after=after, details=details)


def entries_for(instance: models.Model):
    """The audit timeline of one object, newest first (actor joined, for a detail page)."""
    return AuditEntry.objects.for_object(instance).select_related("actor")


# --- Verification -------------------------------------------------------------------------

CONTENT_CHANGED = "content_changed"
LINK_BROKEN = "link_broken"
ANCHOR_MISMATCH = "anchor_mismatch"
ANCHOR_MISSING = "anchor_missing"


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    first_broken_id: int | None = None
    reason: str = ""  # a code: content_changed, link_broken, anchor_mismatch, anchor_missing
    previous_id: int | None = None
    head_id: int | None = None
    head_hash: str = GENESIS_HASH

    def describe(self) -> str:
        """One line in the active language."""
        if self.ok:
            return gettext("OK: %(count)d entries, chain intact (head #%(head)s %(hash)s).") % {
                "count": self.checked,
                "head": self.head_id if self.head_id is not None else "-",
                "hash": self.head_hash,
            }
        messages = {
            CONTENT_CHANGED: gettext(
                "its content no longer matches its hash (the row was edited)."
            ),
            LINK_BROKEN: gettext(
                "it does not follow entry #%(previous)s: an entry before it was removed, "
                "edited together with its hash, or the rows were reordered."
            ),
            ANCHOR_MISMATCH: gettext(
                "its hash differs from the anchored hash (the chain was rewritten up to here)."
            ),
            ANCHOR_MISSING: gettext(
                "the anchored entry is missing (the chain was truncated or rewritten)."
            ),
        }
        reason = messages.get(self.reason, self.reason) % {
            "previous": self.previous_id if self.previous_id is not None else "-"
        }
        return gettext("BROKEN at entry #%(id)s: %(reason)s") % {
            "id": self.first_broken_id,
            "reason": reason,
        }

    def describe_in(self, language: str) -> str:
        with translation.override(language):
            return self.describe()


def verify_chain(
    *, batch_size: int = 2000, anchor: tuple[int, str] | None = None, using: str | None = None
) -> VerifyResult:
    """Walk the chain in id order, in batches (bounded memory), and stop at the first break.

    A row is broken when its stored hash does not match its content (edited in place), or its
    ``prev_hash`` is not the hash of the row before it (a row removed, rewritten with a new
    hash, or rows reordered). ``anchor=(id, hash)`` — a head recorded earlier outside the
    database — also catches a chain rewritten or truncated up to that row.
    """
    using = using or router.db_for_read(AuditEntry)
    previous_hash, previous_id, last_id, checked = GENESIS_HASH, None, 0, 0
    anchor_seen = anchor is None
    queryset = AuditEntry.objects.using(using).order_by("id")
    while True:
        batch = list(queryset.filter(id__gt=last_id)[:batch_size])
        if not batch:
            break
        for entry in batch:
            checked += 1
            if compute_hash(entry_fields(entry)) != entry.hash:
                return VerifyResult(False, checked, entry.id, CONTENT_CHANGED, previous_id)
            if entry.prev_hash != previous_hash:
                return VerifyResult(False, checked, entry.id, LINK_BROKEN, previous_id)
            if anchor is not None and entry.id == anchor[0]:
                if entry.hash != anchor[1]:
                    return VerifyResult(False, checked, entry.id, ANCHOR_MISMATCH, previous_id)
                anchor_seen = True
            previous_hash, previous_id, last_id = entry.hash, entry.id, entry.id
    if not anchor_seen:
        return VerifyResult(False, checked, anchor[0], ANCHOR_MISSING, previous_id)
    return VerifyResult(True, checked, head_id=previous_id, head_hash=previous_hash)
