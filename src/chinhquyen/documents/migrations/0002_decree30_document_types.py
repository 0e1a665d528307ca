"""The administrative document types of Decree 30/2020 Art. 7 with Appendix III abbreviations.

Valid from 5 March 2020 (the decree's entry into force). A later change is a new row with its
own ``valid_from``; documents keep the row they were made with.
"""

import datetime

from django.db import migrations

IN_FORCE = datetime.date(2020, 3, 5)
BASIS = "Nghị định 30/2020/NĐ-CP, Điều 7, Phụ lục III"
TYPES = [  # (code, name, English name, abbreviation)
    ("nghi-quyet", "Nghị quyết", "Resolution", "NQ"),
    ("quyet-dinh", "Quyết định", "Decision", "QĐ"),
    ("chi-thi", "Chỉ thị", "Directive", "CT"),
    ("quy-che", "Quy chế", "Regulation", "QC"),
    ("quy-dinh", "Quy định", "Rules", "QyĐ"),
    ("thong-cao", "Thông cáo", "Communiqué", "TC"),
    ("thong-bao", "Thông báo", "Notice", "TB"),
    ("huong-dan", "Hướng dẫn", "Guidance", "HD"),
    ("chuong-trinh", "Chương trình", "Programme", "CTr"),
    ("ke-hoach", "Kế hoạch", "Plan", "KH"),
    ("phuong-an", "Phương án", "Option", "PA"),
    ("de-an", "Đề án", "Scheme", "ĐA"),
    ("du-an", "Dự án", "Project", "DA"),
    ("bao-cao", "Báo cáo", "Report", "BC"),
    ("bien-ban", "Biên bản", "Minutes", "BB"),
    ("to-trinh", "Tờ trình", "Submission", "TTr"),
    ("hop-dong", "Hợp đồng", "Contract", "HĐ"),
    ("cong-van", "Công văn", "Official letter", ""),
    ("cong-dien", "Công điện", "Official dispatch", "CĐ"),
    ("ban-ghi-nho", "Bản ghi nhớ", "Memorandum", "BGN"),
    ("ban-thoa-thuan", "Bản thỏa thuận", "Agreement", "BTT"),
    ("giay-uy-quyen", "Giấy ủy quyền", "Power of attorney", "GUQ"),
    ("giay-moi", "Giấy mời", "Invitation", "GM"),
    ("giay-gioi-thieu", "Giấy giới thiệu", "Letter of introduction", "GGT"),
    ("giay-nghi-phep", "Giấy nghỉ phép", "Leave permit", "GNP"),
    ("phieu-gui", "Phiếu gửi", "Dispatch slip", "PG"),
    ("phieu-chuyen", "Phiếu chuyển", "Transfer slip", "PC"),
    ("phieu-bao", "Phiếu báo", "Notification slip", "PB"),
    ("thu-cong", "Thư công", "Official mail", ""),
]


def seed(apps, schema_editor):
    DocumentType = apps.get_model("documents", "DocumentType")
    for code, name, name_en, abbreviation in TYPES:
        DocumentType.objects.get_or_create(
            code=code,
            valid_from=IN_FORCE,
            defaults={
                "name": name,
                "name_en": name_en,
                "abbreviation": abbreviation,
                "is_official_letter": code == "cong-van",
                "legal_basis": BASIS,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("documents", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
