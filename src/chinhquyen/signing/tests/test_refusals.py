"""Bad input: a clear bilingual message, nothing signed, the original kept unchanged."""

import pytest

from chinhquyen.audit.models import AuditEntry
from chinhquyen.signing.errors import (
    CertificateRefusedError,
    NoSigningKeyError,
    NotAPdfError,
    PermissionDeniedError,
    SigningError,
)
from chinhquyen.signing.services import sign_pdf, verify_pdf
from chinhquyen.signing.tests.conftest import import_key


def _nothing_signed() -> bool:
    return not AuditEntry.objects.filter(action="signing.sign_pdf").exists()


def test_expired_certificate_is_refused(test_pki, pki_trusted, leader_binh, unsigned_pdf):
    # given Bình's only key has a certificate that expired on 2022-01-01
    import_key(test_pki, "leader-expired", user=leader_binh)
    original = bytes(unsigned_pdf)

    # when she tries to sign, then it is refused with the date, and nothing is signed
    with pytest.raises(CertificateRefusedError, match="expired on 2022-01-01") as caught:
        sign_pdf(unsigned_pdf, signer=leader_binh, role="personal")
    assert "nothing was signed" in caught.value.message
    assert unsigned_pdf == original
    assert _nothing_signed()


def test_revoked_certificate_is_refused_through_ocsp(
    test_pki, pki_trusted, leader_binh, unsigned_pdf
):
    # given a certificate the CA revoked on 2025-01-01 (the OCSP responder says so)
    import_key(test_pki, "leader-revoked", user=leader_binh)

    # when it is used to sign, then it is refused as revoked
    with pytest.raises(CertificateRefusedError, match="has been revoked"):
        sign_pdf(unsigned_pdf, signer=leader_binh, role="personal")
    assert _nothing_signed()


def test_certificate_outside_the_trust_list_is_refused(test_pki, db, leader_binh, unsigned_pdf):
    # given the test root is NOT in the trust list
    import_key(test_pki, "leader-binh", user=leader_binh)

    # when Bình signs, then it is refused: not issued by a trusted authority
    with pytest.raises(CertificateRefusedError, match="not issued by a trusted authority"):
        sign_pdf(unsigned_pdf, signer=leader_binh, role="personal")
    assert _nothing_signed()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is not a PDF document."),
        (b"PK\x03\x04 a zip file, not a PDF", "The file is not a PDF document."),
        (b"%PDF-1.7\n garbage without a catalogue", "damaged and cannot be read"),
    ],
)
def test_not_a_pdf_is_refused(binh_key, leader_binh, data, message):
    with pytest.raises(NotAPdfError, match=message):
        sign_pdf(data, signer=leader_binh, role="personal")
    with pytest.raises(NotAPdfError, match=message):
        verify_pdf(data)
    assert _nothing_signed()


def _tamper(pdf: bytes) -> bytes:
    """Change one byte of the page text inside the signed range."""
    marker = b"Quyet dinh so 12"
    assert marker in pdf
    return pdf.replace(marker, b"Quyet dinh so 99", 1)


def test_tampering_after_signing_is_detected(binh_key, leader_binh, unsigned_pdf):
    # given a signed PDF whose content is then altered
    signed = sign_pdf(unsigned_pdf, signer=leader_binh, role="personal")
    tampered = _tamper(signed)

    # when it is verified, then the signature is reported altered and the report is invalid
    report = verify_pdf(tampered)
    [sig] = report.signatures
    assert sig.intact is False
    assert report.all_valid is False
    assert any("altered" in problem for problem in sig.problems)
    assert "Result: at least one signature is NOT valid." in report.summary("en")


def test_changes_appended_after_signing_are_detected(binh_key, leader_binh, unsigned_pdf):
    from io import BytesIO

    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    # given a signed PDF to which an incremental update rewrites the page content
    signed = sign_pdf(unsigned_pdf, signer=leader_binh, role="personal")
    writer = IncrementalPdfFileWriter(BytesIO(signed))
    page_ref, _ = writer.find_page_for_modification(0)
    stream = generic.StreamObject(stream_data=b"BT /F1 14 Tf 85 700 Td (FORGED) Tj ET")
    page = page_ref.get_object()
    page["/Contents"] = writer.add_object(stream)
    writer.update_container(page)
    out = BytesIO()
    writer.write(out)
    modified = out.getvalue()

    # when it is verified, then the signature itself is intact but the change is reported
    report = verify_pdf(modified)
    [sig] = report.signatures
    assert (sig.intact, sig.modifications_allowed) == (True, False)
    assert report.all_valid is False

    # and signing over it is refused
    with pytest.raises(SigningError, match="modified after an earlier signature"):
        sign_pdf(modified, signer=leader_binh, role="personal")


def test_already_tampered_pdf_is_not_signed_again(binh_key, leader_binh, unsigned_pdf):
    signed = sign_pdf(unsigned_pdf, signer=leader_binh, role="personal")
    tampered = _tamper(signed)
    with pytest.raises(SigningError, match="modified after an earlier signature"):
        sign_pdf(tampered, signer=leader_binh, role="personal")
    assert AuditEntry.objects.filter(action="signing.sign_pdf").count() == 1


def test_official_without_a_key_gets_a_clear_message(pki_trusted, deputy_cuong, unsigned_pdf):
    with pytest.raises(NoSigningKeyError, match="has no signing key for personal signatures"):
        sign_pdf(unsigned_pdf, signer=deputy_cuong, role="personal")


def test_nobody_signs_with_someone_elses_personal_key(
    binh_key, leader_binh, officer_an, unsigned_pdf
):
    with pytest.raises(PermissionDeniedError, match="Only the owner"):
        sign_pdf(unsigned_pdf, signer=leader_binh, role="personal", acting_user=officer_an)
    assert _nothing_signed()


def test_only_the_clerks_office_applies_the_organisation_signature(
    org_a_key, officer_an, clerk_hoa, unsigned_pdf
):
    # given the one-stop officer of department A (not the clerk)
    # when they try to apply Sở A's signature, then it is refused
    with pytest.raises(PermissionDeniedError, match="may not apply the signature of"):
        sign_pdf(unsigned_pdf, signer=officer_an, role="organisation", acting_user=officer_an)
    assert _nothing_signed()
    # while the clerk may
    signed = sign_pdf(unsigned_pdf, signer=clerk_hoa, role="organisation", acting_user=clerk_hoa)
    assert verify_pdf(signed).all_valid
