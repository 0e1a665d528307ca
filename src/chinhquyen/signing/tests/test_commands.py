"""``chinhquyen sign`` and ``chinhquyen verify``."""

import pytest
from django.core.management import CommandError, call_command

from chinhquyen.audit.models import AuditEntry
from chinhquyen.signing.tests.conftest import SOFTHSM_PIN


def test_sign_then_verify_from_the_command_line(
    binh_key, org_a_key, leader_binh, clerk_hoa, unsigned_pdf, tmp_path, capsys
):
    # given an unsigned PDF on disk
    source = tmp_path / "a.pdf"
    source.write_bytes(unsigned_pdf)
    once, twice = tmp_path / "b.pdf", tmp_path / "c.pdf"

    # when the leader signs it, then the clerk signs it as the organisation
    call_command("sign", "--in", str(source), "--out", str(once), "--signer", "leader_binh")
    call_command(
        "sign", "--in", str(once), "--out", str(twice), "--signer", "clerk_hoa",
        "--as", "organisation", "--document-number", "Số: 12/QĐ-UBND",
    )  # fmt: skip

    # then the input is unchanged, and verify prints a valid report and exits 0
    assert source.read_bytes() == unsigned_pdf
    capsys.readouterr()
    call_command("verify", str(twice), "--lang", "en")
    out = capsys.readouterr().out
    assert "2 signature(s)" in out
    assert "Signer: Trần Thị Bình" in out and "Signer: Sở A" in out
    assert out.rstrip().endswith("Result: every signature is valid.")
    entries = AuditEntry.objects.filter(action="signing.sign_pdf").order_by("id")
    assert [entry.source for entry in entries] == ["command", "command"]


def test_verify_exits_non_zero_on_a_tampered_pdf(binh_key, leader_binh, unsigned_pdf, tmp_path):
    source, signed = tmp_path / "a.pdf", tmp_path / "b.pdf"
    source.write_bytes(unsigned_pdf)
    call_command("sign", "--in", str(source), "--out", str(signed), "--signer", "leader_binh")
    signed.write_bytes(signed.read_bytes().replace(b"Quyet dinh so 12", b"Quyet dinh so 99"))

    with pytest.raises(SystemExit) as caught:
        call_command("verify", str(signed))
    assert caught.value.code == 1


def test_verify_of_an_unsigned_pdf_exits_non_zero(db, unsigned_pdf, tmp_path, capsys):
    path = tmp_path / "a.pdf"
    path.write_bytes(unsigned_pdf)
    with pytest.raises(SystemExit) as caught:
        call_command("verify", str(path), "--lang", "en")
    assert caught.value.code == 1
    assert "The document has no signature." in capsys.readouterr().out


def test_sign_refuses_a_file_that_is_not_a_pdf_and_writes_nothing(binh_key, leader_binh, tmp_path):
    source, target = tmp_path / "a.pdf", tmp_path / "b.pdf"
    source.write_text("not a pdf")
    with pytest.raises(CommandError, match="The file is not a PDF document."):
        call_command("sign", "--in", str(source), "--out", str(target), "--signer", "leader_binh")
    assert not target.exists()


def test_sign_with_a_token_reads_the_pin_from_the_environment(
    binh_token_key, leader_binh, unsigned_pdf, tmp_path, monkeypatch
):
    source, target = tmp_path / "a.pdf", tmp_path / "b.pdf"
    source.write_bytes(unsigned_pdf)
    monkeypatch.setenv("SIGNING_PIN", "999999")
    with pytest.raises(CommandError, match="Wrong PIN"):
        call_command("sign", "--in", str(source), "--out", str(target), "--signer", "leader_binh")
    assert not target.exists()
    monkeypatch.setenv("SIGNING_PIN", SOFTHSM_PIN)
    call_command("sign", "--in", str(source), "--out", str(target), "--signer", "leader_binh")
    assert target.read_bytes().startswith(unsigned_pdf)


def test_administrator_sets_up_signing_from_the_command_line(
    test_pki, leader_binh, org_tree, unsigned_pdf, tmp_path, monkeypatch, capsys
):
    from chinhquyen.signing.models import SigningKey, TrustAnchor
    from chinhquyen.signing.services import verify_pdf

    # given the CA root and Bình's PKCS#12 file on disk, the passphrase in the environment
    root, p12 = tmp_path / "root.pem", tmp_path / "binh.p12"
    root.write_bytes(test_pki.certificate_pem("root"))
    p12.write_bytes(test_pki.pkcs12("leader-binh", b"s3cret"))
    monkeypatch.setenv("SIGNING_PASSPHRASE", "s3cret")

    # when the administrator adds the root and imports the key
    call_command("signing_keys", "trust", str(root), "--name", "Test root")
    call_command("signing_keys", "pkcs12", str(p12), "--user", "leader_binh")
    capsys.readouterr()
    call_command("signing_keys", "list")

    # then the key is listed and Bình can sign from the command line
    assert TrustAnchor.objects.get().name == "Test root"
    key = SigningKey.objects.get()
    assert capsys.readouterr().out.startswith(f"{key.pk}\tpersonal\tpkcs12\tleader_binh\t")
    source, target = tmp_path / "a.pdf", tmp_path / "b.pdf"
    source.write_bytes(unsigned_pdf)
    call_command("sign", "--in", str(source), "--out", str(target), "--signer", "leader_binh")
    assert verify_pdf(target.read_bytes()).all_valid


def test_wrong_passphrase_on_import_is_a_clear_error(test_pki, leader_binh, tmp_path, monkeypatch):
    from chinhquyen.signing.models import SigningKey

    p12 = tmp_path / "binh.p12"
    p12.write_bytes(test_pki.pkcs12("leader-binh", b"s3cret"))
    monkeypatch.setenv("SIGNING_PASSPHRASE", "wrong")
    with pytest.raises(CommandError, match="wrong passphrase"):
        call_command("signing_keys", "pkcs12", str(p12), "--user", "leader_binh")
    assert not SigningKey.objects.exists()
