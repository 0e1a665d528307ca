"""The demo catalogue: 35 real administrative procedures with published internal processes.

DEVELOPMENT DATA. Names, fields, levels, times, fees and components follow the National
Administrative-Procedure Database (Cơ sở dữ liệu quốc gia về TTHC) **as remembered**, not as
read: every national code, time and fee here MUST be checked against the national database
before any real use (each version's ``notes`` says so). Where the code was not remembered the
demo uses an obviously made-up code ``DEMO-NN``.

Agencies come from ``chinhquyen.directory.demo`` (commune committees, Sở Tư pháp, Sở Xây dựng
…). Each procedure gets a default process of 3–5 steps (one-stop intake → specialist review →
division leader → agency leader approval → return of the result); two procedures have a
transfer (liên thông) to a second agency (first land registration: commune → land
registration office; large building permits: Department of Construction → Department of
Agriculture and Environment).

``load_demo_procedures()`` is idempotent: procedures are found by national code; an existing
one is left alone.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import transaction

from chinhquyen.accounts.choices import Role
from chinhquyen.audit.services import log_action
from chinhquyen.directory.demo import DEMO_ORGANISATIONS
from chinhquyen.directory.models import Organisation
from chinhquyen.procedures import services
from chinhquyen.procedures.choices import (
    ComponentRequirement,
    FeeKind,
    ImplementingLevel,
    OnlineMode,
    StepAction,
    TimeUnit,
)
from chinhquyen.procedures.models import Procedure
from chinhquyen.procedures.services.processes import working_day_hours

FROM_MEMORY = (
    "Dữ liệu mẫu: mã thủ tục, thời hạn và mức phí ghi theo trí nhớ, phải đối chiếu với Cơ sở dữ "
    "liệu quốc gia về thủ tục hành chính trước khi sử dụng. (Demo data from memory: check the "
    "code, time and fees against the national database.)"
)
# In force since the two-level local government (1 July 2025), so that the demo dossiers of the
# last months (``chinhquyen.dossiers.demo``) find a version and a process in force.
DEMO_IN_FORCE = datetime.datetime(2025, 7, 1, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
COMMUNES = ("x_minhxuan", "x_nongtien", "x_hagiang1", "x_yenson", "x_sonduong", "x_hamyen")
REQ = ComponentRequirement.REQUIRED
COND = ComponentRequirement.CONDITIONAL

FIELDS = {
    "HT": ("Hộ tịch", "Civil status"),
    "CT": ("Chứng thực", "Certification"),
    "LLTP": ("Lý lịch tư pháp", "Judicial records"),
    "DD": ("Đất đai", "Land"),
    "XD": ("Hoạt động xây dựng", "Construction"),
    "DKKD": ("Thành lập và hoạt động của hộ kinh doanh, doanh nghiệp", "Business registration"),
    "GD": ("Giáo dục và Đào tạo", "Education and training"),
    "KCB": ("Khám bệnh, chữa bệnh", "Medical examination and treatment"),
    "BTXH": ("Bảo trợ xã hội", "Social protection"),
    "NCC": ("Người có công", "Persons with meritorious services"),
    "MT": ("Môi trường", "Environment"),
    "TNN": ("Tài nguyên nước", "Water resources"),
    "TT": ("Trồng trọt", "Crop production"),
    "TG": ("Tín ngưỡng, tôn giáo", "Beliefs and religion"),
    "TDKT": ("Thi đua, khen thưởng", "Emulation and commendation"),
    "TC": ("Quản lý công sản", "Public assets"),
}


@dataclass(frozen=True)
class DemoProcedure:
    code: str
    name: str
    field: str
    level: str
    agencies: tuple[str, ...]
    time: str
    components: tuple[tuple[str, int, int, str], ...]  # (name, originals, copies, requirement)
    fees: tuple[tuple[str, str, int], ...] = ()  # (kind, name, amount)
    unit: str = TimeUnit.WORKING_DAYS
    online: str = OnlineMode.PARTIAL
    legacy_level: int | None = None
    result: str = ""
    basis: str = ""
    transfer_to: str | None = None  # DemoOrg key of a second agency (liên thông)
    extra: dict = field(default_factory=dict)


P = ImplementingLevel.PROVINCE
C = ImplementingLevel.COMMUNE
TK = "Tờ khai theo mẫu"
ID = "Giấy tờ tùy thân (hoặc thông tin trên Cơ sở dữ liệu quốc gia về dân cư)"

DEMO_PROCEDURES: list[DemoProcedure] = [
    # --- Civil status (commune) ---
    DemoProcedure(
        "1.001193",
        "Đăng ký khai sinh",
        "HT",
        C,
        COMMUNES,
        "1",
        ((f"{TK} khai sinh", 1, 0, REQ), ("Giấy chứng sinh", 1, 0, REQ), (ID, 0, 1, REQ)),
        (("charge", "Lệ phí đăng ký khai sinh đúng hạn", 0),),
        online=OnlineMode.FULL,
        legacy_level=4,
        result="Giấy khai sinh (bản chính)",
        basis="Luật Hộ tịch 2014; Nghị định 123/2015/NĐ-CP; Thông tư 04/2020/TT-BTP",
        transfer_to=None,
    ),
    DemoProcedure(
        "1.000894",
        "Đăng ký kết hôn",
        "HT",
        C,
        COMMUNES,
        "1",
        (
            (f"{TK} đăng ký kết hôn", 1, 0, REQ),
            (ID, 0, 1, REQ),
            ("Giấy xác nhận tình trạng hôn nhân (nếu cư trú nơi khác)", 1, 0, COND),
        ),
        (("charge", "Lệ phí đăng ký kết hôn trong nước", 0),),
        result="Giấy chứng nhận kết hôn",
        basis="Luật Hôn nhân và gia đình 2014; Luật Hộ tịch 2014",
    ),
    DemoProcedure(
        "1.000656",
        "Đăng ký khai tử",
        "HT",
        C,
        COMMUNES,
        "1",
        ((f"{TK} khai tử", 1, 0, REQ), ("Giấy báo tử hoặc giấy tờ thay giấy báo tử", 1, 0, REQ)),
        (("charge", "Lệ phí đăng ký khai tử đúng hạn", 0),),
        online=OnlineMode.FULL,
        legacy_level=4,
        result="Trích lục khai tử",
        basis="Luật Hộ tịch 2014; Nghị định 123/2015/NĐ-CP",
    ),
    DemoProcedure(
        "1.001022",
        "Đăng ký nhận cha, mẹ, con",
        "HT",
        C,
        COMMUNES,
        "3",
        (
            (f"{TK} đăng ký nhận cha, mẹ, con", 1, 0, REQ),
            ("Văn bản của cơ quan y tế/giám định hoặc chứng cứ chứng minh quan hệ", 1, 0, REQ),
        ),
        (("charge", "Lệ phí đăng ký nhận cha, mẹ, con", 15000),),
        result="Trích lục đăng ký nhận cha, mẹ, con",
        basis="Luật Hộ tịch 2014",
    ),
    DemoProcedure(
        "1.004859",
        "Thay đổi, cải chính, bổ sung thông tin hộ tịch",
        "HT",
        C,
        COMMUNES,
        "3",
        (
            (f"{TK} thay đổi, cải chính, bổ sung thông tin hộ tịch", 1, 0, REQ),
            ("Giấy tờ làm căn cứ thay đổi, cải chính", 0, 1, REQ),
        ),
        (("charge", "Lệ phí thay đổi, cải chính hộ tịch", 15000),),
        result="Trích lục thay đổi, cải chính hộ tịch",
        basis="Luật Hộ tịch 2014",
    ),
    DemoProcedure(
        "2.000635",
        "Cấp bản sao Trích lục hộ tịch",
        "HT",
        C,
        COMMUNES,
        "1",
        ((f"{TK} cấp bản sao trích lục hộ tịch", 1, 0, REQ),),
        (("fee", "Phí cấp bản sao trích lục (mỗi bản)", 8000),),
        online=OnlineMode.FULL,
        legacy_level=4,
        result="Bản sao trích lục hộ tịch",
        basis="Luật Hộ tịch 2014; Thông tư 281/2016/TT-BTC",
    ),
    DemoProcedure(
        "1.004873",
        "Cấp Giấy xác nhận tình trạng hôn nhân",
        "HT",
        C,
        COMMUNES,
        "3",
        ((f"{TK} cấp Giấy xác nhận tình trạng hôn nhân", 1, 0, REQ),),
        (("charge", "Lệ phí xác nhận tình trạng hôn nhân", 0),),
        online=OnlineMode.FULL,
        legacy_level=4,
        result="Giấy xác nhận tình trạng hôn nhân",
        basis="Luật Hộ tịch 2014; Nghị định 123/2015/NĐ-CP",
    ),
    DemoProcedure(
        "1.004837",
        "Đăng ký giám hộ",
        "HT",
        C,
        COMMUNES,
        "3",
        ((f"{TK} đăng ký giám hộ", 1, 0, REQ), ("Văn bản cử người giám hộ", 1, 0, REQ)),
        result="Trích lục đăng ký giám hộ",
        basis="Bộ luật Dân sự 2015; Luật Hộ tịch 2014",
    ),
    # --- Certification (commune) ---
    DemoProcedure(
        "2.000815",
        "Chứng thực bản sao từ bản chính giấy tờ, văn bản",
        "CT",
        C,
        COMMUNES,
        "4",
        (
            ("Bản chính giấy tờ, văn bản cần chứng thực", 1, 0, REQ),
            ("Bản sao cần chứng thực", 0, 1, REQ),
        ),
        (("fee", "Phí chứng thực bản sao (mỗi trang)", 2000),),
        unit=TimeUnit.WORKING_HOURS,
        online=OnlineMode.NONE,
        result="Bản sao được chứng thực",
        basis="Nghị định 23/2015/NĐ-CP; Thông tư 226/2016/TT-BTC",
    ),
    DemoProcedure(
        "2.000884",
        "Chứng thực chữ ký trong các giấy tờ, văn bản",
        "CT",
        C,
        COMMUNES,
        "4",
        ((ID, 0, 1, REQ), ("Giấy tờ, văn bản sẽ ký", 1, 0, REQ)),
        (("fee", "Phí chứng thực chữ ký (mỗi trường hợp)", 10000),),
        unit=TimeUnit.WORKING_HOURS,
        online=OnlineMode.NONE,
        result="Giấy tờ, văn bản được chứng thực chữ ký",
        basis="Nghị định 23/2015/NĐ-CP",
    ),
    DemoProcedure(
        "DEMO-01",
        "Chứng thực hợp đồng, giao dịch liên quan đến tài sản là động sản",
        "CT",
        C,
        COMMUNES,
        "2",
        (
            ("Dự thảo hợp đồng, giao dịch", 1, 0, REQ),
            (ID, 0, 1, REQ),
            ("Giấy tờ chứng minh quyền sở hữu tài sản", 0, 1, REQ),
        ),
        (("fee", "Phí chứng thực hợp đồng", 50000),),
        online=OnlineMode.NONE,
        result="Hợp đồng được chứng thực",
        basis="Nghị định 23/2015/NĐ-CP",
    ),
    # --- Judicial records (province) ---
    DemoProcedure(
        "DEMO-02",
        "Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam, người nước ngoài đang cư trú tại "
        "Việt Nam",
        "LLTP",
        P,
        ("stp",),
        "10",
        (("Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp", 1, 0, REQ), (ID, 0, 1, REQ)),
        (("fee", "Phí cung cấp thông tin lý lịch tư pháp", 200000),),
        online=OnlineMode.FULL,
        legacy_level=4,
        result="Phiếu lý lịch tư pháp số 1 hoặc số 2",
        basis="Luật Lý lịch tư pháp 2009; Thông tư 244/2016/TT-BTC",
    ),
    # --- Land (agriculture and environment) ---
    DemoProcedure(
        "DEMO-03",
        "Đăng ký biến động quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất",
        "DD",
        P,
        ("snnmt_vpdk",),
        "10",
        (
            ("Đơn đăng ký biến động đất đai, tài sản gắn liền với đất", 1, 0, REQ),
            ("Giấy chứng nhận đã cấp", 1, 0, REQ),
            ("Hợp đồng, văn bản về chuyển quyền", 1, 0, REQ),
        ),
        (
            ("charge", "Lệ phí cấp Giấy chứng nhận (cá nhân)", 100000),
            ("fee", "Phí thẩm định hồ sơ", 500000),
        ),
        result="Giấy chứng nhận quyền sử dụng đất hoặc xác nhận biến động",
        basis="Luật Đất đai 2024; Nghị định 101/2024/NĐ-CP",
    ),
    DemoProcedure(
        "DEMO-04",
        "Đăng ký đất đai, tài sản gắn liền với đất, cấp Giấy chứng nhận lần đầu",
        "DD",
        C,
        COMMUNES,
        "20",
        (
            ("Đơn đăng ký đất đai, tài sản gắn liền với đất", 1, 0, REQ),
            ("Giấy tờ về quyền sử dụng đất (nếu có)", 0, 1, COND),
            ("Sơ đồ, mảnh trích đo", 1, 0, COND),
        ),
        (("charge", "Lệ phí cấp Giấy chứng nhận", 100000),),
        result="Giấy chứng nhận quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất",
        basis="Luật Đất đai 2024; Nghị định 101/2024/NĐ-CP",
        transfer_to="snnmt_vpdk",
    ),
    DemoProcedure(
        "DEMO-05",
        "Cấp đổi Giấy chứng nhận quyền sử dụng đất",
        "DD",
        P,
        ("snnmt_vpdk",),
        "7",
        (("Đơn đề nghị cấp đổi", 1, 0, REQ), ("Giấy chứng nhận đã cấp", 1, 0, REQ)),
        (("charge", "Lệ phí cấp đổi Giấy chứng nhận", 50000),),
        result="Giấy chứng nhận (cấp đổi)",
        basis="Luật Đất đai 2024",
    ),
    # --- Construction ---
    DemoProcedure(
        "DEMO-06",
        "Cấp giấy phép xây dựng nhà ở riêng lẻ",
        "XD",
        C,
        COMMUNES,
        "15",
        (
            ("Đơn đề nghị cấp giấy phép xây dựng", 1, 0, REQ),
            ("Giấy tờ chứng minh quyền sử dụng đất", 0, 1, REQ),
            ("Bản vẽ thiết kế xây dựng", 2, 0, REQ),
        ),
        (("charge", "Lệ phí cấp giấy phép xây dựng nhà ở riêng lẻ", 75000),),
        result="Giấy phép xây dựng",
        basis="Luật Xây dựng 2014 (sửa đổi 2020); Nghị định 175/2024/NĐ-CP",
    ),
    DemoProcedure(
        "DEMO-07",
        "Cấp giấy phép xây dựng mới đối với công trình cấp đặc biệt, cấp I, cấp II",
        "XD",
        P,
        ("sxd",),
        "20",
        (
            ("Đơn đề nghị cấp giấy phép xây dựng", 1, 0, REQ),
            ("Hồ sơ thiết kế xây dựng", 2, 0, REQ),
            ("Văn bản thẩm định thiết kế", 0, 1, REQ),
        ),
        (("charge", "Lệ phí cấp giấy phép xây dựng công trình", 150000),),
        result="Giấy phép xây dựng",
        basis="Luật Xây dựng 2014 (sửa đổi 2020)",
        transfer_to="snnmt",
    ),
    DemoProcedure(
        "DEMO-08",
        "Cấp chứng chỉ hành nghề hoạt động xây dựng hạng II, hạng III",
        "XD",
        P,
        ("sxd",),
        "20",
        (
            ("Đơn đề nghị cấp chứng chỉ hành nghề", 1, 0, REQ),
            ("Văn bằng đào tạo", 0, 1, REQ),
            ("Bản kê khai kinh nghiệm", 1, 0, REQ),
        ),
        (("fee", "Phí sát hạch cấp chứng chỉ hành nghề", 300000),),
        online=OnlineMode.FULL,
        result="Chứng chỉ hành nghề hoạt động xây dựng",
        basis="Nghị định 175/2024/NĐ-CP",
    ),
    # --- Business ---
    DemoProcedure(
        "DEMO-09",
        "Đăng ký thành lập hộ kinh doanh",
        "DKKD",
        C,
        COMMUNES,
        "3",
        (("Giấy đề nghị đăng ký hộ kinh doanh", 1, 0, REQ), (ID, 0, 1, REQ)),
        (("charge", "Lệ phí đăng ký hộ kinh doanh", 100000),),
        online=OnlineMode.FULL,
        result="Giấy chứng nhận đăng ký hộ kinh doanh",
        basis="Nghị định 01/2021/NĐ-CP (thay bằng Nghị định 168/2025/NĐ-CP)",
    ),
    DemoProcedure(
        "DEMO-10",
        "Đăng ký thành lập doanh nghiệp tư nhân",
        "DKKD",
        P,
        ("stc_dkkd",),
        "3",
        (("Giấy đề nghị đăng ký doanh nghiệp", 1, 0, REQ), (ID, 0, 1, REQ)),
        (("charge", "Lệ phí đăng ký doanh nghiệp (nộp trực tuyến miễn)", 50000),),
        online=OnlineMode.FULL,
        result="Giấy chứng nhận đăng ký doanh nghiệp",
        basis="Luật Doanh nghiệp 2020; Nghị định 168/2025/NĐ-CP",
    ),
    DemoProcedure(
        "DEMO-11",
        "Đăng ký thay đổi nội dung đăng ký doanh nghiệp",
        "DKKD",
        P,
        ("stc_dkkd",),
        "3",
        (("Thông báo thay đổi nội dung đăng ký doanh nghiệp", 1, 0, REQ),),
        (("charge", "Lệ phí đăng ký thay đổi", 50000),),
        online=OnlineMode.FULL,
        result="Giấy chứng nhận đăng ký doanh nghiệp (thay đổi)",
        basis="Luật Doanh nghiệp 2020",
    ),
    # --- Education ---
    DemoProcedure(
        "DEMO-12",
        "Cấp bản sao văn bằng, chứng chỉ từ sổ gốc",
        "GD",
        P,
        ("sgd",),
        "1",
        (("Đơn đề nghị cấp bản sao văn bằng, chứng chỉ", 1, 0, REQ), (ID, 0, 1, REQ)),
        online=OnlineMode.FULL,
        legacy_level=4,
        result="Bản sao văn bằng, chứng chỉ",
        basis="Thông tư 21/2019/TT-BGDĐT",
    ),
    DemoProcedure(
        "DEMO-13",
        "Chỉnh sửa nội dung văn bằng, chứng chỉ",
        "GD",
        P,
        ("sgd",),
        "5",
        (
            ("Đơn đề nghị chỉnh sửa", 1, 0, REQ),
            ("Văn bằng, chứng chỉ đề nghị chỉnh sửa", 1, 0, REQ),
        ),
        result="Quyết định chỉnh sửa văn bằng, chứng chỉ",
        basis="Thông tư 21/2019/TT-BGDĐT",
    ),
    DemoProcedure(
        "DEMO-14",
        "Cho phép trung tâm ngoại ngữ, tin học hoạt động giáo dục",
        "GD",
        P,
        ("sgd",),
        "20",
        (("Tờ trình đề nghị cho phép hoạt động", 1, 0, REQ), ("Quyết định thành lập", 0, 1, REQ)),
        result="Quyết định cho phép hoạt động giáo dục",
        basis="Nghị định 125/2024/NĐ-CP",
    ),
    # --- Health ---
    DemoProcedure(
        "DEMO-15",
        "Cấp giấy phép hành nghề khám bệnh, chữa bệnh",
        "KCB",
        P,
        ("syt",),
        "30",
        (
            ("Đơn đề nghị cấp giấy phép hành nghề", 1, 0, REQ),
            ("Văn bằng chuyên môn", 0, 1, REQ),
            ("Giấy chứng nhận đủ sức khỏe", 1, 0, REQ),
        ),
        (("fee", "Phí thẩm định cấp giấy phép hành nghề", 360000),),
        result="Giấy phép hành nghề",
        basis="Luật Khám bệnh, chữa bệnh 2023; Nghị định 96/2023/NĐ-CP",
    ),
    DemoProcedure(
        "DEMO-16",
        "Cấp giấy phép hoạt động đối với phòng khám chuyên khoa",
        "KCB",
        P,
        ("syt",),
        "60",
        (
            ("Đơn đề nghị cấp giấy phép hoạt động", 1, 0, REQ),
            ("Danh sách người hành nghề", 1, 0, REQ),
        ),
        (("fee", "Phí thẩm định cấp giấy phép hoạt động", 3100000),),
        result="Giấy phép hoạt động",
        basis="Luật Khám bệnh, chữa bệnh 2023",
    ),
    # --- Social protection, meritorious persons (home affairs / health after 2025) ---
    DemoProcedure(
        "1.001776",
        "Thực hiện, điều chỉnh, thôi hưởng trợ cấp xã hội hằng tháng",
        "BTXH",
        C,
        COMMUNES,
        "10",
        (("Tờ khai đề nghị trợ giúp xã hội", 1, 0, REQ), (ID, 0, 1, REQ)),
        result="Quyết định trợ cấp xã hội",
        basis="Nghị định 20/2021/NĐ-CP",
    ),
    DemoProcedure(
        "DEMO-17",
        "Hỗ trợ chi phí mai táng cho đối tượng bảo trợ xã hội",
        "BTXH",
        C,
        COMMUNES,
        "3",
        (("Tờ khai đề nghị hỗ trợ chi phí mai táng", 1, 0, REQ), ("Giấy báo tử", 0, 1, REQ)),
        result="Quyết định hỗ trợ chi phí mai táng",
        basis="Nghị định 20/2021/NĐ-CP",
    ),
    DemoProcedure(
        "DEMO-18",
        "Giải quyết chế độ trợ cấp thờ cúng liệt sĩ",
        "NCC",
        P,
        ("snv",),
        "12",
        (
            ("Bản khai đề nghị trợ cấp thờ cúng", 1, 0, REQ),
            ("Giấy chứng nhận gia đình liệt sĩ", 0, 1, REQ),
        ),
        result="Quyết định trợ cấp thờ cúng liệt sĩ",
        basis="Nghị định 131/2021/NĐ-CP",
    ),
    # --- Home affairs ---
    DemoProcedure(
        "DEMO-19",
        "Đăng ký sinh hoạt tôn giáo tập trung",
        "TG",
        C,
        COMMUNES,
        "20",
        (
            ("Văn bản đăng ký sinh hoạt tôn giáo tập trung", 1, 0, REQ),
            ("Danh sách tín đồ", 1, 0, REQ),
        ),
        online=OnlineMode.NONE,
        result="Văn bản chấp thuận",
        basis="Luật Tín ngưỡng, tôn giáo 2016; Nghị định 95/2023/NĐ-CP",
    ),
    DemoProcedure(
        "DEMO-20",
        "Tặng Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh",
        "TDKT",
        P,
        ("snv",),
        "20",
        (("Tờ trình đề nghị khen thưởng", 1, 0, REQ), ("Báo cáo thành tích", 1, 0, REQ)),
        online=OnlineMode.NONE,
        result="Quyết định tặng Bằng khen",
        basis="Luật Thi đua, khen thưởng 2022; Nghị định 98/2023/NĐ-CP",
    ),
    # --- Agriculture and environment ---
    DemoProcedure(
        "DEMO-21",
        "Cấp giấy phép môi trường (cấp tỉnh)",
        "MT",
        P,
        ("snnmt",),
        "30",
        (
            ("Văn bản đề nghị cấp giấy phép môi trường", 1, 0, REQ),
            ("Báo cáo đề xuất cấp giấy phép môi trường", 1, 0, REQ),
        ),
        (("fee", "Phí thẩm định cấp giấy phép môi trường", 20000000),),
        result="Giấy phép môi trường",
        basis="Luật Bảo vệ môi trường 2020; Nghị định 08/2022/NĐ-CP",
    ),
    DemoProcedure(
        "DEMO-22",
        "Cấp giấy phép khai thác, sử dụng nước dưới đất",
        "TNN",
        P,
        ("snnmt",),
        "30",
        (("Đơn đề nghị cấp giấy phép", 1, 0, REQ), ("Báo cáo kết quả thăm dò", 1, 0, REQ)),
        (("fee", "Phí thẩm định đề án khai thác nước dưới đất", 1500000),),
        result="Giấy phép khai thác, sử dụng nước dưới đất",
        basis="Luật Tài nguyên nước 2023",
    ),
    DemoProcedure(
        "DEMO-23",
        "Cấp giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm (nông lâm thủy sản)",
        "TT",
        P,
        ("snnmt",),
        "15",
        (
            ("Đơn đề nghị cấp giấy chứng nhận", 1, 0, REQ),
            ("Thuyết minh về cơ sở vật chất", 1, 0, REQ),
        ),
        (("fee", "Phí thẩm định cơ sở", 700000),),
        result="Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm",
        basis="Luật An toàn thực phẩm 2010",
    ),
    # --- Finance ---
    DemoProcedure(
        "DEMO-24",
        "Quyết định thanh lý tài sản công",
        "TC",
        P,
        ("stc",),
        "30",
        (
            ("Văn bản đề nghị thanh lý tài sản công", 1, 0, REQ),
            ("Danh mục tài sản đề nghị thanh lý", 1, 0, REQ),
        ),
        online=OnlineMode.NONE,
        result="Quyết định thanh lý tài sản công",
        basis="Luật Quản lý, sử dụng tài sản công 2017; Nghị định 151/2017/NĐ-CP",
    ),
]


def _process_steps(spec: DemoProcedure) -> list[dict]:
    """3–5 steps whose allotted hours fill the legal time, with a transfer when asked."""
    legal_hours = Decimal(spec.time) * (
        1 if spec.unit == TimeUnit.WORKING_HOURS else working_day_hours()
    )
    if legal_hours <= Decimal(8):
        shares = [
            ("tiep_nhan", "Tiếp nhận hồ sơ", Role.ONE_STOP_OFFICER, Decimal("0.25")),
            ("xu_ly", "Thẩm định, xử lý hồ sơ", Role.SPECIALIST, Decimal("0.45")),
            ("phe_duyet", "Lãnh đạo ký duyệt", Role.AGENCY_LEADER, Decimal("0.20")),
            ("tra_ket_qua", "Trả kết quả", Role.ONE_STOP_OFFICER, Decimal("0.10")),
        ]
    else:
        shares = [
            ("tiep_nhan", "Tiếp nhận, chuyển hồ sơ", Role.ONE_STOP_OFFICER, Decimal("0.05")),
            ("tham_dinh", "Chuyên viên thẩm định", Role.SPECIALIST, Decimal("0.55")),
            ("lanh_dao_phong", "Lãnh đạo phòng xem xét", Role.DIVISION_LEADER, Decimal("0.15")),
            ("phe_duyet", "Lãnh đạo cơ quan phê duyệt", Role.AGENCY_LEADER, Decimal("0.15")),
            ("tra_ket_qua", "Trả kết quả", Role.ONE_STOP_OFFICER, Decimal("0.05")),
        ]
    steps = [
        {
            "code": code,
            "name": name,
            "performer_role": role,
            "allotted_hours": (legal_hours * share).quantize(
                Decimal("0.01"), rounding="ROUND_DOWN"
            ),
        }
        for code, name, role, share in shares
    ]
    if spec.transfer_to:
        # Liên thông: part of the specialist's time goes to the second agency.
        review = steps[1]
        transferred = (review["allotted_hours"] / 2).quantize(
            Decimal("0.01"), rounding="ROUND_DOWN"
        )
        review["allotted_hours"] -= transferred
        steps.insert(
            2,
            {
                "code": "lien_thong",
                "name": "Cơ quan phối hợp giải quyết (liên thông)",
                "performer_role": Role.SPECIALIST,
                "allotted_hours": transferred,
                "performer_agency": spec.transfer_to,
            },
        )
    return steps


def _publish_process(procedure: Procedure, spec: DemoProcedure, orgs: dict) -> None:
    definition = services.create_process(procedure, name="Quy trình nội bộ (mẫu)", acting_user=None)
    created = []
    for values in _process_steps(spec):
        agency_key = values.pop("performer_agency", None)
        created.append(
            services.add_step(
                definition, acting_user=None, performer_agency=orgs.get(agency_key), **values
            )
        )
    by_code = {step.code: step for step in created}
    last = created[-1]
    for index, step in enumerate(created[:-1]):
        following = created[index + 1]
        if step.code == "phe_duyet":
            services.set_transition(
                step, action=StepAction.APPROVE, next_step=following, acting_user=None
            )
            services.set_transition(
                step, action=StepAction.REJECT, next_step=last, acting_user=None
            )
        elif following.code == "lien_thong":
            services.set_transition(
                step, action=StepAction.TRANSFER, next_step=following, acting_user=None
            )
        else:
            services.set_transition(
                step, action=StepAction.FORWARD, next_step=following, acting_user=None
            )
        if index > 0 and step.code != "lien_thong":
            services.set_transition(
                step, action=StepAction.RETURN, next_step=created[index - 1], acting_user=None
            )
        if step.code in ("tham_dinh", "xu_ly"):
            services.set_transition(
                step,
                action=StepAction.REQUEST_SUPPLEMENT,
                next_step=by_code["tiep_nhan"],
                acting_user=None,
            )
    services.set_transition(last, action=StepAction.FORWARD, next_step=None, acting_user=None)
    services.publish_process(
        definition, effective_from=procedure.versions.get(number=1).effective_from, acting_user=None
    )


def load_demo_procedures() -> dict[str, int]:
    """Create the demo catalogue and processes (missing procedures only). Needs the demo
    organisations (``chinhquyen.directory.demo.load_demo_organisations``) loaded first."""
    codes = {spec.qcvn_code: spec.key for spec in DEMO_ORGANISATIONS}
    orgs = {codes[o.qcvn_code]: o for o in Organisation.objects.filter(qcvn_code__in=list(codes))}
    created = 0
    with transaction.atomic():
        fields = {
            code: services.get_or_create_field(code=code, name=name, name_en=name_en)
            for code, (name, name_en) in FIELDS.items()
        }
        existing = set(Procedure.objects.values_list("national_code", flat=True))
        for spec in DEMO_PROCEDURES:
            if spec.code in existing:
                continue
            agencies = [orgs[key] for key in spec.agencies if key in orgs]
            version = services.create_procedure(
                national_code=spec.code,
                acting_user=None,
                name=spec.name,
                field=fields[spec.field],
                level=spec.level,
                implementing_agencies=agencies,
                processing_time=Decimal(spec.time),
                time_unit=spec.unit,
                online_mode=spec.online,
                legacy_online_level=spec.legacy_level,
                result_type=spec.result,
                legal_basis=spec.basis,
                where_to_apply=(
                    "Bộ phận Một cửa của Ủy ban nhân dân cấp xã"
                    if spec.level == C
                    else "Trung tâm Phục vụ hành chính công tỉnh"
                )
                + "; hoặc trực tuyến trên Cổng Dịch vụ công quốc gia.",
                applicants="Cá nhân, tổ chức",
                notes=FROM_MEMORY,
            )
            for order, (name, originals, copies, requirement) in enumerate(spec.components, 1):
                services.add_component(
                    version,
                    acting_user=None,
                    order=order,
                    name=name,
                    originals=originals,
                    copies=copies,
                    requirement=requirement,
                )
            for kind, name, amount in spec.fees:
                services.add_fee(
                    version, acting_user=None, kind=FeeKind(kind), name=name, amount=Decimal(amount)
                )
            services.publish_version(version, effective_from=DEMO_IN_FORCE, acting_user=None)
            _publish_process(version.procedure, spec, orgs)
            created += 1
        log_action("procedures.load_demo_procedures", details={"created": created})
    return {"procedures": len(DEMO_PROCEDURES), "created": created}
