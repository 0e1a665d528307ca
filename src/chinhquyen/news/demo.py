"""Demo news, announcements and legal documents for the demo province (development only).

Everything here is marked as demo data ("(dữ liệu minh họa)" / "(demo data)"); the document
numbers follow the real pattern (Decree 30/2020/ND-CP) but are made up. Idempotent: an article
is found by its title, a document by its number.
"""

from __future__ import annotations

import datetime

from django.core.files.base import ContentFile
from django.utils import timezone

from chinhquyen.directory.demo import DEMO_ORGANISATIONS
from chinhquyen.directory.models import Organisation
from chinhquyen.dossiers.demo import tiny_pdf
from chinhquyen.news import services
from chinhquyen.news.choices import ArticleStatus, Category, DocumentType
from chinhquyen.news.models import Article, LegalDocument
from chinhquyen.procedures.search import fold_words

DEMO = " (dữ liệu minh họa)"
DEMO_EN = " (demo data)"

ARTICLES = [
    # (organisation key, category, days ago, title, title_en, summary, summary_en, body, body_en)
    (
        "vp_tthc",
        Category.ANNOUNCEMENT,
        1,
        "Trung tâm Phục vụ hành chính công tỉnh làm việc sáng thứ Bảy",
        "The Public Administration Service Centre opens on Saturday mornings",
        "Từ tháng 12, Trung tâm tiếp nhận hồ sơ vào sáng thứ Bảy, từ 7 giờ 30 đến 11 giờ 30.",
        "From December the Centre receives dossiers on Saturday mornings, 7:30 to 11:30.",
        "Để thuận tiện cho người dân và doanh nghiệp, **Trung tâm Phục vụ hành chính công "
        "tỉnh** tiếp nhận và trả kết quả hồ sơ vào sáng thứ Bảy hằng tuần.\n\n"
        "- Thời gian: 7 giờ 30 đến 11 giờ 30\n- Địa điểm: quầy số 1 đến quầy số 6\n\n"
        "Người dân có thể đặt lịch trước trên Cổng dịch vụ công.",
        "To serve citizens and businesses better, the **Provincial Public Administration "
        "Service Centre** receives dossiers and returns results every Saturday morning.\n\n"
        "- Hours: 7:30 to 11:30\n- Where: counters 1 to 6",
    ),
    (
        "stp",
        Category.NEWS,
        3,
        "Sở Tư pháp hướng dẫn đăng ký khai sinh trực tuyến",
        "The Department of Justice explains online birth registration",
        "Cha mẹ có thể đăng ký khai sinh cho con trên Cổng dịch vụ công mà không phải đến cơ quan.",
        "Parents can register a birth online without visiting an office.",
        "Thủ tục **đăng ký khai sinh** được cung cấp trực tuyến toàn trình.\n\n"
        "## Chuẩn bị\n\n1. Giấy chứng sinh (bản chụp)\n2. Giấy tờ tùy thân của cha, mẹ\n\n"
        "Xem thủ tục trên [Cổng dịch vụ công](/thu-tuc/?q=khai+sinh).",
        "",
    ),
    (
        "ubnd",
        Category.NEWS,
        6,
        "Tỉnh đẩy mạnh thanh toán trực tuyến phí, lệ phí thủ tục hành chính",
        "The province promotes online payment of administrative fees",
        "Tỷ lệ hồ sơ thanh toán trực tuyến tăng so với cùng kỳ năm trước.",
        "",
        "Ủy ban nhân dân tỉnh đề nghị các sở, ngành tiếp tục hướng dẫn người dân thanh toán "
        "phí, lệ phí qua Cổng dịch vụ công.",
        "",
    ),
    (
        "snv",
        Category.ANNOUNCEMENT,
        9,
        "Thông báo lịch tiếp công dân tháng 12",
        "Citizen reception schedule for December",
        "Lãnh đạo Sở Nội vụ tiếp công dân định kỳ vào thứ Năm tuần thứ hai của tháng.",
        "The Department of Home Affairs' leaders receive citizens on the second Thursday.",
        "Lịch tiếp công dân định kỳ: **thứ Năm tuần thứ hai**, tại trụ sở Sở Nội vụ.",
        "Regular reception: **second Thursday of the month**, at the Department's office.",
    ),
]

DOCUMENTS = [
    # (organisation key, number, type, issuing body, signer, issued, effective, summary, en)
    (
        "ubnd",
        "25/2025/QĐ-UBND",
        DocumentType.DECISION,
        "Ủy ban nhân dân tỉnh Tuyên Quang",
        "Nguyễn Văn Minh",
        datetime.date(2025, 8, 15),
        datetime.date(2025, 9, 1),
        "Quyết định ban hành Quy chế hoạt động của Trung tâm Phục vụ hành chính công tỉnh",
        "Decision on the rules of the Provincial Public Administration Service Centre",
    ),
    (
        "ubnd",
        "12/CT-UBND",
        DocumentType.DIRECTIVE,
        "Ủy ban nhân dân tỉnh Tuyên Quang",
        "Nguyễn Văn Minh",
        datetime.date(2025, 10, 2),
        None,
        "Chỉ thị về tăng cường kỷ luật, kỷ cương trong giải quyết thủ tục hành chính",
        "Directive on discipline in handling administrative procedures",
    ),
    (
        "vp",
        "1520/KH-UBND",
        DocumentType.PLAN,
        "Ủy ban nhân dân tỉnh Tuyên Quang",
        "Trần Thị Lan",
        datetime.date(2026, 1, 10),
        None,
        "Kế hoạch cải cách hành chính năm 2026",
        "Administrative reform plan for 2026",
    ),
    (
        "stp",
        "356/STP-HCTP",
        DocumentType.OFFICIAL_LETTER,
        "Sở Tư pháp tỉnh Tuyên Quang",
        "Lê Quang Hưng",
        datetime.date(2026, 2, 20),
        None,
        "Hướng dẫn thực hiện đăng ký hộ tịch trực tuyến",
        "Guidance on online civil status registration",
    ),
]


def _organisations() -> dict[str, Organisation]:
    codes = {spec.key: spec.qcvn_code for spec in DEMO_ORGANISATIONS}
    found = {o.qcvn_code: o for o in Organisation.objects.filter(qcvn_code__in=codes.values())}
    return {key: found[code] for key, code in codes.items() if code in found}


def load_demo_news() -> dict[str, int]:
    """Create the demo articles (published, dated over the last days) and documents."""
    organisations = _organisations()
    created = {"articles": 0, "documents": 0}
    now = timezone.now()
    for key, category, days, title, title_en, summary, summary_en, body, body_en in ARTICLES:
        organisation = organisations.get(key)
        if organisation is None or Article.objects.filter(title=title + DEMO).exists():
            continue
        article = services.create_article(
            organisation=organisation,
            category=category,
            title=title + DEMO,
            title_en=title_en + DEMO_EN if title_en else "",
            summary=summary,
            summary_en=summary_en,
            body=body,
            body_en=body_en,
            acting_user=None,
        )
        services.submit_article(article, acting_user=None)
        services.publish_article(article, acting_user=None)
        # Spread the demo publication times over the past days (demo data only).
        Article.objects.filter(pk=article.pk, status=ArticleStatus.PUBLISHED).update(
            publish_at=now - datetime.timedelta(days=days, hours=2)
        )
        created["articles"] += 1
    for key, number, kind, issuer, signer, issued, effective, summary, summary_en in DOCUMENTS:
        organisation = organisations.get(key)
        if organisation is None or LegalDocument.objects.filter(number=number).exists():
            continue
        pdf = tiny_pdf(
            fold_words(number).upper() + " (DEMO)",
            [fold_words(summary), "Du lieu minh hoa - demo data"],
        )
        services.create_legal_document(
            organisation=organisation,
            number=number,
            document_type=kind,
            issuing_body=issuer,
            signer=signer,
            issue_date=issued,
            effective_date=effective,
            summary=summary + DEMO,
            summary_en=summary_en + DEMO_EN,
            file=ContentFile(pdf, name="demo.pdf"),
            acting_user=None,
        )
        created["documents"] += 1
    return created
