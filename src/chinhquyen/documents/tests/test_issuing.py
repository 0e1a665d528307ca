"""Numbering, the leader's signature and the organisation's seal: who, when, and refusals
that change nothing (no key, wrong person, wrong order)."""

# ruff: noqa: F811 (fixtures imported from the outgoing test fixtures are parameters here)

import shutil

import pytest
from django.core.exceptions import PermissionDenied

from chinhquyen.documents.choices import (
    DeliveryStatus,
    FileKind,
    OutgoingStatus,
    Secrecy,
)
from chinhquyen.documents.errors import InvalidTransition
from chinhquyen.documents.models import IncomingDocument
from chinhquyen.documents.services.convert import ConversionFailed
from chinhquyen.documents.services.issuing import (
    number_document,
    render_final,
    seal_and_issue,
    sign_as_signer,
)
from chinhquyen.documents.tests.test_outgoing_fixtures import (  # noqa: F401 (fixtures)
    _fresh_signing_caches,
    binh_key,
    dept_a_key,
    make_draft,
    make_numbered,
    named_tree,
    pki_trusted,
    test_pki,
)
from chinhquyen.signing.errors import NoSigningKeyError


def state(document):
    document.refresh_from_db()
    return (
        document.status,
        document.number,
        list(document.files.values_list("kind", flat=True)),
        document.events.count(),
    )


def test_only_the_clerk_numbers_an_approved_document(
    named_tree, specialist_dung, leader_binh, clerk_hoa
):
    draft = make_draft(named_tree, specialist_dung, leader_binh)
    before = state(draft)
    with pytest.raises(InvalidTransition):
        number_document(draft, clerk_hoa)
    approved = make_draft(named_tree, specialist_dung, leader_binh, status="approved")
    for user in (specialist_dung, leader_binh):
        with pytest.raises(PermissionDenied):
            number_document(approved, user)
    assert state(draft) == before
    assert approved.status == OutgoingStatus.APPROVED and approved.number is None


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is needed")
def test_secret_letter_numbered_without_soffice_then_rendered(
    named_tree, specialist_dung, leader_binh, clerk_hoa, settings
):
    letter = make_draft(
        named_tree,
        specialist_dung,
        leader_binh,
        type_code="cong-van",
        secrecy=Secrecy.CONFIDENTIAL,
        status="approved",
    )
    settings.DOCUMENTS_SOFFICE = "/nonexistent/soffice"
    with pytest.raises(ConversionFailed) as caught:
        number_document(letter, clerk_hoa)
    assert caught.value.code == "soffice_missing"
    letter.refresh_from_db()
    # The number is kept (never reused), from the secret book; the final PDF is still to make.
    assert letter.status == OutgoingStatus.NUMBERED
    assert letter.book.is_secret
    assert letter.code == "01/SA-PA1"
    assert not letter.files.exists()

    del settings.DOCUMENTS_SOFFICE
    row = render_final(letter, clerk_hoa)
    assert row.kind == FileKind.MAIN
    assert "Số: 01/SA-PA1" in row.text
    assert "Kính gửi: Sở B" in row.text


def test_signing_refusals_change_nothing(
    named_tree, specialist_dung, leader_binh, clerk_hoa, deputy_cuong, test_pki, pki_trusted
):
    document = make_numbered(named_tree, specialist_dung, leader_binh, clerk_hoa)
    before = state(document)
    # Only the designated signer signs; the clerk seals only after the signer signed.
    for user in (clerk_hoa, deputy_cuong):
        with pytest.raises(PermissionDenied):
            sign_as_signer(document, user)
    with pytest.raises(InvalidTransition):
        seal_and_issue(document, clerk_hoa)
    # Bình has no key yet: a clear refusal, never a fake signature.
    with pytest.raises(NoSigningKeyError) as caught:
        sign_as_signer(document, leader_binh)
    assert "Trần Thị Bình" in caught.value.message
    assert state(document) == before


def test_organisation_without_key_cannot_issue(
    named_tree, specialist_dung, leader_binh, clerk_hoa, binh_key
):
    document = make_numbered(named_tree, specialist_dung, leader_binh, clerk_hoa)
    sign_as_signer(document, leader_binh)
    assert document.status == OutgoingStatus.SIGNED
    before = state(document)
    with pytest.raises(PermissionDenied):
        seal_and_issue(document, leader_binh)
    with pytest.raises(NoSigningKeyError):
        seal_and_issue(document, clerk_hoa)
    assert state(document) == before
    assert not IncomingDocument.objects.exists()
    assert document.recipients.get().status == DeliveryStatus.PENDING


def test_issue_signs_twice_and_delivers(
    named_tree, specialist_dung, leader_binh, clerk_hoa, binh_key, dept_a_key
):
    from chinhquyen.signing.verification import verify_pdf

    document = make_numbered(named_tree, specialist_dung, leader_binh, clerk_hoa)
    sign_as_signer(document, leader_binh)
    row = seal_and_issue(document, clerk_hoa)
    assert document.status == OutgoingStatus.ISSUED
    report = verify_pdf(row.file.read())
    assert report.all_valid and len(report.signatures) == 2
    with pytest.raises(InvalidTransition):
        seal_and_issue(document, clerk_hoa)
    assert IncomingDocument.objects.get().source_recipient == document.recipients.get()
