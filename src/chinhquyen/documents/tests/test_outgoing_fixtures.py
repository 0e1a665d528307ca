# ruff: noqa: F811 (fixtures imported from the signing tests are parameters here)
"""Fixtures of the outgoing-document tests (no tests here): named organisations and the test
PKI of the signing app (its conftest is not visible from this package, so it is imported)."""

import pytest

from chinhquyen.signing.tests.conftest import (  # noqa: F401 (re-exported fixtures)
    _fresh_signing_caches,
    import_key,
    pki_trusted,
    test_pki,
)


@pytest.fixture
def named_tree(org_tree):
    """``org_tree`` with the short names notations use, identifiers and a place name."""
    from chinhquyen.directory.choices import UnitLevel
    from chinhquyen.directory.models import AdministrativeUnit, Organisation

    unit = AdministrativeUnit.objects.create(
        code="08", name="Tỉnh Tuyên Quang", division_type="Tỉnh", level=UnitLevel.PROVINCE
    )
    Organisation.objects.filter(pk=org_tree.province.pk).update(
        short_name="UBND", administrative_unit=unit
    )
    Organisation.objects.filter(pk=org_tree.dept_a.pk).update(
        short_name="SA", qcvn_code="000.00.12.H37"
    )
    Organisation.objects.filter(pk=org_tree.division_a1.pk).update(short_name="PA1")
    Organisation.objects.filter(pk=org_tree.dept_b.pk).update(
        short_name="SB", qcvn_code="000.00.13.H37"
    )
    for name in ("province", "dept_a", "division_a1", "dept_b"):
        getattr(org_tree, name).refresh_from_db()
    return org_tree


@pytest.fixture
def binh_key(test_pki, pki_trusted, leader_binh):
    return import_key(test_pki, "leader-binh", user=leader_binh)


@pytest.fixture
def dept_a_key(test_pki, pki_trusted, named_tree):
    return import_key(test_pki, "org-a", organisation=named_tree.dept_a)


def make_draft(
    tree,
    author,
    signer_user,
    *,
    type_code: str = "quyet-dinh",
    subject: str = "Ban hành Quy chế làm việc",
    secrecy: str = "none",
    status: str = "draft",
    recipients=None,
):
    """An outgoing draft made the way ``create_draft`` makes it — the real template, rendered
    with docxtpl — but with a small PDF in place of LibreOffice's, so the review and issuing
    tests do not start LibreOffice (the chain test and ``test_drafting`` do)."""
    from django.core.files.base import ContentFile

    from chinhquyen.documents.models import DraftVersion, OutgoingDocument, Recipient
    from chinhquyen.documents.services import numbering
    from chinhquyen.documents.services.drafting import (
        RecipientInput,
        render_template,
        template_context,
    )
    from chinhquyen.signing.testing import minimal_pdf

    document = OutgoingDocument.objects.create(
        organisation=tree.dept_a,
        drafting_unit=tree.division_a1,
        document_type=numbering.type_in_force(type_code),
        subject=subject,
        body="Điều 1. Ban hành kèm theo Quyết định này Quy chế làm việc.",
        signer=signer_user.official,
        signer_name=signer_user.official.full_name,
        signer_position=signer_user.official.position,
        secrecy=secrecy,
        status=status,
        place="Tuyên Quang",
        created_by=author,
    )
    items = recipients or [RecipientInput(organisation=tree.dept_b)]
    rows = Recipient.objects.bulk_create(
        [
            Recipient(
                document=document,
                name=item.name or item.organisation.name,
                organisation=item.organisation,
                external_code=item.external_code,
                channel=item.resolved_channel(),
                for_information=item.for_information,
            )
            for item in items
        ]
    )
    version = DraftVersion(document=document, number=1, created_by=author, note="v1")
    version.docx.save("v1.docx", ContentFile(render_template(template_context(document, rows))))
    version.pdf.save("v1.pdf", ContentFile(minimal_pdf(text=subject)), save=False)
    version.save()
    return document


def make_numbered(tree, author, signer_user, clerk, **kwargs):
    """An approved draft numbered by ``clerk`` the way ``number_document`` does, with a final
    PDF written by hand (no LibreOffice) — for the signing and distribution tests."""
    import hashlib

    from django.core.files.base import ContentFile
    from django.utils import timezone

    from chinhquyen.documents.choices import BookDirection, FileKind, OutgoingStatus
    from chinhquyen.documents.models import DocumentFile
    from chinhquyen.documents.services import numbering
    from chinhquyen.documents.services.drafting import notation_for
    from chinhquyen.signing.testing import minimal_pdf

    document = make_draft(tree, author, signer_user, status=OutgoingStatus.APPROVED, **kwargs)
    book = numbering.book_for(
        tree.dept_a,
        BookDirection.OUTGOING,
        document_type=document.document_type,
        secret=document.is_secret,
    )
    document.book = book
    document.number = numbering.take_number(book, acting_user=clerk).number
    document.notation = notation_for(document)
    document.issued_date = timezone.localdate()
    document.status = OutgoingStatus.NUMBERED
    document.save()
    pdf = minimal_pdf(text=f"So {document.number:02d} - Tran Thi Binh")
    row = DocumentFile(
        outgoing=document,
        kind=FileKind.MAIN,
        name="final.pdf",
        content_type="application/pdf",
        size=len(pdf),
        sha256=hashlib.sha256(pdf).hexdigest(),
    )
    row.file.save("final.pdf", ContentFile(pdf), save=False)
    row.save()
    return document
