"""Fixtures of the news tests: files, an editor of department B, and helpers that write and
publish articles and post documents through the services.

Personas from the root conftest: ``clerk_hoa`` (clerk of department A: an editor),
``leader_binh`` (agency leader of department A: an approver), ``specialist_dung`` (specialist
of division A1, inside department A: an editor), ``officer_an`` (one-stop officer of
department A: neither), ``other_agency_official`` (one-stop officer of department B).
"""

import datetime
import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from chinhquyen.accounts.choices import Role
from chinhquyen.conftest import make_role_holder
from chinhquyen.news import services
from chinhquyen.news.choices import Category, DocumentType

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def png_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 3), (155, 27, 27)).save(out, format="PNG")
    return out.getvalue()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Uploaded images and PDFs go to a temporary folder."""
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


@pytest.fixture(autouse=True)
def _fresh_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def editor_lan(org_tree):
    """Clerk (an editor) of department B."""
    return make_role_holder(
        "editor_lan",
        full_name="Đặng Thị Lan",
        organisation=org_tree.dept_b,
        role=Role.CLERK,
        position="Văn thư",
    )


def write(organisation, *, user=None, category=Category.NEWS, title="Tin thử nghiệm", **extra):
    values = {
        "summary": f"Tóm tắt của {title}",
        "body": f"Nội dung của **{title}**.",
        **extra,
    }
    return services.create_article(
        organisation=organisation, category=category, title=title, acting_user=user, **values
    )


def publish(organisation, *, publish_at=None, **kwargs):
    """Write, submit and publish an article as the system (for page and feed tests)."""
    article = write(organisation, **kwargs)
    services.submit_article(article, acting_user=None)
    return services.publish_article(article, acting_user=None, publish_at=publish_at)


def post_document(organisation, *, number="25/2025/QĐ-UBND", user=None, **extra):
    values = {
        "document_type": DocumentType.DECISION,
        "issuing_body": "Ủy ban nhân dân tỉnh Thử Nghiệm",
        "signer": "Nguyễn Văn Minh",
        "issue_date": datetime.date(2025, 8, 15),
        "effective_date": datetime.date(2025, 9, 1),
        "summary": "Quyết định ban hành Quy chế hoạt động của Trung tâm Phục vụ hành chính công",
        "file": ContentFile(PDF, name="qd.pdf"),
        **extra,
    }
    return services.create_legal_document(
        organisation=organisation, number=number, acting_user=user, **values
    )


def upload(name: str, content: bytes, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)
