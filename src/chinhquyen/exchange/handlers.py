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
