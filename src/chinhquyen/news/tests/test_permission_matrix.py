"""Who may open and act on a department A article, persona by persona (core.testing)."""

import pytest

from chinhquyen.core.testing import LOGIN, assert_permission_matrix
from chinhquyen.news import services
from chinhquyen.news.models import Article
from chinhquyen.news.tests.conftest import write

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(org_tree, clerk_hoa):
    article = write(org_tree.dept_a, title="Bài của Sở A")
    return services.submit_article(article, acting_user=clerk_hoa)


def test_who_may_see_a_department_a_article_in_the_back_office(client, personas, submitted):
    assert_permission_matrix(
        client,
        f"/tin-tuc/quan-ly/{submitted.pk}/",
        {
            "anonymous": LOGIN,
            "officer_an": 403,  # one-stop officer: not an editor
            "leader_binh": 200,
            "deputy_cuong": 404,  # editor of division A1: the department's article is above
            "specialist_dung": 404,
            "clerk_hoa": 200,
            "admin_giang": 200,
            "other_agency_official": 403,
            "citizen_chi": 403,
        },
        personas=personas,
    )


def test_who_may_publish_a_department_a_article(client, personas, submitted):
    assert_permission_matrix(
        client,
        f"/tin-tuc/quan-ly/{submitted.pk}/publish/",
        {
            "anonymous": LOGIN,
            "officer_an": 403,
            "leader_binh": 302,
            "deputy_cuong": 404,
            "specialist_dung": 404,
            "clerk_hoa": 403,  # an editor, not an approver
            "admin_giang": 302,
            "other_agency_official": 403,
            "citizen_chi": 403,
        },
        personas=personas,
        method="post",
        data={"publish_at": ""},
        unchanged=lambda: list(Article.objects.values_list("status", "publish_at")),
    )
