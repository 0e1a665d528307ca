"""The demo documents: numbered in arrival order, searchable, some secret and electronic, once."""

import time
from collections import defaultdict

import pytest

from chinhquyen.directory.demo import load_demo_accounts, load_demo_organisations
from chinhquyen.directory.units import load_units
from chinhquyen.documents.choices import (
    IncomingChannel,
    IncomingStatus,
    NumberState,
    OutgoingStatus,
    Secrecy,
)
from chinhquyen.documents.demo import load_demo_documents, make_subject
from chinhquyen.documents.models import (
    Assignment,
    BookNumber,
    DocumentFile,
    IncomingDocument,
    OutgoingDocument,
    RegistrationBook,
)
from chinhquyen.documents.services.search import document_search_text, search_documents


@pytest.fixture
def demo_province(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    load_units(province_code="08")
    organisations = load_demo_organisations()
    load_demo_accounts(organisations)
    return organisations


def _counts() -> tuple[int, ...]:
    return (
        IncomingDocument.objects.count(),
        OutgoingDocument.objects.count(),
        BookNumber.objects.count(),
        Assignment.objects.count(),
        DocumentFile.objects.count(),
    )


def test_demo_documents_load_quickly_numbered_and_once(demo_province):
    from chinhquyen.accounts.models import User

    # When 600 demo documents are loaded
    started = time.perf_counter()
    summary = load_demo_documents(600, seed=7)
    elapsed = time.perf_counter() - started

    # Then about a quarter are outgoing and the rest incoming, plus the copies delivered on
    # the platform (every outgoing one sent to another demo agency arrives as an incoming one)
    assert summary["outgoing"] == 150
    delivered = IncomingDocument.objects.filter(channel=IncomingChannel.INTERNAL)
    assert summary["incoming"] == 450 + delivered.count()
    assert delivered.count() > 10
    for document in delivered.select_related("source_recipient__document"):
        source = document.source_recipient.document
        assert document.subject == source.subject
        assert document.issuer_id == source.organisation_id
        assert document.organisation_id == document.source_recipient.organisation_id
    assert elapsed < 30, elapsed  # "well under a minute" for 3,000 on a developer machine

    # Numbers: every book numbered 1…N without gaps, in arrival (issue) order, rows in the book
    for book in RegistrationBook.objects.all():
        documents = (
            IncomingDocument.objects.filter(book=book).order_by("arrived_at", "pk")
            if book.direction == "incoming"
            else OutgoingDocument.objects.filter(book=book).order_by("issued_at", "pk")
        )
        numbers = list(
            documents.values_list(
                "arrival_number" if book.direction == "incoming" else "number", flat=True
            )
        )
        assert numbers == list(range(1, len(numbers) + 1)), book
        assert book.last_number == len(numbers)
        assert BookNumber.objects.filter(book=book, state=NumberState.USED).count() == len(numbers)

    # Every state a clerk works with, secret ones in the secret books, OCR text kept
    statuses = set(IncomingDocument.objects.values_list("status", flat=True))
    assert {IncomingStatus.REGISTERED, IncomingStatus.ASSIGNED, IncomingStatus.COMPLETED} <= (
        statuses
    )
    assert set(OutgoingDocument.objects.values_list("status", flat=True)) == {OutgoingStatus.ISSUED}
    secret = IncomingDocument.objects.exclude(secrecy=Secrecy.NONE)
    assert secret.exists() and all(doc.book.is_secret for doc in secret)
    waiting = IncomingDocument.objects.filter(status=IncomingStatus.RECEIVED)
    assert all(doc.book_id is None and doc.arrival_number is None for doc in waiting)
    assert Assignment.objects.filter(document__status=IncomingStatus.COMPLETED).exists()
    scans = DocumentFile.objects.select_related("incoming")
    assert scans.exists()
    for scan in scans[:20]:
        assert scan.file.read(5) == b"%PDF-"
        scan.file.close()

    # The stored search text is what reindex computes (files' text included)
    for document in list(IncomingDocument.objects.all()[:200]) + list(
        OutgoingDocument.objects.all()[:50]
    ):
        assert document.search_text == document_search_text(document), document.pk

    # The demo clerk of Sở Tư pháp finds documents; the demo specialist his secret ones
    clerk = User.objects.get(username="vanthu")
    assert search_documents(clerk, query="chuyen doi so").count > 0
    specialist = User.objects.get(username="chuyenvien")
    named = secret.filter(assignments__assignee__user=specialist)
    assert named.exists()
    found = search_documents(specialist, query=named.first().subject, kind="incoming")
    assert named.first().pk in [hit.document.pk for hit in found.hits]

    # A second run adds nothing
    before = _counts()
    assert load_demo_documents(600, seed=7)["created"] == 0
    assert _counts() == before


def test_summaries_read_like_a_register():
    import random

    rng = random.Random(1)  # noqa: S311
    samples = [make_subject(rng, 2026, ["xã Yên Sơn"]) for _i in range(300)]
    by_type = defaultdict(list)
    for type_code, subject in samples:
        by_type[type_code].append(subject)
        assert subject[0].isupper() and "  " not in subject and not subject.endswith(" ")
    assert all(subject.startswith("V/v ") for subject in by_type["cong-van"])
    assert len(set(subject for _t, subject in samples)) > 250  # varied
