"""Bad packages are refused with a coded error: tampering, XXE, billion laughs, size, fields."""

import time
import tracemalloc

import pytest
from lxml import etree

from chinhquyen.exchange.edxml import builder, mapping, signature
from chinhquyen.exchange.edxml import errors as e
from chinhquyen.exchange.edxml.model import NS, q
from chinhquyen.exchange.edxml.packages import document_bytes
from chinhquyen.exchange.edxml.parser import parse_document, parse_xml
from chinhquyen.exchange.edxml.testing import *  # noqa: F403
from chinhquyen.exchange.edxml.testing import (
    CODE_A,
    CODE_B,
    import_organisation_key,
    issued_document,
    make_ca,
)

pytestmark = pytest.mark.django_db


def _refused(data: bytes, code: str) -> e.PackageRefused:
    with pytest.raises(e.PackageRefused) as info:
        parse_document(data)
    assert info.value.code == code, info.value.message
    assert info.value.message
    return info.value


def _signed_tree(recipient, change=None, *, organisation=None) -> bytes:
    """The package with ``change(root)`` applied before signing (a sender that signs junk)."""
    root = builder.document_tree(mapping.document_package(recipient))
    if change is not None:
        change(root)
    key = signature.unlock_organisation_key(organisation or recipient.document.organisation)
    return signature.sign_tree(root, key)


def test_one_byte_changed_in_the_subject_breaks_the_signature(exchange_recipient):
    data = document_bytes(exchange_recipient)
    tampered = data.replace("chuyển đổi số".encode(), "chuyển đổi sổ".encode(), 1)
    assert tampered != data and len(tampered) == len(data)
    _refused(tampered, e.SIGNATURE_INVALID)


def test_one_byte_changed_in_an_attachment_breaks_the_signature(exchange_recipient):
    data = document_bytes(exchange_recipient)
    root = etree.fromstring(data)
    encoded = root.find(
        f"{{{NS}}}AttachmentEncoded/{{{NS}}}Attachment/{{{NS}}}ContentTransferEncoded"
    )
    text = encoded.text
    position = len(text) // 2
    swapped = "A" if text[position] != "A" else "B"
    original = text[position - 20 : position + 20]
    replacement = text[position - 20 : position] + swapped + text[position + 1 : position + 20]
    tampered = data.replace(original.encode(), replacement.encode(), 1)
    assert tampered != data and len(tampered) == len(data)
    _refused(tampered, e.SIGNATURE_INVALID)


def test_unsigned_package_is_refused(exchange_recipient):
    root = builder.document_tree(mapping.document_package(exchange_recipient))
    slot = root.find(f".//{q('DigitalSignature')}")
    for child in list(slot):
        slot.remove(child)
    _refused(etree.tostring(root), e.SIGNATURE_MISSING)


def test_signature_moved_to_another_document_is_refused(
    exchange_recipient, clerk_hoa, exchange_orgs
):
    first = etree.fromstring(document_bytes(exchange_recipient))
    other = issued_document(
        exchange_orgs.dept_a, author=clerk_hoa, recipient_code=CODE_B, number=6, subject="Khác"
    )
    second = etree.fromstring(document_bytes(other))
    old = second.find(".//{http://www.w3.org/2000/09/xmldsig#}Signature")
    new = first.find(".//{http://www.w3.org/2000/09/xmldsig#}Signature")
    old.getparent().replace(old, new)
    _refused(etree.tostring(second), e.SIGNATURE_INVALID)


XXE = b"""<?xml version="1.0"?>
<!DOCTYPE edXML [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<edXML xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016"><Subject>&xxe;</Subject></edXML>"""

XXE_PARAMETER = b"""<?xml version="1.0"?>
<!DOCTYPE edXML [<!ENTITY % remote SYSTEM "http://127.0.0.1:9/evil.dtd"> %remote;]>
<edXML xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016"/>"""

EXTERNAL_DTD = b"""<?xml version="1.0"?>
<!DOCTYPE edXML SYSTEM "file:///etc/passwd">
<edXML xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016"/>"""

LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lollollollollollollollollollol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<edXML xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016"><Subject>&lol9;</Subject></edXML>"""


# Past the pre-scan of the prolog: libxml2 itself must neither load the DTD nor keep it.
LATE_DTD = (
    b'<?xml version="1.0"?><!--' + b"x" * 70000 + b"-->"
    b'<!DOCTYPE edXML SYSTEM "file:///etc/passwd">'
    b'<edXML xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016"/>'
)
UTF16_XXE = (
    XXE.decode().replace('version="1.0"', 'version="1.0" encoding="UTF-16"').encode("utf-16")
)


@pytest.mark.parametrize(
    "payload",
    [XXE, XXE_PARAMETER, EXTERNAL_DTD, LATE_DTD, UTF16_XXE],
    ids=["xxe", "param", "dtd", "late-dtd", "utf16"],
)
def test_external_entities_are_refused_and_no_file_is_read(payload):
    with pytest.raises(e.PackageRefused) as info:
        parse_xml(payload)
    assert info.value.code == e.FORBIDDEN_DTD
    assert "root:" not in info.value.message  # /etc/passwd was not read into anything


def test_billion_laughs_is_refused_without_blowing_up_memory():
    tracemalloc.start()
    started = time.monotonic()
    try:
        with pytest.raises(e.PackageRefused) as info:
            parse_xml(LAUGHS)
        elapsed = time.monotonic() - started
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert info.value.code == e.FORBIDDEN_DTD
    assert elapsed < 2
    assert peak < 5 * 1024 * 1024


def test_oversize_package_is_refused_before_parsing(settings):
    settings.EDXML_MAX_BYTES = 1000
    with pytest.raises(e.PackageRefused) as info:
        parse_xml(b"<edXML>" + b" " * 2000 + b"</edXML>")
    assert info.value.code == e.TOO_LARGE
    assert info.value.status == 413


@pytest.mark.parametrize(
    "payload",
    [b"", b"<edXML", b"not xml at all", b"<edXML xmlns='urn:x'></edXML>"],
    ids=["empty", "truncated", "text", "other-namespace"],
)
def test_malformed_or_foreign_xml_is_refused(payload):
    with pytest.raises(e.PackageRefused) as info:
        parse_xml(payload)
    assert info.value.code in {e.MALFORMED, e.NOT_EDXML}


def _remove(path):
    def change(root):
        node = root.find(".//" + "/".join(q(p) for p in path.split("/")))
        node.getparent().remove(node)

    return change


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("MessageHeader/Subject", "Subject"),
        ("MessageHeader/DocumentId", "DocumentId"),
        ("MessageHeader/Code/CodeNumber", "Code/CodeNumber"),
        ("MessageHeader/From/OrganId", "OrganId"),
        ("MessageHeader/To", "To"),
    ],
)
def test_missing_required_header_field_is_refused(exchange_recipient, path, field):
    refused = _refused(_signed_tree(exchange_recipient, _remove(path)), e.MISSING_FIELD)
    assert refused.field == field


def test_invalid_base64_attachment_is_refused(exchange_recipient):
    def change(root):
        root.find(f".//{q('ContentTransferEncoded')}").text = "@@not base64@@"

    _refused(_signed_tree(exchange_recipient, change), e.ATTACHMENT_INVALID)


def test_attachment_missing_from_the_manifest_is_refused(exchange_recipient):
    _refused(
        _signed_tree(exchange_recipient, _remove("edXMLManifest/Reference")), e.MANIFEST_MISMATCH
    )


def test_manifest_entry_without_attachment_is_refused(exchange_recipient):
    def change(root):
        encoded = root.find(q("AttachmentEncoded"))
        encoded.remove(encoded[-1])

    _refused(_signed_tree(exchange_recipient, change), e.MANIFEST_MISMATCH)


def test_document_id_of_another_organisation_is_refused(exchange_recipient):
    def change(root):
        node = root.find(f".//{q('DocumentId')}")
        node.text = node.text.replace(CODE_A, CODE_B)

    _refused(_signed_tree(exchange_recipient, change), e.INVALID_FIELD)


def test_certificate_outside_the_trust_list_is_refused(exchange_orgs, edxml_trusted, clerk_hoa):
    stranger = make_ca("Untrusted CA")
    import_organisation_key(stranger, exchange_orgs.dept_a, code=CODE_A)
    recipient = issued_document(exchange_orgs.dept_a, author=clerk_hoa, recipient_code=CODE_B)
    # The sender's own check refuses to sign with an untrusted certificate …
    with pytest.raises(e.ExchangeError) as info:
        document_bytes(recipient)
    assert info.value.code == e.KEY_UNAVAILABLE


def test_receiver_refuses_a_certificate_it_does_not_trust(exchange_recipient):
    from chinhquyen.signing.models import TrustAnchor

    data = document_bytes(exchange_recipient)
    TrustAnchor.objects.update(is_active=False)  # … and so does a receiver with another list
    _refused(data, e.CERTIFICATE_UNTRUSTED)


def test_package_signed_by_another_organisation_is_refused(exchange_recipient, org_b_xml_key):
    data = _signed_tree(exchange_recipient, organisation=org_b_xml_key.organisation)
    refused = _refused(data, e.ORGANISATION_MISMATCH)
    assert CODE_A in refused.message and CODE_B in refused.message


def test_too_long_subject_is_refused(exchange_recipient):
    def change(root):
        root.find(f".//{q('Subject')}").text = "x" * 501

    _refused(_signed_tree(exchange_recipient, change), e.INVALID_FIELD)
