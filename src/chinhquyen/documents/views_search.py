"""Document search page (tra cứu văn bản): a GET form, results newest first, 20 a page."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.views.decorators.http import require_GET

from chinhquyen.accounts.scopes import organisation_scope
from chinhquyen.directory.views import staff_required
from chinhquyen.documents.forms_search import DocumentSearchForm
from chinhquyen.documents.services.search import search_documents

VIEW_PERMISSIONS = ("documents.view_incomingdocument", "documents.view_outgoingdocument")


def _may_search(user) -> bool:
    # Holders of a documents view permission somewhere; a person named on a document (an
    # assignee, a reviewer) also holds it for their unit through their role.
    return any(organisation_scope(user, perm) for perm in VIEW_PERMISSIONS)


@staff_required
@require_GET
def search(request):
    if not _may_search(request.user):
        raise PermissionDenied
    form = DocumentSearchForm(request.GET or None, user=request.user)
    page = None
    status = 200
    if form.is_bound and not form.is_valid():
        status = 400
    else:
        data = form.cleaned_data if form.is_bound else {}
        try:
            number = int(request.GET.get("page", 1))
        except ValueError:
            number = 1
        page = search_documents(
            request.user,
            query=data.get("q") or "",
            kind=data.get("kind") or "all",
            book=data["book"].pk if data.get("book") else None,
            document_type=data.get("document_type") or "",
            issuer=data["issuer"].pk if data.get("issuer") else None,
            organisation=data["organisation"].pk if data.get("organisation") else None,
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            status=data.get("status") or "",
            page=number,
        )
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "documents/search/search.html",
        {"form": form, "page": page, "params": params.urlencode()},
        status=status,
    )
