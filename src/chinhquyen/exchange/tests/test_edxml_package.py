"""edXML document packages: built from an issued document, signed, parsed back intact."""

import base64
import hashlib

import pytest
from lxml import etree

from chinhquyen.exchange.edxml import errors as e
from chinhquyen.exchange.edxml import mapping
from chinhquyen.exchange.edxml.model import DS_NS, NS
from chinhquyen.exchange.edxml.packages import document_bytes
from chinhquyen.exchange.edxml.parser import parse_document
from chinhquyen.exchange.edxml.testing import *  # noqa: F403
from chinhquyen.exchange.edxml.testing import (
    CODE_A,
    CODE_B,
    import_organisation_key,
    issued_document,
)

pytestmark = pytest.mark.django_db


def _stored_files(document):
    out = []
    for row in document.files.order_by("pk"):
        with row.file.open("rb") as handle:
            out.append(handle.read())
    return out


def test_round_trip_keeps_metadata_and_attachment_bytes(exchange_recipient):
    document = exchange_recipient.document
    data = document_bytes(exchange_recipient)

    package = parse_document(data)

    h = package.header
    assert h.sender.organ_id == CODE_A
    assert h.sender.organ_name == "Sở A"
    assert h.sender.organization_in_charge == "Ủy ban nhân dân tỉnh Thử Nghiệm"
    assert [(t.organ_id, t.organ_name) for t in h.to] == [(CODE_B, "Sở B")]
    assert (h.code_number, h.code_notation, h.code) == ("05", "KH-SA", "05/KH-SA")
    assert h.promulgation_date == document.issued_date
    assert h.place == "Thử Nghiệm"
    assert (h.document_type, h.type_name) == ("10", "Kế hoạch")
    assert h.subject == "Về việc triển khai kế hoạch chuyển đổi số năm 2026"
    assert (h.signer.position, h.signer.full_name) == ("Giám đốc", "Trần Thị Bình")
    assert h.due_date == document.due_date
    assert h.to_places == ["Lưu: VT", "Sở B"]
    assert h.other.priority == "1"  # urgent (Khẩn), EDXML_PRIORITY_CODES default
    assert (h.other.promulgation_amount, h.other.page_amount) == (3, 2)
    assert h.other.appendixes == ["phu-luc-1.pdf"]
    assert h.document_id == f"{CODE_A},{document.issued_date:%Y/%m/%d},05/KH-SA"
    assert [t.organ_id for t in package.traces] == [CODE_A]
    assert package.business.doc_type == "0"
    assert package.business.kind == "new"
    assert package.business.reason == "Văn bản điện tử mới"
    assert package.business.staff.department == "Sở A"
    # The sealed PDF first, then the appendix, byte for byte.
    stored = _stored_files(document)
    assert [a.data for a in package.attachments] == stored
    assert [a.name for a in package.attachments] == ["05-KH-SA.pdf", "phu-luc-1.pdf"]
    assert [a.sha256 for a in package.attachments] == [
        hashlib.sha256(b).hexdigest() for b in stored
    ]
    assert package.signature.organisation_check == "confirmed"
    assert "Sở A" in package.signature.subject


def test_every_element_carries_the_edxml_prefix(exchange_recipient):
    root = etree.fromstring(document_bytes(exchange_recipient))
    assert root.tag == f"{{{NS}}}edXML" and root.prefix is None
    attachments = root.find(f"{{{NS}}}AttachmentEncoded")
    assert attachments is not None and attachments.prefix is None
    outside_prefix = {root, *attachments.iter()}
    signature = root.find(f".//{{{DS_NS}}}Signature")
    assert signature.getparent().tag == f"{{{NS}}}DigitalSignature"
    signed_parts = set(signature.iter())
    checked = 0
    for element in root.iter(tag=etree.Element):
        if element in signed_parts:
            assert element.tag.startswith(f"{{{DS_NS}}}")
            continue
        assert element.tag.startswith(f"{{{NS}}}"), element.tag
        if element in outside_prefix:
            assert element.prefix is None
        else:
            assert element.prefix == "edXML", element.tag
            checked += 1
    assert checked > 50
    names = {etree.QName(element).localname for element in root.iter(tag=etree.Element)}
    assert {"Bussiness", "BussinessDocType", "BussinessDocReason", "TyperNotation"} <= names


def test_dates_and_timestamps_use_the_standard_formats(exchange_recipient):
    root = etree.fromstring(document_bytes(exchange_recipient))
    date = root.findtext(f".//{{{NS}}}PromulgationDate")
    stamp = root.findtext(f".//{{{NS}}}TraceHeader/{{{NS}}}Timestamp")
    assert len(date) == 10 and date[4] == date[7] == "/"
    assert len(stamp) == 19 and stamp[4] == "/" and stamp[10] == " " and stamp[13] == ":"


def test_ec_organisation_key_signs_too(exchange_orgs, edxml_ca, edxml_trusted, clerk_hoa):
    import_organisation_key(edxml_ca, exchange_orgs.dept_a, code=CODE_A, key_type="ec")
    recipient = issued_document(exchange_orgs.dept_a, author=clerk_hoa, recipient_code=CODE_B)
    data = document_bytes(recipient)
    assert b"ecdsa-sha256" in data
    assert parse_document(data).header.code == "05/KH-SA"


def test_secret_document_is_never_packaged(exchange_recipient):
    from chinhquyen.documents.models import OutgoingDocument

    OutgoingDocument.objects.filter(pk=exchange_recipient.document_id).update(secrecy="secret")
    exchange_recipient.document.refresh_from_db()
    with pytest.raises(e.ExchangeError) as info:
        document_bytes(exchange_recipient)
    assert info.value.code == e.SECRET_DOCUMENT


def test_draft_is_not_packaged(exchange_recipient):
    from chinhquyen.documents.models import OutgoingDocument

    OutgoingDocument.objects.filter(pk=exchange_recipient.document_id).update(status="approved")
    exchange_recipient.document.refresh_from_db()
    with pytest.raises(e.ExchangeError) as info:
        document_bytes(exchange_recipient)
    assert info.value.code == e.DOCUMENT_NOT_READY


def test_organisation_without_key_gets_a_coded_error(exchange_orgs, edxml_trusted, clerk_hoa):
    recipient = issued_document(exchange_orgs.dept_a, author=clerk_hoa, recipient_code=CODE_B)
    with pytest.raises(e.ExchangeError) as info:
        document_bytes(recipient)
    assert info.value.code == e.NO_SIGNING_KEY
    assert " / " in info.value.message or "Sở A" in info.value.message


def test_document_type_codes_are_a_setting(exchange_recipient, settings):
    settings.EDXML_DOCUMENT_TYPE_CODES = {"ke-hoach": "77"}
    package = mapping.document_package(exchange_recipient)
    assert package.header.document_type == "77"


def test_attachment_bytes_are_base64_in_attachment_encoded(exchange_recipient):
    root = etree.fromstring(document_bytes(exchange_recipient))
    encoded = root.findall(f"{{{NS}}}AttachmentEncoded/{{{NS}}}Attachment")
    refs = root.findall(f".//{{{NS}}}edXMLManifest/{{{NS}}}Reference")
    assert len(encoded) == len(refs) == 2
    for node, ref in zip(encoded, refs, strict=True):
        cid = node.findtext(f"{{{NS}}}ContentId")
        assert ref.findtext(f"{{{NS}}}ContentId") == f"cid:{cid}"
        base64.b64decode(node.findtext(f"{{{NS}}}ContentTransferEncoded"), validate=True)
