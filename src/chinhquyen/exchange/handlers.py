"""The registry of incoming-message handlers: ``register(kind, handler)``.

A handler is ``handler(message: InboxMessage) -> None``. It runs inside the transaction that
marks the message processed, so its changes and the "processed" mark commit together: a
message is processed exactly once, and a handler that raises leaves nothing behind. Register
in your ``AppConfig.ready()`` (the inbox refuses a kind nobody handles, with ``unknown_kind``)::

    from chinhquyen.exchange.handlers import register
    register("edxml.document", receive_edxml_document)
"""

from collections.abc import Callable

Handler = Callable[..., None]

_handlers: dict[str, Handler] = {}


def register(kind: str, handler: Handler) -> None:
    """Handle incoming messages of ``kind`` with ``handler`` (a later registration replaces)."""
    if not kind or len(kind) > 100:
        raise ValueError("A message kind is 1 to 100 characters.")
    _handlers[kind] = handler


def unregister(kind: str) -> None:
    _handlers.pop(kind, None)


def get_handler(kind: str) -> Handler | None:
    return _handlers.get(kind)


def registered_kinds() -> list[str]:
    return sorted(_handlers)


# --- Outcome listeners of outgoing messages ---------------------------------------------------
# ``listener(message: OutboxMessage) -> None`` runs inside the transaction that records the
# outcome, so the sender's own view (e.g. a document recipient marked "sent") changes together
# with the outbox row, never without it.

_delivered: dict[str, list[Handler]] = {}
_dead: dict[str, list[Handler]] = {}


def on_delivered(kind: str, listener: Handler) -> None:
    """Call ``listener`` when an outgoing message of ``kind`` has been delivered."""
    if listener not in _delivered.setdefault(kind, []):
        _delivered[kind].append(listener)


def on_dead(kind: str, listener: Handler) -> None:
    """Call ``listener`` when an outgoing message of ``kind`` is given up (dead letter)."""
    if listener not in _dead.setdefault(kind, []):
        _dead[kind].append(listener)


def delivered_listeners(kind: str) -> list[Handler]:
    return list(_delivered.get(kind, ()))


def dead_listeners(kind: str) -> list[Handler]:
    return list(_dead.get(kind, ()))
