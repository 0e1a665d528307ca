"""Registration books (sổ đăng ký) and their numbers (Decree 30/2020 Arts. 15, 16, 22).

Numbers of a book start at 1 each calendar year and follow the order of issue (outgoing) or of
receipt (incoming). Every number taken is a ``BookNumber`` row — used by a document, reserved
(giữ số) or cancelled (hủy số) — so none is reused and none skipped, also under concurrent clerks:
the increment is one ``UPDATE … SET last_number = last_number + 1`` which holds the book's row
lock (PostgreSQL) or the database write lock (SQLite) until the transaction ends, so the second
clerk waits and reads the first one's number. A rolled-back transaction gives its number back
with it, which is what "never skip" needs.

Books are configured per organisation and year (``create_book``, ``update_book``), closed
(``close_book``) and opened for the next year from the current set (``open_year_books``). Each
change is audited (``log_action``) in the transaction that makes it.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chinhquyen.audit.services import audited_atomic, log_action
from chinhquyen.documents.choices import BookDirection, NumberState
from chinhquyen.documents.errors import InvalidTransition, NumberingError
from chinhquyen.documents.models import (
    BookNumber,
    DocumentType,
    IncomingDocument,
    OutgoingDocument,
    RegistrationBook,
)

MANAGE_PERMISSION = "documents.change_registrationbook"
ADD_PERMISSION = "documents.add_registrationbook"
MAX_RESERVE = 100
CODE_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

DEFAULT_BOOKS = (
    (BookDirection.INCOMING, "den", "Sổ đăng ký văn bản đến", False),
    (BookDirection.OUTGOING, "di", "Sổ đăng ký văn bản đi", False),
    (BookDirection.INCOMING, "den-mat", "Sổ đăng ký văn bản đến (mật)", True),
    (BookDirection.OUTGOING, "di-mat", "Sổ đăng ký văn bản đi (mật)", True),
)


def local_year(moment: datetime.datetime | None = None) -> int:
    return timezone.localtime(moment or timezone.now()).year


def _require(user, perm: str, organisation) -> None:
    """PermissionDenied unless ``user`` holds ``perm`` for ``organisation`` (None: system)."""
    if user is None:
        return
    from chinhquyen.documents.services.access import holds

    if not holds(user, perm, organisation):
        raise PermissionDenied


def books_visible_to(user):
    """The books ``user`` may see (their organisations' clerks and leaders)."""
    return RegistrationBook.objects.restrict(user, "view")


# --- Opening, configuring and closing books ---------------------------------------------------


def open_year_books(organisation, year: int, *, acting_user=None) -> list[RegistrationBook]:
    """The organisation's books for ``year``, opened from the previous year's set when none.

    The previous year's books are copied (code, name, direction, types, secret flag; also a
    book closed at the end of that year — closing at year end is the normal case). A new
    organisation gets one incoming and one outgoing book, and one of each for secret documents
    (Art. 15(2)). Numbers start again at 1.
    """
    books = list(RegistrationBook.objects.filter(organisation=organisation, year=year))
    if books:
        return books
    with audited_atomic():
        # Lock the organisation row so two clerks opening the year do not both create books.
        type(organisation).objects.select_for_update().filter(pk=organisation.pk).first()
        books = list(RegistrationBook.objects.filter(organisation=organisation, year=year))
        if books:
            return books
        previous = list(
            RegistrationBook.objects.filter(organisation=organisation, year=year - 1)
            .prefetch_related("document_types")
            .order_by("pk")
        )
        specs = [
            (book.direction, book.code, book.name, book.is_secret, list(book.document_types.all()))
            for book in previous
        ] or [(*spec, []) for spec in DEFAULT_BOOKS]
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


def open_next_year(organisation, *, acting_user, year: int | None = None) -> list[RegistrationBook]:
    """Open next year's books (mở sổ năm sau) now, from this year's set.

    Refused when that year already has books (``InvalidTransition``).
    """
    _require(acting_user, ADD_PERMISSION, organisation)
    year = year or local_year() + 1
    if RegistrationBook.objects.filter(organisation=organisation, year=year).exists():
        raise InvalidTransition(
            _("The books of %(year)s are already open."), code="year_open", year=year
        )
    return open_year_books(organisation, year, acting_user=acting_user)


@dataclass
class BookSettings:
    """What a clerk configures on a book (validated by ``_check_settings``)."""

    direction: str
    code: str
    name: str
    is_secret: bool = False
    document_types: Iterable[DocumentType] = ()


def _check_settings(organisation, year: int, settings: BookSettings, *, book=None) -> list:
    if settings.direction not in BookDirection.values:
        raise NumberingError(
            _("Choose incoming or outgoing."), code="bad_direction", field="direction"
        )
    code = (settings.code or "").strip()
    if not CODE_RE.fullmatch(code) or len(code) > 40:
        raise NumberingError(
            _("The code is lower-case letters, digits and hyphens (e.g. “di-qd”), 40 at most."),
            code="bad_code",
            field="code",
        )
    if not (settings.name or "").strip() or len(settings.name) > 200:
        raise NumberingError(
            _("Give the book a name (200 characters at most)."), code="bad_name", field="name"
        )
    types = list(settings.document_types or ())
    if types and settings.direction != BookDirection.OUTGOING:
        raise NumberingError(
            _("Only outgoing books are kept by document type; incoming books take every type."),
            code="types_on_incoming",
            field="document_types",
        )
    same = RegistrationBook.objects.filter(
        organisation=organisation, year=year, direction=settings.direction
    )
    if book is not None:
        same = same.exclude(pk=book.pk)
    if same.filter(code=code).exists():
        raise NumberingError(
            _("Another book of %(year)s already has this code."),
            code="duplicate_code",
            field="code",
            year=year,
        )
    if types:
        overlap = (
            same.filter(is_secret=settings.is_secret, is_active=True, document_types__in=types)
            .values_list("document_types__name", flat=True)
            .distinct()
        )
        taken = sorted(set(overlap))
        if taken:
            raise NumberingError(
                _("These types already have an open book this year: %(types)s."),
                code="types_taken",
                field="document_types",
                types=", ".join(taken),
            )
    return types


def create_book(
    organisation, *, year: int, settings: BookSettings, acting_user
) -> RegistrationBook:
    """Add a registration book to ``organisation`` for ``year`` (e.g. a book for decisions)."""
    _require(acting_user, ADD_PERMISSION, organisation)
    # The year's standard books first, so an added book never stands in for them.
    open_year_books(organisation, year, acting_user=acting_user)
    types = _check_settings(organisation, year, settings)
    try:
        with audited_atomic():
            book = RegistrationBook.objects.create(
                organisation=organisation,
                year=year,
                direction=settings.direction,
                code=settings.code.strip(),
                name=settings.name.strip(),
                is_secret=settings.is_secret,
            )
            if types:
                book.document_types.set(types)
            log_action(
                "documents.create_book",
                target=book,
                actor=acting_user,
                details={"year": year, "types": [t.code for t in types]},
            )
    except IntegrityError as exc:  # a concurrent clerk created the same code just now
        raise NumberingError(
            _("Another book of %(year)s already has this code."),
            code="duplicate_code",
            field="code",
            year=year,
        ) from exc
    return book


def update_book(book: RegistrationBook, *, settings: BookSettings, acting_user) -> RegistrationBook:
    """Change a book's name, code, types or secret flag; its direction and numbers stay.

    Once a number was taken the secret flag no longer changes (the series would mix).
    """
    _require(acting_user, MANAGE_PERMISSION, book.organisation)
    settings.direction = book.direction
    types = _check_settings(book.organisation, book.year, settings, book=book)
    with audited_atomic():
        locked = RegistrationBook.objects.select_for_update().get(pk=book.pk)
        if locked.last_number and locked.is_secret != settings.is_secret:
            raise InvalidTransition(
                _("Numbers were already taken from this book: its secret flag cannot change."),
                code="secret_flag_locked",
            )
        before = {
            "code": locked.code,
            "name": locked.name,
            "is_secret": locked.is_secret,
            "types": sorted(locked.document_types.values_list("code", flat=True)),
        }
        locked.code, locked.name = settings.code.strip(), settings.name.strip()
        locked.is_secret = settings.is_secret
        locked.save(update_fields=["code", "name", "is_secret"])
        locked.document_types.set(types)
        log_action(
            "documents.update_book",
            target=locked,
            actor=acting_user,
            before=before,
            after={
                "code": locked.code,
                "name": locked.name,
                "is_secret": locked.is_secret,
                "types": sorted(t.code for t in types),
            },
        )
    return locked


def set_book_open(book: RegistrationBook, *, is_open: bool, acting_user, reason: str = ""):
    """Close a book (khóa sổ: no new number) or open it again."""
    _require(acting_user, MANAGE_PERMISSION, book.organisation)
    with audited_atomic():
        locked = RegistrationBook.objects.select_for_update().get(pk=book.pk)
        if locked.is_active == is_open:
            raise InvalidTransition(
                _("The book is already open.") if is_open else _("The book is already closed."),
                code="book_state",
            )
        locked.is_active = is_open
        locked.save(update_fields=["is_active"])
        log_action(
            "documents.open_book" if is_open else "documents.close_book",
            target=locked,
            actor=acting_user,
            details={"last_number": locked.last_number, "reason": reason},
        )
    book.is_active = is_open
    return locked


def close_book(book: RegistrationBook, *, acting_user, reason: str = "") -> RegistrationBook:
    return set_book_open(book, is_open=False, acting_user=acting_user, reason=reason)


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
        typed = (
            candidates.filter(
                Q(document_types=document_type) | Q(document_types__code=document_type.code)
            )
            .order_by("pk")
            .first()
        )
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


# --- Numbers --------------------------------------------------------------------------------


def _closed(book: RegistrationBook) -> NumberingError:
    return NumberingError(_("The book “%(book)s” is closed."), code="book_closed", book=book.name)


def _check_open(book: RegistrationBook) -> None:
    if not book.is_active:
        raise _closed(book)


def _next_number(book: RegistrationBook) -> int:
    # The UPDATE takes the book's row lock until the end of the caller's transaction: a second
    # clerk's UPDATE waits here, then increments the committed value (READ COMMITTED re-reads
    # the row), so numbers come out in commit order without gaps.
    updated = RegistrationBook.objects.filter(pk=book.pk, is_active=True).update(
        last_number=F("last_number") + 1
    )
    if not updated:
        raise _closed(book)
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
    _require(acting_user, MANAGE_PERMISSION, book.organisation)
    if not 1 <= count <= MAX_RESERVE:
        raise NumberingError(
            _("Reserve between 1 and %(max)s numbers."),
            code="bad_count",
            field="count",
            max=MAX_RESERVE,
        )
    if not reason.strip():
        raise NumberingError(
            _("Say why the numbers are reserved."), code="reason_required", field="reason"
        )
    with audited_atomic():
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


def outside_book(book: RegistrationBook, number) -> NumberingError:
    return NumberingError(
        _("Number %(number)s is outside the book “%(book)s” (1 to %(last)s)."),
        code="number_outside_book",
        field="number",
        number=number,
        book=book.name,
        last=book.last_number,
    )


def _locked_number(book: RegistrationBook, number: int) -> BookNumber:
    if not isinstance(number, int) or number < 1 or number > book.last_number:
        raise outside_book(book, number)
    row = BookNumber.objects.select_for_update().filter(book=book, number=number).first()
    if row is None:  # pragma: no cover - every number up to last_number has a row
        raise outside_book(book, number)
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
        log_action(
            "documents.use_reserved_number",
            target=book,
            actor=acting_user,
            details={"number": number},
        )
    return row


def cancel_number(book: RegistrationBook, number: int, *, reason: str, acting_user) -> BookNumber:
    """Cancel a reserved number (hủy số): it stays in the book as cancelled, never reused.

    A number used by a document is not cancelled here: the document is recalled or replaced.
    """
    _require(acting_user, MANAGE_PERMISSION, book.organisation)
    if not reason.strip():
        raise NumberingError(
            _("Say why the number is cancelled."), code="reason_required", field="reason"
        )
    with audited_atomic():
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


@dataclass(frozen=True)
class NumberLine:
    """One number of a book and what it is now (for the book page)."""

    row: BookNumber
    document: IncomingDocument | OutgoingDocument | None


def number_lines(book: RegistrationBook, *, limit: int | None = None) -> list[NumberLine]:
    """Every number of ``book`` (newest first) with the document holding it, if any."""
    rows = list(
        BookNumber.objects.filter(book=book)
        .select_related("taken_by", "changed_by")
        .order_by("-number")[:limit]
    )
    numbers = [row.number for row in rows]
    if book.direction == BookDirection.INCOMING:
        held = {
            doc.arrival_number: doc
            for doc in IncomingDocument.objects.filter(book=book, arrival_number__in=numbers)
        }
    else:
        held = {
            doc.number: doc
            for doc in OutgoingDocument.objects.filter(book=book, number__in=numbers)
        }
    return [NumberLine(row=row, document=held.get(row.number)) for row in rows]


def check_gap_free(book: RegistrationBook) -> bool:
    """Numbers 1…last_number each have exactly one row (the invariant the tests assert)."""
    numbers = list(
        BookNumber.objects.filter(book=book).order_by("number").values_list("number", flat=True)
    )
    book.refresh_from_db(fields=["last_number"])
    return numbers == list(range(1, book.last_number + 1))


# --- Document types -------------------------------------------------------------------------


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
