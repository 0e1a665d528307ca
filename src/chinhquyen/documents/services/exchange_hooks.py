"""Where the documents app hands work to the exchange app (edXML over the outbox).

Filled in by the exchange work: until then a document to or from outside the platform is
kept with status "waiting to be sent" and nothing pretends it was delivered.
"""

from __future__ import annotations


def queue_document(recipient) -> None:
    """Queue the issued outgoing document for ``recipient`` (channel exchange) in the outbox."""


def queue_status(document, status: str, *, note: str = "", at=None) -> None:
    """Queue a status message about an exchanged incoming ``document`` to its sender."""
