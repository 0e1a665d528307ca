"""Registration books and their numbers: 1…N per year, never repeated, never skipped."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from chinhquyen.audit.models import AuditEntry
from chinhquyen.documents.choices import BookDirection, NumberState
from chinhquyen.documents.errors import InvalidTransition, NumberingError
from chinhquyen.documents.models import BookNumber, DocumentType, RegistrationBook
from chinhquyen.documents.services import numbering
from chinhquyen.documents.services.numbering import BookSettings

pytestmark = pytest.mark.django_db


def _book(org, year=2026, direction=BookDirection.INCOMING, secret=False):
    numbering.open_year_books(org, year)
    return RegistrationBook.objects.get(
        organisation=org, year=year, direction=direction, is_secret=secret
    )


def test_a_new_organisation_gets_four_books_numbered_from_one(org_tree):
    books = numbering.open_year_books(org_tree.dept_a, 2026)
    assert sorted((b.direction, b.is_secret) for b in books) == [
        ("incoming", False),
        ("incoming", True),
        ("outgoing", False),
        ("outgoing", True),
    ]
    book = _book(org_tree.dept_a)
    assert [numbering.take_number(book).number for _ in range(3)] == [1, 2, 3]
    assert numbering.check_gap_free(book)


def test_numbers_restart_at_one_next_year_and_books_are_copied(org_tree, clerk_hoa):
    decisions = DocumentType.objects.get(code="quyet-dinh")
    numbering.open_year_books(org_tree.dept_a, 2026)
    numbering.create_book(
        org_tree.dept_a,
        year=2026,
        settings=BookSettings(
            direction=BookDirection.OUTGOING,
            code="di-qd",
            name="Sổ quyết định",
            document_types=[decisions],
        ),
        acting_user=clerk_hoa,
    )
    book_2026 = _book(org_tree.dept_a)
    numbering.take_number(book_2026)
    numbering.take_number(book_2026)
    books_2027 = numbering.open_next_year(org_tree.dept_a, acting_user=clerk_hoa, year=2027)
    assert len(books_2027) == 5
    copied = RegistrationBook.objects.get(organisation=org_tree.dept_a, year=2027, code="di-qd")
    assert list(copied.document_types.all()) == [decisions]
    assert numbering.take_number(_book(org_tree.dept_a, 2027)).number == 1
    with pytest.raises(InvalidTransition):
        numbering.open_next_year(org_tree.dept_a, acting_user=clerk_hoa, year=2027)


def test_a_typed_outgoing_book_wins_over_the_general_one(org_tree, clerk_hoa):
    decisions = DocumentType.objects.get(code="quyet-dinh")
    plans = DocumentType.objects.get(code="ke-hoach")
    typed = numbering.create_book(
        org_tree.dept_a,
        year=2026,
        settings=BookSettings(
            direction=BookDirection.OUTGOING, code="di-qd", name="QĐ", document_types=[decisions]
        ),
        acting_user=clerk_hoa,
    )
    assert (
        numbering.book_for(
            org_tree.dept_a, BookDirection.OUTGOING, year=2026, document_type=decisions
        )
        == typed
    )
    general = numbering.book_for(
        org_tree.dept_a, BookDirection.OUTGOING, year=2026, document_type=plans
    )
    assert general.code == "di"
    secret = numbering.book_for(org_tree.dept_a, BookDirection.INCOMING, year=2026, secret=True)
    assert secret.is_secret and secret.code == "den-mat"


def test_book_settings_are_checked(org_tree, clerk_hoa):
    decisions = DocumentType.objects.get(code="quyet-dinh")
    numbering.open_year_books(org_tree.dept_a, 2026)
    cases = [
        (BookSettings(direction="sideways", code="x", name="X"), "bad_direction"),
        (BookSettings(direction="incoming", code="Sổ Đến", name="X"), "bad_code"),
        (BookSettings(direction="incoming", code="den", name="again"), "duplicate_code"),
        (BookSettings(direction="incoming", code="den-2", name=""), "bad_name"),
        (
            BookSettings(direction="incoming", code="den-qd", name="X", document_types=[decisions]),
            "types_on_incoming",
        ),
    ]
    for settings, code in cases:
        with pytest.raises(NumberingError) as caught:
            numbering.create_book(
                org_tree.dept_a, year=2026, settings=settings, acting_user=clerk_hoa
            )
        assert caught.value.code == code
    numbering.create_book(
        org_tree.dept_a,
        year=2026,
        settings=BookSettings(
            direction="outgoing", code="di-qd", name="QĐ", document_types=[decisions]
        ),
        acting_user=clerk_hoa,
    )
    with pytest.raises(NumberingError) as caught:
        numbering.create_book(
            org_tree.dept_a,
            year=2026,
            settings=BookSettings(
                direction="outgoing", code="di-qd2", name="QĐ 2", document_types=[decisions]
            ),
            acting_user=clerk_hoa,
        )
    assert caught.value.code == "types_taken"


def test_only_the_organisations_clerk_configures_its_books(org_tree, specialist_dung, clerk_hoa):
    settings = BookSettings(direction="incoming", code="den-2", name="Sổ đến 2")
    with pytest.raises(PermissionDenied):
        numbering.create_book(
            org_tree.dept_a, year=2026, settings=settings, acting_user=specialist_dung
        )
    with pytest.raises(PermissionDenied):
        numbering.create_book(org_tree.dept_b, year=2026, settings=settings, acting_user=clerk_hoa)
    assert not RegistrationBook.objects.filter(code="den-2").exists()


def test_reserved_numbers_are_kept_and_cancelled_with_a_reason(org_tree, clerk_hoa):
    book = _book(org_tree.dept_a, direction=BookDirection.OUTGOING)
    numbering.take_number(book, acting_user=clerk_hoa)
    reserved = numbering.reserve_numbers(book, 3, reason="Văn bản ký giấy", acting_user=clerk_hoa)
    assert [r.number for r in reserved] == [2, 3, 4]
    assert numbering.take_number(book).number == 5
    numbering.cancel_number(book, 3, reason="Không dùng", acting_user=clerk_hoa)
    used = numbering.use_reserved_number(book, 2, acting_user=clerk_hoa)
    states = dict(BookNumber.objects.filter(book=book).values_list("number", "state"))
    assert states == {
        1: NumberState.USED,
        2: NumberState.USED,
        3: NumberState.CANCELLED,
        4: NumberState.RESERVED,
        5: NumberState.USED,
    }
    assert used.changed_by == clerk_hoa
    actions = list(
        AuditEntry.objects.filter(action__startswith="documents.").values_list("action", flat=True)
    )
    assert "documents.reserve_numbers" in actions
    assert "documents.cancel_number" in actions
    # A cancelled number is never given again, not even by "use reserved".
    with pytest.raises(NumberingError) as caught:
        numbering.use_reserved_number(book, 3, acting_user=clerk_hoa)
    assert caught.value.code == "number_not_reserved"
    with pytest.raises(NumberingError) as caught:
        numbering.cancel_number(book, 1, reason="x", acting_user=clerk_hoa)
    assert caught.value.code == "number_not_reserved"


def test_a_number_outside_the_book_is_refused_in_both_languages(org_tree, clerk_hoa):
    book = _book(org_tree.dept_a, direction=BookDirection.OUTGOING)
    numbering.reserve_numbers(book, 2, reason="giữ", acting_user=clerk_hoa)
    for number in (0, 3, 999):
        with pytest.raises(NumberingError) as caught:
            numbering.cancel_number(book, number, reason="x", acting_user=clerk_hoa)
        assert caught.value.code == "number_outside_book"
        assert caught.value.status == 400
        assert f"Number {number} is outside the book" in caught.value.message
        assert f"Số {number} nằm ngoài sổ" in caught.value.message
    assert not BookNumber.objects.filter(book=book, state=NumberState.CANCELLED).exists()


def test_reserving_needs_a_reason_and_a_sane_count(org_tree, clerk_hoa):
    book = _book(org_tree.dept_a)
    for count, reason, code in (
        (0, "x", "bad_count"),
        (101, "x", "bad_count"),
        (1, " ", "reason_required"),
    ):
        with pytest.raises(NumberingError) as caught:
            numbering.reserve_numbers(book, count, reason=reason, acting_user=clerk_hoa)
        assert caught.value.code == code
    assert book.numbers.count() == 0


def test_a_closed_book_gives_no_number_and_can_be_reopened(org_tree, clerk_hoa):
    book = _book(org_tree.dept_a)
    numbering.close_book(book, acting_user=clerk_hoa)
    with pytest.raises(NumberingError) as caught:
        numbering.take_number(RegistrationBook.objects.get(pk=book.pk))
    assert caught.value.code == "book_closed"
    with pytest.raises(InvalidTransition):
        numbering.close_book(book, acting_user=clerk_hoa)
    numbering.set_book_open(book, is_open=True, acting_user=clerk_hoa)
    assert numbering.take_number(RegistrationBook.objects.get(pk=book.pk)).number == 1


def test_a_rolled_back_transaction_gives_its_number_back(org_tree):
    book = _book(org_tree.dept_a)
    numbering.take_number(book)

    class Boom(Exception):
        pass

    with pytest.raises(Boom), transaction.atomic():
        assert numbering.take_number(book).number == 2
        raise Boom
    book.refresh_from_db()
    assert numbering.take_number(book).number == 2
    assert numbering.check_gap_free(book)


def test_the_secret_flag_stays_once_numbers_were_taken(org_tree, clerk_hoa):
    book = _book(org_tree.dept_a)
    numbering.update_book(
        book,
        settings=BookSettings(direction="incoming", code="den", name="Sổ văn bản đến chung"),
        acting_user=clerk_hoa,
    )
    assert RegistrationBook.objects.get(pk=book.pk).name == "Sổ văn bản đến chung"
    numbering.take_number(book)
    with pytest.raises(InvalidTransition):
        numbering.update_book(
            book,
            settings=BookSettings(direction="incoming", code="den", name="X", is_secret=True),
            acting_user=clerk_hoa,
        )
    assert RegistrationBook.objects.get(pk=book.pk).is_secret is False


OPERATIONS = st.lists(
    st.one_of(
        st.just(("take",)),
        st.tuples(st.just("reserve"), st.integers(1, 3)),
        st.tuples(st.just("cancel"), st.integers(0, 12)),
        st.tuples(st.just("use"), st.integers(0, 12)),
        st.just(("rollback",)),
    ),
    max_size=25,
)
_books_made = iter(range(10_000))


@hypothesis_settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(operations=OPERATIONS)
def test_any_sequence_of_operations_keeps_the_book_gap_free(org_tree, clerk_hoa, operations):
    """Whatever clerks do — take, reserve, cancel or use reserved numbers, wrong numbers,
    rolled-back work — the book holds exactly 1…last_number, each number once, and a
    cancelled number is never given again."""
    book = numbering.create_book(
        org_tree.dept_a,
        year=2026,
        settings=BookSettings(direction="outgoing", code=f"p-{next(_books_made)}", name="P"),
        acting_user=clerk_hoa,
    )
    cancelled: set[int] = set()
    given_out: list[int] = []

    class Undo(Exception):
        pass

    for operation in operations:
        kind = operation[0]
        try:
            if kind == "take":
                given_out.append(numbering.take_number(book, acting_user=clerk_hoa).number)
            elif kind == "reserve":
                rows = numbering.reserve_numbers(
                    book, operation[1], reason="giữ", acting_user=clerk_hoa
                )
                given_out += [row.number for row in rows]
            elif kind == "cancel":
                numbering.cancel_number(book, operation[1], reason="hủy", acting_user=clerk_hoa)
                cancelled.add(operation[1])
            elif kind == "use":
                row = numbering.use_reserved_number(book, operation[1], acting_user=clerk_hoa)
                assert row.number not in cancelled
            else:
                with transaction.atomic():
                    numbering.take_number(book, acting_user=clerk_hoa)
                    raise Undo
        except (NumberingError, Undo):
            pass
    assert numbering.check_gap_free(book)
    assert given_out == list(range(1, len(given_out) + 1))
    states = dict(BookNumber.objects.filter(book=book).values_list("number", "state"))
    assert {n for n, s in states.items() if s == NumberState.CANCELLED} == cancelled
