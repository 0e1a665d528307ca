"""News and announcements (with a publish workflow) and the public legal documents list.

Both belong to an agency (``organisation``): editors and approvers act within the subtree of
their role's organisation (``restrict``). Files (an article's image, a document's PDF) are
streamed by views, never served from a media URL. Changes go through ``news.services``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chinhquyen.core.authz import RestrictedQuerySet
from chinhquyen.news.choices import ArticleStatus, Category, DocumentType


def article_image_path(instance: Article, filename: str) -> str:
    return f"news/images/{timezone.now():%Y/%m}/{filename}"


def document_file_path(instance: LegalDocument, filename: str) -> str:
    return f"news/documents/{timezone.now():%Y/%m}/{filename}"


class ArticleQuerySet(RestrictedQuerySet):
    def public(self, *, now=None):
        """Published articles whose publication time has come (scheduled ones wait)."""
        return self.filter(
            status=ArticleStatus.PUBLISHED, publish_at__lte=now or timezone.now()
        ).order_by("-publish_at", "-pk")


class Article(models.Model):
    organisation = models.ForeignKey(
        "directory.Organisation",
        on_delete=models.PROTECT,
        related_name="news_articles",
        verbose_name=_("agency"),
    )
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=ArticleStatus.choices, default=ArticleStatus.DRAFT
    )
    title = models.CharField(_("title (Vietnamese)"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    summary = models.TextField(_("summary (Vietnamese)"), max_length=600)
    summary_en = models.TextField(_("summary (English)"), max_length=600, blank=True)
    body = models.TextField(_("body (Vietnamese, Markdown)"))
    body_en = models.TextField(_("body (English, Markdown)"), blank=True)
    # The bodies rendered and sanitised by services.render_body when saved.
    body_html = models.TextField(editable=False, default="")
    body_en_html = models.TextField(editable=False, default="")
    image = models.FileField(_("image"), upload_to=article_image_path, max_length=300, blank=True)
    image_type = models.CharField(max_length=32, blank=True, editable=False)
    image_alt = models.CharField(_("image description (Vietnamese)"), max_length=300, blank=True)
    image_alt_en = models.CharField(_("image description (English)"), max_length=300, blank=True)
    publish_at = models.DateTimeField(_("publication time"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("written by"),
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ArticleQuerySet.as_manager()
    restrict_path = "organisation"

    class Meta:
        verbose_name = _("news item or announcement")
        verbose_name_plural = _("news and announcements")
        ordering = ("-publish_at", "-pk")
        permissions = [("publish_article", _("Can publish and unpublish news and announcements"))]
        indexes = [models.Index(fields=["status", "category", "publish_at"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("news:article", args=[self.pk])

    @property
    def is_scheduled(self) -> bool:
        return (
            self.status == ArticleStatus.PUBLISHED
            and self.publish_at is not None
            and self.publish_at > timezone.now()
        )


class LegalDocument(models.Model):
    organisation = models.ForeignKey(
        "directory.Organisation",
        on_delete=models.PROTECT,
        related_name="legal_documents",
        verbose_name=_("posted by (agency)"),
    )
    number = models.CharField(_("number and symbol"), max_length=60)
    document_type = models.CharField(
        _("document type"), max_length=24, choices=DocumentType.choices
    )
    issuing_body = models.CharField(_("issuing body"), max_length=200)
    signer = models.CharField(_("signed by"), max_length=120)
    issue_date = models.DateField(_("date of issue"))
    effective_date = models.DateField(_("effective from"), null=True, blank=True)
    summary = models.TextField(_("summary (Vietnamese)"), max_length=1000)
    summary_en = models.TextField(_("summary (English)"), max_length=1000, blank=True)
    file = models.FileField(_("PDF file"), upload_to=document_file_path, max_length=300)
    file_size = models.PositiveIntegerField(default=0, editable=False)
    is_public = models.BooleanField(_("shown to the public"), default=True)
    # Folded, space-padded number, summary, issuing body and signer (procedures.search).
    search_text = models.TextField(editable=False, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = RestrictedQuerySet.as_manager()
    restrict_path = "organisation"

    class Meta:
        verbose_name = _("legal document")
        verbose_name_plural = _("legal documents")
        ordering = ("-issue_date", "-pk")
        indexes = [models.Index(fields=["is_public", "issue_date"])]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("news:document", args=[self.pk])
