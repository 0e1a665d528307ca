"""RSS feeds parse cleanly (feedparser, bozo == 0) with the right titles, links and dates."""

import datetime

import feedparser
import pytest

from chinhquyen.news.choices import Category
from chinhquyen.news.models import Article
from chinhquyen.news.tests.conftest import post_document, publish, write

pytestmark = pytest.mark.django_db

AT = datetime.datetime(2026, 3, 2, 1, 30, tzinfo=datetime.UTC)


def parse(client, path: str):
    response = client.get(path)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/rss+xml; charset=utf-8"
    feed = feedparser.parse(response.content)
    assert feed.bozo == 0, feed.get("bozo_exception")
    assert feed.version == "rss20"
    return feed


@pytest.fixture
def content(org_tree, clerk_hoa):
    news = publish(org_tree.dept_a, title="Khai trương quầy mới", summary="Quầy số 7")
    announcement = publish(
        org_tree.dept_b, category=Category.ANNOUNCEMENT, title="Nghỉ lễ 2/9", summary="Lịch nghỉ"
    )
    Article.objects.filter(pk__in=[news.pk, announcement.pk]).update(publish_at=AT)
    write(org_tree.dept_a, user=clerk_hoa, title="Bản nháp không vào tin")
    document = post_document(org_tree.dept_a)
    return {"news": news, "announcement": announcement, "document": document}


def test_the_news_feed(client, content):
    feed = parse(client, "/tin-tuc/rss/tin-tuc.xml")

    assert feed.feed.title == "Tin tức"
    assert feed.feed.link == "http://testserver/tin-tuc/?category=news"
    assert feed.feed.language == "vi"
    assert [e.title for e in feed.entries] == ["Khai trương quầy mới"]
    entry = feed.entries[0]
    assert entry.link == f"http://testserver/tin-tuc/{content['news'].pk}/"
    assert entry.summary == "Quầy số 7"
    assert entry.published_parsed[:6] == (2026, 3, 2, 1, 30, 0)
    assert entry.author == "Sở A"


def test_the_announcement_feed(client, content):
    feed = parse(client, "/tin-tuc/rss/thong-bao.xml")

    assert [e.title for e in feed.entries] == ["Nghỉ lễ 2/9"]
    assert feed.entries[0].link == f"http://testserver/tin-tuc/{content['announcement'].pk}/"


def test_an_agencys_feed_has_only_its_articles(client, org_tree, content):
    feed = parse(client, f"/tin-tuc/rss/co-quan/{org_tree.dept_b.pk}.xml")

    assert feed.feed.title == "Tin tức và thông báo: Sở B"
    assert [e.title for e in feed.entries] == ["Nghỉ lễ 2/9"]
    assert client.get("/tin-tuc/rss/co-quan/999999.xml").status_code == 404


def test_the_legal_documents_feed(client, content):
    feed = parse(client, "/tin-tuc/rss/van-ban.xml")

    document = content["document"]
    assert [e.title for e in feed.entries] == [
        "25/2025/QĐ-UBND — Quyết định ban hành Quy chế hoạt động của Trung tâm Phục vụ hành "
        "chính công"
    ]
    entry = feed.entries[0]
    assert entry.link == f"http://testserver/tin-tuc/van-ban/{document.pk}/"
    assert entry.published_parsed is not None


def test_the_english_feed_falls_back_to_vietnamese_titles(client, content):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})

    feed = parse(client, "/tin-tuc/rss/tin-tuc.xml")

    assert feed.feed.title == "News"
    assert feed.feed.language == "en"
    assert [e.title for e in feed.entries] == ["Khai trương quầy mới"]


def test_every_public_page_links_the_feeds_in_its_head(client, content):
    for path in ("/tin-tuc/", f"/tin-tuc/{content['news'].pk}/", "/tin-tuc/van-ban/"):
        html = client.get(path).content.decode()
        head = html[: html.index("</head>")]
        assert head.count('rel="alternate" type="application/rss+xml"') >= 3, path
