"""Who is acting right now, for the audit trail, whatever started the work.

A request (middleware), a management command or a background task each open an
``audit_context``; service functions may also pass ``acting_user`` explicitly, which wins.
Work done with no context at all is recorded as the system.
"""

import contextlib
import contextvars
from dataclasses import dataclass, replace
from typing import Any


@dataclass(frozen=True)
class AuditContext:
    actor: Any = None  # a user instance, or None for the system
    source: str = "system"  # web | api | command | task | system
    request_id: str = ""
    ip: str | None = None
    label: str = ""  # e.g. the command name, shown when there is no actor


_current: contextvars.ContextVar[AuditContext] = contextvars.ContextVar(
    "chinhquyen_audit_context", default=AuditContext()
)


def current() -> AuditContext:
    return _current.get()


@contextlib.contextmanager
def audit_context(**fields):
    """Run a block with the given actor/source/request id; nested blocks inherit the rest."""
    token = _current.set(replace(_current.get(), **fields))
    try:
        yield _current.get()
    finally:
        _current.reset(token)
