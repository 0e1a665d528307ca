"""The periodic IT report as files: Excel (.xlsx, openpyxl) and PDF (WeasyPrint).

Both are laid out from :class:`services.report.ReportData` and :data:`INDICATORS`, the one
list of lines the report shows (Vietnamese and English label, the figure per level), so the
page, the workbook and the PDF cannot disagree. The workbook holds values (no formulas), so
any spreadsheet program shows the same numbers; LibreOffice opens it (tested).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.template.loader import render_to_string
from django.utils import timezone, translation

from chinhquyen.infrastructure.choices import ReportLevel
from chinhquyen.infrastructure.services.report import LevelFigures, ReportData, pct

LEVEL_HEADERS = {
    ReportLevel.PROVINCE: ("Cấp tỉnh (sở, ban, ngành)", "Province agencies"),
    ReportLevel.DISTRICT: ("Cấp huyện (trước 01/7/2025)", "Districts (historic)"),
    ReportLevel.COMMUNE: ("Cấp xã", "Communes"),
    "total": ("Toàn tỉnh", "Province total"),
}


@dataclass(frozen=True)
class Indicator:
    number: str
    vi: str
    en: str
    value: Callable[[LevelFigures], object]
    unit: str = ""


INDICATORS: list[Indicator] = [
    Indicator(
        "1",
        "Số cơ quan đã gửi / tổng số cơ quan",
        "Agencies submitted / agencies",
        lambda f: f"{f.submitted}/{f.agencies}",
    ),
    Indicator("2", "Cán bộ, công chức, viên chức", "Officials", lambda f: f.officials),
    Indicator("3", "Máy tính", "Computers", lambda f: f.computers),
    Indicator(
        "4", "Tỷ lệ máy tính / cán bộ", "Computers per official", lambda f: f.computers_per_official
    ),
    Indicator(
        "5",
        "Tỷ lệ máy tính kết nối mạng LAN",
        "Computers on the LAN",
        lambda f: f.computers_lan_share,
        "%",
    ),
    Indicator(
        "6",
        "Tỷ lệ máy tính kết nối Internet",
        "Computers on the Internet",
        lambda f: f.computers_internet_share,
        "%",
    ),
    Indicator("7", "Tỷ lệ cơ quan có mạng LAN", "Agencies with a LAN", lambda f: f.lan_share, "%"),
    Indicator(
        "8",
        "Tỷ lệ cơ quan kết nối mạng truyền số liệu chuyên dùng",
        "Agencies on the specialised data network",
        lambda f: f.data_network_share,
        "%",
    ),
    Indicator(
        "9",
        "Băng thông Internet bình quân (Mbps/cơ quan)",
        "Average Internet bandwidth (Mbps per agency)",
        lambda f: f.average_internet_mbps,
    ),
    Indicator(
        "10",
        "Tỷ lệ cơ quan có tường lửa",
        "Agencies with a firewall",
        lambda f: f.firewall_share,
        "%",
    ),
    Indicator(
        "11",
        "Tỷ lệ cơ quan có phần mềm diệt virus bản quyền",
        "Agencies with licensed antivirus",
        lambda f: f.antivirus_share,
        "%",
    ),
    Indicator(
        "12",
        "Tỷ lệ máy tính có phần mềm diệt virus bản quyền",
        "Computers with licensed antivirus",
        lambda f: f.antivirus_computer_share,
        "%",
    ),
    Indicator(
        "13",
        "Tỷ lệ cơ quan có Wi-Fi (số điểm truy cập)",
        "Agencies with Wi-Fi (access points)",
        lambda f: f"{_num(f.wifi_share)} % ({f.wifi_access_points})",
    ),
    Indicator(
        "14",
        "Tỷ lệ cán bộ có thư điện tử công vụ",
        "Officials with official e-mail",
        lambda f: f.email_share,
        "%",
    ),
    Indicator("15", "Máy chủ", "Servers", lambda f: f.servers),
    Indicator(
        "16", "Điểm cầu truyền hình trực tuyến", "Video-conference endpoints", lambda f: f.endpoints
    ),
    Indicator("17", "Chứng thư số", "Digital certificates", lambda f: f.certificates),
    Indicator(
        "18",
        "Cán bộ chuyên trách CNTT (có bằng CNTT)",
        "IT staff (with an IT degree)",
        lambda f: f"{f.it_staff} ({f.it_staff_degrees})",
    ),
    Indicator(
        "19",
        "Lớp đào tạo CNTT / lượt người",
        "IT training sessions / trainees",
        lambda f: f"{f.training_sessions} / {f.trainees}",
    ),
]

ENDPOINT_LEVEL_LABELS = {
    "province": ("Cấp tỉnh", "Province"),
    "department": ("Sở, ngành", "Departments and agencies"),
    "commune": ("Cấp xã", "Communes"),
}
CERTIFICATE_LABELS = {
    "organisational": ("Chứng thư số tổ chức", "Organisational"),
    "personal": ("Chứng thư số cá nhân", "Personal"),
    "sim": ("Chứng thư số trên SIM", "On a SIM"),
}
MODE_LABELS = {
    "full": ("Toàn trình", "Full online"),
    "partial": ("Một phần", "Partial online"),
    "none": ("Chưa trực tuyến", "Not online"),
}
PROCEDURE_LEVEL_LABELS = {
    "province": ("Cấp tỉnh", "Province"),
    "district": ("Cấp huyện (trước 01/7/2025)", "District (historic)"),
    "commune": ("Cấp xã", "Commune"),
}
STATUS_LABELS = {
    "submitted": ("Đã gửi", "Submitted"),
    "draft": ("Đang nhập", "Draft"),
    "missing": ("Chưa kê khai", "Not started"),
}


def _num(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, Decimal):
        return f"{value:,.2f}".rstrip("0").rstrip(".") if value % 1 else f"{value:,.0f}"
    return str(value)


def display(value, unit: str = "") -> str:
    text = _num(value)
    return f"{text} {unit}".strip() if unit and text != "—" else text


def indicator_table(data: ReportData) -> tuple[list[tuple[str, str]], list[list[str]]]:
    """Headers (vi, en) per level column and one row per indicator, as display strings."""
    columns = [*data.levels_shown, data.total]
    headers = [LEVEL_HEADERS[f.level] for f in columns]
    rows = [
        [ind.number, ind.vi, ind.en, *[display(ind.value(f), ind.unit) for f in columns]]
        for ind in INDICATORS
    ]
    return headers, rows


def _cell(value):
    """A value openpyxl writes as a number when it is one."""
    if isinstance(value, Decimal):
        return float(value)
    return "—" if value is None else value


def build_workbook(data: ReportData) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    bold = Font(bold=True)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Báo cáo"
    sheet.append([data.basis.title_vi])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append([data.basis.title_en])
    sheet.append([f"Năm báo cáo / Year: {data.year}", f"Phạm vi / Scope: {data.root.name}"])
    sheet.append([f"Căn cứ / Legal basis: {data.basis.legal_basis}"])
    due = data.due_before
    sheet.append([f"Hạn gửi: trước ngày {due:%d/%m/%Y} / Due before {due:%d %B %Y}"])
    sheet.append(
        [
            "Số liệu tại / Figures as of: "
            f"{timezone.localtime(data.snapshot):%d/%m/%Y %H:%M}; lập lúc / generated: "
            f"{timezone.localtime(data.generated_at):%d/%m/%Y %H:%M}"
            + ("; năm đã khóa / year locked" if data.locked else "")
        ]
    )
    sheet.append([f"Ghi chú: {data.basis.note_vi}"])
    sheet.append([f"Note: {data.basis.note_en}"])
    for row in (7, 8):
        sheet.cell(row=row, column=1).alignment = Alignment(wrap_text=True, vertical="top")
    sheet.append([])
    columns = [*data.levels_shown, data.total]
    header = ["STT", "Chỉ tiêu", "Indicator", *[LEVEL_HEADERS[f.level][0] for f in columns]]
    sheet.append(header)
    for cell in sheet[sheet.max_row]:
        cell.font = bold
    for ind in INDICATORS:
        values = []
        for figures in columns:
            value = ind.value(figures)
            values.append(_cell(value) if not isinstance(value, str) else value)
        sheet.append([ind.number, ind.vi + (f" ({ind.unit})" if ind.unit else ""), ind.en, *values])

    sheet.append([])
    sheet.append(["", "Điểm cầu truyền hình theo cấp", "Video-conference endpoints by level"])
    sheet[sheet.max_row][1].font = bold
    for level, count in data.endpoints_by_level.items():
        vi, en = ENDPOINT_LEVEL_LABELS.get(level, (level, level))
        sheet.append(["", vi, en, count])
    sheet.append([])
    sheet.append(["", "Chứng thư số còn hiệu lực", "Valid digital certificates"])
    sheet[sheet.max_row][1].font = bold
    for kind, count in data.certificates.items():
        vi, en = CERTIFICATE_LABELS[kind]
        sheet.append(["", vi, en, count])
    sheet.append([])
    sheet.append(
        [
            "",
            "Dịch vụ công trực tuyến",
            "Online public services",
            "Cấp / Level",
            *[MODE_LABELS[m][0] for m in MODE_LABELS],
            "Tổng / Total",
        ]
    )
    sheet[sheet.max_row][1].font = bold
    for level, modes in data.online_services.items():
        vi, en = PROCEDURE_LEVEL_LABELS.get(level, (level, level))
        sheet.append(
            ["", vi, en, level, *[modes.get(m, 0) for m in MODE_LABELS], sum(modes.values())]
        )
    totals = data.online_totals
    sheet.append(
        ["", "Tổng", "Total", "", *[totals.get(m, 0) for m in MODE_LABELS], sum(totals.values())]
    )
    sheet.append(
        ["", "Tỷ lệ toàn trình (%)", "Full online share (%)", _cell(data.full_online_share)]
    )
    sheet.append([])
    docs = data.documents
    sheet.append(["", "Văn bản điện tử", "Electronic documents"])
    sheet[sheet.max_row][1].font = bold
    for key, vi, en in (
        ("incoming", "Văn bản đến", "Documents received"),
        ("incoming_electronic", "Văn bản đến điện tử", "received electronically"),
        ("outgoing", "Văn bản đi", "Documents issued"),
        ("outgoing_electronic", "Văn bản đi điện tử", "issued electronically"),
        ("signed_digitally", "Văn bản đi ký số", "issued with a digital signature"),
        ("electronic_share", "Tỷ lệ văn bản điện tử (%)", "Electronic share (%)"),
    ):
        sheet.append(["", vi, en, _cell(docs[key])])
    sheet.column_dimensions["A"].width = 6
    sheet.column_dimensions["B"].width = 48
    sheet.column_dimensions["C"].width = 40
    for letter in "DEFGHI":
        sheet.column_dimensions[letter].width = 18

    agencies = workbook.create_sheet("Theo cơ quan")
    head = [
        "Mã đơn vị",
        "Cơ quan",
        "Cấp",
        "Trạng thái",
        "Cán bộ",
        "Máy tính",
        "Máy tính LAN",
        "Máy tính Internet",
        "Mạng LAN",
        "Internet (Mbps)",
        "TSLCD",
        "TSLCD (Mbps)",
        "Tường lửa",
        "Số lớp",
        "Diệt virus (bản quyền)",
        "Wi-Fi",
        "Điểm truy cập Wi-Fi",
        "Cán bộ có thư điện tử",
        "Cán bộ CNTT",
        "Có bằng CNTT",
        "Lớp đào tạo",
        "Lượt học viên",
        "Máy chủ",
        "Điểm cầu",
        "CTS tổ chức",
        "CTS cá nhân",
        "CTS SIM",
    ]
    agencies.append(head)
    for cell in agencies[1]:
        cell.font = bold
    yes_no = {True: "Có", False: "Không"}
    for row in data.rows:
        inv = row.inventory
        line = [
            row.agency.code,
            row.agency.name,
            LEVEL_HEADERS[row.agency.level][0],
            STATUS_LABELS[row.status][0],
        ]
        if inv is not None:
            line += [
                inv.officials,
                inv.computers,
                inv.computers_lan,
                inv.computers_internet,
                yes_no[inv.has_lan],
                inv.internet_mbps,
                yes_no[inv.data_network],
                inv.data_network_mbps,
                inv.firewall_model,
                inv.firewall_layers,
                inv.antivirus_seats,
                yes_no[inv.has_wifi],
                inv.wifi_access_points,
                inv.officials_with_email,
                inv.it_staff,
                inv.it_staff_degrees,
                inv.training_sessions,
                inv.trainees,
            ]
        else:
            line += [""] * 18
        line += [
            row.servers,
            row.endpoints,
            row.certificates_organisational,
            row.certificates_personal,
            row.certificates_sim,
        ]
        agencies.append(line)
    agencies.column_dimensions["B"].width = 42
    agencies.freeze_panes = "C2"

    servers = workbook.create_sheet("Máy chủ")
    servers.append(
        [
            "Cơ quan",
            "Máy chủ",
            "Vị trí",
            "Vai trò",
            "Hệ điều hành",
            "Trạng thái",
            "Hệ thống chạy trên máy chủ",
        ]
    )
    for cell in servers[1]:
        cell.font = bold
    with translation.override("vi"):
        for server in data.servers:
            servers.append(
                [
                    server.organisation.name,
                    server.name,
                    server.location,
                    server.role,
                    server.operating_system,
                    str(server.get_status_display()),
                    ", ".join(s.name for s in server.services.all()),
                ]
            )
    servers.column_dimensions["A"].width = 40
    servers.column_dimensions["G"].width = 60
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def render_report_html(data: ReportData) -> str:
    headers, rows = indicator_table(data)
    context = {
        "data": data,
        "headers": headers,
        "indicator_rows": rows,
        "endpoint_rows": [
            (*ENDPOINT_LEVEL_LABELS.get(level, (level, level)), count)
            for level, count in data.endpoints_by_level.items()
        ],
        "certificate_rows": [
            (*CERTIFICATE_LABELS[kind], count) for kind, count in data.certificates.items()
        ],
        "mode_labels": list(MODE_LABELS.values()),
        "online_rows": [
            (
                *PROCEDURE_LEVEL_LABELS.get(level, (level, level)),
                [modes.get(m, 0) for m in MODE_LABELS],
                sum(modes.values()),
            )
            for level, modes in data.online_services.items()
        ],
        "online_totals": [data.online_totals.get(m, 0) for m in MODE_LABELS],
        "online_total": sum(data.online_totals.values()),
        "full_online_share": display(data.full_online_share, "%"),
        "electronic_share": display(data.documents["electronic_share"], "%"),
        "agency_rows": [
            (row, LEVEL_HEADERS[row.agency.level][0], STATUS_LABELS[row.status])
            for row in data.rows
        ],
        "missing": [row for row in data.rows if not row.counted],
        "pct": pct,
    }
    with translation.override("vi"):
        return render_to_string("infrastructure/report_pdf.html", context)


def build_pdf(data: ReportData) -> bytes:
    """The report as an A4 PDF (WeasyPrint, no network access, Liberation fonts)."""
    from chinhquyen.dossiers.slips.render import PACKAGE_DIR, local_only_url_fetcher

    try:
        import weasyprint
    except (ImportError, OSError) as error:  # pragma: no cover - Pango missing
        raise RuntimeError("WeasyPrint cannot load (install Pango and fonts)") from error
    html = render_report_html(data)
    return weasyprint.HTML(
        string=html, base_url=PACKAGE_DIR.as_uri() + "/", url_fetcher=local_only_url_fetcher()
    ).write_pdf()
