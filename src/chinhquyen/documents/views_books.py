"""Pages of the registration books (sổ đăng ký): list, configure, reserve/cancel numbers, close,
open next year's books, and print a book (Appendix IV columns) as PDF or .xlsx.

Every change is a ``services.numbering`` call (audited there); the printed book is built from
the documents of the book in a date range: incoming book (sổ đăng ký văn bản đến), outgoing
book (sổ đăng ký văn bản đi) and the follow-up book (sổ theo dõi giải quyết văn bản đến).
"""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Min, Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from chinhquyen.accounts.scopes import ALL, organisation_scope
from chinhquyen.core.authz import access_object
from chinhquyen.directory.models import Organisation
from chinhquyen.directory.views import staff_required
from chinhquyen.documents.choices import AssignmentRole, BookDirection
from chinhquyen.documents.errors import DocumentError
from chinhquyen.documents.forms_incoming import BookForm, CancelForm, PrintForm, ReserveForm
from chinhquyen.documents.models import (
    Assignment,
    IncomingDocument,
    OutgoingDocument,
    RegistrationBook,
)
from chinhquyen.documents.services import numbering
from chinhquyen.documents.services.access import holds
from chinhquyen.dossiers.services.access import bilingual

NUMBER_LINES_SHOWN = 500


def _organisations(user, perm: str):
    scope = organisation_scope(user, perm)
    if scope is ALL:
        return Organisation.objects.order_by("path")
    return Organisation.objects.filter(path__in=list(scope or ())).order_by("path")


def _error(request, exc: DocumentError, book=None):
    return render(
        request, "documents/books/error.html", {"error": exc, "book": book}, status=exc.status
    )


@staff_required
def books(request):
    """An organisation's books of a year (only organisations in the user's scope)."""
    organisations = list(_organisations(request.user, "documents.view_registrationbook"))
    if not organisations:
        raise PermissionDenied
    chosen = next((o for o in organisations if str(o.pk) == request.GET.get("org")), None)
    chosen = chosen or organisations[0]
    try:
        year = int(request.GET.get("year") or numbering.local_year())
    except ValueError:
        year = numbering.local_year()
    listed = (
        numbering.books_visible_to(request.user)
        .filter(organisation=chosen, year=year)
        .prefetch_related("document_types")
        .order_by("direction", "is_secret", "name")
    )
    years = sorted(
        set(RegistrationBook.objects.filter(organisation=chosen).values_list("year", flat=True))
        | {numbering.local_year()},
        reverse=True,
    )
    return render(
        request,
        "documents/books/list.html",
        {
            "books": list(listed),
            "organisations": organisations,
            "chosen": chosen,
            "year": year,
            "years": years,
            "next_year": numbering.local_year() + 1,
            "may_add": holds(request.user, numbering.ADD_PERMISSION, chosen),
        },
    )


@staff_required
@require_POST
def books_open_year(request):
    """Open the current or next year's books of an organisation."""
    organisations = list(_organisations(request.user, numbering.ADD_PERMISSION))
    chosen = next((o for o in organisations if str(o.pk) == request.POST.get("org")), None)
    if chosen is None:
        raise PermissionDenied
    try:
        year = int(request.POST.get("year", ""))
    except ValueError:
        year = numbering.local_year() + 1
    try:
        numbering.open_next_year(chosen, acting_user=request.user, year=year)
    except DocumentError as exc:
        return _error(request, exc)
    messages.success(request, bilingual(_("The books of %(year)s are open."), year=year))
    return redirect(f"{reverse('documents:books')}?org={chosen.pk}&year={year}")


def _settings(form: BookForm) -> numbering.BookSettings:
    data = form.cleaned_data
    return numbering.BookSettings(
        direction=data["direction"],
        code=data["code"],
        name=data["name"],
        is_secret=data["is_secret"],
        document_types=list(data["document_types"]),
    )


@staff_required
def book_new(request):
    organisations = list(_organisations(request.user, numbering.ADD_PERMISSION))
    if not organisations:
        raise PermissionDenied
    org_id = request.POST.get("org") or request.GET.get("org")
    chosen = next((o for o in organisations if str(o.pk) == str(org_id)), organisations[0])
    try:
        year = int(request.POST.get("year") or request.GET.get("year") or numbering.local_year())
    except ValueError:
        year = numbering.local_year()  # a mistyped year in the address: this year's book
    form = BookForm(request.POST or None, types=numbering.types_in_force())
    context = {"form": form, "organisations": organisations, "chosen": chosen, "year": year}
    if request.method != "POST":
        return render(request, "documents/books/form.html", context)
    if not form.is_valid():
        return render(request, "documents/books/form.html", context, status=400)
    try:
        book = numbering.create_book(
            chosen, year=year, settings=_settings(form), acting_user=request.user
        )
    except DocumentError as exc:
        form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        return render(request, "documents/books/form.html", context, status=exc.status)
    messages.success(request, bilingual(_("The book “%(book)s” was added."), book=book.name))
    return redirect("documents:book", book.pk)


def _book_context(request, book, **forms):
    may_manage = holds(request.user, numbering.MANAGE_PERMISSION, book.organisation)
    context = {
        "book": book,
        "lines": numbering.number_lines(book, limit=NUMBER_LINES_SHOWN),
        "shown_limit": NUMBER_LINES_SHOWN,
        "may_manage": may_manage,
        "reserve_form": forms.get("reserve_form") or ReserveForm(),
        "cancel_form": forms.get("cancel_form") or CancelForm(),
        "print_form": forms.get("print_form")
        or PrintForm(
            initial={
                "start": datetime.date(book.year, 1, 1),
                "end": min(timezone.localdate(), datetime.date(book.year, 12, 31)),
            }
        ),
        "edit_form": forms.get("edit_form")
        or BookForm(
            types=numbering.types_in_force(),
            initial={
                "direction": book.direction,
                "code": book.code,
                "name": book.name,
                "is_secret": book.is_secret,
                "document_types": list(book.document_types.all()),
            },
        ),
    }
    return context


@staff_required
def book(request, pk: int):
    """A book: its settings and every number with its state (used, reserved, cancelled)."""
    found = access_object(RegistrationBook.objects.select_related("organisation"), request.user, pk)
    return render(request, "documents/books/detail.html", _book_context(request, found))


@staff_required
@require_POST
def book_action(request, pk: int):
    """Reserve numbers, cancel a reserved number, close/open the book or change its settings."""
    found = access_object(
        RegistrationBook.objects.select_related("organisation"), request.user, pk, "change"
    )
    action = request.POST.get("action")
    try:
        if action == "reserve":
            form = ReserveForm(request.POST)
            if not form.is_valid():
                context = _book_context(request, found, reserve_form=form)
                return render(request, "documents/books/detail.html", context, status=400)
            rows = numbering.reserve_numbers(
                found,
                form.cleaned_data["count"],
                reason=form.cleaned_data["reason"],
                acting_user=request.user,
            )
            done = bilingual(
                _("Reserved: %(numbers)s."), numbers=", ".join(str(r.number) for r in rows)
            )
        elif action == "cancel":
            form = CancelForm(request.POST)
            if not form.is_valid():
                context = _book_context(request, found, cancel_form=form)
                return render(request, "documents/books/detail.html", context, status=400)
            try:
                numbering.cancel_number(
                    found,
                    form.cleaned_data["number"],
                    reason=form.cleaned_data["reason"],
                    acting_user=request.user,
                )
            except DocumentError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
                context = _book_context(request, found, cancel_form=form)
                return render(request, "documents/books/detail.html", context, status=exc.status)
            done = bilingual(
                _("Number %(number)s was cancelled."), number=form.cleaned_data["number"]
            )
        elif action in ("close", "open"):
            numbering.set_book_open(
                found,
                is_open=action == "open",
                acting_user=request.user,
                reason=request.POST.get("reason", "")[:300],
            )
            done = bilingual(
                _("The book is open.") if action == "open" else _("The book is closed.")
            )
        elif action == "edit":
            post = request.POST.copy()
            post["direction"] = found.direction
            form = BookForm(post, types=numbering.types_in_force())
            if not form.is_valid():
                context = _book_context(request, found, edit_form=form)
                return render(request, "documents/books/detail.html", context, status=400)
            try:
                numbering.update_book(found, settings=_settings(form), acting_user=request.user)
            except DocumentError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
                context = _book_context(request, found, edit_form=form)
                return render(request, "documents/books/detail.html", context, status=exc.status)
            done = bilingual(_("The book was changed."))
        else:
            raise Http404
    except DocumentError as exc:
        return _error(request, exc, found)
    messages.success(request, done)
    return redirect("documents:book", found.pk)


# --- The printed book (Appendix IV) ---------------------------------------------------------


@dataclass(frozen=True)
class PrintedBook:
    title: str
    columns: list[str]
    rows: list[list[str]]
    landscape: bool = True


def _d(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).strftime("%d/%m/%Y")
    return value.strftime("%d/%m/%Y")


def _range(start: datetime.date, end: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    tz = timezone.get_current_timezone()
    return (
        datetime.datetime.combine(start, datetime.time.min, tzinfo=tz),
        datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz),
    )


def _incoming_rows(book, start, end):
    low, high = _range(start, end)
    return (
        IncomingDocument.objects.filter(book=book, arrived_at__gte=low, arrived_at__lt=high)
        .select_related("document_type")
        .annotate(transferred=Min("assignments__assigned_at"))
        .prefetch_related(
            Prefetch(
                "assignments",
                queryset=Assignment.objects.filter(parent__isnull=True).select_related(
                    "unit", "assignee"
                ),
                to_attr="top_assignments",
            ),
            Prefetch(
                "replies",
                queryset=OutgoingDocument.objects.filter(number__isnull=False),
                to_attr="numbered_replies",
            ),
        )
        .order_by("arrival_number")
    )


def _receivers(doc) -> str:
    names = [
        str(a.assignee or a.unit)
        for a in doc.top_assignments
        if a.role in (AssignmentRole.LEAD, AssignmentRole.COOPERATE)
    ]
    return "; ".join(names) or doc.to_places


def printed_book(book: RegistrationBook, kind: str, start, end) -> PrintedBook:
    """The rows of ``book`` between ``start`` and ``end`` (local dates) with Appendix IV columns."""
    if book.direction == BookDirection.INCOMING and kind == "followup":
        rows = [
            [
                str(doc.arrival_number),
                f"{doc.document_type.name} {doc.code}, {_d(doc.issued_date)}, {doc.issuer_name}",
                _receivers(doc),
                _d(doc.due_date),
                doc.get_status_display(),
                "; ".join(reply.code for reply in doc.numbered_replies),
                doc.description,
            ]
            for doc in _incoming_rows(book, start, end)
        ]
        columns = [
            "Số đến",
            "Tên loại, số, ký hiệu, ngày tháng và tác giả văn bản",
            "Đơn vị, người nhận",
            "Thời hạn giải quyết",
            "Tiến độ giải quyết",
            "Số, ký hiệu văn bản trả lời",
            "Ghi chú",
        ]
        return PrintedBook("SỔ THEO DÕI GIẢI QUYẾT VĂN BẢN ĐẾN", columns, rows)
    if book.direction == BookDirection.INCOMING:
        rows = [
            [
                _d(doc.arrived_at),
                str(doc.arrival_number),
                doc.issuer_name,
                doc.code,
                _d(doc.issued_date),
                f"{doc.document_type.name}: {doc.subject}",
                _receivers(doc),
                _d(doc.transferred),
                "",
                doc.description,
            ]
            for doc in _incoming_rows(book, start, end)
        ]
        columns = [
            "Ngày đến",
            "Số đến",
            "Tác giả",
            "Số, ký hiệu",
            "Ngày tháng",
            "Tên loại và trích yếu nội dung",
            "Đơn vị hoặc người nhận",
            "Ngày chuyển",
            "Ký nhận",
            "Ghi chú",
        ]
        return PrintedBook("SỔ ĐĂNG KÝ VĂN BẢN ĐẾN", columns, rows)
    low, high = _range(start, end)
    documents = (
        OutgoingDocument.objects.filter(book=book, numbered_at__gte=low, numbered_at__lt=high)
        .select_related("document_type", "drafting_unit", "signer")
        .prefetch_related("recipients")
        .order_by("number")
    )
    rows = [
        [
            doc.code,
            _d(doc.numbered_at),
            f"{doc.document_type.name}: {doc.subject}",
            " ".join(p for p in (doc.signer_competence, doc.signer_name) if p)
            or (doc.signer.full_name if doc.signer else ""),
            "; ".join(r.name for r in doc.recipients.all()),
            doc.drafting_unit.name,
            str(doc.copies),
            _d(doc.issued_at),
            "",
            doc.description,
        ]
        for doc in documents
    ]
    columns = [
        "Số, ký hiệu văn bản",
        "Ngày tháng văn bản",
        "Tên loại và trích yếu nội dung",
        "Người ký",
        "Nơi nhận văn bản",
        "Đơn vị, người nhận bản lưu",
        "Số lượng bản",
        "Ngày chuyển",
        "Ký nhận",
        "Ghi chú",
    ]
    return PrintedBook("SỔ ĐĂNG KÝ VĂN BẢN ĐI", columns, rows)


def render_book_pdf(book: RegistrationBook, printed: PrintedBook, start, end) -> bytes:
    from weasyprint import HTML

    with translation.override("vi"):
        html = render_to_string(
            "documents/books/print.html",
            {"book": book, "printed": printed, "start": start, "end": end},
        )
    return HTML(string=html).write_pdf()


def render_book_xlsx(book: RegistrationBook, printed: PrintedBook, start, end) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = printed.title[:31]
    font = Font(name="Times New Roman", size=12)
    bold = Font(name="Times New Roman", size=12, bold=True)
    thin = Side(style="thin")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    sheet.append([book.organisation.name])
    sheet.append([f"{printed.title} — {book.name} ({book.year})"])
    sheet.append([f"Từ ngày {_d(start)} đến ngày {_d(end)}"])
    sheet.append([])
    sheet.append(printed.columns)
    for row in printed.rows:
        sheet.append(row)
    for row in sheet.iter_rows():
        for cell in row:
            cell.font = font
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for cell in sheet[2]:
        cell.font = bold
    header_row = 5
    for cell in sheet[header_row]:
        cell.font = bold
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
    for row in sheet.iter_rows(min_row=header_row, max_row=sheet.max_row):
        for cell in row:
            cell.border = box
    for index, title in enumerate(printed.columns, start=1):
        wide = 40 if "trích yếu" in title or "tác giả văn bản" in title else 16
        sheet.column_dimensions[get_column_letter(index)].width = wide
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.print_title_rows = f"{header_row}:{header_row}"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@staff_required
def book_print(request, pk: int):
    """The book for a date range as PDF (to print, sign and bind) or .xlsx."""
    found = access_object(RegistrationBook.objects.select_related("organisation"), request.user, pk)
    form = PrintForm(request.GET)
    if not form.is_valid():
        context = _book_context(request, found, print_form=form)
        return render(request, "documents/books/detail.html", context, status=400)
    data = form.cleaned_data
    kind = data["book_kind"]
    if kind == "followup" and found.direction != BookDirection.INCOMING:
        form.add_error("book_kind", bilingual(_("The follow-up book is kept for incoming books.")))
        context = _book_context(request, found, print_form=form)
        return render(request, "documents/books/detail.html", context, status=400)
    printed = printed_book(found, kind, data["start"], data["end"])
    stem = f"{found.code}-{found.year}-{kind}-{data['start']:%Y%m%d}-{data['end']:%Y%m%d}"
    if data["file_format"] == "xlsx":
        content = render_book_xlsx(found, printed, data["start"], data["end"])
        response = HttpResponse(
            content,
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="{stem}.xlsx"'
    else:
        content = render_book_pdf(found, printed, data["start"], data["end"])
        response = HttpResponse(content, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="{stem}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response
