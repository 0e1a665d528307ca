"""Registration-book pages: scope, add a book, reserve/cancel numbers (400 for a number outside
the book), close, open next year, and the printed books (PDF and .xlsx, Appendix IV)."""

import io

import pytest
from django.urls import reverse

from chinhquyen.documents.choices import NumberState
from chinhquyen.documents.models import BookNumber, RegistrationBook
from chinhquyen.documents.services import numbering
from chinhquyen.documents.services.incoming import register_incoming
from chinhquyen.documents.tests.test_incoming_registration import at, metadata

pytestmark = pytest.mark.django_db


@pytest.fixture
def books_a(org_tree):
    numbering.open_year_books(org_tree.dept_a, 2026)
    return {
        (b.direction, b.is_secret): b
        for b in RegistrationBook.objects.filter(organisation=org_tree.dept_a, year=2026)
    }


def test_the_list_shows_only_the_users_organisations(books_a, org_tree, clerk_hoa, login):
    numbering.open_year_books(org_tree.dept_b, 2026)
    client = login(clerk_hoa)
    page = client.get(reverse("documents:books") + "?year=2026").content.decode()
    assert reverse("documents:book", args=[books_a[("incoming", False)].pk]) in page
    other = RegistrationBook.objects.filter(organisation=org_tree.dept_b).first()
    assert reverse("documents:book", args=[other.pk]) not in page
    assert client.get(reverse("documents:book", args=[other.pk])).status_code == 404


def test_a_specialist_cannot_reserve(books_a, specialist_dung, login):
    client = login(specialist_dung)
    book = books_a[("outgoing", False)]
    response = client.post(
        reverse("documents:book_action", args=[book.pk]),
        {"action": "reserve", "count": 2, "reason": "x"},
    )
    assert response.status_code in (403, 404)
    assert not BookNumber.objects.exists()


def test_reserve_then_cancel_then_a_number_outside_is_400(books_a, clerk_hoa, login):
    client = login(clerk_hoa)
    book = books_a[("outgoing", False)]
    url = reverse("documents:book_action", args=[book.pk])
    assert (
        client.post(url, {"action": "reserve", "count": 3, "reason": "Ký giấy"}).status_code == 302
    )
    assert client.post(url, {"action": "cancel", "number": 2, "reason": "Hủy"}).status_code == 302
    response = client.post(url, {"action": "cancel", "number": 9, "reason": "Hủy"})
    assert response.status_code == 400
    assert "Number 9 is outside the book" in response.content.decode()
    states = dict(BookNumber.objects.filter(book=book).values_list("number", "state"))
    assert states == {1: NumberState.RESERVED, 2: NumberState.CANCELLED, 3: NumberState.RESERVED}
    page = client.get(reverse("documents:book", args=[book.pk])).content.decode()
    assert "Hủy" in page and "Ký giấy" in page


def test_add_close_and_open_next_year(books_a, org_tree, clerk_hoa, login):
    from chinhquyen.documents.models import DocumentType

    client = login(clerk_hoa)
    decisions = DocumentType.objects.get(code="quyet-dinh")
    response = client.post(
        reverse("documents:book_new"),
        {
            "org": org_tree.dept_a.pk,
            "year": 2026,
            "direction": "outgoing",
            "code": "di-qd",
            "name": "Sổ quyết định",
            "document_types": [decisions.pk],
        },
    )
    assert response.status_code == 302
    book = RegistrationBook.objects.get(code="di-qd", year=2026)
    bad = client.post(
        reverse("documents:book_new"),
        {
            "org": org_tree.dept_a.pk,
            "year": 2026,
            "direction": "outgoing",
            "code": "di-qd",
            "name": "x",
        },
    )
    assert bad.status_code == 400
    url = reverse("documents:book_action", args=[book.pk])
    assert client.post(url, {"action": "close"}).status_code == 302
    assert not RegistrationBook.objects.get(pk=book.pk).is_active
    response = client.post(
        reverse("documents:books_open_year"), {"org": org_tree.dept_a.pk, "year": 2027}
    )
    assert response.status_code == 302
    assert RegistrationBook.objects.filter(organisation=org_tree.dept_a, year=2027).count() == 5


@pytest.fixture
def two_registered(org_tree, clerk_hoa):
    return [
        register_incoming(
            organisation=org_tree.dept_a,
            metadata=metadata(number=str(n), to_places="Phòng A1"),
            acting_user=clerk_hoa,
            arrived_at=at(2026, 2, 4 + n, 9, 0),
        ).document
        for n in (1, 2)
    ]


def test_the_incoming_book_prints_as_pdf(two_registered, clerk_hoa, login):
    from chinhquyen.dossiers.slips.tests.pdftools import pdf_fonts, pdf_page_sizes, pdf_text

    client = login(clerk_hoa)
    book = two_registered[0].book
    response = client.get(
        reverse("documents:book_print", args=[book.pk]),
        {"start": "2026-02-01", "end": "2026-02-28", "book_kind": "register", "file_format": "pdf"},
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert {name for name, _embedded in pdf_fonts(response.content)} >= {
        "Liberation-Serif",
        "Liberation-Serif-Bold",
    }
    width, height = pdf_page_sizes(response.content)[0]
    assert width > height  # A4 landscape
    assert "SỔ ĐĂNG KÝ VĂN BẢN ĐẾN" in text
    assert text.count("V/v triển khai kế hoạch") == 2 and "Phòng A1" in text
    assert "Số đến" in text and "Ký nhận" in text and "NGƯỜI LẬP SỔ" in text


def test_the_follow_up_book_prints_as_xlsx_for_a_date_range(two_registered, clerk_hoa, login):
    from openpyxl import load_workbook

    client = login(clerk_hoa)
    book = two_registered[0].book
    response = client.get(
        reverse("documents:book_print", args=[book.pk]),
        {
            "start": "2026-02-06",
            "end": "2026-02-06",
            "book_kind": "followup",
            "file_format": "xlsx",
        },
    )
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[4][:4] == [
        "Số đến",
        "Tên loại, số, ký hiệu, ngày tháng và tác giả văn bản",
        "Đơn vị, người nhận",
        "Thời hạn giải quyết",
    ]
    data = [row for row in rows[5:] if row[0]]
    assert len(data) == 1 and data[0][0] == "2"  # only the one arrived on 06/02
    assert "2/UBND-VP" in data[0][1] and data[0][2] == "Phòng A1"


def test_a_reversed_date_range_is_400(two_registered, clerk_hoa, login):
    client = login(clerk_hoa)
    book = two_registered[0].book
    response = client.get(
        reverse("documents:book_print", args=[book.pk]),
        {"start": "2026-03-01", "end": "2026-02-01", "book_kind": "register", "file_format": "pdf"},
    )
    assert response.status_code == 400


def test_the_outgoing_book_prints(books_a, clerk_hoa, login):
    client = login(clerk_hoa)
    book = books_a[("outgoing", False)]
    response = client.get(
        reverse("documents:book_print", args=[book.pk]),
        {
            "start": "2026-01-01",
            "end": "2026-12-31",
            "book_kind": "register",
            "file_format": "xlsx",
        },
    )
    assert response.status_code == 200
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.cell(row=5, column=1).value == "Số, ký hiệu văn bản"


def test_a_mistyped_year_in_the_address_opens_this_years_form_not_an_error(
    books_a, clerk_hoa, login
):
    client = login(clerk_hoa)

    response = client.get(reverse("documents:book_new"), {"year": "2O26"})

    assert response.status_code == 200
