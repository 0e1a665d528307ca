"""Reading edXML packages safely: XML hardening, required fields, attachments, signature.

Every package goes through :func:`parse_xml` (lxml with ``resolve_entities=False``,
``no_network=True``, ``load_dtd=False``, ``huge_tree=False``; any DOCTYPE or entity refused,
size capped by ``EDXML_MAX_BYTES`` before a byte is parsed). Then the XML signature is verified
and only the signed tree signxml hands back is read. Each refusal is a
:class:`~chinhquyen.exchange.edxml.errors.PackageRefused` with a stable code; nothing here
touches the database except the trust list and certificate registry look-ups.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import hashlib
import re

from django.utils.translation import gettext_lazy as _
from lxml import etree

from chinhquyen.exchange.edxml import conf
from chinhquyen.exchange.edxml import errors as e
from chinhquyen.exchange.edxml.formats import (
    parse_date,
    parse_timestamp,
    split_document_id,
)
from chinhquyen.exchange.edxml.model import (
    DS_NS,
    Attachment,
    Business,
    DocumentPackage,
    MessageHeader,
    Organ,
    OtherInfo,
    ResponseFor,
    SignatureInfo,
    SignerInfo,
    StaffInfo,
    StatusMessage,
    TraceHeader,
    q,
)

# Longest values the documents app stores (Decree 30/2020 Appendix VI Part II lengths).
MAX_LENGTHS = {
    "OrganId": 35,
    "OrganName": 200,
    "CodeNumber": 11,
    "CodeNotation": 30,
    "Subject": 500,
    "TypeName": 100,
    "Position": 100,
    "FullName": 50,
    "DocumentId": 120,
    "Place": 60,
}


def _refuse(message, code: str, **params) -> e.PackageRefused:
    return e.PackageRefused(message, code=code, **params)


_DOCTYPE = re.compile(rb"<!\s*DOCTYPE", re.IGNORECASE)
_PROLOG_SCAN = 65536


def _declares_doctype(data: bytes) -> bool:
    """A DOCTYPE in the prolog (checked before libxml2 sees the bytes, in UTF-8 or UTF-16)."""
    head = data[:_PROLOG_SCAN]
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\x00" in head[:4]:
        for encoding in ("utf-16", "utf-16-le", "utf-16-be"):
            try:
                text = head.decode(encoding, errors="ignore")
            except LookupError:  # pragma: no cover
                continue
            if re.search(r"<!\s*DOCTYPE", text, re.IGNORECASE):
                return True
    return bool(_DOCTYPE.search(head))


def parse_xml(data: bytes) -> etree._Element:
    """The root element of ``data``, parsed with every XML attack surface closed."""
    if not isinstance(data, bytes | bytearray):
        raise _refuse(_("The package must be given as bytes."), e.MALFORMED)
    limit = conf.max_bytes()
    if len(data) > limit:
        raise e.PackageRefused(
            _("The package is %(size)s bytes; the largest accepted is %(limit)s bytes."),
            code=e.TOO_LARGE,
            status=413,
            size=len(data),
            limit=limit,
        )
    if not data.strip():
        raise _refuse(_("The package is empty."), e.MALFORMED)
    if _declares_doctype(bytes(data)):
        raise _refuse(
            _(
                "A package with a DOCTYPE or entity declarations is refused "
                "(XML external entities)."
            ),
            e.FORBIDDEN_DTD,
        )
    # Note: never add collect_ids=False here — with it libxml2 2.14 reads the external DTD
    # subset despite load_dtd=False (checked by test_edxml_refusals).
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    try:
        root = etree.fromstring(bytes(data), parser)
    except etree.XMLSyntaxError as exc:
        raise _refuse(
            _("The package is not well-formed XML (%(reason)s)."),
            e.MALFORMED,
            reason=str(exc)[:200],
        ) from exc
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        raise _refuse(
            _(
                "A package with a DOCTYPE or entity declarations is refused "
                "(XML external entities)."
            ),
            e.FORBIDDEN_DTD,
        )
    if any(isinstance(node, etree._Entity) for node in root.iter()):
        raise _refuse(_("A package with entity references is refused."), e.FORBIDDEN_DTD)
    if root.tag != q("edXML"):
        raise _refuse(
            _("This is not an edXML package (root element %(tag)s)."),
            e.NOT_EDXML,
            tag=str(root.tag)[:80],
        )
    return root


def _find(node: etree._Element | None, path: str) -> etree._Element | None:
    if node is None:
        return None
    return node.find("/".join(q(part) for part in path.split("/")))


def _text(node: etree._Element | None, path: str, *, required: bool = False) -> str:
    found = _find(node, path)
    value = (found.text or "").strip() if found is not None else ""
    if required and not value:
        raise e.PackageRefused(
            _("The package lacks the required field %(name)s."),
            code=e.MISSING_FIELD,
            field=path,
            name=path,
        )
    leaf = path.rsplit("/", 1)[-1]
    limit = MAX_LENGTHS.get(leaf)
    if limit and len(value) > limit:
        raise e.PackageRefused(
            _("The field %(name)s is longer than %(limit)s characters."),
            code=e.INVALID_FIELD,
            field=path,
            name=path,
            limit=limit,
        )
    return value


def _int(node, path: str) -> int | None:
    value = _text(node, path)
    if not value:
        return None
    try:
        number = int(value)
    except ValueError as exc:
        raise e.PackageRefused(
            _("The field %(name)s has an invalid value: %(value)s."),
            code=e.INVALID_FIELD,
            field=path,
            name=path,
            value=value[:30],
        ) from exc
    if number < 0 or number > 32767:
        raise e.PackageRefused(
            _("The field %(name)s has an invalid value: %(value)s."),
            code=e.INVALID_FIELD,
            field=path,
            name=path,
            value=value[:30],
        )
    return number


def _organ(node: etree._Element | None, *, where: str) -> Organ:
    if node is None:
        _missing(where)
    return Organ(
        organ_id=_text(node, "OrganId", required=True),
        organ_name=_text(node, "OrganName"),
        organization_in_charge=_text(node, "OrganizationInCharge"),
        organ_add=_text(node, "OrganAdd"),
        email=_text(node, "Email"),
        telephone=_text(node, "Telephone"),
        fax=_text(node, "Fax"),
        website=_text(node, "Website"),
    )


def _missing(path: str):
    raise e.PackageRefused(
        _("The package lacks the required field %(name)s."),
        code=e.MISSING_FIELD,
        field=path,
        name=path,
    )


def _response_for(node: etree._Element) -> ResponseFor:
    return ResponseFor(
        organ_id=_text(node, "OrganId", required=True),
        code=_text(node, "Code"),
        promulgation_date=parse_date(_text(node, "PromulgationDate"), field="PromulgationDate"),
        document_id=_text(node, "DocumentId", required=True),
    )


def _staff(node: etree._Element | None) -> StaffInfo:
    return StaffInfo(
        department=_text(node, "Department"),
        staff=_text(node, "Staff"),
        mobile=_text(node, "Mobile"),
        email=_text(node, "Email"),
    )


def _cid(value: str) -> str:
    value = value.strip()
    if value.lower().startswith("cid:"):
        value = value[4:]
    return value.strip("<>").strip()


def _attachments(root: etree._Element, envelope: etree._Element) -> list[Attachment]:
    manifest = _find(envelope, "edXMLBody/edXMLManifest")
    references = {}
    for ref in manifest.iterfind(q("Reference")) if manifest is not None else ():
        cid = _cid(_text(ref, "ContentId"))
        if not cid or cid in references:
            raise _refuse(
                _("The manifest lists an attachment without a unique ContentId."),
                e.MANIFEST_MISMATCH,
            )
        references[cid] = ref
    encoded = root.find(q("AttachmentEncoded"))
    attachments: list[Attachment] = []
    seen: set[str] = set()
    for node in encoded.iterfind(q("Attachment")) if encoded is not None else ():
        cid = _cid(_text(node, "ContentId"))
        name = _text(node, "AttachmentName") or cid
        if cid not in references or cid in seen:
            raise _refuse(
                _("The attachment %(name)s is not listed in the manifest."),
                e.MANIFEST_MISMATCH,
                name=name[:100],
            )
        seen.add(cid)
        content = _find(node, "ContentTransferEncoded")
        raw = "".join((content.text or "").split()) if content is not None else ""
        try:
            data = base64.b64decode(raw, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise _refuse(
                _("The attachment %(name)s is not valid base64."),
                e.ATTACHMENT_INVALID,
                name=name[:100],
            ) from exc
        if not data:
            raise _refuse(
                _("The attachment %(name)s is empty."), e.ATTACHMENT_INVALID, name=name[:100]
            )
        ref = references[cid]
        ref_name = _text(ref, "AttachmentName")
        if ref_name and ref_name != name:
            raise _refuse(
                _("The attachment %(name)s is not listed in the manifest."),
                e.MANIFEST_MISMATCH,
                name=name[:100],
            )
        attachments.append(
            Attachment(
                name=name[:255],
                content_type=(_text(node, "ContentType") or _text(ref, "ContentType"))[:100]
                or "application/octet-stream",
                data=data,
                content_id=cid,
                description=_text(node, "Description") or _text(ref, "Description"),
            )
        )
    missing = set(references) - seen
    if missing:
        raise _refuse(
            _("The manifest lists %(count)s attachment(s) that the package does not carry."),
            e.MANIFEST_MISMATCH,
            count=len(missing),
        )
    return attachments


def _verified(root: etree._Element, verify: bool):
    if not verify:
        return root, None, None, None
    from chinhquyen.exchange.edxml.signature import verify_tree

    signed, cert, others = verify_tree(root)
    return signed, cert, others, True


def _check(cert, others, organ_id: str) -> SignatureInfo | None:
    if cert is None:
        return None
    from chinhquyen.exchange.edxml.signature import check_certificate

    return check_certificate(cert, others, organ_id=organ_id)


def _envelope_header(root: etree._Element) -> tuple[etree._Element, etree._Element]:
    envelope = root.find(q("edXMLEnvelope"))
    header = _find(envelope, "edXMLHeader")
    if envelope is None or header is None:
        raise _refuse(_("This is not an edXML package (no envelope header)."), e.NOT_EDXML)
    return envelope, header


def is_status(root: etree._Element) -> bool:
    return _find(root, "edXMLEnvelope/edXMLHeader/Status") is not None


def parse_document(data: bytes, *, verify: bool = True) -> DocumentPackage:
    """A document package, verified (``verify=False`` only for tests of the builder)."""
    root = parse_xml(data)
    if is_status(root):
        raise _refuse(_("This is a status message, not a document package."), e.NOT_EDXML)
    root, cert, others, _ok = _verified(root, verify)
    envelope, header = _envelope_header(root)
    mh = _find(header, "MessageHeader")
    if mh is None:
        _missing("MessageHeader")
    sender = _organ(_find(mh, "From"), where="From")
    to = [_organ(node, where="To") for node in mh.iterfind(q("To"))]
    if not to:
        _missing("To")
    promulgation_date = parse_date(
        _text(mh, "PromulgationInfo/PromulgationDate", required=True),
        field="PromulgationDate",
    )
    document_id = _text(mh, "DocumentId", required=True)
    id_organ, _id_date, _id_code = split_document_id(document_id)
    if id_organ != sender.organ_id:
        raise e.PackageRefused(
            _("The DocumentId %(value)s does not belong to the sender %(organ_id)s."),
            code=e.INVALID_FIELD,
            field="DocumentId",
            value=document_id,
            organ_id=sender.organ_id,
        )
    other = _find(mh, "OtherInfo")
    message_header = MessageHeader(
        sender=sender,
        to=to,
        code_number=_text(mh, "Code/CodeNumber", required=True),
        code_notation=_text(mh, "Code/CodeNotation"),
        place=_text(mh, "PromulgationInfo/Place"),
        promulgation_date=promulgation_date,
        document_type=_text(mh, "DocumentType/Type"),
        type_name=_text(mh, "DocumentType/TypeName"),
        type_detail=_text(mh, "DocumentType/TypeDetail"),
        subject=_text(mh, "Subject", required=True),
        content=_text(mh, "Content"),
        signer=SignerInfo(
            competence=_text(mh, "SignerInfo/Competence"),
            position=_text(mh, "SignerInfo/Position"),
            full_name=_text(mh, "SignerInfo/FullName"),
        ),
        due_date=parse_date(_text(mh, "DueDate"), field="DueDate"),
        to_places=[
            (node.text or "").strip()
            for node in mh.iterfind(f"{q('ToPlaces')}/{q('Place')}")
            if (node.text or "").strip()
        ],
        other=OtherInfo(
            priority=_text(other, "Priority"),
            sphere_of_promulgation=_text(other, "SphereOfPromulgation"),
            typer_notation=_text(other, "TyperNotation"),
            promulgation_amount=_int(other, "PromulgationAmount"),
            page_amount=_int(other, "PageAmount"),
            direction=_text(other, "Direction"),
            appendixes=[
                (node.text or "").strip()
                for node in (
                    other.iterfind(f"{q('Appendixes')}/{q('Appendix')}")
                    if other is not None
                    else ()
                )
            ],
        ),
        response_for=[_response_for(node) for node in mh.iterfind(q("ResponseFor"))],
        steering_type=_text(mh, "SteeringType"),
        document_id=document_id,
    )
    trace_list = _find(header, "TraceHeaderList")
    traces = [
        TraceHeader(
            organ_id=_text(node, "OrganId", required=True),
            timestamp=parse_timestamp(_text(node, "Timestamp", required=True), field="Timestamp"),
        )
        for node in (trace_list.iterfind(q("TraceHeader")) if trace_list is not None else ())
    ]
    business_node = _find(trace_list, "Bussiness")
    doc_type = _text(business_node, "BussinessDocType") or "0"
    kinds = {value: kind for kind, value in conf.business_doc_types().items()}
    business = Business(
        doc_type=doc_type,
        reason=_text(business_node, "BussinessDocReason"),
        kind=kinds.get(doc_type, ""),
        staff=_staff(_find(business_node, "StaffInfo")),
        paper=_text(business_node, "Paper"),
        related_document_ids=[
            (node.text or "").strip()
            for node in (
                business_node.iterfind(f".//{q('DocumentId')}") if business_node is not None else ()
            )
            if (node.text or "").strip()
        ],
    )
    attachments = _attachments(root, envelope)
    signature = _check(cert, others, sender.organ_id)
    return DocumentPackage(
        header=message_header,
        traces=traces,
        business=business,
        attachments=attachments,
        signature=signature,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )


def parse_status(data: bytes, *, verify: bool = True) -> StatusMessage:
    """A status message (``edXML:Status``), verified."""
    root = parse_xml(data)
    if not is_status(root):
        raise _refuse(_("This is a document package, not a status message."), e.NOT_EDXML)
    root, cert, others, _ok = _verified(root, verify)
    _envelope, header = _envelope_header(root)
    status = _find(header, "Status")
    response = _find(status, "ResponseFor")
    if response is None:
        _missing("Status/ResponseFor")
    sender = _organ(_find(status, "From"), where="Status/From")
    code = _text(status, "StatusCode", required=True)
    if code not in conf.status_codes():
        raise e.PackageRefused(
            _("The status code %(value)s is not known."),
            code=e.UNKNOWN_STATUS_CODE,
            field="StatusCode",
            value=code[:10],
        )
    message = StatusMessage(
        response_for=_response_for(response),
        sender=sender,
        status_code=code,
        description=_text(status, "Description"),
        timestamp=parse_timestamp(_text(status, "Timestamp"), field="Timestamp"),
        staff=_staff(_find(status, "StaffInfo")),
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )
    message.signature = _check(cert, others, sender.organ_id)
    return message


def signature_elements(root: etree._Element) -> list[etree._Element]:
    return root.findall(f".//{{{DS_NS}}}Signature")
