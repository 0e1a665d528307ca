"""Registration books (sổ đăng ký) and their numbers (Decree 30/2020 Arts. 15, 16, 22).

Numbers of a book start at 1 each calendar year and follow the order of issue (outgoing) or of
receipt (incoming). Every number taken is a ``BookNumber`` row — used by a document, reserved
(giữ số) or cancelled (hủy số) — so none is reused and none skipped, also under concurrent clerks:
the increment is one ``UPDATE … SET last_number = last_number + 1`` which holds the book's row
lock (PostgreSQL) or the database write lock (SQLite) until the transaction ends, so the second
clerk waits and reads the first one's number. A rolled-back transaction gives its number back
with it, which is what "never skip" needs.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chinhquyen.audit.services import log_action
from chinhquyen.documents.choices import BookDirection, NumberState
from chinhquyen.documents.errors import NumberingError
from chinhquyen.documents.models import BookNumber, DocumentType, RegistrationBook


def local_year(moment: datetime.datetime | None = None) -> int:
    return timezone.localtime(moment or timezone.now()).year


def open_year_books(organisation, year: int, *, acting_user=None) -> list[RegistrationBook]:
    """The organisation's books for ``year``, opened from last year's set when there are none.

    A new organisation gets one incoming book, one outgoing book for every type and one of each
    for secret documents (Art. 15(2)).
    """
    books = list(RegistrationBook.objects.filter(organisation=organisation, year=year))
    if books:
        return books
    with transaction.atomic():
        # Lock the organisation row so two clerks opening the year do not both create books.
        type(organisation).objects.select_for_update().filter(pk=organisation.pk).first()
        books = list(RegistrationBook.objects.filter(organisation=organisation, year=year))
        if books:
            return books
        previous = list(
            RegistrationBook.objects.filter(
                organisation=organisation, year=year - 1, is_active=True
            )
            .prefetch_related("document_types")
            .order_by("pk")
        )
        specs = [
            (book.direction, book.code, book.name, book.is_secret, list(book.document_types.all()))
            for book in previous
        ] or [
            (BookDirection.INCOMING, "den", "Sổ đăng ký văn bản đến", False, []),
            (BookDirection.OUTGOING, "di", "Sổ đăng ký văn bản đi", False, []),
            (BookDirection.INCOMING, "den-mat", "Sổ đăng ký văn bản đến (mật)", True, []),
            (BookDirection.OUTGOING, "di-mat", "Sổ đăng ký văn bản đi (mật)", True, []),
        ]
        for direction, code, name, is_secret, types in specs:
            book = RegistrationBook.objects.create(
                organisation=organisation,
                year=year,
                direction=direction,
                code=code,
                name=name,
                is_secret=is_secret,
            )
            if types:
                book.document_types.set(types)
            books.append(book)
        log_action(
            "documents.open_year_books",
            target=organisation,
            actor=acting_user,
            details={"year": year, "books": [book.code for book in books]},
        )
    return books


def book_for(
    organisation,
    direction: str,
    *,
    year: int | None = None,
    document_type: DocumentType | None = None,
    secret: bool = False,
    acting_user=None,
) -> RegistrationBook:
    """The open book a document of this type and secrecy is registered in.

    A book listing the type wins over a book for every type (no types listed). Raises
    ``NumberingError`` when the organisation has no such book.
    """
    year = year or local_year()
    open_year_books(organisation, year, acting_user=acting_user)
    candidates = RegistrationBook.objects.filter(
        organisation=organisation, year=year, direction=direction, is_secret=secret, is_active=True
    )
    if document_type is not None:
        typed = candidates.filter(
            Q(document_types=document_type) | Q(document_types__code=document_type.code)
        ).first()
        if typed is not None:
            return typed
    general = candidates.filter(document_types__isnull=True).order_by("pk").first()
    if general is None:
        raise NumberingError(
            _("There is no open registration book for these documents in %(year)s."),
            code="no_book",
            year=year,
        )
    return general


def _check_open(book: RegistrationBook) -> None:
    if not book.is_active:
        raise NumberingError(
            _("The book “%(book)s” is closed."), code="book_closed", book=book.name
        )


def _next_number(book: RegistrationBook) -> int:
    updated = RegistrationBook.objects.filter(pk=book.pk, is_active=True).update(
        last_number=F("last_number") + 1
    )
    if not updated:
        raise NumberingError(
            _("The book “%(book)s” is closed."), code="book_closed", book=book.name
        )
    book.last_number = RegistrationBook.objects.values_list("last_number", flat=True).get(
        pk=book.pk
    )
    return book.last_number


def take_number(
    book: RegistrationBook,
    *,
    acting_user=None,
    state: str = NumberState.USED,
    reason: str = "",
) -> BookNumber:
    """The next number of ``book``, recorded as used (default) or reserved.

    Call it inside the transaction that saves the document holding the number: the book stays
    locked until that commit, and a rollback gives the number back.
    """
    _check_open(book)
    with transaction.atomic():
        number = _next_number(book)
        return BookNumber.objects.create(
            book=book, number=number, state=state, reason=reason, taken_by=acting_user
        )


def reserve_numbers(
    book: RegistrationBook, count: int, *, reason: str, acting_user
) -> list[BookNumber]:
    """Reserve ``count`` consecutive numbers (giữ số), e.g. for documents signed on paper."""
    if not 1 <= count <= 100:
        raise NumberingError(
            _("Reserve between 1 and 100 numbers."), code="bad_count", field="count"
        )
    if not reason.strip():
        raise NumberingError(
            _("Say why the numbers are reserved."), code="reason_required", field="reason"
        )
    with transaction.atomic():
        reserved = [
            take_number(book, acting_user=acting_user, state=NumberState.RESERVED, reason=reason)
            for _i in range(count)
        ]
        log_action(
            "documents.reserve_numbers",
            target=book,
            actor=acting_user,
            details={"numbers": [row.number for row in reserved], "reason": reason},
        )
    return reserved


def _locked_number(book: RegistrationBook, number: int) -> BookNumber:
    if number < 1 or number > book.last_number:
        raise NumberingError(
            _("Number %(number)s is outside the book “%(book)s” (1 to %(last)s)."),
            code="number_outside_book",
            field="number",
            number=number,
            book=book.name,
            last=book.last_number,
        )
    row = BookNumber.objects.select_for_update().filter(book=book, number=number).first()
    if row is None:  # pragma: no cover - every number up to last_number has a row
        raise NumberingError(
            _("Number %(number)s is outside the book “%(book)s” (1 to %(last)s)."),
            code="number_outside_book",
            field="number",
            number=number,
            book=book.name,
            last=book.last_number,
        )
    return row


def use_reserved_number(book: RegistrationBook, number: int, *, acting_user) -> BookNumber:
    """Give a reserved number to a document (call inside the transaction saving it)."""
    _check_open(book)
    with transaction.atomic():
        book.refresh_from_db(fields=["last_number"])
        row = _locked_number(book, number)
        if row.state != NumberState.RESERVED:
            raise NumberingError(
                _("Number %(number)s of this book is not reserved (it is %(state)s)."),
                code="number_not_reserved",
                field="number",
                number=number,
                state=row.get_state_display(),
            )
        row.state = NumberState.USED
        row.changed_by = acting_user
        row.changed_at = timezone.now()
        row.save(update_fields=["state", "changed_by", "changed_at"])
    return row


def cancel_number(book: RegistrationBook, number: int, *, reason: str, acting_user) -> BookNumber:
    """Cancel a reserved number (hủy số): it stays in the book as cancelled, never reused.

    A number used by a document is not cancelled here: the document is recalled or replaced.
    """
    if not reason.strip():
        raise NumberingError(
            _("Say why the number is cancelled."), code="reason_required", field="reason"
        )
    with transaction.atomic():
        book.refresh_from_db(fields=["last_number"])
        row = _locked_number(book, number)
        if row.state != NumberState.RESERVED:
            raise NumberingError(
                _("Only a reserved number can be cancelled; number %(number)s is %(state)s."),
                code="number_not_reserved",
                field="number",
                number=number,
                state=row.get_state_display(),
            )
        row.state = NumberState.CANCELLED
        row.reason = reason
        row.changed_by = acting_user
        row.changed_at = timezone.now()
        row.save(update_fields=["state", "reason", "changed_by", "changed_at"])
        log_action(
            "documents.cancel_number",
            target=book,
            actor=acting_user,
            details={"number": number, "reason": reason},
        )
    return row


def type_in_force(code: str, on: datetime.date | None = None) -> DocumentType:
    """The version of document type ``code`` in force on ``on`` (today by default)."""
    on = on or timezone.localdate()
    found = (
        DocumentType.objects.filter(code=code, valid_from__lte=on)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=on))
        .order_by("-valid_from", "-pk")
        .first()
    )
    if found is None:
        raise NumberingError(
            _("There is no document type “%(type)s” in force on %(day)s."),
            code="no_document_type",
            field="document_type",
            type=code,
            day=on.strftime("%d/%m/%Y"),
        )
    return found


def types_in_force(on: datetime.date | None = None):
    on = on or timezone.localdate()
    return (
        DocumentType.objects.filter(valid_from__lte=on)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=on))
        .order_by("name")
    )
