"""Public news pages: list (newest first, paginated, filters), article page in Vietnamese and
English with a marked fallback, images, the home page's latest items, the feed links."""

import datetime

import pytest
from django.utils import timezone

from chinhquyen.news import services
from chinhquyen.news.choices import Category
from chinhquyen.news.tests.conftest import png_bytes, publish, upload, write

pytestmark = pytest.mark.django_db


def english(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})


@pytest.fixture
def stream(org_tree):
    """Twelve news items of department A an hour apart and two announcements of B."""
    now = timezone.now()
    items = [publish(org_tree.dept_a, title=f"Tin số {n}") for n in range(1, 13)]
    items += [
        publish(org_tree.dept_b, category=Category.ANNOUNCEMENT, title=f"Thông báo {n}")
        for n in (1, 2)
    ]
    from chinhquyen.news.models import Article

    for age, item in enumerate(reversed(items)):  # the last one written is the newest
        Article.objects.filter(pk=item.pk).update(
            publish_at=now - datetime.timedelta(hours=age + 1)
        )
    return items


def titles(response) -> list[str]:
    return [a.title for a in response.context["page"].object_list]


def test_the_list_is_newest_first_and_paginated(client, stream):
    first = client.get("/tin-tuc/")
    second = client.get("/tin-tuc/", {"page": 2})

    assert titles(first) == ["Thông báo 2", "Thông báo 1"] + [
        f"Tin số {n}" for n in range(12, 4, -1)
    ]
    assert titles(second) == ["Tin số 4", "Tin số 3", "Tin số 2", "Tin số 1"]


def test_the_list_filters_by_category_and_agency(client, org_tree, stream):
    announcements = client.get("/tin-tuc/", {"category": "announcement"})
    of_b = client.get("/tin-tuc/", {"agency": org_tree.dept_b.pk})
    refused = client.get("/tin-tuc/", {"category": "gossip", "agency": "x"})

    assert titles(announcements) == ["Thông báo 2", "Thông báo 1"]
    assert titles(of_b) == ["Thông báo 2", "Thông báo 1"]
    assert refused.status_code == 400
    assert set(refused.context["form"].errors) == {"category", "agency"}
    assert titles(refused) == []


def test_the_list_costs_a_bounded_number_of_queries(client, stream, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        assert client.get("/tin-tuc/", {"category": "news"}).status_code == 200


def test_drafts_submitted_unpublished_and_scheduled_articles_are_not_public(
    client, org_tree, clerk_hoa, leader_binh
):
    draft = write(org_tree.dept_a, user=clerk_hoa, title="Nháp")
    scheduled = write(org_tree.dept_a, user=clerk_hoa, title="Hẹn giờ")
    services.submit_article(scheduled, acting_user=clerk_hoa)
    services.publish_article(
        scheduled,
        acting_user=leader_binh,
        publish_at=timezone.now() + datetime.timedelta(hours=3),
    )

    for article in (draft, scheduled):
        assert client.get(f"/tin-tuc/{article.pk}/").status_code == 404
    assert titles(client.get("/tin-tuc/")) == []


def test_the_english_page_shows_english_text_and_marks_the_vietnamese_fallback(client, org_tree):
    translated = publish(
        org_tree.dept_a,
        title="Thông báo nghỉ Tết",
        title_en="Lunar New Year closure",
        summary="Tóm tắt",
        summary_en="Summary",
        body="Nội dung",
        body_en="The *body*",
    )
    untranslated = publish(org_tree.dept_a, title="Chỉ có tiếng Việt", body="Nội dung Việt")
    english(client)

    page = client.get(f"/tin-tuc/{translated.pk}/").content.decode()
    fallback = client.get(f"/tin-tuc/{untranslated.pk}/").content.decode()

    assert '<h1 id="article-title">Lunar New Year closure</h1>' in page
    assert '<div class="news-body"><p>The <em>body</em></p></div>' in page
    assert '<h1 id="article-title"><span lang="vi">Chỉ có tiếng Việt</span></h1>' in fallback
    assert '<div class="news-body"><div lang="vi"><p>Nội dung Việt</p></div></div>' in fallback


def test_a_published_image_is_streamed_with_its_sniffed_type(client, org_tree):
    article = publish(org_tree.dept_a, image=upload("a.png", png_bytes()), image_alt="Quầy một cửa")
    response = client.get(f"/tin-tuc/{article.pk}/anh")
    page = client.get(f"/tin-tuc/{article.pk}/").content.decode()

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == png_bytes()
    assert f'<img src="/tin-tuc/{article.pk}/anh" alt="Quầy một cửa">' in page


def test_a_drafts_image_is_not_public(client, org_tree, clerk_hoa):
    draft = write(
        org_tree.dept_a, user=clerk_hoa, image=upload("a.png", png_bytes()), image_alt="Ảnh"
    )

    assert client.get(f"/tin-tuc/{draft.pk}/anh").status_code == 404
    client.force_login(clerk_hoa)
    assert client.get(f"/tin-tuc/{draft.pk}/anh").status_code == 200


def test_the_home_page_shows_the_latest_three_of_each_and_the_feeds(
    client, stream, django_assert_max_num_queries
):
    with django_assert_max_num_queries(4):
        html = client.get("/").content.decode()

    for shown in ("Tin số 12", "Tin số 11", "Tin số 10", "Thông báo 2", "Thông báo 1"):
        assert shown in html
    assert "Tin số 9<" not in html
    assert (
        '<link rel="alternate" type="application/rss+xml" title="Tin tức (RSS)" '
        'href="/tin-tuc/rss/tin-tuc.xml">'
    ) in html
    assert '<a href="/tin-tuc/">' in html  # the public navigation
