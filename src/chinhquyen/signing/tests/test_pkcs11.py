"""PKCS#11 keys, with SoftHSM2 as a real token: sign, wrong PIN, token absent."""

import pytest

from chinhquyen.audit.models import AuditEntry
from chinhquyen.signing.errors import KeyUnavailableError
from chinhquyen.signing.services import sign_pdf, verify_pdf
from chinhquyen.signing.tests.conftest import SOFTHSM_PIN


def test_leader_signs_with_the_key_on_her_token(binh_token_key, leader_binh, unsigned_pdf):
    # when Bình signs with the PIN of her token
    signed = sign_pdf(
        unsigned_pdf, signer=leader_binh, role="personal", pin=SOFTHSM_PIN, acting_user=leader_binh
    )

    # then the signature is valid and the audit names the token's certificate
    report = verify_pdf(signed)
    assert report.all_valid, report.summary("en")
    assert report.signatures[0].signer == "Trần Thị Bình"
    entry = AuditEntry.objects.get(action="signing.sign_pdf")
    assert entry.details["storage"] == "pkcs11"
    assert entry.details["certificate_serial"] == binh_token_key.serial_number


def test_wrong_pin_is_refused(binh_token_key, leader_binh, unsigned_pdf):
    with pytest.raises(KeyUnavailableError, match="Wrong PIN"):
        sign_pdf(unsigned_pdf, signer=leader_binh, role="personal", pin="000000")
    assert not AuditEntry.objects.filter(action="signing.sign_pdf").exists()


def test_missing_pin_is_refused(binh_token_key, leader_binh, unsigned_pdf):
    with pytest.raises(KeyUnavailableError, match="PIN of the token is required"):
        sign_pdf(unsigned_pdf, signer=leader_binh, role="personal")


def test_token_not_present_is_refused(binh_token_key, leader_binh, unsigned_pdf):
    from chinhquyen.signing.models import SigningKey

    SigningKey.objects.filter(pk=binh_token_key.pk).update(pkcs11_token_label="unplugged")
    with pytest.raises(KeyUnavailableError, match="token unplugged is not present"):
        sign_pdf(unsigned_pdf, signer=leader_binh, role="personal", pin=SOFTHSM_PIN)
