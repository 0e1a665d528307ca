"""The certificate registry: keys register their certificate; uploads; refusals; status."""

import pytest

from chinhquyen.signing.choices import CertificateKind, CertificateStatus
from chinhquyen.signing.errors import SigningError
from chinhquyen.signing.models import Certificate, SigningKey
from chinhquyen.signing.registry import (
    DuplicateCertificateError,
    refresh_status,
    register_certificate,
)
from chinhquyen.signing.tests.conftest import P12_PASSPHRASE, certificate_pem


def test_importing_a_personal_key_registers_its_certificate(binh_key, leader_binh, org_tree):
    entry = Certificate.objects.get()
    assert (entry.kind, entry.official.user, entry.organisation) == (
        CertificateKind.PERSONAL, leader_binh, org_tree.dept_a,
    )  # fmt: skip
    assert entry.signing_key == binh_key
    assert (entry.serial_number, entry.issuer, entry.valid_until) == (
        binh_key.serial_number, binh_key.issuer, binh_key.valid_until,
    )  # fmt: skip
    assert entry.status == CertificateStatus.VALID
    assert len(entry.fingerprint_sha256) == 64


def test_importing_an_organisation_key_registers_an_organisational_certificate(org_a_key, org_tree):
    entry = Certificate.objects.get()
    assert (entry.kind, entry.official, entry.organisation, entry.signing_key) == (
        CertificateKind.ORGANISATIONAL, None, org_tree.dept_a, org_a_key,
    )  # fmt: skip


def test_a_sim_certificate_is_recorded_without_a_key(leader_binh, it_admin_tuan):
    pem = certificate_pem(common_name="Trần Thị Bình", days_left=300)
    entry = register_certificate(
        data=pem, kind="sim", official=leader_binh.official, acting_user=it_admin_tuan
    )
    assert (entry.kind, entry.signing_key, entry.registered_by) == ("sim", None, it_admin_tuan)
    assert entry.common_name == "Trần Thị Bình"
    assert not SigningKey.objects.exists()


def test_a_duplicate_is_refused_in_both_languages_and_nothing_saved(leader_binh):
    pem = certificate_pem(common_name="Trần Thị Bình", days_left=300)
    register_certificate(data=pem, kind="personal", official=leader_binh.official)
    with pytest.raises(DuplicateCertificateError) as caught:
        register_certificate(data=pem, kind="sim", official=leader_binh.official)
    assert "đã có trong sổ đăng ký" in caught.value.message
    assert "already in the registry" in caught.value.message
    assert Certificate.objects.count() == 1


def test_not_a_certificate_is_refused(leader_binh):
    with pytest.raises(SigningError, match="not a certificate"):
        register_certificate(data=b"hello", kind="personal", official=leader_binh.official)
    assert not Certificate.objects.exists()


def test_the_owner_must_match_the_kind(org_tree, leader_binh):
    pem = certificate_pem(common_name="Sở A", days_left=300)
    with pytest.raises(SigningError, match="belongs to one official"):
        register_certificate(data=pem, kind="personal", organisation=org_tree.dept_a)
    with pytest.raises(SigningError, match="does not belong to"):
        register_certificate(
            data=pem, kind="sim", official=leader_binh.official, organisation=org_tree.dept_b
        )
    assert not Certificate.objects.exists()


def test_a_pkcs12_upload_becomes_a_signing_key_linked_to_its_entry(
    test_pki, pki_trusted, leader_binh, it_admin_tuan
):
    data = test_pki.pkcs12("leader-binh", P12_PASSPHRASE.encode())
    entry = register_certificate(
        data=data,
        kind="personal",
        official=leader_binh.official,
        passphrase=P12_PASSPHRASE,
        acting_user=it_admin_tuan,
    )
    key = SigningKey.objects.get()
    assert (entry.signing_key, key.user, key.storage) == (key, leader_binh, "pkcs12")


def test_a_pkcs12_with_a_wrong_passphrase_saves_nothing(test_pki, leader_binh):
    data = test_pki.pkcs12("leader-binh", b"right")
    with pytest.raises(SigningError, match="wrong passphrase"):
        register_certificate(
            data=data, kind="personal", official=leader_binh.official, passphrase="wrong"
        )
    assert (Certificate.objects.count(), SigningKey.objects.count()) == (0, 0)


def test_revocation_is_found_through_the_ocsp_responder(test_pki, pki_trusted, leader_binh):
    chain = test_pki.certificate_pem("leader-revoked") + test_pki.certificate_pem("interm")
    entry = register_certificate(data=chain, kind="personal", official=leader_binh.official)
    assert entry.status == CertificateStatus.VALID

    refresh_status(entry, check_revocation=True)

    entry.refresh_from_db()
    assert entry.status == CertificateStatus.REVOKED
    assert entry.revoked_at is not None


def test_an_expired_certificate_is_registered_as_expired(test_pki, leader_binh):
    entry = register_certificate(
        data=test_pki.certificate_pem("leader-expired"),
        kind="personal",
        official=leader_binh.official,
    )
    assert entry.status == CertificateStatus.EXPIRED
