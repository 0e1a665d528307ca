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
