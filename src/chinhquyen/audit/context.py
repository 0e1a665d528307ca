"""Who is acting right now, for the audit trail, whatever started the work.

A request (middleware), a management command or a background task each open an
``audit_context``; service functions may also pass ``acting_user`` explicitly, which wins.
Work done with no context at all is recorded as the system.
"""

import contextlib
import contextvars
import functools
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
    "chinhquyen_audit_context",
    default=AuditContext(),  # noqa: B039 - a frozen dataclass, immutable
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


def audited_task(func=None, *, label: str = "", actor_kwarg: str = ""):
    """Run a background task's body in an audit context with ``source="task"``.

    Put it under Django's ``@task`` decorator, on the module-level function::

        from django.tasks import task
        from chinhquyen.audit.context import audited_task

        @task()
        @audited_task(actor_kwarg="acting_user_id")
        def rebuild_index(*, acting_user_id: int | None = None) -> None:
            ...

    ``label`` defaults to ``module.function``. With ``actor_kwarg``, the keyword argument of that
    name (a user id, since task arguments must be JSON) names the actor: the person who
    enqueued the work, who is then recorded on every entry the task writes.
    """

    def decorate(function):
        task_label = label or f"{function.__module__}.{function.__qualname__}"

        @functools.wraps(function)
        def wrapper(*args, **kwargs):
            fields: dict[str, Any] = {"source": "task", "label": task_label, "request_id": ""}
            fields["ip"] = None
            user_id = kwargs.get(actor_kwarg) if actor_kwarg else None
            if user_id is not None:
                from django.contrib.auth import get_user_model

                fields["actor"] = get_user_model()._default_manager.filter(pk=user_id).first()
            else:
                fields["actor"] = None
            with audit_context(**fields):
                return function(*args, **kwargs)

        return wrapper

    if func is not None:
        return decorate(func)
    return decorate
