"""Legal documents: search by number or words ignoring accents, filters by type, year and
issuing body, the public page and the streamed PDF."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from chinhquyen.audit.models import AuditEntry
from chinhquyen.news import services
from chinhquyen.news.choices import DocumentType
from chinhquyen.news.models import LegalDocument
from chinhquyen.news.tests.conftest import PDF, post_document

pytestmark = pytest.mark.django_db


@pytest.fixture
def documents(org_tree):
    return {
        "decision": post_document(org_tree.dept_a),
        "directive": post_document(
            org_tree.dept_a,
            number="12/CT-UBND",
            document_type=DocumentType.DIRECTIVE,
            issue_date=datetime.date(2026, 3, 2),
            effective_date=None,
            summary="Chỉ thị về tăng cường kỷ luật, kỷ cương trong giải quyết thủ tục hành chính",
        ),
        "letter": post_document(
            org_tree.dept_b,
            number="356/STP-HCTP",
            document_type=DocumentType.OFFICIAL_LETTER,
            issuing_body="Sở Tư pháp",
            signer="Lê Quang Hưng",
            issue_date=datetime.date(2026, 2, 20),
            effective_date=None,
            summary="Hướng dẫn thực hiện đăng ký hộ tịch trực tuyến",
        ),
        "hidden": post_document(
            org_tree.dept_b,
            number="1/TB-STP",
            document_type=DocumentType.NOTICE,
            issue_date=datetime.date(2026, 1, 5),
            effective_date=None,
            summary="Thông báo nội bộ về hộ tịch",
            is_public=False,
        ),
    }


def numbers(**kwargs) -> list[str]:
    return [d.number for d in services.search_documents(**kwargs)]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["12/CT-UBND", "356/STP-HCTP", "25/2025/QĐ-UBND"]),
        ("ho tich", ["356/STP-HCTP"]),
        ("HỘ TỊCH", ["356/STP-HCTP"]),
        ("quy che trung tam", ["25/2025/QĐ-UBND"]),
        ("25/2025/QD", ["25/2025/QĐ-UBND"]),
        ("25/2025/QĐ-UBND", ["25/2025/QĐ-UBND"]),
        ("ubnd", ["12/CT-UBND", "25/2025/QĐ-UBND"]),
        ("ky luat", ["12/CT-UBND"]),
        ("uat", []),  # words are matched from their beginning
        ("le quang hung", ["356/STP-HCTP"]),  # the signer
    ],
)
def test_search_ignores_accents_and_case(documents, query, expected):
    assert numbers(query=query) == expected


def test_filters_by_type_year_and_issuer(documents):
    assert numbers(document_type=DocumentType.DIRECTIVE) == ["12/CT-UBND"]
    assert numbers(year=2025) == ["25/2025/QĐ-UBND"]
    assert numbers(issuer="Sở Tư pháp") == ["356/STP-HCTP"]
    assert numbers(year=2026, query="ho tich") == ["356/STP-HCTP"]


def test_the_public_list_filters_and_refuses_unknown_values(client, documents):
    response = client.get("/tin-tuc/van-ban/", {"q": "ho tich", "year": "2026"})
    assert response.status_code == 200
    assert [d.number for d in response.context["page"].object_list] == ["356/STP-HCTP"]

    refused = client.get("/tin-tuc/van-ban/", {"type": "bogus", "year": "1800"})
    assert refused.status_code == 400
    assert set(refused.context["form"].errors) == {"type", "year"}
    assert list(refused.context["page"].object_list) == []


def test_the_public_list_costs_a_bounded_number_of_queries(
    client, documents, django_assert_max_num_queries
):
    with django_assert_max_num_queries(5):
        assert client.get("/tin-tuc/van-ban/", {"q": "ubnd"}).status_code == 200


def test_the_pdf_is_streamed_and_a_hidden_document_is_not_public(client, documents):
    response = client.get(f"/tin-tuc/van-ban/{documents['decision'].pk}/tai-ve.pdf")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF
    assert 'filename="25-2025-qd-ubnd.pdf"' in response["Content-Disposition"]
    assert client.get(f"/tin-tuc/van-ban/{documents['hidden'].pk}/").status_code == 404
    assert client.get(f"/tin-tuc/van-ban/{documents['hidden'].pk}/tai-ve.pdf").status_code == 404


def test_the_document_page_shows_every_detail(client, documents):
    response = client.get(f"/tin-tuc/van-ban/{documents['decision'].pk}/")

    html = response.content.decode()
    for text in (
        "25/2025/QĐ-UBND",
        "Ủy ban nhân dân tỉnh Thử Nghiệm",
        "Nguyễn Văn Minh",
        "15/08/2025",
        "01/09/2025",
    ):
        assert text in html


def test_editors_update_and_delete_only_their_agencys_documents(
    org_tree, documents, clerk_hoa, editor_lan
):
    decision = documents["decision"]

    with pytest.raises(PermissionDenied):
        services.update_legal_document(decision, acting_user=editor_lan, signer="Người khác")
    with pytest.raises(PermissionDenied):
        services.delete_legal_document(decision, acting_user=editor_lan)
    decision.refresh_from_db()
    assert decision.signer == "Nguyễn Văn Minh"

    services.update_legal_document(decision, acting_user=clerk_hoa, summary="Quy chế mới")
    assert numbers(query="quy che moi") == ["25/2025/QĐ-UBND"]
    services.delete_legal_document(decision, acting_user=clerk_hoa)
    assert not LegalDocument.objects.filter(pk=decision.pk).exists()
    assert AuditEntry.objects.filter(action="news.delete_legal_document").count() == 1
