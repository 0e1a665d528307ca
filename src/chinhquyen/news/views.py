"""Pages of the information portal.

Public (no sign-in, GET, bounded queries): news and announcements list and article, legal
documents list and page, the files (image, PDF) streamed by views, and the RSS feeds
(``feeds.py``). Back office (staff holding the news permissions for some agency): writing,
the publish workflow, and legal documents. Every change goes through ``news.services``.
"""

from __future__ import annotations

import functools

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from chinhquyen.core.authz import access_object
from chinhquyen.news import services
from chinhquyen.news.choices import ArticleStatus
from chinhquyen.news.exceptions import InvalidTransition
from chinhquyen.news.forms import (
    ArticleFilterForm,
    ArticleForm,
    DocumentForm,
    DocumentSearchForm,
    NoteForm,
    PublishForm,
)
from chinhquyen.news.models import Article, LegalDocument

PAGE_SIZE = 10
DOCUMENT_PAGE_SIZE = 20
MANAGE_PAGE_SIZE = 30
YEARS_SHOWN = 30


def _page_params(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def _errors_into(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


# --- Public: news and announcements -----------------------------------------------------


@require_GET
def article_list(request):
    form = ArticleFilterForm(request.GET or None)
    articles = Article.objects.public().select_related("organisation")
    status = 200
    if form.is_bound and not form.is_valid():
        status = 400
        articles = articles.none()
    elif form.is_bound:
        if form.cleaned_data["category"]:
            articles = articles.filter(category=form.cleaned_data["category"])
        if form.cleaned_data["agency"]:
            articles = articles.filter(organisation=form.cleaned_data["agency"])
    page = Paginator(articles, PAGE_SIZE).get_page(request.GET.get("page"))
    category = form.cleaned_data.get("category", "") if form.is_bound and status == 200 else ""
    agency = form.cleaned_data.get("agency") if form.is_bound and status == 200 else None
    return render(
        request,
        "news/list.html",
        {
            "form": form,
            "page": page,
            "params": _page_params(request),
            "category": category,
            "agency": agency,
        },
        status=status,
    )


@require_GET
def article(request, pk: int):
    item = get_object_or_404(Article.objects.public().select_related("organisation"), pk=pk)
    return render(request, "news/article.html", {"article": item})


@require_GET
def article_image(request, pk: int):
    """A public article's image; staff who may see the article get it before publication."""
    item = Article.objects.public().filter(pk=pk).first()
    public = item is not None
    if item is None and request.user.is_authenticated:
        item = Article.objects.restrict(request.user, "view").filter(pk=pk).first()
    if item is None or not item.image:
        raise Http404
    try:
        handle = item.image.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(handle, content_type=item.image_type or "application/octet-stream")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "public, max-age=3600" if public else "private, no-store"
    return response


# --- Public: legal documents ------------------------------------------------------------


def _document_form(request) -> DocumentSearchForm:
    public = LegalDocument.objects.filter(is_public=True)
    issuers = list(
        public.order_by("issuing_body").values_list("issuing_body", flat=True).distinct()
    )
    years = sorted({d.year for d in public.dates("issue_date", "year")}, reverse=True)[:YEARS_SHOWN]
    return DocumentSearchForm(request.GET or None, issuers=issuers, years=years)


@require_GET
def document_list(request):
    form = _document_form(request)
    status = 200
    if form.is_bound and not form.is_valid():
        status = 400
        documents = LegalDocument.objects.none()
    else:
        data = form.cleaned_data if form.is_bound else {}
        documents = services.search_documents(
            query=data.get("q", ""),
            document_type=data.get("type", ""),
            year=data.get("year"),
            issuer=data.get("issuer", ""),
        )
    page = Paginator(documents, DOCUMENT_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "news/documents.html",
        {"form": form, "page": page, "params": _page_params(request)},
        status=status,
    )


@require_GET
def document(request, pk: int):
    item = get_object_or_404(LegalDocument.objects.filter(is_public=True), pk=pk)
    return render(request, "news/document.html", {"document": item})


def _pdf_name(document: LegalDocument) -> str:
    from chinhquyen.procedures.search import fold_words

    return (fold_words(document.number).replace(" ", "-") or "van-ban") + ".pdf"


@require_GET
def document_file(request, pk: int):
    """The PDF, streamed (public documents; staff who may see a hidden one get it too)."""
    item = LegalDocument.objects.filter(is_public=True, pk=pk).first()
    public = item is not None
    if item is None and request.user.is_authenticated:
        item = LegalDocument.objects.restrict(request.user, "view").filter(pk=pk).first()
    if item is None:
        raise Http404
    try:
        handle = item.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(
        handle, content_type="application/pdf", as_attachment=False, filename=_pdf_name(item)
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "public, max-age=3600" if public else "private, no-store"
    return response


# --- Back office ------------------------------------------------------------------------


def staff_permission_required(permission: str):
    """Officials holding ``permission`` for some agency: anonymous → sign-in, others → 403;
    a wrong-state action answers 409."""

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not services.holds(user, permission):
                raise PermissionDenied
            try:
                return view(request, *args, **kwargs)
            except InvalidTransition as exc:
                return render(request, "news/conflict.html", {"message": exc.message}, status=409)

        return wrapper

    return decorator


@staff_permission_required("news.view_article")
@require_GET
def manage(request):
    articles = (
        Article.objects.restrict(request.user, "view")
        .select_related("organisation")
        .order_by("-updated_at", "-pk")
    )
    status_filter = request.GET.get("status", "")
    if status_filter in ArticleStatus.values:
        articles = articles.filter(status=status_filter)
    page = Paginator(articles, MANAGE_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "news/manage.html",
        {
            "page": page,
            "params": _page_params(request),
            "statuses": ArticleStatus.choices,
            "status_filter": status_filter,
            "may_add": services.holds(request.user, "news.add_article"),
        },
    )


@staff_permission_required("news.add_article")
@require_http_methods(["GET", "POST"])
def manage_new(request):
    form = ArticleForm(request.POST or None, request.FILES or None, user=request.user)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = dict(form.cleaned_data)
            try:
                item = services.create_article(acting_user=request.user, **data)
            except ValidationError as exc:
                _errors_into(form, exc)
            else:
                messages.success(request, _("The draft was saved."))
                return redirect("news:manage_article", pk=item.pk)
        status = 400
    return render(request, "news/article_form.html", {"form": form}, status=status)


def _workflow_forms(request, item: Article) -> dict:
    user = request.user
    return {
        "may_edit": item.status in (ArticleStatus.DRAFT, ArticleStatus.UNPUBLISHED)
        and services.may_act(user, "news.change_article", item.organisation),
        "may_submit": item.status in (ArticleStatus.DRAFT, ArticleStatus.UNPUBLISHED)
        and services.may_act(user, "news.change_article", item.organisation),
        "may_publish": item.status == ArticleStatus.SUBMITTED
        and services.may_act(user, "news.publish_article", item.organisation),
        "may_unpublish": item.status == ArticleStatus.PUBLISHED
        and services.may_act(user, "news.publish_article", item.organisation),
    }


@staff_permission_required("news.view_article")
@require_http_methods(["GET", "POST"])
def manage_article(request, pk: int):
    item = access_object(Article.objects.select_related("organisation"), request.user, pk)
    rights = _workflow_forms(request, item)
    initial = {name: getattr(item, name) for name in services.ARTICLE_TEXT_FIELDS}
    status = 200
    if request.method == "POST":
        if not rights["may_edit"]:
            if item.status not in (ArticleStatus.DRAFT, ArticleStatus.UNPUBLISHED):
                raise InvalidTransition(_("Only a draft or an unpublished article can be edited."))
            raise PermissionDenied
        form = ArticleForm(request.POST, request.FILES, user=request.user, editing=True)
        if form.is_valid():
            data = dict(form.cleaned_data)
            image = data.pop("image")
            remove = data.pop("remove_image")
            try:
                services.update_article(
                    item, acting_user=request.user, image=image, remove_image=remove, **data
                )
            except ValidationError as exc:
                _errors_into(form, exc)
            else:
                messages.success(request, _("The changes were saved."))
                return redirect("news:manage_article", pk=item.pk)
        status = 400
    else:
        form = ArticleForm(initial=initial, user=request.user, editing=True)
    return render(
        request,
        "news/manage_article.html",
        {
            "article": item,
            "form": form,
            "publish_form": PublishForm(),
            "note_form": NoteForm(),
            **rights,
        },
        status=status,
    )


@staff_permission_required("news.view_article")
@require_POST
def manage_action(request, pk: int, action: str):
    item = access_object(Article.objects.select_related("organisation"), request.user, pk)
    if action == "submit":
        services.submit_article(item, acting_user=request.user)
        messages.success(request, _("The article was sent for approval."))
    elif action == "publish":
        form = PublishForm(request.POST)
        if not form.is_valid():
            return render(
                request,
                "news/manage_article.html",
                {
                    "article": item,
                    "publish_form": form,
                    "note_form": NoteForm(),
                    **_workflow_forms(request, item),
                },
                status=400,
            )
        try:
            item = services.publish_article(
                item, acting_user=request.user, publish_at=form.cleaned_data["publish_at"]
            )
        except ValidationError as exc:
            _errors_into(form, exc)
            return render(
                request,
                "news/manage_article.html",
                {
                    "article": item,
                    "publish_form": form,
                    "note_form": NoteForm(),
                    **_workflow_forms(request, item),
                },
                status=400,
            )
        messages.success(
            request,
            _("The publication was scheduled.") if item.is_scheduled else _("It was published."),
        )
    elif action in ("return", "unpublish"):
        form = NoteForm(request.POST)
        note = form.cleaned_data["note"] if form.is_valid() else ""
        service = services.return_article if action == "return" else services.unpublish_article
        service(item, acting_user=request.user, note=note)
        messages.success(request, _("Done."))
    else:
        raise Http404
    return redirect("news:manage_article", pk=item.pk)


@staff_permission_required("news.view_legaldocument")
@require_GET
def manage_documents(request):
    documents = (
        LegalDocument.objects.restrict(request.user, "view")
        .select_related("organisation")
        .order_by("-issue_date", "-pk")
    )
    query = request.GET.get("q", "")[:200]
    if query:
        documents = documents & services.search_documents(query=query, public_only=False)
    page = Paginator(documents, MANAGE_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "news/manage_documents.html",
        {
            "page": page,
            "params": _page_params(request),
            "query": query,
            "may_add": services.holds(request.user, "news.add_legaldocument"),
        },
    )


@staff_permission_required("news.add_legaldocument")
@require_http_methods(["GET", "POST"])
def manage_document_new(request):
    form = DocumentForm(request.POST or None, request.FILES or None, user=request.user)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.create_legal_document(acting_user=request.user, **form.cleaned_data)
            except ValidationError as exc:
                _errors_into(form, exc)
            else:
                messages.success(request, _("The document was saved."))
                return redirect("news:manage_documents")
        status = 400
    return render(request, "news/document_form.html", {"form": form}, status=status)


@staff_permission_required("news.view_legaldocument")
@require_http_methods(["GET", "POST"])
def manage_document(request, pk: int):
    item = access_object(LegalDocument.objects.select_related("organisation"), request.user, pk)
    status = 200
    if request.method == "POST":
        access_object(LegalDocument.objects.all(), request.user, pk, "change")
        form = DocumentForm(request.POST, request.FILES, user=request.user, document=item)
        if form.is_valid():
            data = dict(form.cleaned_data)
            file = data.pop("file")
            try:
                services.update_legal_document(item, acting_user=request.user, file=file, **data)
            except ValidationError as exc:
                _errors_into(form, exc)
            else:
                messages.success(request, _("The changes were saved."))
                return redirect("news:manage_documents")
        status = 400
    else:
        form = DocumentForm(
            initial={name: getattr(item, name) for name in services.DOCUMENT_FIELDS},
            user=request.user,
            document=item,
        )
    return render(
        request,
        "news/document_form.html",
        {
            "form": form,
            "document": item,
            "may_delete": services.may_act(
                request.user, "news.delete_legaldocument", item.organisation
            ),
        },
        status=status,
    )


@staff_permission_required("news.delete_legaldocument")
@require_POST
def manage_document_delete(request, pk: int):
    item = access_object(LegalDocument.objects.all(), request.user, pk, "delete")
    services.delete_legal_document(item, acting_user=request.user)
    messages.success(request, _("The document was removed."))
    return redirect("news:manage_documents")
