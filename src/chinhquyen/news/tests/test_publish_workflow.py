"""The publish workflow: editors write and submit, approvers publish, return or unpublish,
each within their agency; wrong-state actions are refused; everything is audited."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from chinhquyen.audit.models import AuditEntry
from chinhquyen.news import services
from chinhquyen.news.choices import ArticleStatus
from chinhquyen.news.exceptions import InvalidTransition
from chinhquyen.news.models import Article
from chinhquyen.news.tests.conftest import write

pytestmark = pytest.mark.django_db


def test_an_editor_writes_and_submits_and_the_agency_leader_publishes(
    org_tree, clerk_hoa, leader_binh
):
    # Given a draft written by the clerk of department A
    article = write(org_tree.dept_a, user=clerk_hoa, title="Lịch tiếp công dân")
    assert article.status == ArticleStatus.DRAFT
    assert list(Article.objects.public()) == []

    # When she submits it and the agency leader publishes it
    services.submit_article(article, acting_user=clerk_hoa)
    published = services.publish_article(article, acting_user=leader_binh)

    # Then it is public, with who published it, and each step is in the audit trail
    assert published.status == ArticleStatus.PUBLISHED
    assert published.published_by == leader_binh
    assert published.submitted_by == clerk_hoa
    assert list(Article.objects.public()) == [published]
    actions = list(
        AuditEntry.objects.filter(action__startswith="news.")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == ["news.create_article", "news.submit_article", "news.publish_article"]


def test_an_editor_cannot_publish(org_tree, clerk_hoa):
    # Given a submitted article
    article = write(org_tree.dept_a, user=clerk_hoa)
    services.submit_article(article, acting_user=clerk_hoa)

    # When its editor tries to publish it, then it is refused and nothing changed
    with pytest.raises(PermissionDenied):
        services.publish_article(article, acting_user=clerk_hoa)
    article.refresh_from_db()
    assert article.status == ArticleStatus.SUBMITTED
    assert article.publish_at is None


def test_a_one_stop_officer_is_not_an_editor(org_tree, officer_an):
    with pytest.raises(PermissionDenied):
        write(org_tree.dept_a, user=officer_an)
    assert Article.objects.count() == 0


def test_an_editor_of_another_agency_can_neither_write_nor_edit_nor_submit(
    org_tree, clerk_hoa, editor_lan
):
    # Given a draft of department A
    article = write(org_tree.dept_a, user=clerk_hoa, title="Bản nháp của Sở A")

    # When the editor of department B tries to write for A, edit or submit A's draft
    with pytest.raises(PermissionDenied):
        write(org_tree.dept_a, user=editor_lan, title="Viết hộ")
    with pytest.raises(PermissionDenied):
        services.update_article(article, acting_user=editor_lan, title="Sửa trộm")
    with pytest.raises(PermissionDenied):
        services.submit_article(article, acting_user=editor_lan)

    # Then nothing changed
    article.refresh_from_db()
    assert (article.title, article.status) == ("Bản nháp của Sở A", ArticleStatus.DRAFT)
    assert Article.objects.count() == 1


def test_a_specialist_of_a_division_writes_for_the_division_and_the_leader_above_publishes(
    org_tree, specialist_dung, leader_binh
):
    article = write(org_tree.division_a1, user=specialist_dung)
    services.submit_article(article, acting_user=specialist_dung)

    published = services.publish_article(article, acting_user=leader_binh)

    assert published.status == ArticleStatus.PUBLISHED


def test_wrong_state_actions_are_refused_and_change_nothing(org_tree, clerk_hoa, leader_binh):
    # Given a published article
    article = write(org_tree.dept_a, user=clerk_hoa, title="Đã đăng")
    services.submit_article(article, acting_user=clerk_hoa)
    services.publish_article(article, acting_user=leader_binh)

    # When someone publishes it again, submits it or edits it
    with pytest.raises(InvalidTransition):
        services.publish_article(article, acting_user=leader_binh)
    with pytest.raises(InvalidTransition):
        services.submit_article(article, acting_user=clerk_hoa)
    with pytest.raises(InvalidTransition):
        services.update_article(article, acting_user=clerk_hoa, title="Sửa sau khi đăng")

    # Then it is unchanged
    article.refresh_from_db()
    assert (article.title, article.status) == ("Đã đăng", ArticleStatus.PUBLISHED)


def test_unpublished_articles_leave_the_public_pages_and_can_be_edited_and_resubmitted(
    org_tree, clerk_hoa, leader_binh
):
    article = write(org_tree.dept_a, user=clerk_hoa, title="Bản cũ")
    services.submit_article(article, acting_user=clerk_hoa)
    services.publish_article(article, acting_user=leader_binh)

    services.unpublish_article(article, acting_user=leader_binh, note="Sai số liệu")

    assert list(Article.objects.public()) == []
    services.update_article(article, acting_user=clerk_hoa, title="Bản đã sửa")
    resubmitted = services.submit_article(article, acting_user=clerk_hoa)
    assert (resubmitted.title, resubmitted.status) == ("Bản đã sửa", ArticleStatus.SUBMITTED)
    entry = AuditEntry.objects.get(action="news.unpublish_article")
    assert entry.details == {"note": "Sai số liệu"}


def test_an_approver_returns_a_submitted_article_to_draft(org_tree, clerk_hoa, leader_binh):
    article = write(org_tree.dept_a, user=clerk_hoa)
    services.submit_article(article, acting_user=clerk_hoa)

    returned = services.return_article(article, acting_user=leader_binh, note="Thêm ảnh")

    assert returned.status == ArticleStatus.DRAFT


def test_a_scheduled_article_appears_at_its_time(org_tree, clerk_hoa, leader_binh):
    # Given an article published for tomorrow
    article = write(org_tree.dept_a, user=clerk_hoa)
    services.submit_article(article, acting_user=clerk_hoa)
    tomorrow = timezone.now() + datetime.timedelta(days=1)
    scheduled = services.publish_article(article, acting_user=leader_binh, publish_at=tomorrow)

    # Then it is published but not public until then
    assert scheduled.is_scheduled
    assert list(Article.objects.public()) == []
    later = tomorrow + datetime.timedelta(minutes=1)
    assert list(Article.objects.public(now=later)) == [scheduled]


def test_a_publication_time_in_the_past_is_refused(org_tree, clerk_hoa, leader_binh):
    article = write(org_tree.dept_a, user=clerk_hoa)
    services.submit_article(article, acting_user=clerk_hoa)

    with pytest.raises(ValidationError) as caught:
        services.publish_article(
            article, acting_user=leader_binh, publish_at=timezone.now() - datetime.timedelta(1)
        )

    assert list(caught.value.message_dict) == ["publish_at"]
    article.refresh_from_db()
    assert article.status == ArticleStatus.SUBMITTED
