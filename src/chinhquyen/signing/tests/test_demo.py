"""The demo: leaders and agencies get keys from an offline demo CA; sign and verify work."""

import pytest
from django.core.management import call_command

from chinhquyen.directory.demo import load_demo_accounts, load_demo_organisations
from chinhquyen.signing.choices import CertificateKind
from chinhquyen.signing.demo import DEMO_P12_PASSPHRASE, load_demo_signing
from chinhquyen.signing.models import Certificate, SigningKey, TrustAnchor
from chinhquyen.signing.testing import minimal_pdf


@pytest.fixture
def demo_province(db):
    organisations = load_demo_organisations()
    load_demo_accounts(organisations)
    return organisations


def test_demo_gives_keys_and_certificates_and_is_idempotent(demo_province, tmp_path):
    # when the signing demo is loaded twice
    first = load_demo_signing(var_dir=tmp_path)
    second = load_demo_signing(var_dir=tmp_path)

    # then the leaders and 19 agencies have keys, registered, and nothing is made twice
    assert first == {"keys": 21, "certificates": 9}
    assert second == {"keys": 0, "certificates": 0}
    assert set(
        SigningKey.objects.filter(role="personal").values_list("user__username", flat=True)
    ) == {"lanhdao", "truongphong"}
    assert SigningKey.objects.filter(role="organisation").count() == 19
    kinds = {k: Certificate.objects.filter(kind=k).count() for k in CertificateKind.values}
    assert kinds == {"organisational": 22, "personal": 3, "sim": 5}
    assert TrustAnchor.objects.get().name == "ChinhQuyen Demo Root CA (demo only)"
    # the PKCS#12 files are encrypted on disk
    p12 = (tmp_path / "demo-signing" / "personal-lanhdao.p12").read_bytes()
    assert DEMO_P12_PASSPHRASE.encode() not in p12
    from cryptography.hazmat.primitives.serialization import pkcs12

    with pytest.raises(ValueError):
        pkcs12.load_key_and_certificates(p12, None)


def test_demo_leader_signs_and_verify_reports_it(demo_province, tmp_path, capsys):
    load_demo_signing(var_dir=tmp_path)
    source, target = tmp_path / "a.pdf", tmp_path / "b.pdf"
    source.write_bytes(minimal_pdf())

    call_command("sign", "--in", str(source), "--out", str(target), "--signer", "lanhdao")
    call_command("verify", str(target), "--lang", "en")  # exits 1 (SystemExit) when invalid

    out = capsys.readouterr().out
    assert "Signer: Hoàng Văn Đạo" in out
    assert "Result: every signature is valid." in out
