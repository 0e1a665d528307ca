"""Fixtures of the online application tests: the dossier tests' catalogue made full-online at
department A, with a published application form (``FORM``)."""

import copy

import pytest

from chinhquyen.dossiers.tests.conftest import (  # noqa: F401  (fixtures)
    PDF,
    at,
    catalogue,
    coded_orgs,
    pdf,
)

FORM = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "title": "Tờ khai",
    "required": ["applicant", "purpose", "copies", "agree"],
    "properties": {
        "applicant": {
            "type": "object",
            "title": "Người yêu cầu",
            "x-title-en": "Applicant",
            "required": ["full_name", "phone"],
            "properties": {
                "full_name": {
                    "type": "string",
                    "title": "Họ và tên",
                    "x-title-en": "Full name",
                    "maxLength": 100,
                    "x-prefill": "full_name",
                    "x-applicant": "name",
                },
                "phone": {
                    "type": "string",
                    "title": "Số điện thoại",
                    "x-title-en": "Phone number",
                    "format": "phone",
                    "x-prefill": "phone",
                    "x-applicant": "phone",
                },
                "email": {
                    "type": "string",
                    "title": "Thư điện tử",
                    "x-title-en": "E-mail",
                    "format": "email",
                    "x-prefill": "email",
                },
                "birth_date": {
                    "type": "string",
                    "title": "Ngày sinh",
                    "x-title-en": "Date of birth",
                    "format": "date",
                },
            },
        },
        "purpose": {
            "type": "string",
            "title": "Mục đích",
            "x-title-en": "Purpose",
            "enum": ["work", "study", "other"],
            "x-enum-titles": ["Xin việc", "Học tập", "Khác"],
            "x-enum-titles-en": ["Work", "Study", "Other"],
        },
        "copies": {
            "type": "integer",
            "title": "Số bản",
            "x-title-en": "Number of copies",
            "description": "Từ 1 đến 5 bản.",
            "x-description-en": "From 1 to 5 copies.",
            "minimum": 1,
            "maximum": 5,
        },
        "notes": {
            "type": "string",
            "title": "Ghi chú",
            "x-title-en": "Notes",
            "maxLength": 2000,
        },
        "agree": {
            "type": "boolean",
            "title": "Tôi cam đoan",
            "x-title-en": "I declare",
            "const": True,
        },
    },
}


def form_schema() -> dict:
    return copy.deepcopy(FORM)


@pytest.fixture
def it_tuan(org_tree):
    from chinhquyen.accounts.choices import Role
    from chinhquyen.conftest import make_role_holder

    return make_role_holder(
        "it_tuan",
        full_name="Vũ Đức Tuấn",
        organisation=org_tree.province,
        role=Role.IT_ADMIN,
        position="Quản trị công nghệ thông tin",
    )


@pytest.fixture
def online(catalogue, coded_orgs):  # noqa: F811
    """The catalogue procedure, full online at department A, with FORM published."""
    from chinhquyen.eforms.choices import FormStatus
    from chinhquyen.eforms.models import FormVersion
    from chinhquyen.procedures.choices import OnlineMode
    from chinhquyen.procedures.models import ProcedureVersion

    ProcedureVersion.objects.filter(pk=catalogue.version.pk).update(online_mode=OnlineMode.FULL)
    catalogue.version.online_mode = OnlineMode.FULL
    catalogue.version.implementing_agencies.add(coded_orgs.dept_a)
    FormVersion.objects.create(
        procedure=catalogue.procedure,
        number=1,
        status=FormStatus.PUBLISHED,
        schema=form_schema(),
        effective_from=at(2026, 1, 1, 0, 0),
    )
    return catalogue


VALID_POST = {
    "f.applicant.full_name": "Ngô Thị Chi",
    "f.applicant.phone": "0912 345 678",
    "f.applicant.email": "chi@example.vn",
    "f.applicant.birth_date": "05/03/1990",
    "f.purpose": "work",
    "f.copies": "2",
    "f.agree": "true",
}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Uploaded files go to a fresh directory per test (``media`` is its Path)."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


def stored_files(root) -> list[str]:
    """Every file under ``root`` (relative paths), to assert that nothing was stored."""
    if not root.exists():
        return []
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


@pytest.fixture
def draft_of(online):
    """``draft_of(citizen)`` starts an application of the online procedure."""
    from chinhquyen.eforms import services

    def start(citizen, **kwargs):
        return services.start_application(procedure=online.procedure, acting_user=citizen, **kwargs)

    return start
