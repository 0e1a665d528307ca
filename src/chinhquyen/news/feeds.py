"""RSS 2.0 feeds (Django's syndication framework): news, announcements, legal documents, and
every agency's news and announcements. Titles and descriptions follow the chosen language,
falling back to Vietnamese when the English text is missing."""

from __future__ import annotations

import datetime

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from chinhquyen.directory.models import Organisation
from chinhquyen.news.choices import Category
from chinhquyen.news.models import Article, LegalDocument

FEED_SIZE = 30


def _localised(obj, field: str) -> str:
    if get_language() == "en":
        return getattr(obj, f"{field}_en", "") or getattr(obj, field, "")
    return getattr(obj, field, "")


class _ArticleFeed(Feed):
    category: str | None = None

    def items(self, obj=None):
        articles = Article.objects.public().select_related("organisation")
        if self.category:
            articles = articles.filter(category=self.category)
        if obj is not None:
            articles = articles.filter(organisation=obj)
        return articles[:FEED_SIZE]

    def item_title(self, item: Article) -> str:
        return _localised(item, "title")

    def item_description(self, item: Article) -> str:
        return _localised(item, "summary")

    def item_pubdate(self, item: Article) -> datetime.datetime:
        return item.publish_at

    def item_updateddate(self, item: Article) -> datetime.datetime:
        return item.updated_at

    def item_author_name(self, item: Article) -> str:
        return _localised(item.organisation, "name")

    def item_categories(self, item: Article):
        return [item.get_category_display()]


class NewsFeed(_ArticleFeed):
    category = Category.NEWS
    title = _("News")
    description = _("News of the provincial government and its agencies.")

    def link(self) -> str:
        return reverse("news:list") + "?category=news"


class AnnouncementFeed(_ArticleFeed):
    category = Category.ANNOUNCEMENT
    title = _("Announcements")
    description = _("Announcements of the provincial government and its agencies.")

    def link(self) -> str:
        return reverse("news:list") + "?category=announcement"


class AgencyFeed(_ArticleFeed):
    def get_object(self, request, pk: int):
        return get_object_or_404(Organisation, pk=pk)

    def title(self, obj: Organisation) -> str:
        return str(_("News and announcements: %(agency)s")) % {"agency": _localised(obj, "name")}

    def description(self, obj: Organisation) -> str:
        return str(_("News and announcements published by %(agency)s.")) % {
            "agency": _localised(obj, "name")
        }

    def link(self, obj: Organisation) -> str:
        return f"{reverse('news:list')}?agency={obj.pk}"


class DocumentFeed(Feed):
    title = _("Legal documents")
    description = _("Legal and direction documents published on the portal.")

    def link(self) -> str:
        return reverse("news:documents")

    def items(self):
        return LegalDocument.objects.filter(is_public=True).order_by("-created_at", "-pk")[
            :FEED_SIZE
        ]

    def item_title(self, item: LegalDocument) -> str:
        return f"{item.number} — {_localised(item, 'summary')}"[:300]

    def item_description(self, item: LegalDocument) -> str:
        return str(_("%(type)s of %(issuer)s, issued on %(date)s, signed by %(signer)s.")) % {
            "type": item.get_document_type_display(),
            "issuer": item.issuing_body,
            "date": item.issue_date.strftime("%d/%m/%Y"),
            "signer": item.signer,
        }

    def item_pubdate(self, item: LegalDocument) -> datetime.datetime:
        return item.created_at

    def item_updateddate(self, item: LegalDocument) -> datetime.datetime:
        return item.updated_at


__all__ = ["AgencyFeed", "AnnouncementFeed", "DocumentFeed", "NewsFeed"]
