"""Template tags of the information portal.

* ``{% news_on_home %}`` — the latest three news items and announcements (two queries), for
  the portal's home page.
* ``{% localised_body article %}`` — the English body when English is chosen and written, else
  the Vietnamese one inside ``<div lang="vi">``.
* ``{% news_feed_links %}`` — ``<link rel="alternate" type="application/rss+xml">`` for the
  page head.
"""

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from chinhquyen.news.choices import Category
from chinhquyen.news.services import latest_public

register = template.Library()

HOME_COUNT = 3


@register.inclusion_tag("news/_home_latest.html")
def news_on_home():
    latest = latest_public(HOME_COUNT)
    return {
        "latest_news": latest[Category.NEWS],
        "latest_announcements": latest[Category.ANNOUNCEMENT],
    }


@register.simple_tag
def localised_body(article):
    # body_html / body_en_html were sanitised by services.render_body (nh3) when saved.
    if get_language() == "en" and article.body_en_html:
        return mark_safe(article.body_en_html)  # noqa: S308 (sanitised on save)
    if get_language() == "en":
        return format_html('<div lang="vi">{}</div>', mark_safe(article.body_html))  # noqa: S308
    return mark_safe(article.body_html)  # noqa: S308 (sanitised on save)


@register.inclusion_tag("news/_feed_links.html")
def news_feed_links(agency=None):
    return {"agency": agency}
