"""Article bodies are Markdown cleaned to a small allow-list; images need a description and
must be real images; documents must be real PDFs within the size limit."""

import pytest
from django.core.exceptions import ValidationError

from chinhquyen.news import services
from chinhquyen.news.models import Article, LegalDocument
from chinhquyen.news.tests.conftest import PDF, png_bytes, post_document, upload, write

pytestmark = pytest.mark.django_db


def test_markdown_is_rendered_and_anything_else_is_removed():
    html = services.render_body(
        "# Tiêu đề\n\n**Đậm** và [liên kết](https://example.org/a) "
        '<script>alert(1)</script><img src=x onerror="alert(2)">'
        "[xấu](javascript:alert(3))\n\n- một\n- hai"
    )

    assert html == (
        "Tiêu đề\n<p><strong>Đậm</strong> và "
        '<a href="https://example.org/a" rel="noopener noreferrer nofollow">liên kết</a> '
        '<a rel="noopener noreferrer nofollow">xấu</a></p>\n<ul>\n<li>một</li>\n<li>hai</li>\n</ul>'
    )


def test_an_image_needs_a_description(org_tree, clerk_hoa):
    with pytest.raises(ValidationError) as caught:
        write(org_tree.dept_a, user=clerk_hoa, image=upload("a.png", png_bytes()))

    assert list(caught.value.message_dict) == ["image_alt"]
    assert Article.objects.count() == 0


def test_an_image_is_checked_by_its_content_not_its_name(org_tree, clerk_hoa):
    with pytest.raises(ValidationError) as caught:
        write(
            org_tree.dept_a,
            user=clerk_hoa,
            image=upload("anh.png", b"<svg onload=alert(1)></svg>"),
            image_alt="Ảnh",
        )

    assert caught.value.message_dict["image"] == [
        "Tệp “anh.png” không phải ảnh PNG, JPEG hoặc GIF; nội dung tệp đã được kiểm tra, "
        "không phải tên tệp. / The file “anh.png” is not a PNG, JPEG or GIF image; its content "
        "was checked, not its name."
    ]
    assert Article.objects.count() == 0


def test_an_article_with_a_described_image_keeps_its_sniffed_type(org_tree, clerk_hoa):
    article = write(
        org_tree.dept_a,
        user=clerk_hoa,
        image=upload("anh.jpg", png_bytes(), "image/jpeg"),
        image_alt="Quầy tiếp nhận hồ sơ",
    )

    assert article.image_type == "image/png"
    assert article.image.name.endswith(".png")


def test_a_document_must_be_a_pdf(org_tree, clerk_hoa):
    with pytest.raises(ValidationError) as caught:
        post_document(org_tree.dept_a, user=clerk_hoa, file=upload("qd.pdf", b"MZ\x90\x00exe"))

    assert list(caught.value.message_dict) == ["file"]
    assert LegalDocument.objects.count() == 0


def test_a_document_over_the_size_limit_is_refused_before_storing(
    org_tree, clerk_hoa, settings, media
):
    settings.NEWS_DOCUMENT_MAX_BYTES = 100
    with pytest.raises(ValidationError) as caught:
        post_document(org_tree.dept_a, user=clerk_hoa, file=upload("qd.pdf", PDF + b" " * 100))

    assert "100" in caught.value.message_dict["file"][0]
    assert LegalDocument.objects.count() == 0
    assert list(media.rglob("*.pdf")) == []


def test_a_document_cannot_take_effect_before_it_is_issued(org_tree, clerk_hoa):
    import datetime

    with pytest.raises(ValidationError) as caught:
        post_document(
            org_tree.dept_a,
            user=clerk_hoa,
            issue_date=datetime.date(2025, 8, 15),
            effective_date=datetime.date(2025, 8, 1),
        )

    assert list(caught.value.message_dict) == ["effective_date"]
    assert LegalDocument.objects.count() == 0


def test_a_removed_or_replaced_image_leaves_storage(
    org_tree, clerk_hoa, django_capture_on_commit_callbacks
):
    article = write(
        org_tree.dept_a, user=clerk_hoa, image=upload("a.png", png_bytes()), image_alt="Ảnh"
    )
    first = article.image.name
    storage = article.image.storage

    with django_capture_on_commit_callbacks(execute=True):
        article = services.update_article(
            article,
            acting_user=clerk_hoa,
            image=upload("b.png", png_bytes()),
            image_alt="Ảnh mới",
        )
    second = article.image.name
    assert not storage.exists(first)
    assert storage.exists(second)

    with django_capture_on_commit_callbacks(execute=True):
        article = services.update_article(article, acting_user=clerk_hoa, remove_image=True)
    assert article.image.name == ""
    assert not storage.exists(second)


def test_a_replaced_pdf_leaves_storage(org_tree, clerk_hoa, django_capture_on_commit_callbacks):
    document = post_document(org_tree.dept_a, user=clerk_hoa, file=upload("qd.pdf", PDF))
    old = document.file.name

    with django_capture_on_commit_callbacks(execute=True):
        document = services.update_legal_document(
            document, acting_user=clerk_hoa, file=upload("qd2.pdf", PDF)
        )

    assert document.file.name != old
    assert not document.file.storage.exists(old)
    assert document.file.storage.exists(document.file.name)
