"""Back-office pages: editors write and submit, approvers publish (or schedule), others get
403/404, wrong-state actions 409, bad input 400 with messages next to the field."""

import datetime

import pytest
from django.utils import timezone

from chinhquyen.news.choices import ArticleStatus
from chinhquyen.news.models import Article, LegalDocument
from chinhquyen.news.tests.conftest import PDF, png_bytes, upload, write

pytestmark = pytest.mark.django_db

ARTICLE = {
    "category": "announcement",
    "title": "Thông báo lịch tiếp dân",
    "title_en": "",
    "summary": "Lịch tiếp dân tháng 12",
    "summary_en": "",
    "body": "Thứ Năm tuần thứ hai.",
    "body_en": "",
    "image_alt": "",
    "image_alt_en": "",
}


def test_an_editor_writes_a_draft_and_submits_it(client, org_tree, clerk_hoa):
    client.force_login(clerk_hoa)

    response = client.post("/tin-tuc/quan-ly/moi/", {**ARTICLE, "organisation": org_tree.dept_a.pk})

    article = Article.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/tin-tuc/quan-ly/{article.pk}/"
    assert (article.status, article.created_by) == (ArticleStatus.DRAFT, clerk_hoa)
    page = client.get(f"/tin-tuc/quan-ly/{article.pk}/")
    assert page.context["may_submit"] is True
    assert page.context["may_publish"] is False
    client.post(f"/tin-tuc/quan-ly/{article.pk}/submit/")
    article.refresh_from_db()
    assert article.status == ArticleStatus.SUBMITTED


def test_an_image_without_a_description_is_refused_next_to_the_field(client, org_tree, clerk_hoa):
    client.force_login(clerk_hoa)

    response = client.post(
        "/tin-tuc/quan-ly/moi/",
        {**ARTICLE, "organisation": org_tree.dept_a.pk, "image": upload("a.png", png_bytes())},
    )

    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["image_alt"]
    assert Article.objects.count() == 0


def test_an_editor_cannot_choose_another_agency(client, org_tree, clerk_hoa):
    client.force_login(clerk_hoa)

    response = client.post("/tin-tuc/quan-ly/moi/", {**ARTICLE, "organisation": org_tree.dept_b.pk})

    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["organisation"]
    assert Article.objects.count() == 0


def test_the_leader_schedules_the_publication(client, org_tree, clerk_hoa, leader_binh):
    from chinhquyen.news import services

    article = write(org_tree.dept_a, user=clerk_hoa)
    services.submit_article(article, acting_user=clerk_hoa)
    client.force_login(leader_binh)
    when = timezone.localtime() + datetime.timedelta(days=2)

    response = client.post(
        f"/tin-tuc/quan-ly/{article.pk}/publish/",
        {"publish_at": when.strftime("%Y-%m-%dT%H:%M")},
    )

    assert response.status_code == 302
    article.refresh_from_db()
    assert article.status == ArticleStatus.PUBLISHED
    assert article.publish_at == when.replace(second=0, microsecond=0)
    assert client.get(f"/tin-tuc/{article.pk}/").status_code == 404


def test_wrong_role_wrong_agency_and_wrong_state(
    client, org_tree, clerk_hoa, officer_an, editor_lan, leader_binh
):
    article = write(org_tree.dept_a, user=clerk_hoa)

    client.force_login(officer_an)  # not an editor
    assert client.get("/tin-tuc/quan-ly/").status_code == 403
    client.force_login(editor_lan)  # an editor of another agency
    assert client.get(f"/tin-tuc/quan-ly/{article.pk}/").status_code == 404
    assert client.post(f"/tin-tuc/quan-ly/{article.pk}/submit/").status_code == 404
    client.force_login(clerk_hoa)  # the editor cannot publish
    assert client.post(f"/tin-tuc/quan-ly/{article.pk}/publish/").status_code == 403
    client.force_login(leader_binh)  # a draft cannot be published
    assert client.post(f"/tin-tuc/quan-ly/{article.pk}/publish/").status_code == 409

    article.refresh_from_db()
    assert article.status == ArticleStatus.DRAFT


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get("/tin-tuc/quan-ly/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_list_shows_only_the_agencys_articles(
    client, org_tree, clerk_hoa, editor_lan, django_assert_max_num_queries
):
    for n in range(5):
        write(org_tree.dept_a, user=clerk_hoa, title=f"Của Sở A {n}")
    write(org_tree.dept_b, user=editor_lan, title="Của Sở B")
    client.force_login(editor_lan)

    with django_assert_max_num_queries(12):
        response = client.get("/tin-tuc/quan-ly/")

    assert [a.title for a in response.context["page"].object_list] == ["Của Sở B"]


def test_an_editor_posts_a_legal_document_and_a_fake_pdf_is_refused(client, org_tree, clerk_hoa):
    client.force_login(clerk_hoa)
    data = {
        "organisation": org_tree.dept_a.pk,
        "number": "12/CT-UBND",
        "document_type": "directive",
        "issuing_body": "Ủy ban nhân dân tỉnh",
        "signer": "Nguyễn Văn Minh",
        "issue_date": "2026-03-02",
        "effective_date": "",
        "summary": "Chỉ thị về kỷ luật",
        "summary_en": "",
        "is_public": "on",
    }

    refused = client.post(
        "/tin-tuc/quan-ly/van-ban/moi/", {**data, "file": upload("ct.pdf", b"not a pdf")}
    )
    accepted = client.post("/tin-tuc/quan-ly/van-ban/moi/", {**data, "file": upload("ct.pdf", PDF)})

    assert refused.status_code == 400
    assert list(refused.context["form"].errors) == ["file"]
    assert accepted.status_code == 302
    document = LegalDocument.objects.get()
    assert (document.number, document.file_size) == ("12/CT-UBND", len(PDF))


def test_every_back_office_page_renders(client, org_tree, clerk_hoa):
    from chinhquyen.news.tests.conftest import post_document

    article = write(org_tree.dept_a, user=clerk_hoa)
    document = post_document(org_tree.dept_a, user=clerk_hoa)
    client.force_login(clerk_hoa)

    for path in (
        "/tin-tuc/quan-ly/",
        "/tin-tuc/quan-ly/?status=draft",
        "/tin-tuc/quan-ly/moi/",
        f"/tin-tuc/quan-ly/{article.pk}/",
        "/tin-tuc/quan-ly/van-ban/",
        "/tin-tuc/quan-ly/van-ban/?q=ubnd",
        "/tin-tuc/quan-ly/van-ban/moi/",
        f"/tin-tuc/quan-ly/van-ban/{document.pk}/",
    ):
        assert client.get(path).status_code == 200, path
