"""Batch signing: one unlock of the key, many documents, per-item outcomes."""

import pytest

from chinhquyen.audit.models import AuditEntry
from chinhquyen.signing.batch import BatchItem, sign_batch, signing_session
from chinhquyen.signing.errors import KeyUnavailableError
from chinhquyen.signing.services import sign_pdf, verify_pdf
from chinhquyen.signing.testing import minimal_pdf
from chinhquyen.signing.tests.conftest import SOFTHSM_PIN


def test_a_batch_signs_the_good_documents_and_reports_the_bad_ones(binh_key, leader_binh):
    # given three good PDFs, one file that is not a PDF and one tampered signed PDF
    good = {f"QD-{n}": minimal_pdf(text=f"Quyet dinh {n}") for n in (1, 2, 3)}
    signed_once = sign_pdf(minimal_pdf(), signer=leader_binh, role="personal")
    tampered = signed_once.replace(b"ChinhQuyen test document", b"ChinhQuyen TEST document")
    already = AuditEntry.objects.filter(action="signing.sign_pdf").count()
    items = [
        ("QD-1", good["QD-1"]),
        ("anh.png", b"\x89PNG\r\n\x1a\n not a pdf"),
        ("QD-2", good["QD-2"]),
        ("sua.pdf", tampered),
        ("QD-3", good["QD-3"]),
    ]

    # when Bình signs them in one action
    result = sign_batch(items, signer=leader_binh, role="personal", acting_user=leader_binh)

    # then the good ones are signed and valid, in order, the bad ones named with their reason
    assert [o.ref for o in result.signed] == ["QD-1", "QD-2", "QD-3"]
    for outcome in result.signed:
        assert outcome.signed.startswith(good[outcome.ref])
        assert verify_pdf(outcome.signed).all_valid
    failed = {o.ref: (o.code, o.error) for o in result.failed}
    assert failed["anh.png"][0] == "not_a_pdf"
    assert "The file is not a PDF document." in failed["anh.png"][1]
    assert "modified after an earlier signature" in failed["sua.pdf"][1]
    # and exactly one audit entry per signature made, plus the batch's
    entries = AuditEntry.objects.filter(action="signing.sign_pdf").order_by("pk")[already:]
    assert [e.details["batch_ref"] for e in entries] == ["QD-1", "QD-2", "QD-3"]
    batch = AuditEntry.objects.get(action="signing.sign_batch")
    assert batch.details["failed"] == ["anh.png", "sua.pdf"]
    assert batch.actor == leader_binh


def test_a_failing_store_undoes_only_its_own_item(binh_key, leader_binh):
    stored: dict[str, bytes] = {}

    def keep(ref):
        def store(signed: bytes) -> None:
            stored[ref] = signed

        return store

    def refuse(signed: bytes) -> None:
        raise OSError("disk full")

    items = [
        BatchItem("A", minimal_pdf(text="A"), store=keep("A")),
        BatchItem("B", minimal_pdf(text="B"), store=refuse),
        BatchItem("C", minimal_pdf(text="C"), store=keep("C")),
    ]
    result = sign_batch(items, signer=leader_binh, role="personal", keep_bytes=False)

    assert [o.ref for o in result.signed] == ["A", "C"] and set(stored) == {"A", "C"}
    assert result.signed[0].signed is None  # keep_bytes=False: the store kept them
    [failure] = result.failed
    assert (failure.ref, failure.code) == ("B", "unexpected")
    assert "OSError" in failure.error
    # B's audit entry was rolled back with its store
    refs = [e.details["batch_ref"] for e in AuditEntry.objects.filter(action="signing.sign_pdf")]
    assert sorted(refs) == ["A", "C"]


def test_a_token_batch_takes_one_pin_and_one_session(binh_token_key, leader_binh):
    # when Bình signs three documents with her token, giving the PIN once
    with signing_session(
        signer=leader_binh, role="personal", pin=SOFTHSM_PIN, acting_user=leader_binh, eager=True
    ) as session:
        token_session = session._hanko_signer.pkcs11_session
        signed = [session.sign(minimal_pdf(text=f"Doc {n}")) for n in range(3)]
        # the same PKCS#11 session signed all three
        assert session._hanko_signer.pkcs11_session is token_session
        assert session.count == 3

    # then all three are valid
    assert all(verify_pdf(pdf).all_valid for pdf in signed)
    assert AuditEntry.objects.filter(action="signing.sign_pdf").count() == 3


def test_a_wrong_pin_refuses_the_whole_batch_before_signing(binh_token_key, leader_binh):
    items = [(f"D{n}", minimal_pdf(text=f"Doc {n}")) for n in range(3)]
    with pytest.raises(KeyUnavailableError, match="Wrong PIN"):
        sign_batch(items, signer=leader_binh, role="personal", pin="000000")
    assert not AuditEntry.objects.filter(action__startswith="signing.sign").exists()
