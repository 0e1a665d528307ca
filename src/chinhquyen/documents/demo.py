"""Demo official documents: a few thousand incoming and outgoing documents across the demo agencies.

DEVELOPMENT DATA ONLY (``chinhquyen load_demo --documents N``; the command refuses to run in
production). The summaries (trích yếu) are generated from templates of real-sounding subjects
("V/v triển khai …", "Kế hoạch …", "Báo cáo …") so the search, the lists and the statistics
have something realistic to work on; ``bench/bench_documents_search.py`` uses the same
generator for its million documents.

What is loaded (``load_demo_documents``), this year and last, newest up to today:

* incoming documents of every demo agency, registered in its incoming book with arrival numbers
  in arrival order (a ``BookNumber`` row each, as ``numbering.take_number`` records them), from
  paper (a few with "OCR" text) or from the exchange; about half assigned to a division (lead)
  with a deadline, some completed, some waiting in the queue unregistered (electronic, status
  "received");
* outgoing documents issued with numbers from the outgoing books; some sent electronically to
  other demo agencies, which received them (``Recipient`` → ``IncomingDocument``);
* a few secret documents (their own books), assigned to a named specialist.

Idempotent: the documents carry ``{"demo": <index>}`` in their first timeline event; when demo
documents exist, a second run adds nothing. Bulk inserts: ~3,000 documents load in seconds.
"""

from __future__ import annotations

import datetime
import hashlib
import random
from collections import defaultdict

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from chinhquyen.procedures.search import padded

# --- Vocabulary of realistic summaries --------------------------------------------------

# Subjects of provincial administration, most frequent first (weights follow 1/rank).
TOPICS = [
    "chuyển đổi số",
    "cải cách hành chính",
    "giải ngân vốn đầu tư công",
    "phòng, chống thiên tai",
    "xây dựng nông thôn mới",
    "thủ tục hành chính",
    "quản lý đất đai",
    "an toàn giao thông",
    "thi đua, khen thưởng",
    "dịch vụ công trực tuyến",
    "thu ngân sách nhà nước",
    "giảm nghèo bền vững",
    "phòng cháy, chữa cháy",
    "tiếp công dân",
    "giải quyết khiếu nại, tố cáo",
    "phòng, chống tham nhũng",
    "Đề án 06",
    "sắp xếp đơn vị hành chính",
    "chính quyền địa phương hai cấp",
    "bảo vệ môi trường",
    "an toàn thực phẩm",
    "bảo hiểm xã hội, bảo hiểm y tế",
    "công tác cán bộ",
    "tinh giản biên chế",
    "giải phóng mặt bằng",
    "an toàn thông tin mạng",
    "chữ ký số",
    "quyết toán ngân sách",
    "tuyển sinh vào lớp 10",
    "kỳ thi tốt nghiệp trung học phổ thông",
    "phòng, chống dịch bệnh",
    "tiêm chủng mở rộng",
    "xử lý rác thải sinh hoạt",
    "thực hành tiết kiệm, chống lãng phí",
    "quốc phòng, an ninh",
    "tuyển chọn và gọi công dân nhập ngũ",
    "phòng, chống ma túy",
    "bạo lực học đường",
    "trật tự xây dựng",
    "quy hoạch tỉnh",
    "cấp giấy phép xây dựng",
    "khai thác khoáng sản",
    "bảo vệ và phát triển rừng",
    "phòng cháy, chữa cháy rừng",
    "dịch tả lợn châu Phi",
    "cúm gia cầm",
    "sản xuất vụ đông",
    "nước sạch và vệ sinh môi trường nông thôn",
    "phát triển du lịch",
    "lễ hội truyền thống",
    "di tích lịch sử - văn hóa",
    "thể dục, thể thao",
    "công tác gia đình",
    "bảo vệ, chăm sóc trẻ em",
    "bình đẳng giới",
    "người có công với cách mạng",
    "an sinh xã hội",
    "lao động, việc làm",
    "giáo dục nghề nghiệp",
    "hỗ trợ doanh nghiệp",
    "kinh tế tập thể, hợp tác xã",
    "thương mại điện tử",
    "xúc tiến đầu tư",
    "hạ tầng giao thông",
    "đường cao tốc Tuyên Quang - Hà Giang",
    "nhà ở xã hội",
    "xóa nhà tạm, nhà dột nát",
    "khám bệnh, chữa bệnh",
    "y tế cơ sở",
    "công tác dân số",
    "đăng ký hộ tịch",
    "lý lịch tư pháp",
    "trợ giúp pháp lý",
    "phổ biến, giáo dục pháp luật",
    "kiểm tra văn bản quy phạm pháp luật",
    "xây dựng văn bản quy phạm pháp luật",
    "công chứng, chứng thực",
    "đấu giá tài sản",
    "thống kê",
    "kiểm kê đất đai",
    "cơ sở dữ liệu đất đai",
    "quản lý thuế",
    "hóa đơn điện tử",
    "chống buôn lậu, gian lận thương mại",
    "hàng giả, hàng kém chất lượng",
    "bình ổn giá cả thị trường",
    "dịch vụ bưu chính công ích",
    "quản lý báo chí",
    "thông tin cơ sở",
    "cải cách chính sách tiền lương",
    "tuyển dụng viên chức",
    "thi tuyển công chức",
    "đào tạo, bồi dưỡng cán bộ, công chức",
    "lưu trữ hồ sơ, tài liệu",
    "văn thư, lưu trữ",
    "quản lý tài sản công",
    "mua sắm tập trung",
    "thanh tra chuyên ngành",
    "kiểm soát tài sản, thu nhập",
    "dân tộc, tôn giáo",
    "chương trình mục tiêu quốc gia phát triển kinh tế - xã hội vùng đồng bào dân tộc thiểu số",
    "bảo tồn văn hóa các dân tộc",
    "khuyến nông",
    "chè Shan tuyết",
    "cam sành Hàm Yên",
    "phòng, chống rét cho cây trồng, vật nuôi",
    "thủy lợi",
    "an toàn hồ, đập",
    "mưa lũ, sạt lở đất",
    "cứu hộ, cứu nạn",
    "điện nông thôn",
    "viễn thông, internet",
    "tài nguyên nước",
    "biến đổi khí hậu",
    "khoa học và công nghệ",
    "sở hữu trí tuệ",
    "tiêu chuẩn đo lường chất lượng",
    "Cổng dịch vụ công quốc gia",
]
TOPIC_WEIGHTS = [1 / (rank + 1) for rank in range(len(TOPICS))]

ACTIONS = [
    "triển khai",
    "triển khai thực hiện",
    "tăng cường",
    "tăng cường công tác",
    "đôn đốc thực hiện",
    "hướng dẫn thực hiện",
    "góp ý dự thảo văn bản về",
    "tham mưu",
    "kiểm tra",
    "rà soát",
    "đẩy mạnh",
    "chấn chỉnh",
    "báo cáo kết quả",
    "cung cấp thông tin về",
    "đề nghị phối hợp",
    "xin ý kiến về",
    "tổ chức hội nghị về",
    "thực hiện các giải pháp",
]
ACTION_WEIGHTS = [1 / (rank + 1) ** 0.5 for rank in range(len(ACTIONS))]
ROMAN = ["I", "II", "III", "IV"]

# (type code, share, how its summary reads; {a} action, {t} topic, {s} scope)
FORMS = [
    ("cong-van", 48, "V/v {a} {t}{s}"),
    ("ke-hoach", 9, "Kế hoạch {a} {t}{s}"),
    ("bao-cao", 10, "Báo cáo {r} {t}{s}"),
    ("quyet-dinh", 8, "Về việc {d} {t}{s}"),
    ("thong-bao", 7, "Thông báo {n} {t}{s}"),
    ("giay-moi", 6, "Mời dự {m} {t}{s}"),
    ("to-trinh", 4, "Đề nghị {d} {t}{s}"),
    ("huong-dan", 3, "Hướng dẫn {t}{s}"),
    ("chi-thi", 2, "Về {a} {t}{s}"),
    ("cong-dien", 1, "Về việc chủ động ứng phó {t}{s}"),
    ("nghi-quyet", 2, "Về {d} {t}{s}"),
]
REPORTS = ["kết quả thực hiện", "tình hình", "sơ kết", "tổng kết", "đánh giá", "số liệu về"]
DECISIONS = [
    "phê duyệt kế hoạch",
    "ban hành quy chế",
    "thành lập Ban Chỉ đạo",
    "kiện toàn Tổ công tác",
    "giao chỉ tiêu",
    "phân bổ kinh phí",
    "công nhận kết quả",
]
NOTICES = [
    "kết luận của Chủ tịch Ủy ban nhân dân tỉnh về",
    "ý kiến chỉ đạo về",
    "kết quả kiểm tra",
    "lịch làm việc về",
]
MEETINGS = ["hội nghị", "hội nghị trực tuyến về", "buổi làm việc về", "tập huấn"]
SIGNERS = [
    ("Chủ tịch", "Nguyễn Văn Thành"),
    ("Phó Chủ tịch", "Lê Thị Hồng"),
    ("Giám đốc", "Trần Quốc Khánh"),
    ("Phó Giám đốc", "Phạm Văn Minh"),
    ("Chánh Văn phòng", "Hoàng Thị Lan"),
    ("Trưởng ban", "Vũ Đình Long"),
]
# Issuers outside the demo tree: ministries, the province's party and other provinces.
OUTSIDE_ISSUERS = [
    ("Văn phòng Chính phủ", "VPCP"),
    ("Bộ Nội vụ", "BNV"),
    ("Bộ Tư pháp", "BTP"),
    ("Bộ Tài chính", "BTC"),
    ("Bộ Khoa học và Công nghệ", "BKHCN"),
    ("Bộ Nông nghiệp và Môi trường", "BNNMT"),
    ("Bộ Công an", "BCA"),
    ("Bộ Y tế", "BYT"),
    ("Bộ Giáo dục và Đào tạo", "BGDĐT"),
    ("Tỉnh ủy Tuyên Quang", "TU"),
    ("Hội đồng nhân dân tỉnh Tuyên Quang", "HĐND"),
    ("Ủy ban nhân dân tỉnh Lào Cai", "UBND"),
    ("Ủy ban nhân dân tỉnh Thái Nguyên", "UBND"),
    ("Bảo hiểm xã hội tỉnh", "BHXH"),
    ("Công an tỉnh Tuyên Quang", "CAT"),
]
BODY_OPENINGS = [
    "Căn cứ Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025;",
    "Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ về công tác văn thư;",
    "Thực hiện chỉ đạo của Ủy ban nhân dân tỉnh tại Văn bản số {n}/UBND-KT;",
    "Để kịp thời triển khai các nhiệm vụ trọng tâm trong thời gian tới,",
]
BODY_SENTENCES = [
    "đề nghị các cơ quan, đơn vị {a} {t}, báo cáo kết quả trước ngày {d}.",
    "yêu cầu Thủ trưởng các sở, ban, ngành và Chủ tịch Ủy ban nhân dân các xã, phường "
    "quan tâm chỉ đạo {a} {t}.",
    "giao Sở Nội vụ chủ trì, phối hợp với các đơn vị liên quan theo dõi, tổng hợp tình hình {t}.",
    "trong quá trình thực hiện, nếu có khó khăn, vướng mắc, đề nghị phản ánh về Văn phòng "
    "Ủy ban nhân dân tỉnh để tổng hợp, báo cáo.",
    "kinh phí thực hiện từ nguồn ngân sách nhà nước theo phân cấp hiện hành và các nguồn hợp "
    "pháp khác.",
    "đảm bảo tiến độ, chất lượng, hiệu quả, tránh hình thức, lãng phí.",
]


def _scope(rng: random.Random, year: int, communes: list[str]) -> str:
    pick = rng.random()
    if pick < 0.25:
        return f" năm {year}"
    if pick < 0.35:
        return f" quý {rng.choice(ROMAN)} năm {year}"
    if pick < 0.42:
        return f" 6 tháng đầu năm {year}"
    if pick < 0.48:
        return " giai đoạn 2026 - 2030"
    if pick < 0.62:
        return " trên địa bàn tỉnh"
    if pick < 0.68 and communes:
        return f" tại {rng.choice(communes)}"
    if pick < 0.72:
        return f" tháng {rng.randint(1, 12)}/{year}"
    return ""


def make_subject(rng: random.Random, year: int, communes: list[str] = ()) -> tuple[str, str]:
    """``(type code, summary)`` of a realistic document, e.g. ``("cong-van", "V/v triển
    khai thực hiện chuyển đổi số trên địa bàn tỉnh")``."""
    type_code, _share, form = rng.choices(FORMS, weights=[f[1] for f in FORMS])[0]
    summary = form.format(
        a=rng.choices(ACTIONS, weights=ACTION_WEIGHTS)[0],
        t=rng.choices(TOPICS, weights=TOPIC_WEIGHTS)[0],
        s=_scope(rng, year, list(communes)),
        r=rng.choice(REPORTS),
        d=rng.choice(DECISIONS),
        n=rng.choice(NOTICES),
        m=rng.choice(MEETINGS),
    )
    return type_code, summary[0].upper() + summary[1:]


def make_body(rng: random.Random, sender: str, sentences: int = 6) -> str:
    """A few paragraphs of official-letter text (what OCR of a scan gives back)."""
    lines = [rng.choice(BODY_OPENINGS).format(n=rng.randint(100, 4000))]
    for _i in range(sentences):
        sentence = rng.choice(BODY_SENTENCES).format(
            a=rng.choices(ACTIONS, weights=ACTION_WEIGHTS)[0],
            t=rng.choices(TOPICS, weights=TOPIC_WEIGHTS)[0],
            d=f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}",
        )
        lines.append(f"{sender} {sentence}")
    return "\n".join(lines)


def abbreviation(name: str) -> str:
    """Initials of an organisation name for notations: "Sở Tư pháp" → "STP"."""
    words = [word for word in name.replace("-", " ").split() if word[0].isalpha()]
    initials = "".join(word[0].upper() for word in words)
    if name.startswith("Ủy ban nhân dân"):
        return "UBND"
    return initials[:8] or "VP"


# --- Loader ------------------------------------------------------------------------------


def load_demo_documents(count: int = 3000, *, seed: int = 2026, progress: bool = False) -> dict:
    """Load ``count`` demo documents (about 3/4 incoming) unless demo documents exist."""
    from chinhquyen.accounts.models import User
    from chinhquyen.audit.services import log_action
    from chinhquyen.directory.demo import DEMO_ACCOUNTS, DEMO_COMMUNES, DEMO_ORGANISATIONS
    from chinhquyen.directory.models import Official, Organisation
    from chinhquyen.documents.choices import (
        AssignmentRole,
        AssignmentStatus,
        BookDirection,
        DeliveryStatus,
        EventType,
        FileKind,
        IncomingChannel,
        IncomingStatus,
        NumberState,
        OutgoingStatus,
        RecipientChannel,
        Secrecy,
        TextStatus,
        Urgency,
    )
    from chinhquyen.documents.models import (
        Assignment,
        BookNumber,
        DocumentEvent,
        DocumentFile,
        IncomingDocument,
        OutgoingDocument,
        Recipient,
        RegistrationBook,
    )
    from chinhquyen.documents.services import numbering
    from chinhquyen.documents.services.search import SEARCH_TEXT_MAX, document_search_text
    from chinhquyen.dossiers.demo import tiny_pdf

    if count <= 0:
        return {"incoming": 0, "outgoing": 0, "created": 0}
    if DocumentEvent.objects.filter(details__has_key="demo").exists():
        return {"incoming": 0, "outgoing": 0, "created": 0}
    rng = random.Random(seed)  # noqa: S311 (demo data, reproducible)
    by_code = {spec.qcvn_code: spec for spec in DEMO_ORGANISATIONS}
    orgs = {
        by_code[org.qcvn_code].key: org
        for org in Organisation.objects.filter(qcvn_code__in=list(by_code))
    }
    if not orgs:
        return {"incoming": 0, "outgoing": 0, "created": 0}
    # The People's Committee, its office, the departments and the communes (not the closed
    # district committee); divisions and centres are their units.
    agencies = [
        orgs[spec.key]
        for spec in DEMO_ORGANISATIONS
        if spec.key in orgs and spec.parent in (None, "ubnd") and spec.key != "h_yenson"
    ]
    divisions: dict[int, list] = defaultdict(list)
    for spec in DEMO_ORGANISATIONS:
        if spec.key in orgs and spec.parent in orgs and spec.parent != "ubnd":
            divisions[orgs[spec.parent].pk].append(orgs[spec.key])
    accounts = {account.username: account for account in DEMO_ACCOUNTS}
    users = {user.username: user for user in User.objects.filter(username__in=list(accounts))}
    officials = {
        official.user.username: official
        for official in Official.objects.filter(user__username__in=list(accounts)).select_related(
            "user"
        )
    }
    clerk = users.get("vanthu")
    leader = users.get("lanhdao")
    specialist = officials.get("chuyenvien")
    author = clerk or leader or users.get("quantri")
    if author is None:  # the demo accounts are loaded first (directory.demo)
        return {"incoming": 0, "outgoing": 0, "created": 0}
    main = orgs.get("stp")  # the demo accounts' department gets the largest share
    communes = [name.replace("Ủy ban nhân dân ", "") for _key, name, *_rest in DEMO_COMMUNES]
    # Every one of these types is seeded by migration 0002; cache the versions in force.
    types = {code: numbering.type_in_force(code) for code, *_rest in FORMS}
    now = timezone.now()
    start = now - datetime.timedelta(days=330)
    weights = [6 if agency == main else 1 for agency in agencies]

    def when(rng_: random.Random) -> datetime.datetime:
        moment = start + (now - start) * rng_.random() ** 0.8
        # Office hours on weekdays: a register is filled between 7:00 and 17:00.
        day = timezone.localtime(moment)
        while day.weekday() >= 5:
            day -= datetime.timedelta(days=1)
        day = day.replace(hour=rng_.randint(7, 16), minute=rng_.randint(0, 59), second=0)
        return min(day, now - datetime.timedelta(minutes=rng_.randint(5, 600)))

    books: dict[tuple, object] = {}

    def book(agency, direction: str, year: int, secret: bool, document_type=None):
        key = (agency.pk, direction, year, secret, document_type and document_type.pk)
        if key not in books:
            books[key] = numbering.book_for(
                agency,
                direction,
                year=year,
                document_type=document_type,
                secret=secret,
                acting_user=author,
            )
        return books[key]

    # Numbers in bulk, with the same records as numbering.take_number (a USED BookNumber row
    # for every number, the book's last_number): the books are locked for the transaction.
    taken: dict[int, list] = defaultdict(list)
    last: dict[int, int] = {}

    def next_number(registration_book, moment) -> int:
        if registration_book.pk not in last:
            locked = RegistrationBook.objects.select_for_update().get(pk=registration_book.pk)
            last[registration_book.pk] = locked.last_number
        last[registration_book.pk] += 1
        number = last[registration_book.pk]
        taken[registration_book.pk].append(
            BookNumber(
                book_id=registration_book.pk,
                number=number,
                state=NumberState.USED,
                taken_by=author,
                taken_at=moment,
            )
        )
        return number

    n_outgoing = count // 4
    n_incoming = count - n_outgoing
    created_in = created_out = 0
    with transaction.atomic():
        # Outgoing first: some are delivered to other demo agencies as incoming documents.
        plans = []
        for index in range(n_outgoing):
            agency = rng.choices(agencies, weights=weights)[0]
            moment = when(rng)
            type_code, subject = make_subject(rng, moment.year, communes)
            secret = agency == main and rng.random() < 0.02
            plans.append((moment, index, agency, type_code, subject, secret))
        plans.sort(key=lambda plan: plan[0])
        outgoing_docs = []
        for moment, index, agency, type_code, subject, secret in plans:
            document_type = types[type_code]
            out_book = book(agency, BookDirection.OUTGOING, moment.year, secret, document_type)
            number = next_number(out_book, moment)
            position, name = rng.choice(SIGNERS)
            units = divisions.get(agency.pk) or [agency]
            document = OutgoingDocument(
                organisation=agency,
                drafting_unit=rng.choice(units),
                status=OutgoingStatus.ISSUED,
                document_type=document_type,
                subject=subject,
                issued_date=moment.date(),
                signer_position=position,
                signer_name=name,
                secrecy=Secrecy.CONFIDENTIAL if secret else Secrecy.NONE,
                urgency=Urgency.URGENT if rng.random() < 0.1 else Urgency.NORMAL,
                place="Tuyên Quang",
                book=out_book,
                number=number,
                notation="-".join(
                    part for part in (document_type.abbreviation, abbreviation(agency.name)) if part
                ),
                created_by=author,
                numbered_at=moment,
                issued_at=moment,
            )
            document.search_text = document_search_text(document)
            outgoing_docs.append((index, document))
        OutgoingDocument.objects.bulk_create([doc for _i, doc in outgoing_docs], batch_size=500)
        created_out = len(outgoing_docs)
        DocumentEvent.objects.bulk_create(
            [
                DocumentEvent(
                    outgoing=doc,
                    type=EventType.ISSUED,
                    actor=doc.created_by,
                    at=doc.issued_at,
                    details={"demo": f"out-{index}"},
                )
                for index, doc in outgoing_docs
            ],
            batch_size=1000,
        )
        # A third of them go to another demo agency on the platform (electronic, at once).
        recipients = []
        for _index, doc in outgoing_docs:
            if doc.is_secret or rng.random() > 0.33:
                continue
            target = rng.choice([agency for agency in agencies if agency != doc.organisation])
            recipients.append(
                Recipient(
                    document=doc,
                    organisation=target,
                    name=target.name,
                    channel=RecipientChannel.INTERNAL,
                    status=DeliveryStatus.DELIVERED,
                    status_at=doc.issued_at,
                )
            )
        Recipient.objects.bulk_create(recipients, batch_size=1000)

        # Incoming: paper and exchange ones, plus the electronic ones just sent.
        incoming_plans = []
        for index in range(n_incoming):
            agency = rng.choices(agencies, weights=weights)[0]
            moment = when(rng)
            type_code, subject = make_subject(rng, moment.year, communes)
            name, short = rng.choice(OUTSIDE_ISSUERS)
            incoming_plans.append(
                {
                    "key": f"in-{index}",
                    "agency": agency,
                    "arrived": moment,
                    "type_code": type_code,
                    "subject": subject,
                    "issuer_name": name,
                    "issuer": None,
                    "notation": "-".join(
                        part for part in (types[type_code].abbreviation, short) if part
                    ),
                    "number": str(rng.randint(1, 3500)),
                    "channel": IncomingChannel.PAPER
                    if rng.random() < 0.4
                    else IncomingChannel.EXCHANGE,
                    "secret": agency == main and rng.random() < 0.01,
                    "recipient": None,
                    "signer": rng.choice(SIGNERS),
                }
            )
        for recipient in recipients:
            doc = recipient.document
            incoming_plans.append(
                {
                    "key": f"rcv-{recipient.pk}",
                    "agency": recipient.organisation,
                    "arrived": doc.issued_at + datetime.timedelta(minutes=rng.randint(1, 90)),
                    "type_code": doc.document_type.code,
                    "subject": doc.subject,
                    "issuer_name": doc.organisation.name,
                    "issuer": doc.organisation,
                    "notation": doc.notation,
                    "number": str(doc.number),
                    "channel": IncomingChannel.INTERNAL,
                    "secret": False,
                    "recipient": recipient,
                    "signer": (doc.signer_position, doc.signer_name),
                }
            )
        incoming_plans.sort(key=lambda plan: plan["arrived"])
        incoming_docs = []
        recent = now - datetime.timedelta(days=3)
        for plan in incoming_plans:
            agency = plan["agency"]
            document_type = types.get(plan["type_code"]) or numbering.type_in_force(
                plan["type_code"]
            )
            electronic = plan["channel"] != IncomingChannel.PAPER
            # The newest electronic ones still wait in the queue, unregistered.
            waiting = electronic and plan["arrived"] > recent and rng.random() < 0.5
            in_book = number = None
            if not waiting:
                in_book = book(agency, BookDirection.INCOMING, plan["arrived"].year, plan["secret"])
                number = next_number(in_book, plan["arrived"])
            age = (now - plan["arrived"]).days
            if waiting:
                status = IncomingStatus.RECEIVED
            elif plan["secret"] or (age > 20 and rng.random() < 0.7):
                status = IncomingStatus.COMPLETED if age > 30 else IncomingStatus.ASSIGNED
            elif rng.random() < 0.5:
                status = IncomingStatus.ASSIGNED
            else:
                status = IncomingStatus.REGISTERED
            if plan["secret"]:
                status = IncomingStatus.ASSIGNED
            position, signer = plan["signer"]
            document = IncomingDocument(
                organisation=agency,
                book=in_book,
                arrival_number=number,
                arrived_at=plan["arrived"],
                channel=plan["channel"],
                status=status,
                document_type=document_type,
                subject=plan["subject"],
                issued_date=plan["arrived"].date() - datetime.timedelta(days=rng.randint(0, 4)),
                signer_position=position,
                signer_name=signer,
                page_count=rng.randint(1, 12),
                urgency=Urgency.URGENT if rng.random() < 0.08 else Urgency.NORMAL,
                secrecy=Secrecy.CONFIDENTIAL if plan["secret"] else Secrecy.NONE,
                issuer_name=plan["issuer_name"],
                issuer=plan["issuer"],
                number=plan["number"],
                notation=plan["notation"],
                source_recipient=plan["recipient"],
                registered_by=(clerk if agency == main else None) if not waiting else None,
                completed_at=plan["arrived"] + datetime.timedelta(days=rng.randint(3, 20))
                if status == IncomingStatus.COMPLETED
                else None,
                text_status=TextStatus.EXTRACTED
                if plan["channel"] == IncomingChannel.PAPER
                else TextStatus.NOT_NEEDED,
            )
            ocr = ""
            if plan["channel"] == IncomingChannel.PAPER and rng.random() < 0.3:
                ocr = make_body(rng, plan["issuer_name"])
            # What reindex gives once the scan's text is there (metadata, then the files' text).
            document.search_text = document_search_text(document)
            if ocr:
                document.search_text = (document.search_text.rstrip() + padded(ocr))[
                    :SEARCH_TEXT_MAX
                ]
            incoming_docs.append((plan, document, ocr))
        IncomingDocument.objects.bulk_create([doc for _p, doc, _o in incoming_docs], batch_size=500)
        created_in = len(incoming_docs)
        files, events, assignments = [], [], []
        for plan, doc, ocr in incoming_docs:
            events.append(
                DocumentEvent(
                    incoming=doc,
                    type=EventType.REGISTERED
                    if doc.status != IncomingStatus.RECEIVED
                    else EventType.DISTRIBUTED,
                    actor=doc.registered_by,
                    at=doc.arrived_at,
                    details={"demo": plan["key"]},
                )
            )
            if ocr:
                # A real (tiny) PDF of the letter, so the file views can stream it.
                content = tiny_pdf(doc.subject[:90], ocr.splitlines()[:20])
                stored = default_storage.save(
                    f"documents/demo/{plan['key']}.pdf", ContentFile(content)
                )
                files.append(
                    DocumentFile(
                        incoming=doc,
                        kind=FileKind.SCAN,
                        file=stored,
                        name=f"{plan['key']}.pdf",
                        content_type="application/pdf",
                        size=len(content),
                        sha256=hashlib.sha256(content).hexdigest(),
                        text=ocr,
                        text_status=TextStatus.EXTRACTED,
                    )
                )
            if doc.status in (IncomingStatus.ASSIGNED, IncomingStatus.COMPLETED):
                units = divisions.get(doc.organisation_id) or [doc.organisation]
                unit = rng.choice(units)
                assignee = None
                if (
                    doc.organisation == main
                    and specialist
                    and (doc.is_secret or rng.random() < 0.3)
                ):
                    unit, assignee = specialist.organisation, specialist
                assigned_at = doc.arrived_at + datetime.timedelta(hours=rng.randint(1, 30))
                done = doc.status == IncomingStatus.COMPLETED
                assignments.append(
                    Assignment(
                        document=doc,
                        role=AssignmentRole.LEAD,
                        unit=unit,
                        assignee=assignee,
                        instruction="Chủ trì tham mưu, báo cáo kết quả.",
                        due_at=assigned_at + datetime.timedelta(days=10),
                        status=AssignmentStatus.COMPLETED if done else AssignmentStatus.PENDING,
                        assigned_by=leader or author,
                        assigned_at=assigned_at,
                        completed_at=doc.completed_at,
                        result="Đã tham mưu văn bản trả lời." if done else "",
                    )
                )
                events.append(
                    DocumentEvent(
                        incoming=doc,
                        type=EventType.ASSIGNED,
                        actor=leader or author,
                        at=assigned_at,
                        details={"unit": unit.name},
                    )
                )
        DocumentFile.objects.bulk_create(files, batch_size=500)
        Assignment.objects.bulk_create(assignments, batch_size=1000)
        DocumentEvent.objects.bulk_create(events, batch_size=1000)
        for book_id, numbers in taken.items():
            RegistrationBook.objects.filter(pk=book_id).update(last_number=last[book_id])
            BookNumber.objects.bulk_create(numbers, batch_size=1000)
        log_action(
            "documents.load_demo_documents",
            actor=None,
            details={"incoming": created_in, "outgoing": created_out, "seed": seed},
        )
    if progress:
        print(f"  demo documents: {created_in} incoming, {created_out} outgoing")  # noqa: T201
    return {"incoming": created_in, "outgoing": created_out, "created": created_in + created_out}
