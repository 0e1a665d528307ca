"""Slips carry the receiving agency's organisation signature when it has a key (issue 6)."""

# The signing fixtures are imported from the signing tests' conftest and then requested.
# ruff: noqa: F811

import hashlib
import shutil
import subprocess

import pytest

from chinhquyen.audit.models import AuditEntry
from chinhquyen.dossiers.slips.data import SlipKind
from chinhquyen.dossiers.slips.issue import issue_dossier_slip
from chinhquyen.dossiers.slips.tests.pdftools import needs_weasyprint
from chinhquyen.signing.services import verify_pdf
from chinhquyen.signing.tests.conftest import import_key, pki_trusted, test_pki  # noqa: F401


@pytest.fixture
def dept_a_key(test_pki, pki_trusted, coded_orgs):
    return import_key(test_pki, "org-a", organisation=coded_orgs.dept_a)


@needs_weasyprint
@pytest.mark.skipif(shutil.which("pdfsig") is None, reason="poppler-utils (pdfsig) not installed")
def test_receipt_from_an_agency_with_a_key_is_signed_and_validates(
    receive, dept_a_key, officer_an, tmp_path
):
    # given a dossier received at department A, which has an organisation key
    dossier = receive()

    # when the officer prints its receipt
    slip = issue_dossier_slip(dossier, SlipKind.RECEIPT, acting_user=officer_an)

    # then the receipt carries Sở A's signature, poppler validates it over the whole file ...
    path = tmp_path / slip.filename
    path.write_bytes(slip.content)
    result = subprocess.run(
        ["pdfsig", str(path)], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    assert "Signature Validation: Signature is Valid." in result.stdout
    assert "Signer Certificate Common Name: Sở A" in result.stdout
    assert "Total document signed" in result.stdout
    report = verify_pdf(slip.content)
    assert report.all_valid and [s.signer for s in report.signatures] == ["Sở A"]
    # ... and the issue record holds the hash of the signed bytes, signed by the officer's hand
    [printed] = AuditEntry.objects.filter(action="dossiers.print_slip")
    assert printed.details["sha256"] == hashlib.sha256(slip.content).hexdigest()
    signing = AuditEntry.objects.get(action="signing.sign_pdf")
    assert signing.details["role"] == "organisation"
    assert signing.details["sha256_after"] == slip.sha256


@needs_weasyprint
def test_without_a_key_the_slip_is_not_signed(receive, officer_an, pki_trusted):
    dossier = receive()
    slip = issue_dossier_slip(dossier, SlipKind.RECEIPT, acting_user=officer_an)
    assert b"/ByteRange" not in slip.content
    assert not AuditEntry.objects.filter(action="signing.sign_pdf").exists()


@needs_weasyprint
def test_the_setting_turns_slip_signing_off(receive, dept_a_key, officer_an, settings):
    settings.SIGNING_SIGN_SLIPS = False
    slip = issue_dossier_slip(receive(), SlipKind.RECEIPT, acting_user=officer_an)
    assert b"/ByteRange" not in slip.content


@needs_weasyprint
def test_an_expired_organisation_certificate_leaves_the_slip_unsigned(
    receive, test_pki, pki_trusted, coded_orgs, officer_an
):
    # given department A's only key holds an expired certificate
    from chinhquyen.signing.services import import_pkcs12_key

    import_pkcs12_key(
        data=test_pki.pkcs12("leader-expired", b"x"),
        passphrase="x",
        role="organisation",
        organisation=coded_orgs.dept_a,
    )
    # when a receipt is printed, it is handed out unsigned (the counter keeps working)
    slip = issue_dossier_slip(receive(), SlipKind.RECEIPT, acting_user=officer_an)
    assert b"/ByteRange" not in slip.content
    assert slip.content.startswith(b"%PDF-")
    assert not AuditEntry.objects.filter(action="signing.sign_pdf").exists()
