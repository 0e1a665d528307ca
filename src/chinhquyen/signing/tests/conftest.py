"""Fixtures for the signing tests: the test PKI on loopback, trust list and keys.

``test_pki`` is started once per test process (certomancer's Animator serving OCSP, CRLs and
the TSA on 127.0.0.1). ``pki_trusted`` puts the test root in the trust list; ``binh_key`` and
``org_a_key`` are PKCS#12 keys imported through the service; ``with_tsa`` turns on B-LT.
"""

import pytest

from chinhquyen.signing.choices import SignatureRole
from chinhquyen.signing.testing import TestPKI, minimal_pdf

P12_PASSPHRASE = "test-pass-2026"


@pytest.fixture(scope="session")
def test_pki():
    pki = TestPKI.start()
    yield pki
    pki.stop()


@pytest.fixture
def pki_trusted(db, test_pki):
    from chinhquyen.signing.services import add_trust_anchor

    return add_trust_anchor(certificate=test_pki.certificate_pem("root"), name="Test root")


@pytest.fixture
def with_tsa(settings, test_pki):
    settings.SIGNING_TSA_URL = test_pki.tsa_url
    return test_pki.tsa_url


def import_key(pki, label: str, *, user=None, organisation=None):
    from chinhquyen.signing.services import import_pkcs12_key

    role = SignatureRole.PERSONAL if user is not None else SignatureRole.ORGANISATION
    return import_pkcs12_key(
        data=pki.pkcs12(label, P12_PASSPHRASE.encode()),
        passphrase=P12_PASSPHRASE,
        role=role,
        user=user,
        organisation=organisation,
    )


@pytest.fixture
def binh_key(test_pki, pki_trusted, leader_binh):
    return import_key(test_pki, "leader-binh", user=leader_binh)


@pytest.fixture
def org_a_key(test_pki, pki_trusted, org_tree):
    return import_key(test_pki, "org-a", organisation=org_tree.dept_a)


@pytest.fixture
def unsigned_pdf() -> bytes:
    return minimal_pdf(pages=2, text="Quyet dinh so 12/QD-UBND")


SOFTHSM_PIN = "246810"


@pytest.fixture(scope="session")
def softhsm_token(tmp_path_factory):
    """A SoftHSM2 token holding the key of leader-binh's certificate (label ``binh``)."""
    from chinhquyen.signing.testing import PKI_DIR
    from chinhquyen.signing.testing.softhsm import SoftHSMToken, softhsm_module

    if softhsm_module() is None:
        pytest.skip("SoftHSM2 is not installed (make test installs it: apt-get install softhsm2)")
    token = SoftHSMToken.create(
        tmp_path_factory.mktemp("softhsm"), label="cq-test", pin=SOFTHSM_PIN, so_pin="13579246"
    )
    token.import_key(PKI_DIR / "keys" / "leader-binh.key.pem", key_label="binh")
    return token


@pytest.fixture
def binh_token_key(softhsm_token, test_pki, pki_trusted, leader_binh):
    from chinhquyen.signing.services import register_pkcs11_key

    chain = b"".join(test_pki.certificate_pem(label) for label in ("leader-binh", "interm"))
    return register_pkcs11_key(
        module=softhsm_token.module,
        token_label=softhsm_token.label,
        key_label="binh",
        certificate=chain,
        role=SignatureRole.PERSONAL,
        user=leader_binh,
    )


@pytest.fixture
def it_admin_tuan(org_tree):
    """IT administrator of department A (its certificate registry)."""
    from chinhquyen.accounts.choices import Role
    from chinhquyen.conftest import make_role_holder

    return make_role_holder(
        "it_admin_tuan",
        full_name="Lý Văn Tuấn",
        organisation=org_tree.dept_a,
        role=Role.IT_ADMIN,
        position="Quản trị công nghệ thông tin",
    )


@pytest.fixture
def it_admin_province(org_tree):
    """IT administrator at the province committee (the whole tree)."""
    from chinhquyen.accounts.choices import Role
    from chinhquyen.conftest import make_role_holder

    return make_role_holder(
        "it_admin_phuong",
        full_name="Hà Thị Phương",
        organisation=org_tree.province,
        role=Role.IT_ADMIN,
    )


def certificate_pem(*, common_name: str, days_left: int, organisation: str = "Sở A") -> bytes:
    """A fresh certificate (EC key thrown away) from a throwaway CA, valid ``days_left`` more."""
    import datetime

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID
    from django.utils import timezone

    def name(cn: str) -> x509.Name:
        return x509.Name(
            [
                x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
                x509.NameAttribute(NameOID.COMMON_NAME, cn),
            ]
        )

    issuer_key = ec.generate_private_key(ec.SECP256R1())
    key = ec.generate_private_key(ec.SECP256R1())
    until = timezone.now() + datetime.timedelta(days=days_left)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name(common_name))
        .issuer_name(name("Throwaway Test CA"))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(until - datetime.timedelta(days=365))
        .not_valid_after(until)
        .sign(issuer_key, hashes.SHA256())
    )
    return cert.public_bytes(serialization.Encoding.PEM)


@pytest.fixture(autouse=True)
def _fresh_signing_caches():
    """Each test starts without remembered certificate checks or unlocked keys (batch.py)."""
    from chinhquyen.signing.batch import clear_caches

    clear_caches()
    yield
    clear_caches()
