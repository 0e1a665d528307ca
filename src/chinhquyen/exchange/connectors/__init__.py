"""Connector registry: ``get_connector(name)``; ``register_connector(name, factory)``.

Built in: ``peer`` (another ChinhQuyen installation's inbox, or any endpoint speaking the same
protocol). Later connectors (national document exchange axis, public service portal, postal
service …) register themselves from their app's ``ready()``.
"""

from collections.abc import Callable

from chinhquyen.exchange.connectors.base import (
    Connector,
    ConnectorError,
    DeliveryResult,
    PermanentError,
    RetryableError,
)

_factories: dict[str, Callable[[], Connector]] = {}


def register_connector(name: str, factory: Callable[[], Connector]) -> None:
    _factories[name] = factory


def connector_names() -> list[str]:
    _builtins()
    return sorted(_factories)


def get_connector(name: str) -> Connector:
    _builtins()
    try:
        return _factories[name]()
    except KeyError:
        raise LookupError(f"Unknown exchange connector {name!r}") from None


def _module(name: str) -> Callable[[], Connector]:
    """A factory that imports ``connectors/<name>.py`` on first use and calls its ``factory``."""

    def factory() -> Connector:
        from importlib import import_module

        return import_module(f"chinhquyen.exchange.connectors.{name}").factory()

    return factory


def _builtins() -> None:
    if "peer" not in _factories:
        from chinhquyen.exchange.connectors.peer import PeerConnector

        _factories["peer"] = PeerConnector
    _factories.setdefault("national_portal", _module("national_portal"))  # Cổng DVC quốc gia
    _factories.setdefault("document_axis", _module("document_axis"))  # trục liên thông VB
    _factories.setdefault("postal", _module("postal"))  # bưu chính công ích
    _factories.setdefault("payment_platform", _module("payment_platform"))  # đối soát


__all__ = [
    "Connector",
    "ConnectorError",
    "DeliveryResult",
    "PermanentError",
    "RetryableError",
    "connector_names",
    "get_connector",
    "register_connector",
]
