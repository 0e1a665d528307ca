"""Key storage (PKCS#12 sealed at rest) and the trust list."""

import pytest

from chinhquyen.signing import crypto
from chinhquyen.signing.errors import KeyUnavailableError, SigningError
from chinhquyen.signing.models import SigningKey, TrustAnchor
from chinhquyen.signing.services import add_trust_anchor, import_pkcs12_key
from chinhquyen.signing.tests.conftest import P12_PASSPHRASE


def test_pkcs12_and_passphrase_are_stored_sealed(binh_key, test_pki):
    # given Bình's key imported from a PKCS#12 file
    stored = SigningKey.objects.get(pk=binh_key.pk)

    # then neither the file nor the passphrase is stored in clear, and both can be unsealed
    sealed_p12, sealed_pass = bytes(stored.pkcs12_sealed), bytes(stored.passphrase_sealed)
    assert P12_PASSPHRASE.encode() not in sealed_pass
    assert crypto.unseal(sealed_pass) == P12_PASSPHRASE.encode()
    assert crypto.unseal(sealed_p12)[:2] == b"\x30\x82"  # a DER PKCS#12 structure
    assert (stored.subject, stored.valid_until.year) == (
        "Common Name: Trần Thị Bình, Organization: Sở A, Country: VN", 2050,
    )  # fmt: skip


def test_a_changed_encryption_key_gives_a_clear_message(binh_key, settings):
    settings.SIGNING_KEY_ENCRYPTION_KEY = "another key"
    with pytest.raises(KeyUnavailableError, match="cannot be decrypted"):
        crypto.unseal(bytes(SigningKey.objects.get(pk=binh_key.pk).passphrase_sealed))


def test_wrong_pkcs12_passphrase_is_refused_and_nothing_stored(test_pki, leader_binh):
    with pytest.raises(KeyUnavailableError, match="wrong passphrase"):
        import_pkcs12_key(
            data=test_pki.pkcs12("leader-binh", b"right"),
            passphrase="wrong",
            role="personal",
            user=leader_binh,
        )
    assert not SigningKey.objects.exists()


def test_trust_anchor_is_added_once_and_garbage_is_refused(db, test_pki):
    first = add_trust_anchor(certificate=test_pki.certificate_pem("root"))
    again = add_trust_anchor(certificate=test_pki.certificate_der("root"), name="Root again")
    assert first.pk == again.pk
    assert TrustAnchor.objects.get().name == "Root again"
    with pytest.raises(SigningError, match="not an X.509 certificate"):
        add_trust_anchor(certificate=b"hello")
    assert TrustAnchor.objects.count() == 1
