"""edXML status messages: the code table (a setting), build and parse, refusals."""

import pytest
from lxml import etree

from chinhquyen.documents.choices import DeliveryStatus
from chinhquyen.exchange.edxml import builder, signature
from chinhquyen.exchange.edxml import errors as e
from chinhquyen.exchange.edxml import status as codes
from chinhquyen.exchange.edxml.model import NS, Organ, ResponseFor, StaffInfo, q
from chinhquyen.exchange.edxml.parser import parse_status
from chinhquyen.exchange.edxml.testing import *  # noqa: F403
from chinhquyen.exchange.edxml.testing import CODE_A, CODE_B

TABLE = [
    ("01", DeliveryStatus.DELIVERED),
    ("02", DeliveryStatus.REJECTED),
    ("03", DeliveryStatus.ACCEPTED),
    ("04", DeliveryStatus.ASSIGNED),
    ("05", DeliveryStatus.IN_PROGRESS),
    ("06", DeliveryStatus.COMPLETED),
    ("13", codes.RECALL_REQUEST),
    ("15", codes.RECALL_ACCEPTED),
    ("16", codes.RECALL_REFUSED),
]


@pytest.mark.parametrize(("code", "meaning"), TABLE)
def test_code_table_both_ways(code, meaning):
    assert codes.meaning_of(code) == meaning
    assert codes.code_for(meaning) == code


def test_documents_app_names_map_too():
    assert codes.code_for(DeliveryStatus.RECALLED) == "15"
    assert codes.code_for("returned") == "02"


def test_unknown_codes_are_refused():
    with pytest.raises(e.PackageRefused) as info:
        codes.meaning_of("99")
    assert info.value.code == e.UNKNOWN_STATUS_CODE
    with pytest.raises(e.ExchangeError):
        codes.code_for(DeliveryStatus.PENDING)


def test_table_is_a_setting(settings):
    settings.EDXML_STATUS_CODES = {"1": "delivered", "9": "completed"}
    assert codes.code_for(DeliveryStatus.COMPLETED) == "9"
    assert codes.meaning_of("1") == DeliveryStatus.DELIVERED
    with pytest.raises(e.PackageRefused):
        codes.meaning_of("06")


def _message(code_status=DeliveryStatus.ASSIGNED, description=""):
    import datetime

    return codes.status_message(
        response_for=ResponseFor(
            organ_id=CODE_A,
            code="05/KH-SA",
            promulgation_date=datetime.date(2026, 11, 20),
            document_id=f"{CODE_A},2026/11/20,05/KH-SA",
        ),
        sender=Organ(organ_id=CODE_B, organ_name="Sở B"),
        status=code_status,
        description=description,
        staff=StaffInfo(department="Văn phòng", staff="Vũ Thị Hoa"),
    )


@pytest.mark.django_db
def test_status_round_trip_signed_by_the_reporting_organisation(org_b_xml_key):
    message = _message(description="Giao Phòng Kế hoạch chủ trì")
    key = signature.unlock_organisation_key(org_b_xml_key.organisation)
    data = signature.sign_tree(builder.status_tree(message), key)

    parsed = parse_status(data)

    assert parsed.status_code == "04"
    assert parsed.description == "Giao Phòng Kế hoạch chủ trì"
    assert parsed.sender.organ_id == CODE_B
    assert parsed.response_for == message.response_for
    assert parsed.staff.staff == "Vũ Thị Hoa"
    assert parsed.timestamp.replace(microsecond=0) == message.timestamp.replace(microsecond=0)
    assert parsed.signature.organisation_check == "confirmed"
    root = etree.fromstring(data)
    status = root.find(f"{q('edXMLEnvelope')}/{q('edXMLHeader')}/{q('Status')}")
    assert status is not None and status.prefix == "edXML"
    assert all(child.prefix == "edXML" for child in status.iter(tag=etree.Element)), (
        "every Status element carries the edXML: prefix"
    )
    assert root.nsmap[None] == NS


def test_default_descriptions_are_vietnamese():
    assert _message(DeliveryStatus.DELIVERED).description == "Đã đến"


@pytest.mark.django_db
def test_status_signed_by_someone_else_is_refused(org_a_xml_key, org_b_xml_key):
    key = signature.unlock_organisation_key(org_a_xml_key.organisation)  # A signs as B
    data = signature.sign_tree(builder.status_tree(_message()), key)
    with pytest.raises(e.PackageRefused) as info:
        parse_status(data)
    assert info.value.code == e.ORGANISATION_MISMATCH


@pytest.mark.django_db
def test_status_with_unknown_code_is_refused(org_b_xml_key):
    root = builder.status_tree(_message())
    root.find(f".//{q('StatusCode')}").text = "42"
    key = signature.unlock_organisation_key(org_b_xml_key.organisation)
    with pytest.raises(e.PackageRefused) as info:
        parse_status(signature.sign_tree(root, key))
    assert info.value.code == e.UNKNOWN_STATUS_CODE


@pytest.mark.django_db
def test_a_document_package_is_not_a_status(exchange_recipient):
    from chinhquyen.exchange.edxml.packages import document_bytes

    with pytest.raises(e.PackageRefused) as info:
        parse_status(document_bytes(exchange_recipient))
    assert info.value.code == e.NOT_EDXML
