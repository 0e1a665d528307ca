"""Writing edXML packages (QCVN 102:2016) as lxml trees, ready to be signed.

Shape (``domain-vn.md`` §4.2)::

    <edXML xmlns="…QCVN_102_2016">
      <edXML:edXMLEnvelope xmlns:edXML="…QCVN_102_2016">
        <edXML:edXMLHeader>
          <edXML:MessageHeader>…</edXML:MessageHeader>
          <edXML:TraceHeaderList>…</edXML:TraceHeaderList>
          <edXML:DigitalSignature><ds:Signature/></edXML:DigitalSignature>
        </edXML:edXMLHeader>
        <edXML:edXMLBody>
          <edXML:edXMLManifest version="1.0">…</edXML:edXMLManifest>
        </edXML:edXMLBody>
      </edXML:edXMLEnvelope>
      <AttachmentEncoded>…</AttachmentEncoded>
    </edXML>

Every element inside the envelope carries the explicit ``edXML:`` prefix (the Government
Office's .NET validator refuses unprefixed children); the root and ``AttachmentEncoded`` use the
default namespace declaration, which is the same namespace. Spellings follow the standard,
including ``Bussiness``, ``BussinessDocType`` and ``TyperNotation``.
"""

from __future__ import annotations

import base64

from lxml import etree

from chinhquyen.exchange.edxml.formats import format_date, format_timestamp
from chinhquyen.exchange.edxml.model import (
    NS,
    PREFIX,
    DocumentPackage,
    Organ,
    ResponseFor,
    StaffInfo,
    StatusMessage,
    q,
)


def _add(parent: etree._Element, name: str, text: object = None) -> etree._Element:
    child = etree.SubElement(parent, q(name))
    if text is not None:
        child.text = str(text)
    return child


def _organ(parent: etree._Element, name: str, organ: Organ) -> None:
    node = _add(parent, name)
    _add(node, "OrganId", organ.organ_id)
    _add(node, "OrganizationInCharge", organ.organization_in_charge)
    _add(node, "OrganName", organ.organ_name)
    _add(node, "OrganAdd", organ.organ_add)
    _add(node, "Email", organ.email)
    _add(node, "Telephone", organ.telephone)
    _add(node, "Fax", organ.fax)
    _add(node, "Website", organ.website)


def _response_for(parent: etree._Element, response: ResponseFor) -> None:
    node = _add(parent, "ResponseFor")
    _add(node, "OrganId", response.organ_id)
    _add(node, "Code", response.code)
    _add(node, "PromulgationDate", format_date(response.promulgation_date))
    _add(node, "DocumentId", response.document_id)


def _staff(parent: etree._Element, staff: StaffInfo, *, contact: bool = True) -> None:
    node = _add(parent, "StaffInfo")
    _add(node, "Department", staff.department)
    _add(node, "Staff", staff.staff)
    if contact:
        _add(node, "Mobile", staff.mobile)
        _add(node, "Email", staff.email)


def _skeleton() -> tuple[etree._Element, etree._Element, etree._Element]:
    root = etree.Element(q("edXML"), nsmap={None: NS})
    envelope = etree.SubElement(root, q("edXMLEnvelope"), nsmap={PREFIX: NS})
    header = _add(envelope, "edXMLHeader")
    return root, envelope, header


def _signature_slot(header: etree._Element) -> None:
    """``edXML:DigitalSignature`` holding signxml's placeholder for the enveloped signature."""
    from chinhquyen.exchange.edxml.model import DS_NS

    slot = _add(header, "DigitalSignature")
    etree.SubElement(slot, f"{{{DS_NS}}}Signature", Id="placeholder", nsmap={"ds": DS_NS})


def document_tree(package: DocumentPackage) -> etree._Element:
    """The unsigned tree of a document package (sign it with ``signature.sign_tree``)."""
    h = package.header
    root, envelope, header = _skeleton()
    mh = _add(header, "MessageHeader")
    _organ(mh, "From", h.sender)
    for organ in h.to:
        _organ(mh, "To", organ)
    code = _add(mh, "Code")
    _add(code, "CodeNumber", h.code_number)
    _add(code, "CodeNotation", h.code_notation)
    promulgation = _add(mh, "PromulgationInfo")
    _add(promulgation, "Place", h.place)
    _add(promulgation, "PromulgationDate", format_date(h.promulgation_date))
    doc_type = _add(mh, "DocumentType")
    _add(doc_type, "Type", h.document_type)
    _add(doc_type, "TypeName", h.type_name)
    _add(doc_type, "TypeDetail", h.type_detail)
    _add(mh, "Subject", h.subject)
    _add(mh, "Content", h.content)
    signer = _add(mh, "SignerInfo")
    _add(signer, "Competence", h.signer.competence)
    _add(signer, "Position", h.signer.position)
    _add(signer, "FullName", h.signer.full_name)
    _add(mh, "DueDate", format_date(h.due_date))
    places = _add(mh, "ToPlaces")
    for place in h.to_places:
        _add(places, "Place", place)
    other = _add(mh, "OtherInfo")
    _add(other, "Priority", h.other.priority)
    _add(other, "SphereOfPromulgation", h.other.sphere_of_promulgation)
    _add(other, "TyperNotation", h.other.typer_notation)
    amount = h.other.promulgation_amount
    _add(other, "PromulgationAmount", "" if amount is None else amount)
    pages = h.other.page_amount
    _add(other, "PageAmount", "" if pages is None else pages)
    _add(other, "Direction", h.other.direction)
    appendixes = _add(other, "Appendixes")
    for appendix in h.other.appendixes:
        _add(appendixes, "Appendix", appendix)
    for response in h.response_for:
        _response_for(mh, response)
    _add(mh, "SteeringType", h.steering_type)
    _add(mh, "DocumentId", h.document_id)

    traces = _add(header, "TraceHeaderList")
    for trace in package.traces:
        node = _add(traces, "TraceHeader")
        _add(node, "OrganId", trace.organ_id)
        _add(node, "Timestamp", format_timestamp(trace.timestamp))
    business = _add(traces, "Bussiness")
    _add(business, "BussinessDocType", package.business.doc_type)
    _add(business, "BussinessDocReason", package.business.reason)
    _staff(business, package.business.staff)
    _add(business, "Paper", package.business.paper)
    if package.business.related_document_ids:
        info = _add(business, "BussinessDocumentInfo")
        for related in package.business.related_document_ids:
            _add(info, "DocumentId", related)
    _signature_slot(header)

    body = _add(envelope, "edXMLBody")
    manifest = _add(body, "edXMLManifest")
    manifest.set("version", "1.0")
    for attachment in package.attachments:
        ref = _add(manifest, "Reference")
        _add(ref, "Description", attachment.description)
        _add(ref, "AttachmentName", attachment.name)
        _add(ref, "ContentType", attachment.content_type)
        _add(ref, "ContentId", f"cid:{attachment.content_id}")

    encoded = _add(root, "AttachmentEncoded")
    for attachment in package.attachments:
        node = _add(encoded, "Attachment")
        _add(node, "ContentType", attachment.content_type)
        _add(node, "ContentId", attachment.content_id)
        _add(node, "Description", attachment.description)
        _add(node, "ContentTransferEncoded", base64.b64encode(attachment.data).decode("ascii"))
        _add(node, "AttachmentName", attachment.name)
    return root


def status_tree(message: StatusMessage) -> etree._Element:
    """The unsigned tree of a status message (``edXML:Status`` in the header)."""
    root, _envelope, header = _skeleton()
    status = _add(header, "Status")
    _response_for(status, message.response_for)
    _organ(status, "From", message.sender)
    _add(status, "StatusCode", message.status_code)
    _add(status, "Description", message.description)
    _add(status, "Timestamp", format_timestamp(message.timestamp) if message.timestamp else "")
    _staff(status, message.staff, contact=False)
    _signature_slot(header)
    return root
