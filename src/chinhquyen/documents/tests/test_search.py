"""Full-text search of documents: folding, all words, prefixes, filters, order, pages.

Runs on SQLite and on PostgreSQL (the CI runs the suite on both): the expectations are exact,
so the two spellings of the predicate (LIKE on SQLite, tsvector on PostgreSQL) are checked to
give the same results.
"""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from chinhquyen.documents.choices import (
    BookDirection,
    IncomingChannel,
    IncomingStatus,
    OutgoingStatus,
    Secrecy,
)
from chinhquyen.documents.models import DocumentFile, IncomingDocument, OutgoingDocument
from chinhquyen.documents.services import numbering
from chinhquyen.documents.services import search as search_module
from chinhquyen.documents.services.search import highlight, query_words, reindex, search_documents

pytestmark = pytest.mark.django_db

BASE = datetime.datetime(2026, 3, 2, 9, 0)


def at(days: int = 0, hours: int = 0) -> datetime.datetime:
    return timezone.make_aware(BASE + datetime.timedelta(days=days, hours=hours))


def make_incoming(
    organisation,
    subject: str,
    *,
    arrived: datetime.datetime | None = None,
    secrecy: str = Secrecy.NONE,
    status: str = IncomingStatus.REGISTERED,
    issuer_name: str = "Ủy ban nhân dân tỉnh Thử Nghiệm",
    issuer=None,
    number: str = "12",
    notation: str = "UBND-VP",
    type_code: str = "cong-van",
    registered_by=None,
    file_text: str = "",
) -> IncomingDocument:
    """An incoming document registered in the organisation's book (test data, no service)."""
    arrived = arrived or at()
    document_type = numbering.type_in_force(type_code, arrived.date())
    book = None
    arrival_number = None
    if status != IncomingStatus.RECEIVED:
        book = numbering.book_for(
            organisation,
            BookDirection.INCOMING,
            year=arrived.year,
            secret=secrecy != Secrecy.NONE,
        )
        arrival_number = numbering.take_number(book).number
    document = IncomingDocument.objects.create(
        organisation=organisation,
        book=book,
        arrival_number=arrival_number,
        arrived_at=arrived,
        channel=IncomingChannel.PAPER,
        status=status,
        document_type=document_type,
        subject=subject,
        issued_date=arrived.date() - datetime.timedelta(days=2),
        secrecy=secrecy,
        issuer_name=issuer_name,
        issuer=issuer,
        number=number,
        notation=notation,
        registered_by=registered_by,
    )
    if file_text:
        DocumentFile.objects.create(
            incoming=document,
            kind="scan",
            file="documents/files/test/scan.pdf",
            name="scan.pdf",
            content_type="application/pdf",
            sha256="0" * 64,
            text=file_text,
            text_status="extracted",
        )
    reindex(document)
    return document


def make_outgoing(
    organisation,
    subject: str,
    *,
    created_by,
    issued: datetime.datetime | None = None,
    secrecy: str = Secrecy.NONE,
    status: str = OutgoingStatus.ISSUED,
    type_code: str = "ke-hoach",
    notation: str = "KH-SA",
) -> OutgoingDocument:
    document_type = numbering.type_in_force(type_code, (issued or at()).date())
    book = number = None
    if status in (OutgoingStatus.NUMBERED, OutgoingStatus.SIGNED, OutgoingStatus.ISSUED):
        book = numbering.book_for(
            organisation,
            BookDirection.OUTGOING,
            year=(issued or at()).year,
            secret=secrecy != Secrecy.NONE,
        )
        number = numbering.take_number(book).number
    document = OutgoingDocument.objects.create(
        organisation=organisation,
        drafting_unit=organisation,
        status=status,
        document_type=document_type,
        subject=subject,
        secrecy=secrecy,
        book=book,
        number=number,
        notation=notation,
        created_by=created_by,
        issued_at=issued if status == OutgoingStatus.ISSUED else None,
    )
    if issued is not None and status != OutgoingStatus.ISSUED:
        # Not issued: listed by creation time.
        OutgoingDocument.objects.filter(pk=document.pk).update(created_at=issued)
    reindex(document)
    return document


def subjects(page) -> list[str]:
    return [hit.document.subject for hit in page.hits]


@pytest.fixture
def corpus(org_tree, clerk_hoa):
    """Documents of department A (and one of department B, never seen by its clerk)."""
    a = org_tree.dept_a
    docs = {
        "cds": make_incoming(
            a,
            "V/v triển khai Kế hoạch chuyển đổi số năm 2026",
            arrived=at(0),
            number="45",
            notation="QĐ-UBND",
            type_code="quyet-dinh",
        ),
        "cv": make_incoming(
            a,
            "Công văn về việc chuyển đổi số trong cải cách hành chính",
            arrived=at(1),
            issuer_name="Sở Khoa học và Công nghệ",
        ),
        "dat": make_incoming(
            a,
            "Báo cáo tình hình quản lý đất đai quý I (mẫu 01a-TNMT, hệ số 3e5)",
            arrived=at(2),
            type_code="bao-cao",
            notation="BC-STNMT",
            status=IncomingStatus.COMPLETED,
        ),
        "ocr": make_incoming(
            a,
            "Giấy mời họp",
            arrived=at(3),
            type_code="giay-moi",
            file_text="Kính mời đồng chí dự hội nghị tổng kết công tác phòng chống thiên tai",
        ),
        "kh": make_outgoing(
            a,
            "Kế hoạch tổ chức Hội nghị chuyển đổi số tỉnh",
            created_by=clerk_hoa,
            issued=at(1, 3),
        ),
        "other_agency": make_incoming(
            org_tree.dept_b, "Chuyển đổi số ở Sở B", arrived=at(4), issuer_name="Bộ Nội vụ"
        ),
    }
    return docs


def test_query_words_are_folded_distinct_and_capped():
    assert query_words("  Công VĂN, công văn: Chuyển-đổi  SỐ! ") == [
        "cong",
        "van",
        "chuyen",
        "doi",
        "so",
    ]
    assert query_words("Đường đất") == ["duong", "dat"]
    assert len(query_words(" ".join(f"w{i}" for i in range(20)))) == 8


def test_diacritics_and_case_are_ignored(corpus, clerk_hoa):
    page = search_documents(clerk_hoa, query="cong van chuyen doi so")
    assert subjects(page) == ["Công văn về việc chuyển đổi số trong cải cách hành chính"]
    page = search_documents(clerk_hoa, query="CHUYỂN ĐỔI SỐ")
    assert subjects(page) == [
        "Kế hoạch tổ chức Hội nghị chuyển đổi số tỉnh",
        "Công văn về việc chuyển đổi số trong cải cách hành chính",
        "V/v triển khai Kế hoạch chuyển đổi số năm 2026",
    ]
    assert page.count == 3 and not page.count_is_lower_bound


def test_every_word_must_begin_a_word(corpus, clerk_hoa):
    assert subjects(search_documents(clerk_hoa, query="chuyen doi xanh")) == []
    assert subjects(search_documents(clerk_hoa, query="chuy"))  # a prefix matches
    assert subjects(search_documents(clerk_hoa, query="uyen doi")) == []  # not inside a word
    # Word order does not matter.
    assert subjects(search_documents(clerk_hoa, query="so doi chuyen hanh chinh")) == [
        "Công văn về việc chuyển đổi số trong cải cách hành chính"
    ]


def test_metadata_and_file_text_are_searched(corpus, clerk_hoa):
    # Number and notation as written ("45/QĐ-UBND"), type name, issuer.
    assert subjects(search_documents(clerk_hoa, query="45/QĐ-UBND")) == [
        "V/v triển khai Kế hoạch chuyển đổi số năm 2026"
    ]
    assert subjects(search_documents(clerk_hoa, query="so khoa hoc cong nghe")) == [
        "Công văn về việc chuyển đổi số trong cải cách hành chính"
    ]
    # OCR text of the scan.
    page = search_documents(clerk_hoa, query="phong chong thien tai")
    assert subjects(page) == ["Giấy mời họp"]
    assert page.hits[0].matched_in_text is True
    page = search_documents(clerk_hoa, query="giay moi")
    assert page.hits[0].matched_in_text is False


def test_newest_first_across_incoming_and_outgoing(corpus, clerk_hoa):
    page = search_documents(clerk_hoa, query="")
    assert [(hit.kind, hit.document.pk) for hit in page.hits] == [
        ("incoming", corpus["ocr"].pk),
        ("incoming", corpus["dat"].pk),
        ("outgoing", corpus["kh"].pk),
        ("incoming", corpus["cv"].pk),
        ("incoming", corpus["cds"].pk),
    ]
    assert page.count == 5  # department B's document is not there


def test_filters(corpus, org_tree, clerk_hoa):
    assert subjects(search_documents(clerk_hoa, query="chuyen doi", kind="outgoing")) == [
        "Kế hoạch tổ chức Hội nghị chuyển đổi số tỉnh"
    ]
    assert len(search_documents(clerk_hoa, query="chuyen doi", kind="incoming").hits) == 2
    assert subjects(search_documents(clerk_hoa, document_type="bao-cao")) == [
        "Báo cáo tình hình quản lý đất đai quý I (mẫu 01a-TNMT, hệ số 3e5)"
    ]
    assert subjects(search_documents(clerk_hoa, status=IncomingStatus.COMPLETED)) == [
        "Báo cáo tình hình quản lý đất đai quý I (mẫu 01a-TNMT, hệ số 3e5)"
    ]
    # An outgoing status leaves the incoming documents out, and the other way round.
    assert subjects(search_documents(clerk_hoa, status=OutgoingStatus.ISSUED)) == [
        "Kế hoạch tổ chức Hội nghị chuyển đổi số tỉnh"
    ]
    book = corpus["cds"].book
    assert len(search_documents(clerk_hoa, book=book.pk).hits) == 4
    assert search_documents(clerk_hoa, book=corpus["kh"].book_id).hits[0].kind == "outgoing"
    # Date range on the listing date (arrival / issue), both ends included.
    page = search_documents(clerk_hoa, date_from=at(1).date(), date_to=at(2).date())
    assert [hit.document.pk for hit in page.hits] == [
        corpus["dat"].pk,
        corpus["kh"].pk,
        corpus["cv"].pk,
    ]
    assert search_documents(clerk_hoa, organisation=org_tree.dept_b.pk).hits == []
    assert subjects(search_documents(clerk_hoa, issuer=org_tree.dept_a.pk)) == [
        "Kế hoạch tổ chức Hội nghị chuyển đổi số tỉnh"
    ]


def test_pages_of_twenty_newest_first(org_tree, clerk_hoa):
    for i in range(45):
        make_incoming(org_tree.dept_a, f"Báo cáo định kỳ số {i}", arrived=at(0, i))
    first = search_documents(clerk_hoa, query="bao cao dinh ky")
    assert first.count == 45 and first.num_pages == 3
    assert subjects(first)[:2] == ["Báo cáo định kỳ số 44", "Báo cáo định kỳ số 43"]
    third = search_documents(clerk_hoa, query="bao cao dinh ky", page=3)
    assert subjects(third) == [f"Báo cáo định kỳ số {i}" for i in range(4, -1, -1)]
    assert third.has_previous and not third.has_next
    # A page past the end shows the last one.
    assert search_documents(clerk_hoa, query="bao cao", page=99).number == 3


def test_count_is_capped(org_tree, clerk_hoa, monkeypatch):
    monkeypatch.setattr(search_module, "COUNT_LIMIT", 6)
    for i in range(9):
        make_incoming(org_tree.dept_a, f"Thông báo {i}", arrived=at(0, i))
    page = search_documents(clerk_hoa, query="thong bao", page=5, page_size=2)
    assert page.count_is_lower_bound and page.count == 6
    assert page.num_pages == 3 and page.number == 3  # pages stop at the cap


def test_highlight_marks_word_prefixes_and_escapes():
    marked, complete = highlight("Về việc <b>chuyển đổi</b> số", ["chuyen", "so"])
    assert str(marked) == "Về việc &lt;b&gt;<mark>chuyển</mark> đổi&lt;/b&gt; <mark>số</mark>"
    assert complete is True
    marked, complete = highlight("Giấy mời", ["hop"])
    assert str(marked) == "Giấy mời" and complete is False


# A fixed set of queries with their exact results: the same on SQLite and PostgreSQL.
SAME_ON_BOTH = [
    ("chuyen doi so", ["kh", "cv", "cds"]),
    ("chuyển", ["kh", "cv", "cds"]),
    ("ke hoach", ["kh", "cds"]),
    ("k h", ["ocr", "kh", "cv", "cds"]),  # one-letter prefixes
    ("2026", ["cds"]),
    ("45", ["cds"]),
    ("4", ["ocr", "cds"]),  # the arrival number 4 too
    ("qd ubnd 45", ["cds"]),
    ("bc stnmt", ["dat"]),
    ("dat dai quy i", ["dat"]),
    ("dai dat", ["dat"]),
    # Letters and digits mixed, and what PostgreSQL's parser could read as a number.
    ("01a tnmt", ["dat"]),
    ("01", ["dat", "kh"]),  # the outgoing 01/KH-SA too
    ("3e", ["dat"]),
    ("3e5", ["dat"]),
    ("3e6", []),
    ("thien tai", ["ocr"]),
    ("hoi nghi", ["ocr", "kh"]),
    ("v v", ["ocr", "cv", "cds"]),
    ("ve viec", ["cv"]),
    ("nghi hoi", ["ocr", "kh"]),
    ("uyen", []),
    ("xyz", []),
    ("%", ["ocr", "dat", "kh", "cv", "cds"]),  # no word: everything visible
    ("_ong", []),
]


@pytest.mark.parametrize(("query", "expected"), SAME_ON_BOTH)
def test_search_same_on_both_databases(corpus, clerk_hoa, query, expected):
    page = search_documents(clerk_hoa, query=query)
    keys = {(doc.__class__.__name__, doc.pk): name for name, doc in corpus.items()}
    found = [keys[hit.document.__class__.__name__, hit.document.pk] for hit in page.hits]
    assert found == expected
    assert page.count == len(expected)
