"""Sample slips with realistic Tuyên Quang data, for previews, tests and the docs."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from .data import (
    ApologySlip,
    ControlSheet,
    DossierRegister,
    HandOver,
    Outcome,
    ReceiptSlip,
    RefusalSlip,
    RegisterRow,
    ReturnMethod,
    SlipAgency,
    SlipApplicant,
    SlipComponent,
    SlipFee,
    SupplementItem,
    SupplementRequest,
)

VN = ZoneInfo("Asia/Ho_Chi_Minh")
CODE = "000.00.12.H37-260205-0007"
STATUS_URL = "https://dichvucong.tuyenquang.gov.vn/tra-cuu/000.00.12.H37-260205-0007/"


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=VN)


AGENCY = SlipAgency(
    parent_name="UBND tỉnh Tuyên Quang",
    name="Trung tâm Phục vụ hành chính công",
    qcvn_code="000.00.12.H37",
    place_name="Tuyên Quang",
)
APPLICANT = SlipApplicant(
    name="Nguyễn Thị Chi",
    id_number="008186001234",
    phone="0912 345 678",
    address="Tổ 5, phường Minh Xuân, tỉnh Tuyên Quang",
    email="chi.nguyen@example.vn",
)
PROCEDURE = "Cấp giấy phép xây dựng đối với công trình cấp III, cấp IV và nhà ở riêng lẻ"
COMMON = {
    "dossier_code": CODE,
    "procedure_name": PROCEDURE,
    "agency": AGENCY,
    "applicant": APPLICANT,
    "status_url": STATUS_URL,
}


def receipt() -> ReceiptSlip:
    return ReceiptSlip(
        **COMMON,
        issued_at=at(2026, 2, 5, 9, 0),
        received_at=at(2026, 2, 5, 9, 0),
        due_at=at(2026, 3, 5, 9, 0),
        officer_name="Trần Văn An",
        components=(
            SlipComponent(name="Đơn đề nghị cấp giấy phép xây dựng (Mẫu số 01)", originals=1),
            SlipComponent(
                name="Bản sao giấy tờ chứng minh quyền sử dụng đất theo quy định", copies=1
            ),
            SlipComponent(name="Bản vẽ thiết kế xây dựng (02 bộ)", originals=2),
        ),
        processing_time=15,
        return_method=ReturnMethod.POST,
        return_place="Tổ 5, phường Minh Xuân, tỉnh Tuyên Quang",
        fees=(SlipFee(name="Lệ phí cấp giấy phép xây dựng", amount=75000, paid=True),),
        register_book="01/2026",
        register_sequence=137,
    )


def supplement_request() -> SupplementRequest:
    return SupplementRequest(
        **COMMON,
        issued_at=at(2026, 2, 9, 14, 30),
        received_at=at(2026, 2, 5, 9, 0),
        officer_name="Trần Văn An",
        contact_phone="0207 3822 555",
        items=(
            SupplementItem(
                content="Bản vẽ mặt bằng móng công trình",
                reason="Hồ sơ nộp thiếu bản vẽ mặt bằng móng theo quy định",
            ),
            SupplementItem(
                content="Đơn đề nghị cấp giấy phép xây dựng",
                reason="Chưa ghi diện tích xây dựng tầng 1 và tổng diện tích sàn",
            ),
        ),
        deadline=at(2026, 3, 9, 17, 0),
        notes="Thời hạn giải quyết được tính lại từ đầu khi nhận đủ hồ sơ.",
    )


def refusal() -> RefusalSlip:
    return RefusalSlip(
        **COMMON,
        issued_at=at(2026, 2, 5, 10, 15),
        received_at=at(2026, 2, 5, 10, 0),
        officer_name="Trần Văn An",
        reasons=(
            "Công trình thuộc khu vực đã có quyết định thu hồi đất theo quy hoạch.",
            "Thửa đất không thuộc thẩm quyền cấp phép của Sở Xây dựng.",
        ),
    )


def apology() -> ApologySlip:
    return ApologySlip(
        **COMMON,
        issued_at=at(2026, 3, 3, 8, 0),
        received_at=at(2026, 2, 5, 9, 0),
        original_due_at=at(2026, 3, 5, 9, 0),
        new_due_at=at(2026, 3, 12, 9, 0),
        reason="Cần lấy ý kiến phối hợp của Sở Nông nghiệp và Môi trường về hiện trạng thửa đất.",
        signer_name="Lê Thị Bình",
        signer_position="Giám đốc",
    )


def control_sheet() -> ControlSheet:
    return ControlSheet(
        **COMMON,
        issued_at=at(2026, 2, 5, 9, 0),
        received_at=at(2026, 2, 5, 9, 0),
        due_at=at(2026, 3, 5, 9, 0),
        processing_agency="Sở Xây dựng tỉnh Tuyên Quang",
        coordinating_agencies=("Sở Nông nghiệp và Môi trường",),
        rows=(
            HandOver(
                from_unit="Bộ phận tiếp nhận và trả kết quả",
                to_unit="Phòng Quản lý xây dựng",
                at=at(2026, 2, 5, 14, 0),
                giver="Trần Văn An",
                receiver="Phạm Minh Đức",
                due_at=at(2026, 2, 5, 17, 0),
                outcome=Outcome.EARLY,
            ),
            HandOver(
                from_unit="Phòng Quản lý xây dựng",
                to_unit="Sở Nông nghiệp và Môi trường",
                at=at(2026, 2, 12, 9, 30),
                giver="Phạm Minh Đức",
                receiver="Hoàng Văn Em",
                due_at=at(2026, 2, 12, 9, 30),
                outcome=Outcome.ON_TIME,
                note="Lấy ý kiến hiện trạng đất",
            ),
            HandOver(
                from_unit="Sở Nông nghiệp và Môi trường",
                to_unit="Phòng Quản lý xây dựng",
                at=at(2026, 3, 2, 16, 0),
                giver="Hoàng Văn Em",
                receiver="Phạm Minh Đức",
                due_at=at(2026, 2, 26, 17, 0),
                outcome=Outcome.LATE,
            ),
            HandOver(
                from_unit="Phòng Quản lý xây dựng",
                to_unit="Lãnh đạo Sở Xây dựng",
                at=at(2026, 3, 9, 10, 0),
                giver="Phạm Minh Đức",
                receiver="Lê Thị Bình",
            ),
        ),
    )


def register() -> DossierRegister:
    procedures = (
        PROCEDURE,
        "Cấp bản sao trích lục khai sinh",
        "Đăng ký thành lập hộ kinh doanh",
    )
    names = ("Nguyễn Thị Chi", "Hoàng Văn Dũng", "Công ty TNHH Thương mại Hà Giang Xanh")
    outcomes = (Outcome.EARLY, Outcome.ON_TIME, Outcome.LATE, "")
    rows = []
    for index in range(1, 31):
        received = at(2026, 2, 2 + index % 5, 8 + index % 8, (index * 7) % 60)
        outcome = outcomes[index % 4]
        finished = received + dt.timedelta(days=5) if outcome else None
        rows.append(
            RegisterRow(
                sequence=index + 130,
                code=f"000.00.12.H37-2602{2 + index % 5:02d}-{index:04d}",
                applicant=names[index % 3],
                procedure=procedures[index % 3],
                received_at=received,
                due_at=received + dt.timedelta(days=7),
                finished_at=finished,
                returned_at=finished + dt.timedelta(hours=2) if finished else None,
                outcome=outcome,
                note="Trả qua bưu điện" if index % 6 == 0 else "",
            )
        )
    return DossierRegister(
        agency=AGENCY,
        period_start=dt.date(2026, 2, 1),
        period_end=dt.date(2026, 2, 28),
        book_number="01/2026",
        issued_at=at(2026, 3, 1, 8, 0),
        rows=tuple(rows),
    )


ALL = {
    "01_receipt": receipt,
    "02_supplement_request": supplement_request,
    "03_refusal": refusal,
    "04_apology": apology,
    "05_control_sheet": control_sheet,
    "06_register": register,
}
