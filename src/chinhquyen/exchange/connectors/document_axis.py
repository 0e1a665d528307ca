"""The ``document_axis`` connector: the national document exchange axis (trục liên thông văn bản
quốc gia, domain-vn.md §4.3), edXML over HTTP.

Set ``EDXML_CONNECTOR = "document_axis"`` and the documents app's edXML packages
(``edxml.document``) and status messages (``edxml.status``) leave through the axis instead of
an installation-to-installation ``peer``. The axis's wire protocol is not public (an X-Road-style
SDK with a system id and a secret key); the INTERIM HTTP mapping is the one served by
``exchange.emulators.document_axis`` and described in docs/exchange.md.

* :class:`DocumentAxisConnector` — ``POST {URL}`` with the edXML body and ``X-Edoc-From`` (the
  ``From/OrganId`` of the package), ``X-Edoc-To`` (the outbox destination), ``X-Edoc-Type``
  (``edoc`` / ``status``) and the outbox ``Idempotency-Key``.
* :func:`poll` — list what waits in our organisations' mailboxes (documents, then statuses),
  get each package, store it in the inbox (``exchange.inbox.accept``: sender ``document_axis``,
  key ``axis:<doc_id>``, kind by package type) and only then mark it "done" on the axis. A crash
  between the two re-fetches the package next time; the inbox answers it as a duplicate.

Settings: ``DOCUMENT_AXIS_URL`` (e.g. ``https://…/api/v1/edocs``), ``DOCUMENT_AXIS_SYSTEM_ID``,
``DOCUMENT_AXIS_SECRET``.
"""

from __future__ import annotations

import json
import logging
import time

from lxml import etree

from chinhquyen.exchange.connectors.base import (
    Connector,
    ConnectorError,
    DeliveryResult,
    PermanentError,
)
from chinhquyen.exchange.connectors.national_portal import (
    call,
    delivered,
    setting,
    sha256_hex,
)

logger = logging.getLogger("chinhquyen.exchange")

NAME = "document_axis"
SENDER = "document_axis"  # the inbox's sender for everything that came through the axis
KIND_DOCUMENT = "edxml.document"
KIND_STATUS = "edxml.status"
TYPE_OF_KIND = {KIND_DOCUMENT: "edoc", KIND_STATUS: "status"}
KIND_OF_TYPE = {v: k for k, v in TYPE_OF_KIND.items()}
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


def from_organ_id(body: bytes) -> str:
    """``From/OrganId`` of an edXML package or status message (our own, already built and
    signed: read, not verified)."""
    try:
        root = etree.fromstring(body, parser=_PARSER)  # noqa: S320 (entities and network off)
    except etree.XMLSyntaxError:
        return ""
    found = root.xpath("(//*[local-name()='From']/*[local-name()='OrganId'])[1]/text()")
    return str(found[0]).strip() if found else ""


class AxisClient:
    def __init__(self) -> None:
        self.url = str(setting("DOCUMENT_AXIS_URL") or "").rstrip("/")
        self.system_id = str(setting("DOCUMENT_AXIS_SYSTEM_ID") or "")
        self.secret = str(setting("DOCUMENT_AXIS_SECRET") or "")
        if not self.url or not self.system_id or not self.secret:
            raise PermanentError(
                "The document exchange axis is not configured (DOCUMENT_AXIS_URL, "
                "DOCUMENT_AXIS_SYSTEM_ID, DOCUMENT_AXIS_SECRET)",
                code="not_configured",
            )

    def headers(self, **extra: str) -> dict[str, str]:
        return {"X-System-Id": self.system_id, "X-Secret-Key": self.secret, **extra}

    def send(
        self, body: bytes, *, sender: str, recipient: str, kind: str, idempotency_key: str
    ) -> DeliveryResult:
        headers = self.headers(
            **{
                "Content-Type": "application/xml",
                "X-Edoc-From": sender,
                "X-Edoc-To": recipient,
                "X-Edoc-Type": TYPE_OF_KIND[kind],
                "Idempotency-Key": idempotency_key,
            }
        )
        response = call("POST", self.url, headers=headers, body=body)
        return delivered(response, url=self.url, id_field="doc_id")

    def list(self, package_type: str) -> list[dict]:
        response = call(
            "GET",
            self.url,
            headers=self.headers(Accept="application/json"),
            params={"type": package_type, "status": "pending"},
        )
        items = response.json().get("items", [])
        return [item for item in items if isinstance(item, dict) and item.get("doc_id")]

    def get(self, doc_id: str) -> bytes:
        return call("GET", f"{self.url}/{doc_id}", headers=self.headers()).content

    def mark_done(self, doc_id: str) -> None:
        call(
            "PUT",
            f"{self.url}/{doc_id}/status",
            headers=self.headers(**{"Content-Type": "application/json"}),
            body=json.dumps({"status": "done"}).encode(),
        )


class DocumentAxisConnector(Connector):
    name = NAME

    def deliver(self, message) -> DeliveryResult:
        if message.kind not in TYPE_OF_KIND:
            raise PermanentError(
                f"The document axis takes no {message.kind!r} message", code="unknown_kind"
            )
        client = AxisClient()
        body = message.read_body()
        sender = from_organ_id(body)
        if not sender:
            raise PermanentError("The package has no From/OrganId", code="no_sender")
        return client.send(
            body,
            sender=sender,
            recipient=message.destination,
            kind=message.kind,
            idempotency_key=message.idempotency_key,
        )


def poll(*, client: AxisClient | None = None) -> dict[str, int]:
    """Fetch what waits for us on the axis into the inbox, then mark it done there.

    Returns counts: ``received`` (new in the inbox), ``duplicate`` (already in the inbox: a
    previous poll stored it but could not mark it done), ``failed`` (left on the axis for the
    next poll). Every HTTP exchange goes to the message log."""
    from chinhquyen.exchange import inbox, messagelog
    from chinhquyen.exchange.models import Direction

    client = client or AxisClient()
    counts = {"received": 0, "duplicate": 0, "failed": 0}
    for package_type, kind in KIND_OF_TYPE.items():
        for item in client.list(package_type):
            doc_id = str(item["doc_id"])
            endpoint = f"{client.url}/{doc_id}"
            started = time.monotonic()
            try:
                body = client.get(doc_id)
                message, created = inbox.accept(
                    sender=SENDER,
                    idempotency_key=f"axis:{doc_id}",
                    kind=kind,
                    body=body,
                    content_type="application/xml",
                    connector=NAME,
                )
                client.mark_done(doc_id)
            except (ConnectorError, inbox.InboxConflict) as exc:
                counts["failed"] += 1
                logger.warning("Axis package %s not taken: %s", doc_id, exc)
                messagelog.append(
                    direction=Direction.IN,
                    connector=NAME,
                    peer=str(item.get("from", ""))[:100],
                    endpoint=endpoint,
                    method="GET",
                    status_code=getattr(exc, "status_code", None),
                    latency_ms=int((time.monotonic() - started) * 1000),
                    idempotency_key=f"axis:{doc_id}",
                    outcome="poll_failed",
                    error=str(exc)[:500],
                )
                continue
            counts["received" if created else "duplicate"] += 1
            messagelog.append(
                direction=Direction.IN,
                connector=NAME,
                peer=str(item.get("from", ""))[:100],
                endpoint=endpoint,
                method="GET",
                status_code=200,
                latency_ms=int((time.monotonic() - started) * 1000),
                response_sha256=sha256_hex(body),
                idempotency_key=f"axis:{doc_id}",
                message_id=message.pk,
                outcome="accepted" if created else "duplicate",
            )
    return counts


def factory() -> Connector:
    return DocumentAxisConnector()
