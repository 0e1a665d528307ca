"""Business rules of the information portal: the news publish workflow and legal documents.

Every function takes keyword-only arguments and ``acting_user`` (None = the system, for demo
data and commands), runs in one transaction, checks that the user holds the permission for the
article's or document's agency (its role's organisation subtree), and records the call with
``audit.services.log_action``. A wrong-state action raises ``InvalidTransition`` (→ 409), a
missing permission ``PermissionDenied`` (→ 403), bad input ``ValidationError`` (→ 400).

Workflow::

    draft ──submit──▶ submitted ──publish (approver)──▶ published ──unpublish──▶ unpublished
      ▲                  │                                                          │
      └──return (approver)┘            unpublished ──edit/submit again──────────────┘

Only drafts and unpublished articles are edited (an approver returns a submitted one to
draft for changes). ``publish_at`` may be in the future: the article then appears at that time
(``Article.objects.public()`` compares it with the clock; nothing has to run).
"""

from __future__ import annotations

import datetime
import hashlib

import markdown
import nh3
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F, Q, QuerySet, Window
from django.db.models.functions import RowNumber
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chinhquyen.accounts.scopes import ALL, organisation_scope
from chinhquyen.audit.services import log_action
from chinhquyen.dossiers.services.access import bilingual
from chinhquyen.news.choices import ArticleStatus, Category
from chinhquyen.news.exceptions import FileRefused, InvalidTransition
from chinhquyen.news.models import Article, LegalDocument
from chinhquyen.procedures.search import fold_words, padded

IMAGE_MAX_BYTES = 2 * 1024 * 1024
DOCUMENT_MAX_BYTES = 20 * 1024 * 1024
IMAGE_TYPES = {
    b"\x89PNG\r\n\x1a\n": "image/png",
    b"\xff\xd8\xff": "image/jpeg",
    b"GIF87a": "image/gif",
    b"GIF89a": "image/gif",
}
SEARCH_MAX_WORDS = 8
SEARCH_MAX_CHARS = 200

# What an article body may contain after rendering: paragraphs, emphasis, lists, quotes,
# sub-headings (the page has the h1) and links (no images, scripts, styles or attributes
# other than a link's target).
ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "ul",
    "ol",
    "li",
    "blockquote",
    "h2",
    "h3",
    "h4",
    "a",
    "code",
    "pre",
    "hr",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"scope"}}
URL_SCHEMES = {"http", "https", "mailto", "tel"}

ARTICLE_TEXT_FIELDS = (
    "category",
    "title",
    "title_en",
    "summary",
    "summary_en",
    "body",
    "body_en",
    "image_alt",
    "image_alt_en",
)
DOCUMENT_FIELDS = (
    "number",
    "document_type",
    "issuing_body",
    "signer",
    "issue_date",
    "effective_date",
    "summary",
    "summary_en",
    "is_public",
)


# --- Helpers ----------------------------------------------------------------------------


def render_body(text: str) -> str:
    """Markdown → HTML (Python-Markdown), then cleaned to the allow-list above (nh3)."""
    if not text.strip():
        return ""
    html = markdown.markdown(text, extensions=["tables", "sane_lists"], output_format="html")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


def holds(user, permission: str) -> bool:
    """True when ``user`` holds ``permission`` for some organisation."""
    scope = organisation_scope(user, permission)
    return scope is ALL or bool(scope)


def may_act(user, permission: str, organisation) -> bool:
    """``user`` holds ``permission`` for ``organisation`` (or None: the system)."""
    if user is None:
        return True
    scope = organisation_scope(user, permission)
    return scope is ALL or any(organisation.path.startswith(prefix) for prefix in scope)


def _require(user, permission: str, organisation) -> None:
    if not may_act(user, permission, organisation):
        raise PermissionDenied(bilingual(_("You may not do this for this agency.")))


def _actor(user):
    return user if user is not None and user.is_authenticated else None


def _read_upload(uploaded, *, field: str, limit: int) -> bytes:
    name = getattr(uploaded, "name", "") or "file"
    size = getattr(uploaded, "size", None)
    too_big = _("The file “%(name)s” is too big: %(size)s bytes, the limit is %(limit)s bytes.")
    if size is not None and size > limit:
        raise FileRefused({field: bilingual(too_big, name=name, size=size, limit=limit)})
    if hasattr(uploaded, "seek"):
        uploaded.seek(0)
    content = uploaded.read(limit + 1)
    if len(content) > limit:
        raise FileRefused({field: bilingual(too_big, name=name, size=len(content), limit=limit)})
    if not content:
        raise FileRefused({field: bilingual(_("The file “%(name)s” is empty."), name=name)})
    return content


def _stored_name(content: bytes, extension: str) -> str:
    return f"{hashlib.sha256(content).hexdigest()[:24]}.{extension}"


def check_image(uploaded) -> tuple[ContentFile, str]:
    """The image as a file to store and its sniffed type (PNG, JPEG, GIF; ≤ 2 MB)."""
    content = _read_upload(uploaded, field="image", limit=IMAGE_MAX_BYTES)
    for magic, content_type in IMAGE_TYPES.items():
        if content.startswith(magic):
            extension = content_type.rsplit("/", 1)[-1]
            return ContentFile(content, name=_stored_name(content, extension)), content_type
    raise FileRefused(
        {
            "image": bilingual(
                _(
                    "The file “%(name)s” is not a PNG, JPEG or GIF image; its content was "
                    "checked, not its name."
                ),
                name=getattr(uploaded, "name", "") or "file",
            )
        }
    )


def document_max_bytes() -> int:
    return int(getattr(settings, "NEWS_DOCUMENT_MAX_BYTES", DOCUMENT_MAX_BYTES))


def check_pdf(uploaded) -> ContentFile:
    """The PDF as a file to store (the content must start with ``%PDF-``; size limited)."""
    content = _read_upload(uploaded, field="file", limit=document_max_bytes())
    if not content.startswith(b"%PDF-"):
        raise FileRefused(
            {
                "file": bilingual(
                    _(
                        "The file “%(name)s” is not a PDF document; its content was checked, "
                        "not its name."
                    ),
                    name=getattr(uploaded, "name", "") or "file",
                )
            }
        )
    return ContentFile(content, name=_stored_name(content, "pdf"))


def _validate_article(article: Article) -> None:
    errors: dict[str, list] = {}
    try:
        article.full_clean(exclude=["image", "organisation", "created_by"])
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if article.image and not article.image_alt.strip():
        errors.setdefault("image_alt", []).append(
            bilingual(_("Describe the image for people who cannot see it."))
        )
    if article.image and article.image_alt_en.strip() == "" and article.title_en.strip():
        errors.setdefault("image_alt_en", []).append(
            bilingual(_("The article has an English title: describe the image in English too."))
        )
    if errors:
        raise ValidationError(errors)


def _snapshot(article: Article) -> dict:
    return {
        "status": article.status,
        "publish_at": article.publish_at.isoformat() if article.publish_at else None,
    }


def _locked(article: Article) -> Article:
    return Article.objects.select_for_update().select_related("organisation").get(pk=article.pk)


# --- Articles ---------------------------------------------------------------------------


def create_article(
    *,
    organisation,
    category: str,
    title: str,
    summary: str,
    body: str,
    acting_user,
    title_en: str = "",
    summary_en: str = "",
    body_en: str = "",
    image=None,
    image_alt: str = "",
    image_alt_en: str = "",
) -> Article:
    """A new draft news item or announcement of ``organisation``."""
    _require(acting_user, "news.add_article", organisation)
    article = Article(
        organisation=organisation,
        category=category,
        title=title.strip(),
        title_en=title_en.strip(),
        summary=summary.strip(),
        summary_en=summary_en.strip(),
        body=body,
        body_en=body_en,
        image_alt=image_alt.strip(),
        image_alt_en=image_alt_en.strip(),
        created_by=_actor(acting_user),
    )
    if image:
        article.image, article.image_type = check_image(image)
    _validate_article(article)
    article.body_html = render_body(article.body)
    article.body_en_html = render_body(article.body_en)
    with transaction.atomic():
        article.save()
        log_action(
            "news.create_article",
            target=article,
            actor=_actor(acting_user),
            details={"category": category, "organisation": organisation.pk},
        )
    return article


def update_article(
    article: Article, *, acting_user, image=None, remove_image: bool = False, **fields
) -> Article:
    """Change a draft or unpublished article's text (fields of ``ARTICLE_TEXT_FIELDS``)."""
    unknown = set(fields) - set(ARTICLE_TEXT_FIELDS)
    if unknown:
        raise TypeError(f"Unknown article fields: {sorted(unknown)}")
    checked_image = check_image(image) if image else None
    with transaction.atomic():
        article = _locked(article)
        _require(acting_user, "news.change_article", article.organisation)
        if article.status not in (ArticleStatus.DRAFT, ArticleStatus.UNPUBLISHED):
            raise InvalidTransition(
                bilingual(
                    _(
                        "Only a draft or an unpublished article can be edited; this one is "
                        "“%(status)s”."
                    ),
                    status=article.get_status_display(),
                )
            )
        old_image = article.image.name
        for name, value in fields.items():
            setattr(article, name, value.strip() if name not in ("body", "body_en") else value)
        if remove_image:
            article.image, article.image_type = "", ""
        if checked_image:
            article.image, article.image_type = checked_image
        _validate_article(article)
        article.body_html = render_body(article.body)
        article.body_en_html = render_body(article.body_en)
        article.save()
        _delete_replaced_after_commit(article.image, old_image)
        log_action(
            "news.update_article",
            target=article,
            actor=_actor(acting_user),
            details={"fields": sorted(fields), "image": bool(checked_image or remove_image)},
        )
    return article


def _transition(
    article: Article,
    *,
    acting_user,
    permission: str,
    allowed_from: tuple[str, ...],
    to: str,
    action: str,
    details: dict | None = None,
    changes: dict | None = None,
) -> Article:
    with transaction.atomic():
        article = _locked(article)
        _require(acting_user, permission, article.organisation)
        if article.status not in allowed_from:
            raise InvalidTransition(
                bilingual(
                    _("This cannot be done to an article that is “%(status)s”."),
                    status=article.get_status_display(),
                )
            )
        before = _snapshot(article)
        article.status = to
        for name, value in (changes or {}).items():
            setattr(article, name, value)
        article.save()
        log_action(
            action,
            target=article,
            actor=_actor(acting_user),
            details=details or {},
            before=before,
            after=_snapshot(article),
        )
    return article


def submit_article(article: Article, *, acting_user) -> Article:
    """An editor sends a draft (or an unpublished article) for approval."""
    return _transition(
        article,
        acting_user=acting_user,
        permission="news.change_article",
        allowed_from=(ArticleStatus.DRAFT, ArticleStatus.UNPUBLISHED),
        to=ArticleStatus.SUBMITTED,
        action="news.submit_article",
        changes={"submitted_by": _actor(acting_user)},
    )


def publish_article(
    article: Article, *, acting_user, publish_at: datetime.datetime | None = None
) -> Article:
    """An approver publishes a submitted article, now or at ``publish_at`` (not in the past)."""
    now = timezone.now()
    if publish_at is not None and publish_at < now - datetime.timedelta(minutes=5):
        raise ValidationError(
            {"publish_at": bilingual(_("The publication time cannot be in the past."))}
        )
    when = publish_at if publish_at is not None and publish_at > now else now
    return _transition(
        article,
        acting_user=acting_user,
        permission="news.publish_article",
        allowed_from=(ArticleStatus.SUBMITTED,),
        to=ArticleStatus.PUBLISHED,
        action="news.publish_article",
        details={"scheduled": when > now},
        changes={"publish_at": when, "published_by": _actor(acting_user)},
    )


def return_article(article: Article, *, acting_user, note: str = "") -> Article:
    """An approver sends a submitted article back to its editors as a draft."""
    return _transition(
        article,
        acting_user=acting_user,
        permission="news.publish_article",
        allowed_from=(ArticleStatus.SUBMITTED,),
        to=ArticleStatus.DRAFT,
        action="news.return_article",
        details={"note": note.strip()[:500]},
    )


def unpublish_article(article: Article, *, acting_user, note: str = "") -> Article:
    """An approver takes a published (or scheduled) article off the public pages."""
    return _transition(
        article,
        acting_user=acting_user,
        permission="news.publish_article",
        allowed_from=(ArticleStatus.PUBLISHED,),
        to=ArticleStatus.UNPUBLISHED,
        action="news.unpublish_article",
        details={"note": note.strip()[:500]},
    )


def latest_public(count: int = 3) -> dict[str, list[Article]]:
    """The newest ``count`` public articles of each category, in one query (a window
    function numbers the articles within their category; both databases support it)."""
    ranked = (
        Article.objects.public()
        .select_related("organisation")
        .only(
            "pk",
            "title",
            "title_en",
            "publish_at",
            "category",
            "organisation__name",
            "organisation__name_en",
        )
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("category")],
                order_by=[F("publish_at").desc(), F("pk").desc()],
            )
        )
        .filter(rank__lte=count)
    )
    result: dict[str, list[Article]] = {category: [] for category in Category.values}
    for article in ranked:
        result[article.category].append(article)
    return result


# --- Legal documents --------------------------------------------------------------------


def _document_search_text(document: LegalDocument) -> str:
    return padded(
        document.number,
        document.summary,
        document.summary_en,
        document.issuing_body,
        document.signer,
    )


def _validate_document(document: LegalDocument) -> None:
    try:
        document.full_clean(exclude=["file", "organisation", "created_by"])
    except ValidationError as exc:
        errors = exc.message_dict
    else:
        errors = {}
    if (
        document.effective_date
        and document.issue_date
        and document.effective_date < document.issue_date
    ):
        errors.setdefault("effective_date", []).append(
            bilingual(_("A document cannot take effect before it is issued."))
        )
    if errors:
        raise ValidationError(errors)


def create_legal_document(
    *,
    organisation,
    number: str,
    document_type: str,
    issuing_body: str,
    signer: str,
    issue_date: datetime.date,
    summary: str,
    file,
    acting_user,
    effective_date: datetime.date | None = None,
    summary_en: str = "",
    is_public: bool = True,
) -> LegalDocument:
    """Post a legal or direction document (with its PDF) on the portal for ``organisation``."""
    _require(acting_user, "news.add_legaldocument", organisation)
    document = LegalDocument(
        organisation=organisation,
        number=number.strip(),
        document_type=document_type,
        issuing_body=issuing_body.strip(),
        signer=signer.strip(),
        issue_date=issue_date,
        effective_date=effective_date,
        summary=summary.strip(),
        summary_en=summary_en.strip(),
        is_public=is_public,
        created_by=_actor(acting_user),
    )
    _validate_document(document)
    pdf = check_pdf(file)
    document.file = pdf
    document.file_size = pdf.size
    document.search_text = _document_search_text(document)
    with transaction.atomic():
        document.save()
        log_action(
            "news.create_legal_document",
            target=document,
            actor=_actor(acting_user),
            details={"number": document.number, "organisation": organisation.pk},
        )
    return document


def update_legal_document(
    document: LegalDocument, *, acting_user, file=None, **fields
) -> LegalDocument:
    """Change a document's details (fields of ``DOCUMENT_FIELDS``) and optionally its PDF."""
    unknown = set(fields) - set(DOCUMENT_FIELDS)
    if unknown:
        raise TypeError(f"Unknown document fields: {sorted(unknown)}")
    pdf = check_pdf(file) if file else None
    with transaction.atomic():
        document = LegalDocument.objects.select_for_update().get(pk=document.pk)
        _require(acting_user, "news.change_legaldocument", document.organisation)
        old_file = document.file.name
        for name, value in fields.items():
            setattr(document, name, value.strip() if isinstance(value, str) else value)
        _validate_document(document)
        if pdf:
            document.file = pdf
            document.file_size = pdf.size
        document.search_text = _document_search_text(document)
        document.save()
        _delete_replaced_after_commit(document.file, old_file)
        log_action(
            "news.update_legal_document",
            target=document,
            actor=_actor(acting_user),
            details={"fields": sorted(fields), "file": bool(pdf)},
        )
    return document


def _delete_replaced_after_commit(field_file, old_name: str) -> None:
    """A replaced or removed image/PDF leaves storage once the change is committed (a removed
    image is gone, not merely unlinked); a rolled-back change keeps it."""
    if old_name and old_name != field_file.name:
        storage = field_file.storage
        transaction.on_commit(lambda: storage.delete(old_name))


def delete_legal_document(document: LegalDocument, *, acting_user) -> None:
    """Remove a document from the portal (its row and its file)."""
    with transaction.atomic():
        document = LegalDocument.objects.select_for_update().get(pk=document.pk)
        _require(acting_user, "news.delete_legaldocument", document.organisation)
        log_action(
            "news.delete_legal_document",
            target=document,
            actor=_actor(acting_user),
            details={"number": document.number},
        )
        file = document.file
        document.delete()
        if file:
            transaction.on_commit(lambda: file.storage.delete(file.name))


def search_documents(
    *,
    query: str = "",
    document_type: str = "",
    year: int | None = None,
    issuer: str = "",
    public_only: bool = True,
) -> QuerySet[LegalDocument]:
    """Documents matching every folded query word (word prefixes of the number, summary,
    issuing body or signer: "15/2025/QD" finds "15/2025/QĐ-UBND"), newest first."""
    documents = LegalDocument.objects.all()
    if public_only:
        documents = documents.filter(is_public=True)
    words = list(dict.fromkeys(fold_words(query[:SEARCH_MAX_CHARS]).split()))[:SEARCH_MAX_WORDS]
    condition = Q()
    for word in words:
        condition &= Q(search_text__contains=f" {word}")
    documents = documents.filter(condition)
    if document_type:
        documents = documents.filter(document_type=document_type)
    if year:
        documents = documents.filter(issue_date__year=year)
    if issuer:
        documents = documents.filter(issuing_body=issuer)
    return documents.order_by("-issue_date", "-pk")
