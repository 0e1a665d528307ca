"""Pages of incoming documents: the queue, the register form, the document page with its
timeline, accept/return of electronic documents, and the file download of any document.

Thin: lists go through ``services.access.incoming_visible``, details through
``access_incoming``/``access_outgoing``, changes through ``services.incoming``. A refusal
re-shows the form with bilingual messages (400), a wrong state is a 409 page.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from chinhquyen.accounts.scopes import ALL, organisation_scope
from chinhquyen.audit.services import log_action
from chinhquyen.directory.models import Organisation
from chinhquyen.directory.views import staff_required
from chinhquyen.documents.choices import IncomingStatus, Urgency
from chinhquyen.documents.errors import DocumentError
from chinhquyen.documents.forms_incoming import AcceptForm, IncomingForm, ReturnForm
from chinhquyen.documents.models import DocumentFile
from chinhquyen.documents.services import incoming as service
from chinhquyen.documents.services.access import (
    access_incoming,
    access_outgoing,
    holds,
    incoming_visible,
)
from chinhquyen.documents.services.numbering import types_in_force
from chinhquyen.dossiers.services.access import bilingual

TABS = {
    "all": (_("All"), None),
    "received": (_("Awaiting registration"), IncomingStatus.RECEIVED),
    "registered": (_("Registered"), IncomingStatus.REGISTERED),
    "assigned": (_("Assigned"), IncomingStatus.ASSIGNED),
    "in_progress": (_("In progress"), IncomingStatus.IN_PROGRESS),
    "completed": (_("Completed"), IncomingStatus.COMPLETED),
    "returned": (_("Returned"), IncomingStatus.RETURNED),
}
OPEN_STATUSES = (
    IncomingStatus.RECEIVED,
    IncomingStatus.REGISTERED,
    IncomingStatus.ASSIGNED,
    IncomingStatus.IN_PROGRESS,
)


def _organisations(user, perm: str):
    scope = organisation_scope(user, perm)
    if scope is ALL:
        return Organisation.objects.order_by("path")
    return Organisation.objects.filter(path__in=list(scope or ())).order_by("path")


def error_page(request, exc: DocumentError, *, document=None):
    return render(
        request,
        "documents/incoming/error.html",
        {"error": exc, "document": document},
        status=exc.status,
    )


def is_overdue(document, today) -> bool:
    return bool(
        document.due_date and document.due_date < today and document.status in OPEN_STATUSES
    )


@staff_required
def incoming_list(request):
    """The incoming queue (sổ văn bản đến on screen), by status tab and organisation."""
    tab = request.GET.get("tab", "all")
    if tab not in TABS:
        tab = "all"
    organisations = list(_organisations(request.user, "documents.view_incomingdocument"))
    org_id = request.GET.get("org", "")
    documents = incoming_visible(request.user).select_related("document_type", "organisation")
    chosen = next((o for o in organisations if str(o.pk) == org_id), None)
    if chosen is not None:
        documents = documents.filter(organisation=chosen)
    status = TABS[tab][1]
    if status:
        documents = documents.filter(status=status)
    query = " ".join(request.GET.get("q", "").split())[:100]
    if query:
        documents = documents.filter(
            Q(subject__icontains=query)
            | Q(issuer_name__icontains=query)
            | Q(notation__icontains=query)
        )
    documents = documents.order_by("-arrived_at", "-pk")
    page = Paginator(documents, 50).get_page(request.GET.get("page"))
    today = timezone.localdate()
    for document in page.object_list:
        document.overdue = is_overdue(document, today)
        document.urgent = document.urgency != Urgency.NORMAL
    may_register = bool(organisation_scope(request.user, service.REGISTER_PERMISSION))
    return render(
        request,
        "documents/incoming/list.html",
        {
            "page": page,
            "tab": tab,
            "tabs": [(key, label) for key, (label, _s) in TABS.items()],
            "organisations": organisations,
            "chosen": chosen,
            "query": query,
            "may_register": may_register,
        },
    )


@staff_required
def incoming_register(request):
    """Register a paper document: metadata and scan; lands on the document page."""
    organisations = list(_organisations(request.user, service.REGISTER_PERMISSION))
    if not organisations:
        raise PermissionDenied
    org_id = request.POST.get("organisation") or request.GET.get("org")
    organisation = next((o for o in organisations if str(o.pk) == str(org_id)), organisations[0])
    form = IncomingForm(request.POST or None, request.FILES or None, types=types_in_force())
    context = {"form": form, "organisations": organisations, "organisation": organisation}
    if request.method != "POST":
        return render(request, "documents/incoming/register.html", context)
    if not form.is_valid():
        return render(request, "documents/incoming/register.html", context, status=400)
    data = dict(form.cleaned_data)
    files = data.pop("files")
    acknowledge = data.pop("acknowledge_duplicate")
    try:
        result = service.register_incoming(
            organisation=organisation,
            metadata=data,
            files=files,
            acting_user=request.user,
            acknowledge_duplicate=acknowledge,
        )
    except service.MetadataInvalid as exc:
        form.add_service_errors(exc.errors)
        return render(request, "documents/incoming/register.html", context, status=exc.status)
    except service.DuplicateSuspected as exc:
        context["duplicates"] = exc.duplicates
        form.add_error(None, exc.message)
        return render(request, "documents/incoming/register.html", context, status=exc.status)
    except DocumentError as exc:
        form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        return render(request, "documents/incoming/register.html", context, status=exc.status)
    document = result.document
    messages.success(
        request,
        bilingual(
            _("Registered with arrival number %(number)s in “%(book)s”."),
            number=document.arrival_number,
            book=document.book.name,
        ),
    )
    for warning in result.warnings:
        messages.warning(request, warning)
    return redirect(document)


def _detail_context(request, document):
    may_change = holds(request.user, service.CHANGE_PERMISSION, document.organisation)
    closed = (IncomingStatus.RECEIVED, IncomingStatus.RETURNED, IncomingStatus.RECALLED)
    return {
        "may_update": may_change and document.status not in closed,
        "document": document,
        "files": list(document.files.all()),
        "events": list(document.events.select_related("actor")),
        "may_act": may_change and document.status == IncomingStatus.RECEIVED,
        "overdue": is_overdue(document, timezone.localdate()),
        "accept_form": AcceptForm(
            initial={
                "to_places": document.to_places,
                "due_date": document.due_date,
                "description": document.description,
            }
        ),
        "return_form": ReturnForm(),
        "update_form": AcceptForm(
            prefix="update",
            initial={
                "to_places": document.to_places,
                "due_date": document.due_date,
                "description": document.description,
            },
        ),
    }


@staff_required
def incoming(request, pk: int):
    """All metadata, files, the timeline, the "ĐẾN" stamp and the assignment block."""
    document = access_incoming(request.user, pk)
    return render(request, "documents/incoming/detail.html", _detail_context(request, document))


@staff_required
@require_POST
def incoming_accept(request, pk: int):
    document = access_incoming(request.user, pk)
    form = AcceptForm(request.POST)
    context = _detail_context(request, document)
    context["accept_form"] = form
    if not form.is_valid():
        return render(request, "documents/incoming/detail.html", context, status=400)
    data = form.cleaned_data
    try:
        result = service.accept_incoming(
            document,
            acting_user=request.user,
            to_places=data["to_places"],
            description=data["description"],
            due_date=data["due_date"] or "",
            acknowledge_duplicate=data["acknowledge_duplicate"],
        )
    except service.MetadataInvalid as exc:
        form.add_service_errors(exc.errors)
        return render(request, "documents/incoming/detail.html", context, status=400)
    except service.DuplicateSuspected as exc:
        form.add_error(None, exc.message)
        context["duplicates"] = exc.duplicates
        return render(request, "documents/incoming/detail.html", context, status=400)
    except DocumentError as exc:
        return error_page(request, exc, document=document)
    messages.success(
        request,
        bilingual(
            _("Registered with arrival number %(number)s; the sender was told."),
            number=result.document.arrival_number,
        ),
    )
    for warning in result.warnings:
        messages.warning(request, warning)
    return redirect(result.document)


@staff_required
@require_POST
def incoming_return(request, pk: int):
    document = access_incoming(request.user, pk)
    form = ReturnForm(request.POST)
    if not form.is_valid():
        context = _detail_context(request, document)
        context["return_form"] = form
        return render(request, "documents/incoming/detail.html", context, status=400)
    try:
        service.return_incoming(
            document, reason=form.cleaned_data["reason"], acting_user=request.user
        )
    except DocumentError as exc:
        return error_page(request, exc, document=document)
    messages.success(request, bilingual(_("The document was returned to its sender.")))
    return redirect(document)


@staff_required
@require_POST
def incoming_update(request, pk: int):
    """Change the receiver-side fields (receiving unit/person, reply due, note)."""
    document = access_incoming(request.user, pk)
    form = AcceptForm(request.POST, prefix="update")
    context = _detail_context(request, document)
    context["update_form"] = form
    if not form.is_valid():
        return render(request, "documents/incoming/detail.html", context, status=400)
    data = form.cleaned_data
    try:
        result = service.update_receiver_fields(
            document,
            acting_user=request.user,
            to_places=data["to_places"],
            description=data["description"],
            due_date=data["due_date"] or "",
        )
    except service.MetadataInvalid as exc:
        form.add_service_errors(exc.errors)
        return render(request, "documents/incoming/detail.html", context, status=400)
    except DocumentError as exc:
        return error_page(request, exc, document=document)
    messages.success(request, bilingual(_("The handling details were saved.")))
    for warning in result.warnings:
        messages.warning(request, warning)
    return redirect(document)


@staff_required
def document_file(request, pk: int):
    """Stream a file of an incoming or outgoing document (``?searchable=1``: its OCR PDF),
    after checking the reader may see the document; never a public media URL."""
    try:
        item = DocumentFile.objects.only("pk", "incoming_id", "outgoing_id").get(pk=pk)
    except DocumentFile.DoesNotExist as exc:
        raise Http404 from exc
    if item.incoming_id:
        access_incoming(request.user, item.incoming_id)
    else:
        access_outgoing(request.user, item.outgoing_id)
    item = DocumentFile.objects.get(pk=pk)
    searchable = request.GET.get("searchable") == "1"
    # Access history (Appendix VI Part I): who read which file of which document, when.
    log_action(
        "documents.read_file",
        target=item,
        actor=request.user,
        details={"searchable": searchable, "sha256": item.sha256},
    )
    stored = item.searchable if searchable else item.file
    if not stored:
        raise Http404
    try:
        handle = stored.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    name = item.name
    if searchable:
        name = name.rsplit(".", 1)[0] + "-ocr.pdf"
    response = FileResponse(
        handle,
        as_attachment=request.GET.get("download") == "1",
        filename=name,
        content_type="application/pdf" if searchable else item.content_type,
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
