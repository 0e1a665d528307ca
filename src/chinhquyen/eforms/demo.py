"""Demo application forms for a few procedures of the demo catalogue.

DEVELOPMENT DATA ONLY (``chinhquyen load_demo`` refuses to run in production). The forms are
illustrations of the conventions in docs/eforms.md, not the official declaration forms (tờ
khai) of the procedures: check each against its circular before real use. Made through the
services (``save_form_draft`` then ``publish_form``), in force from yesterday. One procedure
(death registration) is marked as served by the national public service portal, to show the
link instead of the form. Idempotent: a procedure that already has a form is left alone.
"""

from __future__ import annotations

import datetime
import json

from django.utils import timezone

from chinhquyen.audit.services import log_action
from chinhquyen.eforms import services
from chinhquyen.eforms.models import FormVersion, OnlineService
from chinhquyen.procedures.models import Procedure

SCHEMA = "https://json-schema.org/draft/2020-12/schema"
PHONE = {
    "type": "string",
    "title": "Số điện thoại",
    "x-title-en": "Phone number",
    "format": "phone",
    "x-prefill": "phone",
    "x-applicant": "phone",
}
EMAIL = {
    "type": "string",
    "title": "Thư điện tử",
    "x-title-en": "E-mail",
    "format": "email",
    "x-prefill": "email",
    "x-applicant": "email",
}
DECLARE = {
    "type": "boolean",
    "title": "Tôi cam đoan những nội dung khai trên đây là đúng sự thật",
    "x-title-en": "I declare that the information above is true",
    "const": True,
}
SEX = {
    "type": "string",
    "title": "Giới tính",
    "x-title-en": "Sex",
    "enum": ["nam", "nu"],
    "x-enum-titles": ["Nam", "Nữ"],
    "x-enum-titles-en": ["Male", "Female"],
}


def _applicant(extra: dict | None = None) -> dict:
    properties = {
        "full_name": {
            "type": "string",
            "title": "Họ, chữ đệm, tên",
            "x-title-en": "Full name",
            "maxLength": 100,
            "x-prefill": "full_name",
            "x-applicant": "name",
        },
        "id_number": {
            "type": "string",
            "title": "Số định danh cá nhân",
            "x-title-en": "Personal identification number",
            "description": "12 chữ số trên thẻ căn cước.",
            "x-description-en": "The 12 digits on the identity card.",
            "pattern": "^[0-9]{12}$",
            "x-pattern-message": "Nhập đúng 12 chữ số.",
            "x-pattern-message-en": "Enter exactly 12 digits.",
            "x-prefill": "id_number",
            "x-applicant": "id_number",
        },
        "phone": PHONE,
        "email": EMAIL,
        "address": {
            "type": "string",
            "title": "Nơi cư trú",
            "x-title-en": "Place of residence",
            "maxLength": 500,
            "x-widget": "text",
            "x-prefill": "address",
            "x-applicant": "address",
        },
        **(extra or {}),
    }
    return {
        "type": "object",
        "title": "Người yêu cầu",
        "x-title-en": "Applicant",
        "required": ["full_name", "id_number", "phone"],
        "properties": properties,
    }


def _person(title: str, title_en: str) -> dict:
    return {
        "type": "object",
        "title": title,
        "x-title-en": title_en,
        "required": ["full_name", "birth_date", "id_number"],
        "properties": {
            "full_name": {
                "type": "string",
                "title": "Họ, chữ đệm, tên",
                "x-title-en": "Full name",
                "maxLength": 100,
            },
            "birth_date": {
                "type": "string",
                "title": "Ngày, tháng, năm sinh",
                "x-title-en": "Date of birth",
                "format": "date",
            },
            "id_number": {
                "type": "string",
                "title": "Số định danh cá nhân",
                "x-title-en": "Personal identification number",
                "pattern": "^[0-9]{12}$",
                "x-pattern-message": "Nhập đúng 12 chữ số.",
                "x-pattern-message-en": "Enter exactly 12 digits.",
            },
            "ethnicity": {"type": "string", "title": "Dân tộc", "x-title-en": "Ethnicity"},
            "marriages": {
                "type": "integer",
                "title": "Kết hôn lần thứ mấy",
                "x-title-en": "Marriage number",
                "minimum": 1,
                "maximum": 10,
            },
        },
    }


DEMO_FORMS: dict[str, dict] = {
    # Birth registration (full online).
    "1.001193": {
        "$schema": SCHEMA,
        "type": "object",
        "title": "Tờ khai đăng ký khai sinh",
        "x-title-en": "Birth registration",
        "required": ["applicant", "relationship", "child", "declare"],
        "properties": {
            "applicant": _applicant(),
            "relationship": {
                "type": "string",
                "title": "Quan hệ với người được khai sinh",
                "x-title-en": "Relationship to the child",
                "enum": ["cha", "me", "ong_ba", "khac"],
                "x-enum-titles": ["Cha", "Mẹ", "Ông, bà", "Người thân thích khác"],
                "x-enum-titles-en": ["Father", "Mother", "Grandparent", "Other relative"],
            },
            "child": {
                "type": "object",
                "title": "Người được khai sinh",
                "x-title-en": "The child",
                "required": ["full_name", "sex", "birth_date", "birth_place"],
                "properties": {
                    "full_name": {
                        "type": "string",
                        "title": "Họ, chữ đệm, tên",
                        "x-title-en": "Full name",
                        "maxLength": 100,
                    },
                    "sex": SEX,
                    "birth_date": {
                        "type": "string",
                        "title": "Ngày, tháng, năm sinh",
                        "x-title-en": "Date of birth",
                        "format": "date",
                    },
                    "birth_place": {
                        "type": "string",
                        "title": "Nơi sinh",
                        "x-title-en": "Place of birth",
                        "description": "Tên cơ sở y tế, hoặc địa chỉ nơi sinh.",
                        "x-description-en": "The hospital or health centre, or the address.",
                        "maxLength": 300,
                    },
                    "ethnicity": {
                        "type": "string",
                        "title": "Dân tộc",
                        "x-title-en": "Ethnicity",
                        "maxLength": 50,
                    },
                },
            },
            "copies": {
                "type": "integer",
                "title": "Số bản sao trích lục yêu cầu",
                "x-title-en": "Copies of the extract requested",
                "minimum": 0,
                "maximum": 10,
            },
            "declare": DECLARE,
        },
    },
    # Copy of a civil-status extract (full online).
    "2.000635": {
        "$schema": SCHEMA,
        "type": "object",
        "title": "Tờ khai cấp bản sao trích lục hộ tịch",
        "x-title-en": "Copy of a civil-status extract",
        "required": ["applicant", "kind", "person_name", "copies", "declare"],
        "properties": {
            "applicant": _applicant(),
            "kind": {
                "type": "string",
                "title": "Loại việc hộ tịch",
                "x-title-en": "Civil-status event",
                "enum": ["khai_sinh", "ket_hon", "khai_tu", "giam_ho", "nhan_cha_me_con", "khac"],
                "x-enum-titles": [
                    "Khai sinh",
                    "Kết hôn",
                    "Khai tử",
                    "Giám hộ",
                    "Nhận cha, mẹ, con",
                    "Khác",
                ],
                "x-enum-titles-en": [
                    "Birth",
                    "Marriage",
                    "Death",
                    "Guardianship",
                    "Recognition of parentage",
                    "Other",
                ],
            },
            "person_name": {
                "type": "string",
                "title": "Họ tên người được cấp trích lục",
                "x-title-en": "Name of the person on the extract",
                "maxLength": 100,
            },
            "registered_on": {
                "type": "string",
                "title": "Ngày đăng ký (nếu biết)",
                "x-title-en": "Date registered (if known)",
                "format": "date",
            },
            "copies": {
                "type": "integer",
                "title": "Số bản sao",
                "x-title-en": "Number of copies",
                "minimum": 1,
                "maximum": 10,
            },
            "purpose": {
                "type": "string",
                "title": "Mục đích sử dụng",
                "x-title-en": "Purpose",
                "maxLength": 1000,
            },
            "declare": DECLARE,
        },
    },
    # Marriage registration (partial online: both come to the commune to sign).
    "1.000894": {
        "$schema": SCHEMA,
        "type": "object",
        "title": "Tờ khai đăng ký kết hôn",
        "x-title-en": "Marriage registration",
        "required": ["applicant", "bride", "groom", "declare"],
        "properties": {
            "applicant": _applicant(),
            "bride": _person("Bên nữ", "Bride"),
            "groom": _person("Bên nam", "Groom"),
            "preferred_days": {
                "type": "array",
                "title": "Ngày có thể đến ký Giấy chứng nhận kết hôn",
                "x-title-en": "Days you can come to sign the marriage certificate",
                "items": {
                    "type": "string",
                    "enum": ["t2", "t3", "t4", "t5", "t6"],
                    "x-enum-titles": ["Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu"],
                    "x-enum-titles-en": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"],
                },
                "minItems": 1,
                "uniqueItems": True,
            },
            "declare": DECLARE,
        },
    },
    # Copy of a diploma from the master register (full online).
    "DEMO-12": {
        "$schema": SCHEMA,
        "type": "object",
        "title": "Đơn đề nghị cấp bản sao văn bằng, chứng chỉ từ sổ gốc",
        "x-title-en": "Copy of a diploma or certificate from the master register",
        "required": ["applicant", "diploma", "copies", "declare"],
        "properties": {
            "applicant": _applicant(),
            "diploma": {
                "type": "object",
                "title": "Văn bằng, chứng chỉ",
                "x-title-en": "Diploma or certificate",
                "required": ["kind", "holder", "year"],
                "properties": {
                    "kind": {
                        "type": "string",
                        "title": "Loại văn bằng",
                        "x-title-en": "Kind",
                        "enum": ["thpt", "thcs", "ngoai_ngu", "tin_hoc"],
                        "x-enum-titles": [
                            "Bằng tốt nghiệp trung học phổ thông",
                            "Bằng tốt nghiệp trung học cơ sở",
                            "Chứng chỉ ngoại ngữ",
                            "Chứng chỉ tin học",
                        ],
                        "x-enum-titles-en": [
                            "Upper secondary diploma",
                            "Lower secondary diploma",
                            "Foreign-language certificate",
                            "IT certificate",
                        ],
                        "x-widget": "select",
                    },
                    "holder": {
                        "type": "string",
                        "title": "Họ tên người được cấp",
                        "x-title-en": "Holder's name",
                        "maxLength": 100,
                    },
                    "year": {
                        "type": "integer",
                        "title": "Năm tốt nghiệp / năm cấp",
                        "x-title-en": "Year of graduation or issue",
                        "minimum": 1945,
                        "maximum": 2100,
                    },
                    "number": {
                        "type": "string",
                        "title": "Số hiệu văn bằng (nếu biết)",
                        "x-title-en": "Diploma number (if known)",
                        "maxLength": 50,
                    },
                },
            },
            "copies": {
                "type": "integer",
                "title": "Số bản sao",
                "x-title-en": "Number of copies",
                "minimum": 1,
                "maximum": 5,
            },
            "declare": DECLARE,
        },
    },
}

# Served by the national public service portal: a link there instead of a form.
NATIONAL_PORTAL = {"1.000656": "https://dichvucong.gov.vn/"}
COUNTER_NOTES = {
    "1.000894": (
        "Hai bên nam, nữ có mặt tại Ủy ban nhân dân xã để ký Giấy chứng nhận kết hôn.",
        "Both the bride and the groom come to the commune People's Committee to sign the "
        "marriage certificate.",
    )
}


def load_demo_forms(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """Publish the demo forms (in force from yesterday) and the national-portal settings."""
    now = now or timezone.now()
    created = 0
    procedures = {
        p.national_code: p
        for p in Procedure.objects.filter(national_code__in=[*DEMO_FORMS, *NATIONAL_PORTAL])
    }
    with_forms = set(
        FormVersion.objects.filter(procedure__in=procedures.values()).values_list(
            "procedure__national_code", flat=True
        )
    )
    for code, schema in DEMO_FORMS.items():
        procedure = procedures.get(code)
        if procedure is None or code in with_forms:
            continue
        draft = services.save_form_draft(
            procedure=procedure,
            schema_text=json.dumps(schema, ensure_ascii=False),
            acting_user=None,
        )
        services.publish_form(
            draft, effective_from=now - datetime.timedelta(days=1), acting_user=None
        )
        created += 1
    configured = set(
        OnlineService.objects.filter(procedure__in=procedures.values()).values_list(
            "procedure__national_code", flat=True
        )
    )
    for code, url in NATIONAL_PORTAL.items():
        if code in procedures and code not in configured:
            services.set_online_service(
                procedure=procedures[code],
                national_portal=True,
                national_portal_url=url,
                acting_user=None,
            )
    for code, (note, note_en) in COUNTER_NOTES.items():
        if code in procedures and code not in configured:
            services.set_online_service(
                procedure=procedures[code],
                national_portal=False,
                counter_note=note,
                counter_note_en=note_en,
                acting_user=None,
            )
    if created:
        log_action("eforms.load_demo_forms", details={"created": created})
    return {"created": created, "forms": len(DEMO_FORMS)}
