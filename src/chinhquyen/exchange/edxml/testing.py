"""Test helpers for edXML: a throwaway CA, organisation keys, an issued outgoing document.

Organisation certificates are generated here like the signing tests do (``cryptography``), with
the QCVN 102 code in the subject's organizational unit, so the organisation check of the
verifier has something to compare. Import the fixtures into a test module with
``from chinhquyen.exchange.edxml.testing import *  # noqa: F403``.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest

P12_PASSPHRASE = "edxml-test-2026"  # noqa: S105 (test keys only)
CODE_A = "000.00.01.H99"  # dept_a (sender)
CODE_B = "000.00.02.H99"  # dept_b (recipient)


@dataclass
class TestCA:
    __test__ = False

    key: object
    cert: object

    def pem(self) -> bytes:
        from cryptography.hazmat.primitives import serialization

        return self.cert.public_bytes(serialization.Encoding.PEM)


def _name(common_name: str, organisation: str = "", unit: str = ""):
    from cryptography import x509
    from cryptography.x509.oid import NameOID

    attrs = [x509.NameAttribute(NameOID.COUNTRY_NAME, "VN")]
    if organisation:
        attrs.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation))
    if unit:
        attrs.append(x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, unit))
    attrs.append(x509.NameAttribute(NameOID.COMMON_NAME, common_name))
    return x509.Name(attrs)


def make_ca(common_name: str = "edXML Test CA") -> TestCA:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(common_name))
        .issuer_name(_name(common_name))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=30))
        .not_valid_after(now + datetime.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(key, hashes.SHA256())
    )
    return TestCA(key, cert)


def organisation_pkcs12(
    ca: TestCA, *, common_name: str, organisation_code: str = "", key_type: str = "rsa"
) -> bytes:
    """PKCS#12 of an organisation certificate issued by ``ca`` (RSA 2048 or EC P-256)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec, rsa
    from cryptography.hazmat.primitives.serialization import BestAvailableEncryption, pkcs12

    key = (
        ec.generate_private_key(ec.SECP256R1())
        if key_type == "ec"
        else rsa.generate_private_key(public_exponent=65537, key_size=2048)
    )
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(common_name, "Ủy ban nhân dân tỉnh Thử Nghiệm", organisation_code))
        .issuer_name(ca.cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=365))
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(ca.key, hashes.SHA256())
    )
    return pkcs12.serialize_key_and_certificates(
        common_name.encode(),
        key,
        cert,
        [ca.cert],
        BestAvailableEncryption(P12_PASSPHRASE.encode()),
    )


def import_organisation_key(ca: TestCA, organisation, *, code: str = "", key_type="rsa"):
    from chinhquyen.signing.choices import SignatureRole
    from chinhquyen.signing.services import import_pkcs12_key

    return import_pkcs12_key(
        data=organisation_pkcs12(
            ca, common_name=organisation.name, organisation_code=code, key_type=key_type
        ),
        passphrase=P12_PASSPHRASE,
        role=SignatureRole.ORGANISATION,
        organisation=organisation,
    )


def set_code(organisation, code: str):
    type(organisation).objects.filter(pk=organisation.pk).update(qcvn_code=code)
    organisation.qcvn_code = code
    return organisation


def issued_document(
    organisation,
    *,
    author,
    recipient_code: str,
    recipient_name: str = "Sở B",
    subject: str = "Về việc triển khai kế hoạch chuyển đổi số năm 2026",
    number: int = 5,
    appendix: bytes | None = b"%PDF-1.4\nphu luc\n%%EOF\n",
):
    """An issued outgoing document with a sealed PDF (and an appendix) and one exchange
    recipient, written directly (the issuing flow itself is tested in the documents app)."""
    from django.core.files.base import ContentFile
    from django.utils import timezone

    from chinhquyen.documents.choices import (
        BookDirection,
        FileKind,
        OutgoingStatus,
        RecipientChannel,
        SignerCompetence,
        Urgency,
    )
    from chinhquyen.documents.models import (
        DocumentFile,
        DocumentType,
        OutgoingDocument,
        Recipient,
        RegistrationBook,
    )
    from chinhquyen.signing.testing import minimal_pdf

    today = timezone.localdate()
    book, _created = RegistrationBook.objects.get_or_create(
        organisation=organisation,
        year=today.year,
        direction=BookDirection.OUTGOING,
        code="di",
        defaults={"name": "Sổ văn bản đi"},
    )
    document = OutgoingDocument.objects.create(
        organisation=organisation,
        drafting_unit=organisation,
        document_type=DocumentType.objects.filter(code="ke-hoach").latest("valid_from"),
        subject=subject,
        issued_date=today,
        page_count=2,
        signer_position="Giám đốc",
        signer_name="Trần Thị Bình",
        signer_competence=SignerCompetence.DIRECT,
        urgency=Urgency.URGENT,
        due_date=today + datetime.timedelta(days=14),
        status=OutgoingStatus.ISSUED,
        place="Thử Nghiệm",
        book=book,
        number=number,
        notation="KH-SA",
        copies=3,
        created_by=author,
        numbered_at=timezone.now(),
        issued_at=timezone.now(),
    )
    files = [(FileKind.SIGNED, "05-KH-SA.pdf", minimal_pdf(pages=2, text="Ke hoach 05/KH-SA"))]
    if appendix is not None:
        files.append((FileKind.APPENDIX, "phu-luc-1.pdf", appendix))
    import hashlib

    for kind, name, data in files:
        row = DocumentFile(
            outgoing=document,
            kind=kind,
            name=name,
            content_type="application/pdf",
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            created_by=author,
        )
        row.file.save(name, ContentFile(data), save=False)
        row.save()
    Recipient.objects.create(
        document=document, name="Lưu: VT", channel=RecipientChannel.POST, for_information=True
    )
    recipient = Recipient.objects.create(
        document=document,
        name=recipient_name,
        external_code=recipient_code,
        channel=RecipientChannel.EXCHANGE,
    )
    return recipient


# --- fixtures ---------------------------------------------------------------------------


@pytest.fixture(scope="session")
def edxml_ca() -> TestCA:
    return make_ca()


@pytest.fixture
def edxml_trusted(db, edxml_ca, settings):
    from chinhquyen.signing.services import add_trust_anchor

    settings.EDXML_CHECK_REVOCATION = False  # the test CA publishes no OCSP/CRL
    return add_trust_anchor(certificate=edxml_ca.pem(), name="edXML test CA")


@pytest.fixture
def exchange_orgs(org_tree):
    set_code(org_tree.dept_a, CODE_A)
    set_code(org_tree.dept_b, CODE_B)
    return org_tree


@pytest.fixture
def org_a_xml_key(edxml_ca, edxml_trusted, exchange_orgs):
    return import_organisation_key(edxml_ca, exchange_orgs.dept_a, code=CODE_A)


@pytest.fixture
def org_b_xml_key(edxml_ca, edxml_trusted, exchange_orgs):
    return import_organisation_key(edxml_ca, exchange_orgs.dept_b, code=CODE_B)


@pytest.fixture
def exchange_recipient(exchange_orgs, org_a_xml_key, clerk_hoa):
    """Dept A's issued plan, addressed through the exchange to dept B (CODE_B)."""
    return issued_document(exchange_orgs.dept_a, author=clerk_hoa, recipient_code=CODE_B)


__all__ = [
    "CODE_A",
    "CODE_B",
    "edxml_ca",
    "edxml_trusted",
    "exchange_orgs",
    "exchange_recipient",
    "import_organisation_key",
    "issued_document",
    "org_a_xml_key",
    "org_b_xml_key",
    "set_code",
]
