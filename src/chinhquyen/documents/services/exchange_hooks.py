"""Where the documents app hands work to the exchange app (edXML over the outbox).

* :func:`queue_document` — at issue (``distribution.distribute``), the signed edXML package
  (``exchange.edxml``: QCVN 102:2016, XML signature of the issuing organisation) for one
  exchange recipient is written to the outbox in the issuing transaction.
* :func:`queue_recall` — a recall (revoke) package for a recipient that got the document by the
  exchange (to be called by ``distribution.recall``).
* :func:`queue_status` — a status message (edXML ``Status``; 01 arrived … 06 completed, 15/16
  recall answers) about an exchanged incoming document, from its receiving organisation to the
  sender (called by ``services.status.report_to_sender`` and by ``exchange_receive``).

Each runs inside the caller's transaction: the message commits or rolls back with the change
that causes it, and the outbox delivers it after commit. A package that cannot be built or
signed (no organisation key, a secret document, a missing file) raises
``exchange.edxml.errors.ExchangeError`` with a bilingual message, so the change is refused
rather than reported as sent. The outbox connector is ``EDXML_CONNECTOR`` (default ``peer``:
another installation or the provincial LGSP speaking the exchange inbox protocol, addressed by
the recipient's code in ``EXCHANGE_PEERS``; a code not configured there ends as a dead letter
the administrator sees). A connector for the national document exchange axis comes later.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.utils import timezone

KIND_DOCUMENT = "edxml.document"
KIND_STATUS = "edxml.status"
CONTENT_TYPE = "application/xml"


def _connector() -> str:
    return getattr(settings, "EDXML_CONNECTOR", "peer")


def _document_key(recipient, document_id: str, suffix: str = "") -> str:
    key = recipient.message_key or f"edxml:{document_id}:{recipient.external_code}"
    return f"{key}{suffix}"[:200]


def queue_document(recipient) -> None:
    """Queue the issued outgoing document for ``recipient`` (channel exchange) in the outbox."""
    from chinhquyen.exchange import outbox
    from chinhquyen.exchange.edxml.mapping import outgoing_document_id
    from chinhquyen.exchange.edxml.packages import document_bytes

    body = document_bytes(recipient)
    outbox.enqueue(
        connector=_connector(),
        destination=recipient.external_code,
        kind=KIND_DOCUMENT,
        body=body,
        content_type=CONTENT_TYPE,
        idempotency_key=_document_key(recipient, outgoing_document_id(recipient.document)),
        related=recipient,
    )


def queue_recall(recipient, *, reason: str = "") -> None:
    """Queue a recall (thu hồi) package of ``recipient.document`` to an exchange recipient."""
    from chinhquyen.exchange import outbox
    from chinhquyen.exchange.edxml.mapping import outgoing_document_id
    from chinhquyen.exchange.edxml.packages import document_bytes

    document_id = outgoing_document_id(recipient.document)
    body = document_bytes(recipient, kind="revoke", reason=reason)
    outbox.enqueue(
        connector=_connector(),
        destination=recipient.external_code,
        kind=KIND_DOCUMENT,
        body=body,
        content_type=CONTENT_TYPE,
        idempotency_key=_document_key(recipient, document_id, ":recall"),
        related=recipient,
    )


def queue_status(
    document, status: str, *, note: str = "", at: datetime.datetime | None = None
) -> None:
    """Queue a status message about an exchanged incoming ``document`` to its sender."""
    from chinhquyen.exchange import outbox
    from chinhquyen.exchange.edxml.packages import status_bytes
    from chinhquyen.exchange.edxml.status import code_for

    at = at or timezone.now()
    code = code_for(status)
    body = status_bytes(document, status, note=note, at=at)
    outbox.enqueue(
        connector=_connector(),
        destination=document.issuer_code,
        kind=KIND_STATUS,
        body=body,
        content_type=CONTENT_TYPE,
        idempotency_key=f"edxml:status:{document.pk}:{code}:{at.isoformat()}"[:200],
        related=document,
    )
