"""Signing a PDF: once by the leader, then by the organisation; both stay valid."""

import hashlib
import shutil
import subprocess

import pytest

from chinhquyen.audit.models import AuditEntry
from chinhquyen.signing.services import sign_pdf, verify_pdf


def test_leader_signs_once_b_b_valid_and_audited(binh_key, leader_binh, unsigned_pdf):
    # given Trần Thị Bình's PKCS#12 key and an unsigned two-page PDF
    original = bytes(unsigned_pdf)

    # when she signs it herself (no TSA configured: PAdES B-B)
    signed = sign_pdf(unsigned_pdf, signer=leader_binh, role="personal", acting_user=leader_binh)

    # then the signature is valid and trusted, covers the whole file, and was audited
    assert unsigned_pdf == original
    assert signed.startswith(original)  # an incremental update
    report = verify_pdf(signed)
    assert report.all_valid
    [sig] = report.signatures
    assert (sig.signer, sig.intact, sig.valid, sig.trusted, sig.revoked) == (
        "Trần Thị Bình", True, True, True, False,
    )  # fmt: skip
    assert (sig.level, sig.covers_whole_file, sig.modification) == ("B-B", True, "NONE")
    assert sig.certificate_serial == binh_key.serial_number
    entry = AuditEntry.objects.get(action="signing.sign_pdf")
    assert entry.actor == leader_binh
    assert entry.details["role"] == "personal"
    assert entry.details["certificate_serial"] == binh_key.serial_number
    assert entry.details["certificate_issuer"] == binh_key.issuer
    assert entry.details["sha256_before"] == hashlib.sha256(original).hexdigest()
    assert entry.details["sha256_after"] == hashlib.sha256(signed).hexdigest()


def test_leader_then_organisation_b_lt_both_valid(
    binh_key, org_a_key, leader_binh, clerk_hoa, unsigned_pdf, with_tsa
):
    # given a TSA and the OCSP responder of the test PKI on loopback (B-LT)
    # when the leader signs, then the clerk applies the organisation's signature
    once = sign_pdf(unsigned_pdf, signer=leader_binh, role="personal", acting_user=leader_binh)
    twice = sign_pdf(once, signer=clerk_hoa, role="organisation", acting_user=clerk_hoa)

    # then both signatures are valid, timestamped, with validation data in the document
    report = verify_pdf(twice)
    assert report.all_valid, report.summary("en")
    leader, organisation = report.signatures
    assert (leader.signer, organisation.signer) == ("Trần Thị Bình", "Sở A")
    assert (leader.level, organisation.level) == ("B-LT", "B-LT")
    assert leader.timestamp_valid is True and organisation.timestamp_valid is True
    assert leader.modification == "FORM_FILLING"  # the second signature came after: allowed
    assert "Result: every signature is valid." in report.summary("en")
    assert AuditEntry.objects.filter(action="signing.sign_pdf").count() == 2


@pytest.mark.skipif(shutil.which("pdfsig") is None, reason="poppler-utils (pdfsig) not installed")
def test_pdfsig_reports_both_signatures_valid(
    binh_key, org_a_key, leader_binh, clerk_hoa, unsigned_pdf, tmp_path
):
    # given a PDF signed by the leader and then by the organisation (B-B)
    once = sign_pdf(unsigned_pdf, signer=leader_binh, role="personal")
    twice = sign_pdf(once, signer=clerk_hoa, role="organisation")
    path = tmp_path / "signed-twice.pdf"
    path.write_bytes(twice)

    # when poppler's pdfsig, a validator this project did not write, checks it
    result = subprocess.run(
        ["pdfsig", str(path)], capture_output=True, text=True, timeout=60, check=False
    )

    # then it sees two signatures, each valid, and the last one covers the whole document
    out = result.stdout
    assert result.returncode == 0, result.stderr
    assert out.count("Signature Validation: Signature is Valid.") == 2, out
    assert "Signer Certificate Common Name: Trần Thị Bình" in out
    assert "Signer Certificate Common Name: Sở A" in out
    assert out.rstrip().count("Total document signed") == 1, out


def test_organisation_stamp_is_at_the_top_right_of_the_first_page(
    org_a_key, clerk_hoa, unsigned_pdf
):
    from io import BytesIO

    from pyhanko.pdf_utils.reader import PdfFileReader

    # when the clerk applies the organisation's signature to an attachment
    signed = sign_pdf(unsigned_pdf, signer=clerk_hoa, role="organisation")

    # then its widget is on page 1, in the top right corner (A4: 595 × 842 pt)
    reader = PdfFileReader(BytesIO(signed))
    [sig] = reader.embedded_signatures
    widget = sig.sig_field["/Kids"][0] if "/Kids" in sig.sig_field else sig.sig_field
    x1, y1, x2, y2 = (float(v) for v in widget["/Rect"])
    first_page = reader.root["/Pages"]["/Kids"][0]
    assert widget["/P"].get_object() == first_page.get_object()
    assert x1 > 595 / 2 and y2 > 842 - 30 and x2 <= 595 - 40


def test_pyhanko_cli_agrees_both_signatures_valid(
    binh_key, org_a_key, leader_binh, clerk_hoa, unsigned_pdf, test_pki, tmp_path
):
    import sys
    from pathlib import Path

    cli = Path(sys.executable).parent / "pyhanko"
    if not cli.exists():
        pytest.skip("pyhanko-cli is not installed (test extra)")
    # given a PDF signed by the leader and then by the organisation
    twice = sign_pdf(
        sign_pdf(unsigned_pdf, signer=leader_binh, role="personal"),
        signer=clerk_hoa,
        role="organisation",
    )
    pdf, root = tmp_path / "twice.pdf", tmp_path / "root.pem"
    pdf.write_bytes(twice)
    root.write_bytes(test_pki.certificate_pem("root"))

    # when pyHanko's own command line validates it against the test root
    result = subprocess.run(
        [str(cli), "sign", "validate", "--executive-summary", "--trust", str(root),
         "--trust-replace", "--soft-revocation-check", str(pdf)],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip

    # then it reports both signatures VALID
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.strip().splitlines()
    assert [line.split(":")[0] for line in lines] == [
        "Signature1_personal",
        "Signature2_organisation",
    ]
    assert all(line.endswith(":VALID") for line in lines)
